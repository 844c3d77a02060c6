"""总览 Overview: the campaign on one screen (real numbers from the database)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import charts, queries, scoring, ui
from lib.i18n import current_lang, fmt_date, fmt_pct, fmt_period, phase_label, status_label, t
from lib.periods import reporting_period

user = ui.current_user()
ui.require_action(user, "read.overview")
lang = current_lang()
campaign_id = ui.selected_campaign_id()
if campaign_id is None:
    st.title(t("page.overview"))
    st.info(t("overview.no_campaign"))
    st.stop()

header = queries.campaign_header(campaign_id)
if header is None:
    st.info(t("overview.no_campaign"))
    st.stop()

today = queries.today()
start, end = header["start_date"], header["end_date"]
period = reporting_period(start, end, today)
settings = scoring.campaign_settings(header["settings"])
thresholds = scoring.Thresholds.from_settings(header["settings"])

name = header["name"] if lang == "zh" else (header["name_en"] or header["name"])
st.title(name)
colon = t("punct.colon")
meta = [
    f"{t('overview.organiser')}{colon}{header['organiser'] or '—'}",
    f"{t('overview.dates')}{colon}{fmt_date(start)} – {fmt_date(end)}",
]
if header["theme"]:
    meta.append(f"{t('overview.theme')}{colon}{header['theme']}")
st.caption(" · ".join(meta))

total_days = (end - start).days + 1
if today < start:
    progress_text = t("overview.not_started_yet", days=(start - today).days)
elif today > end:
    progress_text = t("overview.ended", date=fmt_date(end))
else:
    day = (today - start).days + 1
    progress_text = (
        t("overview.day_of", day=day, total=total_days)
        + " · "
        + t("overview.days_left", days=(end - today).days)
    )
current_phase = next(
    (p for p in header["phases"] if p["start_date"] <= today <= p["end_date"]), None
)
phase_text = (
    f"{phase_label(current_phase['name'], current_phase['kind'])} ({fmt_date(current_phase['start_date'])} – "
    f"{fmt_date(current_phase['end_date'])})"
    if current_phase
    else t("overview.no_phase")
)
col_a, col_b = st.columns([1, 2])
col_a.metric(
    t("overview.current_phase"),
    phase_label(current_phase["name"], current_phase["kind"]) if current_phase else "—",
    help=phase_text,
)
col_b.markdown(f"#### {progress_text}\n{t('overview.period')}{colon}{fmt_period(period)}")

if header["phases"]:
    phases = pd.DataFrame(
        [
            {
                "name": p["name"]
                if lang == "zh"
                else f"{p['seq']}. {phase_label(p['name'], p['kind'])}",
                "start": p["start_date"],
                "end": p["end_date"],
            }
            for p in header["phases"]
        ]
    )
    st.altair_chart(charts.phase_timeline(phases, today, lang), width="stretch")

progress = queries.assignment_progress(campaign_id, period)
if progress.empty:
    st.info(t("overview.no_tasks"))
    st.stop()

assignments = scoring.assignment_statuses(
    progress,
    today=today,
    period=period,
    campaign_start=start,
    campaign_end=end,
    thresholds=thresholds,
    report_day=int(settings["report_day"]),
)
tasks = scoring.task_statuses(
    assignments, today=today, campaign_start=start, campaign_end=end, thresholds=thresholds
)
completion = scoring.weighted_completion(list(zip(tasks["percent"], tasks["weight"], strict=True)))
expected = scoring.weighted_completion(list(zip(tasks["expected"], tasks["weight"], strict=True)))
counts = tasks["status"].value_counts()
reported, due_reports = scoring.report_rate(assignments)

m1, m2, m3, m4, m5 = st.columns(5)
m1.metric(
    t("overview.completion"),
    fmt_pct(completion),
    delta=t("overview.vs_expected", value=f"{completion - expected:+.1f}"),
    help=t("overview.completion_help"),
)
m1.caption(t("overview.expected", value=fmt_pct(expected)))
m2.metric(t("overview.tasks_done"), f"{int(counts.get('done', 0))} / {len(tasks)}")
m3.metric(t("overview.tasks_behind"), int(counts.get("behind", 0) + counts.get("at_risk", 0)))
m4.metric(t("overview.tasks_overdue"), int(counts.get("overdue", 0)))
m5.metric(
    t("overview.report_rate"),
    fmt_pct(100.0 * reported / due_reports if due_reports else None),
    help=t("overview.report_rate_help"),
)
m5.caption(t("overview.reports_of", done=reported, total=due_reports))

left, right = st.columns([1, 1])
with left:
    st.subheader(t("overview.status_chart"))
    status_counts = pd.DataFrame(
        {
            "status": list(scoring.STATUSES),
            "count": [int(counts.get(s, 0)) for s in scoring.STATUSES],
        }
    )
    st.altair_chart(charts.status_bar(status_counts, lang), width="stretch")
with right:
    st.subheader(t("overview.satisfaction"))
    trend = queries.indicator_trend(campaign_id, "patient", period)
    if trend.empty:
        st.info(t("overview.no_satisfaction"))
    else:
        latest_period = trend["period"].max()
        latest = trend[trend["period"] == latest_period]
        mean_value = float(latest["value"].mean())
        prev = trend[trend["period"] < latest_period]
        delta = None
        if not prev.empty:
            prev_mean = float(prev[prev["period"] == prev["period"].max()]["value"].mean())
            delta = f"{mean_value - prev_mean:+.2f}"
        target = header["target_satisfaction"]
        st.metric(
            f"{t('overview.satisfaction')} · {fmt_period(latest_period)}",
            f"{mean_value:.2f}",
            delta=delta,
        )
        if target:
            st.caption(t("overview.satisfaction_target", value=f"{target:g}"))

st.subheader(t("overview.lagging"))
lagging = tasks[tasks["status"].isin(["behind", "at_risk", "overdue"])]
if lagging.empty:
    st.success(t("overview.no_lagging"))
else:
    severity = {"overdue": 0, "at_risk": 1, "behind": 2}
    lagging = lagging.assign(_order=lagging["status"].map(severity)).sort_values(
        ["_order", "due_date"]
    )
    table = pd.DataFrame(
        {
            t("col.code"): lagging["code"],
            t("col.task"): lagging["title"],
            t("col.departments"): lagging["departments"]
            if lang == "zh"
            else lagging["departments_en"],
            t("col.progress"): lagging["percent"].round(0),
            t("col.expected"): lagging["expected"].round(0),
            t("col.due"): [fmt_date(d) for d in lagging["due_date"]],
            t("col.status"): [status_label(s) for s in lagging["status"]],
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            t("col.progress"): st.column_config.ProgressColumn(
                t("col.progress"), min_value=0, max_value=100, format="%d%%"
            ),
            t("col.expected"): st.column_config.NumberColumn(format="%d%%"),
        },
    )
