"""The reviewed plan's two editable tables (phases; tasks with area, code, deadline,
departments and target), the same on 活动设置 and in 活动向导: one set of columns,
headings and formats."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from lib.i18n import t
from lib.ui import page

PHASE_COLUMNS = ["name", "start", "end"]
TASK_COLUMNS = ["area", "code", "title", "due", "departments", "target"]


def _date(label_key: str) -> Any:
    return st.column_config.DateColumn(t(label_key), format="YYYY-MM-DD")


def phase_editor(rows: Iterable[Mapping[str, Any]], key: str) -> pd.DataFrame:
    """The phases, editable (rows can be added and removed)."""
    return page.editor(
        pd.DataFrame(list(rows), columns=PHASE_COLUMNS),
        num_rows="dynamic",
        key=key,
        width="stretch",
        column_config={
            "name": st.column_config.TextColumn(t("setup.col_phase")),
            "start": _date("setup.col_start"),
            "end": _date("setup.col_end"),
        },
    )


def task_editor(rows: Iterable[Mapping[str, Any]], key: str) -> pd.DataFrame:
    """The tasks, editable (rows can be added and removed)."""
    return page.editor(
        pd.DataFrame(list(rows), columns=TASK_COLUMNS),
        num_rows="dynamic",
        key=key,
        width="stretch",
        column_config={
            "area": st.column_config.TextColumn(t("setup.col_area")),
            "code": st.column_config.TextColumn(t("setup.col_code")),
            "title": st.column_config.TextColumn(t("setup.col_title"), width="large"),
            "due": _date("setup.col_due"),
            "departments": st.column_config.TextColumn(t("setup.col_departments")),
            "target": st.column_config.TextColumn(t("setup.col_target")),
        },
    )
