"""总览 Overview: the whole campaign on one screen, and what changed since last week."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from lib.domain import scoring
from lib.i18n import each, fmt_date, fmt_pct, fmt_period, local_col, phase_label, status_label, t
from lib.read import cache, queries, views
from lib.ui import charts, page, tables

pg = page.open("read.overview", campaign="view", title_if_empty="page.overview")
ctx, lang = pg.view, pg.lang
header, today, period = ctx.header, ctx.today, ctx.period
start, end = ctx.start, ctx.end
name_col = local_col("department")

st.title(page.campaign_name(header))
colon = t("punct.colon")
meta = [
    page.md("{label}{colon}{value}", label=t("overview.organiser"), colon=colon,
            value=header.organiser or "—"),
    page.md("{label}{colon}{start} – {end}", label=t("overview.dates"), colon=colon,
            start=fmt_date(start), end=fmt_date(end)),
]  # fmt: skip
if header.theme:
    meta.append(
        page.md("{label}{colon}{value}", label=t("overview.theme"), colon=colon, value=header.theme)
    )
st.caption(page.md_join(" · ", meta))

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
current_phase = header.phase_at(today)
phase_text = (
    page.md(
        "{phase} ({start} – {end})",
        phase=phase_label(current_phase.name, current_phase.kind),
        start=fmt_date(current_phase.start_date),
        end=fmt_date(current_phase.end_date),
    )
    if current_phase
    else t("overview.no_phase")
)
col_a, col_b = st.columns([1, 2])
col_a.metric(
    t("overview.current_phase"),
    phase_label(current_phase.name, current_phase.kind) if current_phase else "—",
    help=phase_text,
)
col_b.markdown(
    page.md(
        "#### {progress}\n{label}{colon}{period}",
        progress=progress_text,
        label=t("overview.period"),
        colon=colon,
        period=fmt_period(period),
    )
)

phases = views.phase_timeline(header, lang)
if not phases.empty:
    page.chart(charts.phase_timeline(phases, today, lang), phases, key="phases")

live = period == views.campaign_periods(ctx)[-1]
before_ctx = views.week_ago(ctx) if live else None
as_of = dt.datetime.combine(before_ctx.today, dt.time.max) if before_ctx else None
# the week-ago task table and the ranking are read while this week's table is worked
# out (at province scale each is a second of database time)
if before_ctx:
    cache.prefetch(views.task_table, before_ctx, as_of)
cache.prefetch(views.ranking, ctx)
now = views.overview_numbers(ctx)
if not now["tasks"]:
    st.info(t("overview.no_tasks"))
    st.stop()
before = views.overview_numbers(before_ctx, as_of) if before_ctx else None


def _delta(key: str, digits: int = 0) -> str | None:
    if not before or before.get("tasks", 0) == 0 or before.get(key) is None:
        return None
    diff = round(float(now[key] or 0) - float(before[key] or 0), digits)
    if diff == 0:
        return None  # no arrow for "no change"
    return t("overview.wow", value=f"{diff:+.{digits}f}")


m1, m2, m3, m4, m5 = st.columns(5)
m1.metric(
    t("overview.completion"),
    fmt_pct(now["completion"]),
    delta=_delta("completion", 1),
    help=t("overview.completion_help"),
)
m1.caption(t("overview.expected", value=fmt_pct(now["expected"])))
m2.metric(t("overview.tasks_done"), f"{now['done']} / {now['tasks']}", delta=_delta("done"))
m2.caption(page.md("overview.on_track_count", count=now["on_track"]))
m3.metric(
    t("overview.tasks_behind"),
    now["behind_or_at_risk"],
    delta=_delta("behind_or_at_risk"),
    delta_color="inverse",
)
m3.caption(page.md("overview.behind_split", behind=now["behind"], at_risk=now["at_risk"]))
m4.metric(
    t("overview.tasks_overdue"), now["overdue"], delta=_delta("overdue"), delta_color="inverse"
)
m5.metric(
    t("overview.report_rate"),
    fmt_pct(now["report_rate"]),
    delta=_delta("report_rate", 1),
    help=t("overview.report_rate_help"),
)
m5.caption(page.md("overview.reports_of", done=now["reported"], total=now["reports_due"]))
if before:
    st.caption(t("overview.wow_help", date=fmt_date(before_ctx.today if before_ctx else today)))

left, right = st.columns([1, 1])
with left:
    st.subheader(t("overview.status_chart"))
    status_counts = pd.DataFrame(
        {"status": list(scoring.STATUSES), "count": [now[s] for s in scoring.STATUSES]}
    )
    page.chart(
        charts.status_bar(status_counts, lang),
        status_counts.assign(status=[status_label(s) for s in status_counts["status"]]),
        key="status",
    )
with right:
    st.subheader(t("overview.satisfaction"))
    trend = queries.indicator_trend(ctx.campaign_id, "patient", period)
    trend = trend[trend["unit"] != "件"] if not trend.empty else trend
    if trend.empty:
        st.info(t("overview.no_satisfaction"))
    else:
        latest_period = trend["period"].max()
        mean_value = float(trend[trend["period"] == latest_period]["value"].mean())
        prev = trend[trend["period"] < latest_period]
        delta = None
        if not prev.empty:
            prev_mean = float(prev[prev["period"] == prev["period"].max()]["value"].mean())
            delta = t("overview.vs_last_month", value=f"{mean_value - prev_mean:+.2f}")
        target = header.target_satisfaction
        st.metric(
            f"{t('overview.satisfaction')} · {fmt_period(latest_period)}",
            f"{mean_value:.2f}",
            delta=delta,
        )
        if target:
            gap = mean_value - float(target)
            st.caption(
                t("overview.satisfaction_target", value=f"{target:g}")
                + " · "
                + t("overview.gap", value=f"{gap:+.2f}")
            )

ranked = views.ranking(ctx)
if not ranked.empty:
    st.subheader(t("overview.top_bottom"))
    best, worst = st.columns(2)
    for column, frame, title in (
        (best, ranked.head(3), t("overview.top3")),
        (worst, ranked.tail(3).iloc[::-1], t("overview.bottom3")),
    ):
        with column:
            st.markdown(page.md("**{title}**", title=title))
            for r in frame.itertuples(index=False):
                st.markdown(
                    page.md(
                        "- {name} — {score}（{rank}）",
                        name=getattr(r, name_col),
                        score=f"{r.composite:.2f}",
                        rank=t("ranking.rank_of", rank=int(r.rank), total=len(ranked)),
                    )
                )

if before:
    st.subheader(t("overview.changed"))
    changes = views.changes_since(now["task_frame"], before["task_frame"])
    c1, c2, c3 = st.columns(3)
    for column, key, title in (
        (c1, "done", t("overview.newly_done")),
        (c2, "overdue", t("overview.newly_overdue")),
        (c3, "moves", t("overview.big_moves")),
    ):
        with column:
            frame = changes[key]
            st.markdown(page.md("**{title}**（{count}）", title=title, count=len(frame)))
            if frame.empty:
                st.caption(t("overview.nothing_changed"))
            for r in frame.head(8).itertuples(index=False):
                extra = f" · {r.delta:+.0f}" if key == "moves" else ""
                st.markdown(
                    page.md("- {code} {title}{extra}", code=r.code, title=r.title, extra=extra)
                )

st.subheader(t("overview.lagging"))
tasks = now["task_frame"]
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
            t("col.departments"): lagging[local_col("departments")],
            t("col.progress"): lagging["percent"].round(0),
            t("col.expected"): lagging["expected"].round(0),
            t("col.due"): each(fmt_date, lagging["due_date"]),
            t("col.status"): each(status_label, lagging["status"]),
        }
    )
    tables.show(table, bars=[t("col.progress")], percents=[t("col.expected")])
