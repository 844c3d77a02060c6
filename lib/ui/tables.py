"""Read-only tables as the pages show them: the width of the page, without the index,
missing values as "—" (``page.table``), percentages as whole numbers with "%", progress
as a bar from 0 to 100.

A page reads::

    tables.show(frame, bars=[t("col.progress")], percents=[t("col.expected")])
    tables.show_rows(people, {t("staff.name"): "name", t("staff.active"): _tick, ...})
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal, TypeVar, cast

import pandas as pd
import streamlit as st

from lib.i18n import local_name
from lib.ui import page

R = TypeVar("R")


def percent_bar(label: str) -> Any:
    """A column of percentages (0 to 100) drawn as a bar with its number ("42%")."""
    return st.column_config.ProgressColumn(label, min_value=0, max_value=100, format="%d%%")


def percent() -> Any:
    """A column of percentages (0 to 100) shown as a whole number with "%"."""
    return st.column_config.NumberColumn(format="%d%%")


def interval(low: Any, high: Any) -> str:
    """An interval as text ("91.2–96.8", one decimal); "—" where it is unknown."""
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return "—"
    return f"{float(low):.1f}–{float(high):.1f}"


def intervals(df: pd.DataFrame, low: str = "low", high: str = "high") -> list[str]:
    """The interval of each row of ``df`` as text (:func:`interval`)."""
    return [interval(lo, hi) for lo, hi in zip(df[low], df[high], strict=True)]


def local_names(df: pd.DataFrame, column: str, lang: str | None = None) -> list[str]:
    """A name column in the reader's language: ``column``, or ``column``_en in English
    where there is one (``local_name``)."""
    return [local_name(a, b, lang) for a, b in zip(df[column], df[f"{column}_en"], strict=True)]


def show(
    data: Any,
    *,
    bars: Iterable[str] = (),
    percents: Iterable[str] = (),
    empty: str | None = None,
    empty_as: Literal["caption", "info"] = "caption",
    column_config: Mapping[str, Any] | None = None,
    **kwargs: Any,
) -> Any:
    """``data`` (a frame or a styled frame) as a read-only table the width of the page,
    without the index. The columns named in ``bars`` are progress bars (0 to 100), those in
    ``percents`` whole percentages; ``column_config`` and the other keywords go to
    ``st.dataframe`` as they are. With ``empty``, a frame without rows is not shown: that
    note is, as a caption or (``empty_as="info"``) an info box."""
    if empty is not None and len(data) == 0:
        (st.info if empty_as == "info" else st.caption)(empty)
        return None
    config: dict[str, Any] = dict(column_config or {})
    config.update({label: percent_bar(label) for label in bars})
    config.update({label: percent() for label in percents})
    if config:
        kwargs["column_config"] = config
    return page.table(data, hide_index=True, width="stretch", **kwargs)


Column = Callable[[R], object] | str


def frame(rows: Sequence[R], columns: Mapping[str, Column[R]]) -> pd.DataFrame:
    """A frame with one row per item of ``rows`` and one column per entry of ``columns``:
    the column's heading, and the function giving its value for one item or the key of
    that value in the item (a dict)."""

    def _getter(value: Column[R]) -> Callable[[R], object]:
        return value if callable(value) else cast(Callable[[R], object], operator.itemgetter(value))

    return pd.DataFrame(
        {label: [_getter(value)(row) for row in rows] for label, value in columns.items()}
    )


def show_rows(rows: Sequence[R], columns: Mapping[str, Column[R]], **kwargs: Any) -> Any:
    """:func:`show` of :func:`frame` ``(rows, columns)``."""
    return show(frame(rows, columns), **kwargs)
