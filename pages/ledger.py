"""任务台账 Task ledger: every task with its status, progress and departments; filter,
open one task to see each department's share and history, export to Excel."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.domain.permissions import draft_scope
from lib.domain.scoring import STATUS_COLOURS, STATUSES
from lib.i18n import each, fmt_date, fmt_period, local_col, status_label, t, yes_no
from lib.io.safe_cells import to_xlsx_bytes
from lib.read import queries, views
from lib.ui import page, tables, widgets

opened = page.open("read.all", title="page.ledger", campaign="view")
ctx = opened.view

assignments, tasks = views.task_table(ctx)
if tasks.empty:
    st.info(t("overview.no_tasks"))
    st.stop()
meta = queries.task_dates(ctx.campaign_id).set_index("task_id")
tasks = tasks.assign(source=[meta.loc[i, "source"] for i in tasks["task_id"]])

c1, c2, c3, c4 = st.columns(4)
areas = sorted({a for a in tasks["area"] if isinstance(a, str)})
area = c1.selectbox(
    t("col.area"), ["", *areas], format_func=lambda a: a or t("audit.all"), key="ledger_area"
)
# distinct names in pandas: a province's 135 000 assignments iterated in Python cost
# most of a rerun
dept_names = sorted(assignments["department"].dropna().unique())
dept = c2.selectbox(
    t("col.department"),
    ["", *dept_names],
    format_func=lambda d: d or t("audit.all"),
    key="ledger_department",
)
statuses = c3.multiselect(
    t("col.status"),
    list(STATUSES),
    format_func=status_label,
    placeholder=t("common.choose"),
    key="ledger_status",
)
sources = c4.multiselect(
    t("col.source"),
    sorted(set(tasks["source"])),
    format_func=lambda s: t(f"source.{s}"),
    placeholder=t("common.choose"),
    key="ledger_source",
)

view = tasks
if area:
    view = view[view["area"] == area]
if dept:
    ids = set(assignments.loc[assignments["department"] == dept, "task_id"])
    view = view[view["task_id"].isin(ids)]
if statuses:
    view = view[view["status"].isin(statuses)]
if sources:
    view = view[view["source"].isin(sources)]

last_report = assignments.groupby("task_id")["latest_period"].max()
table = pd.DataFrame(
    {
        t("col.code"): view["code"],
        t("col.task"): view["title"],
        t("col.status"): each(status_label, view["status"]),
        t("col.progress"): view["percent"].round(0),
        t("col.expected"): view["expected"].round(0),
        t("col.due"): each(fmt_date, view["due_date"]),
        t("col.departments"): view[local_col("departments")],
        t("col.area"): view["area"].fillna(t("ledger.problem_area")),
        t("col.last_report"): each(fmt_period, last_report.reindex(view["task_id"])),
        t("col.source"): each(lambda s, lang: t(f"source.{s}", lang), view["source"]),
    }
)
st.caption(t("ledger.count", shown=len(view), total=len(tasks)))
if table.empty:
    st.info(t("ledger.no_match"))
else:
    colour_by_label = {status_label(s): c for s, c in STATUS_COLOURS.items()}
    status_col = t("col.status")

    def _colour(value: object) -> str:
        colour = colour_by_label.get(str(value))
        text = "#FFFFFF" if colour in ("#2E7D32", "#C62828", "#EF6C00") else "#212121"
        return f"background-color: {colour}; color: {text}" if colour else ""

    tables.show(
        table.style.map(_colour, subset=[status_col]),
        bars=[t("col.progress")],
        percents=[t("col.expected")],
    )
    sheet = t("page.ledger")
    widgets.download(
        t("ledger.export"),
        lambda: to_xlsx_bytes(table, sheet),  # built when clicked, not on every run
        f"task_ledger_{ctx.period}.xlsx",
    )

st.subheader(t("ledger.task_detail"))
choices = dict(zip(view["task_id"], view["code"] + " " + view["title"], strict=True))
if not choices:
    st.info(t("ledger.no_match"))
    st.stop()
task_id = st.selectbox(
    t("col.task"), list(choices), format_func=lambda i: choices[i], key="ledger_task"
)
shares = assignments[assignments["task_id"] == task_id]
tables.show(
    pd.DataFrame(
        {
            t("col.department"): shares[local_col("department")],
            t("col.lead"): yes_no(shares["is_lead"]),
            t("col.progress"): shares["percent"].round(0),
            t("col.last_report"): each(fmt_period, shares["latest_period"]),
            t("col.status"): each(status_label, shares["status"]),
        }
    ),
)
HISTORY_ROWS = 1000
# drafts only to their own department and the office (issue 17)
drafts_of = draft_scope(opened.actor)
history = queries.task_history(int(task_id), ctx.period, HISTORY_ROWS, drafts_of)
if len(history) >= HISTORY_ROWS:
    total_reports = queries.task_report_count(int(task_id), ctx.period, drafts_of)
    if total_reports > HISTORY_ROWS:
        st.caption(page.md("ledger.history_newest", shown=HISTORY_ROWS, total=total_reports))
if history.empty:
    st.info(t("ledger.no_reports"))
else:
    tables.show(
        pd.DataFrame(
            {
                t("col.period"): each(fmt_period, history["period"]),
                t("col.department"): [
                    name if active else t("ledger.department_removed", name=name)
                    for name, active in zip(
                        history[local_col("department")], history["active"], strict=True
                    )
                ],
                t("col.progress"): history["percent_done"],
                t("col.review_state"): each(
                    lambda s, lang: t(f"review.{s}", lang), history["review_state"]
                ),
                t("col.work_done"): history["work_done"],
                t("col.problems"): history["problems"],
                t("col.next_steps"): history["next_steps"],
            }
        ),
    )
