"""审计日志 Audit log: who changed what and when (admin and campaign office)."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import streamlit as st

from lib.i18n import fmt_datetimes, t
from lib.io.safe_cells import to_csv_bytes
from lib.read import queries, reporting
from lib.ui import page, tables, widgets

page.open("audit.read", title="page.audit")

options = queries.audit_filter_options()
today = queries.today()
c1, c2, c4, c3 = st.columns([1, 1, 1, 1])
who = c1.selectbox(
    t("audit.user"), [""] + options["users"], format_func=lambda u: u or t("audit.all")
)
action = c2.selectbox(
    t("audit.action"), [""] + options["actions"], format_func=lambda a: a or t("audit.all")
)
dept_names = page.names_by_id(reporting.audit_departments())
all_label = t("audit.all")
department = c4.selectbox(
    t("audit.department"),
    [0, *dept_names],
    format_func=lambda d: dept_names.get(d) or all_label,
    key="audit_department",
)
dates = c3.date_input(
    t("audit.dates"), value=(today - dt.timedelta(days=30), today), max_value=today
)
if not isinstance(dates, tuple) or len(dates) != 2:
    st.info(t("audit.pick_range"))
    st.stop()
start, end = dates
rows = queries.audit_rows(who or None, start, end, action or None, department_id=department or None)
if rows.empty:
    st.info(t("audit.empty"))
    st.stop()


def _json(value: object) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, default=str)


table = pd.DataFrame(
    {
        t("audit.at"): fmt_datetimes(rows["at"], seconds=True),
        t("audit.user"): rows["username"],
        t("audit.action"): rows["action"],
        t("audit.entity"): rows["entity"] + " #" + rows["entity_id"].astype("Int64").astype(str),
        t("audit.before"): rows["before"].map(_json),
        t("audit.after"): rows["after"].map(_json),
    }
)
st.caption(t("audit.count", count=len(table)))
tables.show(table)
widgets.download(t("audit.export"), to_csv_bytes(table), f"audit_{start:%Y%m%d}_{end:%Y%m%d}.csv")
