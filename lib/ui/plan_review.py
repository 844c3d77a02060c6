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


def _date(label_key: str) -> Any:
    return st.column_config.DateColumn(t(label_key), format="YYYY-MM-DD")


def _text(label_key: str, **kwargs: Any) -> Any:
    return st.column_config.TextColumn(t(label_key), **kwargs)


def _editor(rows: Iterable[Mapping[str, Any]], key: str, config: Mapping[str, Any]) -> pd.DataFrame:
    """``rows`` editable with one column per entry of ``config`` (rows can be added and
    removed)."""
    return page.editor(
        pd.DataFrame(list(rows), columns=list(config)),
        num_rows="dynamic",
        key=key,
        width="stretch",
        column_config=dict(config),
    )


def phase_editor(rows: Iterable[Mapping[str, Any]], key: str) -> pd.DataFrame:
    """The phases, editable."""
    config = {
        "name": _text("setup.col_phase"),
        "start": _date("setup.col_start"),
        "end": _date("setup.col_end"),
    }
    return _editor(rows, key, config)


def task_editor(rows: Iterable[Mapping[str, Any]], key: str) -> pd.DataFrame:
    """The tasks, editable."""
    config = {
        "area": _text("setup.col_area"),
        "code": _text("setup.col_code"),
        "title": _text("setup.col_title", width="large"),
        "due": _date("setup.col_due"),
        "departments": _text("setup.col_departments"),
        "target": _text("setup.col_target"),
    }
    return _editor(rows, key, config)
