"""科室进度 Department progress: every department's completion against expected, a
department × area heat map, and one department in detail."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.domain import scoring
from lib.i18n import each, fmt_date, fmt_pct, fmt_period, local_col, status_label, t, yes_no
from lib.read import queries, runcharts, views
from lib.ui import charts, page, tables
from lib.ui import runcharts as runchart_view

pg = page.open("read.all", title="page.progress", campaign="view")
ctx, user, lang = pg.view, pg.user, pg.lang
name_col = local_col("department")
method = runcharts.method_of(ctx.settings)

scores = views.department_scores(ctx)
if scores.empty:
    st.info(t("overview.no_tasks"))
    st.stop()
at, thresholds = ctx.at, ctx.thresholds  # properties: worked out once, not per unit
scores["status"] = [
    scoring.work_status(c, e, None, at, thresholds=thresholds)
    for c, e in zip(scores["completion"], scores["expected"], strict=True)
]

st.subheader(t("progress.completion_chart"))
st.caption(t("progress.completion_help"))
table = pd.DataFrame(
    {
        t("col.department"): scores[name_col],
        t("col.progress"): scores["completion"].round(1),
        t("col.expected"): scores["expected"].round(1),
        t("col.status"): each(status_label, scores["status"]),
        t("col.assignments"): scores["assignments"],
        t("col.done"): scores["done"],
        t("col.overdue"): scores["overdue"],
    }
).sort_values(t("col.progress"), ascending=False)
own = user.department_id is not None and user.department_id in set(scores["department_id"])
drawn = views.chart_focus(scores, "completion", keep_id=user.department_id)
page.focus_note(len(scores), own)
page.chart(charts.department_completion(drawn, lang), table, key="completion")

st.subheader(t("runchart.campaign_overall"))
runchart_view.show(
    runcharts.campaign_history(ctx.campaign_id, ctx.period),
    key="run_overall",
    method=method,
    y_title=t("col.progress") + " (%)",
    lang=lang,
)

st.subheader(t("progress.heatmap"))
heat = views.area_heatmap(ctx)
if heat.empty:
    st.info(t("progress.no_areas"))
else:
    order = drawn.sort_values("completion", ascending=False)[name_col].tolist()
    area_order = heat.sort_values("area_seq")["area_label"].unique().tolist()
    page.focus_note(len(scores), own)
    heat_chart = charts.department_heatmap(
        heat,
        drawn,
        "area_label",
        name_col,
        "completion",
        x_title=t("col.area"),
        value_title=t("col.progress"),
        y_sort=order,
        x_sort=area_order,
        domain=(0, 100),
    )
    pivot = views.department_grid(
        heat, name_col, "area_label", "completion", label=t("col.department"),
        order=scores["department_id"],
        column_order=area_order,
    ).round(0)  # fmt: skip
    page.chart(heat_chart, pivot, key="heat")

st.subheader(t("progress.department_detail"))
options = scores[["department_id", name_col]]  # in rank order
names = dict(zip(options["department_id"], options[name_col], strict=True))
default = user.department_id if user.department_id in names else options["department_id"].iloc[0]
chosen = st.selectbox(
    t("col.department"),
    list(names),
    index=list(names).index(default),
    format_func=lambda i: names[i],
    key="progress_department",
)
row = scores[scores["department_id"] == chosen].iloc[0]
c1, c2, c3, c4 = st.columns(4)
c1.metric(t("col.progress"), fmt_pct(row["completion"]))
c2.metric(t("col.expected"), fmt_pct(row["expected"]))
c3.metric(t("col.rank"), f"{int(row['rank'])} / {len(scores)}")
c4.metric(t("col.overdue"), int(row["overdue"]))

mine = views.department_tasks(ctx, int(chosen))
if mine.empty:
    st.info(t("progress.no_tasks_for_department"))
else:
    tables.show(
        pd.DataFrame(
            {
                t("col.code"): mine["code"],
                t("col.task"): mine["title"],
                t("col.lead"): yes_no(mine["is_lead"]),
                t("col.progress"): mine["percent"].round(0),
                t("col.expected"): mine["expected"].round(0),
                t("col.due"): each(fmt_date, mine["due_date"]),
                t("col.last_report"): each(fmt_period, mine["latest_period"]),
                t("col.status"): each(status_label, mine["status"]),
            }
        ),
        bars=[t("col.progress")],
    )

history = queries.department_history(ctx.campaign_id, int(chosen), ctx.period)
st.markdown(f"**{t('progress.history')}**")
if history.empty:
    st.info(t("progress.no_history"))
else:
    runchart_view.show(
        history.assign(value=history["completion"])[["period", "value"]],
        key="history",
        method=method,
        y_title=t("col.progress") + " (%)",
        lang=lang,
    )

sat = queries.department_indicators(ctx.campaign_id, ctx.period, department_id=int(chosen))
st.markdown(f"**{t('progress.indicators')}**")
if sat.empty:
    st.info(t("progress.no_indicators"))
else:
    tables.show(
        pd.DataFrame(
            {
                t("col.item"): sat[local_col("name")].fillna(sat["name"]),
                t("col.value"): sat["value"].round(2),
                t("col.target"): sat["target"],
                t("col.unit"): sat["unit"],
                t("col.sample"): sat["sample_size"].astype("Int64"),
                t("col.period"): each(fmt_period, sat["period"]),
            }
        ),
    )
