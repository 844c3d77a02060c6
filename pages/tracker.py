"""报送情况 Report tracker: department × month grid (on time, late, missing, returned),
and this month's departments that have not reported, with a reminder to copy."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.domain.periods import report_deadline, reporting_period
from lib.domain.scoring import STATUS_COLOURS
from lib.domain.tracking import Deadline, ReportCount, reminder_wording
from lib.i18n import each, fmt_date, fmt_datetimes, fmt_period, join_list, local_name, t
from lib.read import appeals, queries, reporting
from lib.ui import page, tables

pg = page.open("tracker.read", title="page.tracker", campaign="record")
campaign_id, info = pg.campaign_id, pg.campaign

today = queries.today()
grid = reporting.tracker(campaign_id, today)
departments = reporting.campaign_departments(campaign_id)
if grid.empty or departments.empty:
    st.info(t("rep.no_departments"))
    st.stop()
names = page.names_by_id(departments)
order = [names[i] for i in departments["id"] if int(i) in names]
CELL_COLOURS = {
    "on_time": STATUS_COLOURS["on_track"],
    "late": STATUS_COLOURS["behind"],
    "missing": STATUS_COLOURS["not_reported"],
    "returned": STATUS_COLOURS["at_risk"],
    "pending": STATUS_COLOURS["not_started"],
}
label_to_cell = {t(f"tracker.cell.{c}"): c for c in CELL_COLOURS}


def count_label(reported: object, due: object) -> str:
    """The one label of a count, grid and table alike: "已报送 4/6" / "Reported 4/6"."""
    wording = ReportCount(int(reported), int(due)).wording()  # type: ignore[call-overload]
    return t(wording.key, **wording.params)


st.subheader(t("tracker.grid"))
st.caption(page.md("tracker.legend", day=info.report_day))
shown = grid.assign(
    department=grid["department_id"].map(names),
    month=grid["period"].map(fmt_period),
    label=[
        f"{t('tracker.cell.' + c)} · {count_label(n, d)}"
        for c, n, d in zip(grid["cell"], grid["counted"], grid["due"], strict=True)
    ],
)
months = [fmt_period(p) for p in sorted(grid["period"].unique())]
pivot = (
    shown.pivot(index="department", columns="month", values="label")
    .reindex(index=[n for n in order if n in set(shown["department"])], columns=months)
    .fillna("")
)
pivot.index.name = t("tracker.col.department")
pivot.columns.name = None


def _colour(value: str) -> str:
    cell = next((c for label, c in label_to_cell.items() if value.startswith(label + " · ")), None)
    if cell is None:
        return ""
    text = "#FFFFFF" if cell in ("missing", "returned") else "#212121"
    return f"background-color: {CELL_COLOURS[cell]}; color: {text}"


page.table(pivot.style.map(_colour), width="stretch")

period = reporting_period(info.start_date, info.end_date, today)
st.subheader(t("tracker.non_reporters", period=fmt_period(period)))
current = grid[(grid["period"] == period) & grid["cell"].isin(["missing", "pending", "returned"])]
if current.empty:
    st.success(t("tracker.all_reported", period=fmt_period(period)))
    st.stop()
liaisons = reporting.liaisons_by_department()
table = pd.DataFrame(
    {
        t("tracker.col.department"): [names[int(d)] for d in current["department_id"]],
        t("tracker.col.reported"): [
            count_label(n, d) for n, d in zip(current["counted"], current["due"], strict=True)
        ],
        t("tracker.col.liaisons"): [
            join_list(liaisons.get(int(d), [])) or t("tracker.no_liaison")
            for d in current["department_id"]
        ],
    }
)
tables.show(table)
zh_names = {int(r.id): r.name for r in departments.itertuples(index=False)}
ids = [int(d) for d in current["department_id"]]
all_liaisons = [n for d in ids for n in liaisons.get(d, [])]
deadline = Deadline(report_deadline(period, info.report_day), today)
wording = reminder_wording(deadline)  # "请于…前完成", after the deadline "已逾期N天，请尽快报送"
reminder = t(
    wording.key,
    lang="zh",
    **wording.params,
    date=fmt_date(deadline.due, "zh"),
    campaign=info.name,
    period=fmt_period(period, "zh"),
    departments="、".join(zh_names[d] for d in ids),
    liaisons="、".join(all_liaisons) or "—",
)
st.markdown(f"**{t('tracker.reminder')}**")
st.code(reminder, language=None, wrap_lines=True)

# --- appeals waiting for the office's decision (issue 21) ---------------------------------
waiting_appeals = appeals.open_appeals(campaign_id)
st.subheader(page.md("tracker.appeals_open", count=len(waiting_appeals)))
tables.show(
    pd.DataFrame(
        {
            t("tracker.col.department"): [
                local_name(n, e)
                for n, e in zip(
                    waiting_appeals["department"], waiting_appeals["department_en"], strict=True
                )
            ],
            t("appeal.col_kind"): [t(f"appeal.kind_{k}") for k in waiting_appeals["kind"]],
            t("rep.period"): each(fmt_period, waiting_appeals["period"]),
            t("appeal.col_filed_at"): fmt_datetimes(waiting_appeals["filed_at"]),
        }
    ),
    empty=t("tracker.appeals_none"),
)
if not waiting_appeals.empty and pg.user.roles & {"admin", "office"}:
    st.page_link("pages/appeals.py", label=t("tracker.appeals_go"), icon=":material/gavel:")
