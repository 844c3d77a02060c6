"""报送情况 Report tracker: department × month grid (on time, late, missing, returned),
and this month's departments that have not reported, with a reminder to copy."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.domain.periods import report_deadline, reporting_period
from lib.domain.scoring import STATUS_COLOURS
from lib.i18n import fmt_date, fmt_period, join_list, t
from lib.read import queries, reporting
from lib.ui import page

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

st.subheader(t("tracker.grid"))
st.caption(page.md("tracker.legend", day=info.report_day))
shown = grid.assign(
    department=grid["department_id"].map(names),
    month=grid["period"].map(fmt_period),
    label=[
        f"{t('tracker.cell.' + c)} {n}/{d}"
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
    cell = next((c for label, c in label_to_cell.items() if value.startswith(label + " ")), None)
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
        t("tracker.col.missing"): [
            f"{int(d) - int(n)}/{int(d)}"
            for d, n in zip(current["due"], current["counted"], strict=True)
        ],
        t("tracker.col.liaisons"): [
            join_list(liaisons.get(int(d), [])) or t("tracker.no_liaison")
            for d in current["department_id"]
        ],
    }
)
page.table(table, hide_index=True, width="stretch")
zh_names = {int(r.id): r.name for r in departments.itertuples(index=False)}
ids = [int(d) for d in current["department_id"]]
all_liaisons = [n for d in ids for n in liaisons.get(d, [])]
reminder = t(
    "tracker.reminder_text",
    lang="zh",
    date=fmt_date(report_deadline(period, info.report_day), "zh"),
    campaign=info.name,
    period=fmt_period(period, "zh"),
    departments="、".join(zh_names[d] for d in ids),
    liaisons="、".join(all_liaisons) or "—",
)
st.markdown(f"**{t('tracker.reminder')}**")
st.code(reminder, language=None, wrap_lines=True)
