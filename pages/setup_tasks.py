"""任务管理 Tasks: bulk edit areas, tasks, targets, deadlines, weights and responsible
departments (the first listed, or the one named as lead, leads) — checked before saving."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from lib.i18n import t
from lib.read import setup_queries
from lib.ui import page
from lib.write import check_task_rows, save_tasks

pg = page.open("campaign.setup", title="page.setup_tasks", campaign="id")
user, campaign_id = pg.user, pg.campaign_id

depts = setup_queries.department_choices(False)
table = setup_queries.tasks_table(campaign_id).drop(columns=["id"])
for col in ("area", "target_text", "target_unit", "departments", "lead"):
    table[col] = table[col].fillna("")
st.caption(t("setup.tasks_help"))
with st.expander(t("setup.department_codes")):
    page.table(
        pd.DataFrame({t("setup.col_code"): list(depts), t("setup.col_name"): list(depts.values())}),
        hide_index=True,
    )
edited = page.editor(
    table,
    num_rows="dynamic",
    width="stretch",
    key="tasks_editor",
    column_config={
        "code": st.column_config.TextColumn(t("setup.col_code"), required=True),
        "area": st.column_config.TextColumn(t("setup.col_area")),
        "title": st.column_config.TextColumn(t("setup.col_title"), width="large", required=True),
        "due_date": st.column_config.DateColumn(t("setup.col_due"), format="YYYY-MM-DD"),
        "weight": st.column_config.NumberColumn(t("setup.col_weight"), min_value=0, max_value=100),
        "target_text": st.column_config.TextColumn(t("setup.col_target")),
        "target_value": st.column_config.NumberColumn(t("setup.col_target_value")),
        "target_direction": st.column_config.SelectboxColumn(
            t("setup.col_direction"), options=["higher", "lower"]
        ),
        "target_unit": st.column_config.TextColumn(t("setup.col_unit")),
        "active": st.column_config.CheckboxColumn(t("setup.col_active"), default=True),
        "departments": st.column_config.TextColumn(t("setup.col_department_codes")),
        "lead": st.column_config.TextColumn(t("setup.col_lead")),
    },
)


def _value(v: object) -> object:
    if v is None or (not isinstance(v, str) and pd.isna(v)):  # type: ignore[call-overload]
        return None
    if isinstance(v, pd.Timestamp):
        return v.date()
    return v


rows = []
for rec in edited.to_dict("records"):
    rec = {k: _value(v) for k, v in rec.items()}
    if not rec.get("code") and not rec.get("title"):
        continue
    codes = [c for c in re.split(r"[、，,;；\s]+", str(rec.get("departments") or "")) if c]
    rows.append(
        {
            **rec,
            "code": str(rec.get("code") or "").strip(),
            "title": str(rec.get("title") or "").strip(),
            "departments": codes,
            "lead": (str(rec["lead"]).strip() if rec.get("lead") else None)
            or (codes[0] if codes else None),
            "active": bool(rec.get("active", True)) if rec.get("active") is not None else True,
        }
    )
# the write layer's own checks (the same as the Excel import's), before the save button
problems = [
    page.md("setup.error_row", row=r.ref, reason=r.error.message())
    for r in check_task_rows(list(enumerate(rows, start=1)), set(depts))
]
for message in problems:
    st.error(message)
if st.button(t("setup.save"), type="primary", disabled=bool(problems), key="tasks_save"):
    page.submit(
        save_tasks,
        user.actor,
        campaign_id=campaign_id,
        rows=rows,
        success=lambda changed: page.md("setup.tasks_saved", count=changed),
    )
