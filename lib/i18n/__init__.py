"""Translations: ``t("key")`` with zh-CN (default) and en catalogues, plus date and
number formatting per language (2024年3月 / Mar 2024)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from lib.domain.clock import to_local, zone
from lib.i18n.locales import load

LANGS = ("zh", "en")
_ZH, _EN, DUPLICATE_KEYS = load()
CATALOGUES: dict[str, dict[str, str]] = {"zh": _ZH, "en": _EN}
LANG_LABELS = {"zh": "中文", "en": "English"}
_MONTHS_EN = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)

_fallback_lang = "zh"


def set_default_lang(lang: str) -> None:
    """Language used outside a Streamlit session (CLI, reports)."""
    global _fallback_lang
    _fallback_lang = lang if lang in LANGS else "zh"


def current_lang() -> str:
    """The session's language if running inside Streamlit, else the default."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        if get_script_run_ctx(suppress_warning=True) is not None:
            import streamlit as st

            lang = st.session_state.get("lang", _fallback_lang)
            return lang if lang in LANGS else "zh"
    except Exception:  # pragma: no cover - streamlit missing or not running
        pass
    return _fallback_lang


# English nouns counted in the catalogue: "1 tasks" reads "1 task" (Chinese has no plural)
_ONE_PLURAL = re.compile(
    r"(?<![\d.,])\b1 (task|day|report|item|department|problem|month|appeal|answer|"
    r"week|person|people|round|slot|channel|account|row|sheet|change|file|signal)s?\b"
)
_SINGULAR = {"people": "person"}


def _english_number(text: str) -> str:
    return _ONE_PLURAL.sub(lambda m: "1 " + _SINGULAR.get(m.group(1), m.group(1)), text)


def t(key: str, lang: str | None = None, **kwargs: Any) -> str:
    """Translate ``key``; a missing key shows as the key itself (tests catch that)."""
    chosen = lang or current_lang()
    text = CATALOGUES[chosen].get(key, key)
    if not kwargs:
        return text
    text = text.format(**kwargs)
    return _english_number(text) if chosen == "en" else text


def local_name(name: str | None, name_en: str | None, lang: str | None = None) -> str:
    """The one zh/en choice for a named thing (department, task, indicator, campaign):
    the Chinese name in Chinese; in English the English name, else the Chinese one."""
    if (lang or current_lang()) == "zh":
        return name or name_en or ""
    return name_en or name or ""


def local_col(column: str, lang: str | None = None) -> str:
    """The frame column holding ``column`` in the language: ``name`` or ``name_en``."""
    return column if (lang or current_lang()) == "zh" else f"{column}_en"


def fmt_period(period: str, lang: str | None = None) -> str:
    """'2026-03' -> '2026年3月' / 'Mar 2026'."""
    year, month = int(period[:4]), int(period[5:7])
    if (lang or current_lang()) == "zh":
        return f"{year}年{month}月"
    return f"{_MONTHS_EN[month - 1]} {year}"


def fmt_date(day: dt.date | None, lang: str | None = None) -> str:
    if day is None:
        return "—"
    if (lang or current_lang()) == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"


def fmt_short_date(day: dt.date, lang: str | None = None) -> str:
    if (lang or current_lang()) == "zh":
        return f"{day.month}月{day.day}日"
    return f"{day.day} {_MONTHS_EN[day.month - 1]}"


def fmt_datetime(at: dt.datetime | None, lang: str | None = None, seconds: bool = False) -> str:
    """A stored (UTC) time as local wall-clock time (``APP_TIMEZONE``): '2026-11-29 14:36'.
    The same digits in both languages; None -> '—'."""
    if at is None or (not isinstance(at, dt.datetime) and pd.isna(at)):
        return "—"
    if isinstance(at, pd.Timestamp):
        at = at.to_pydatetime()
    local = to_local(at)
    return local.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def fmt_datetimes(values: Iterable[Any], seconds: bool = False) -> list[str]:
    """:func:`fmt_datetime` for a column of stored times (missing -> '—')."""
    series = pd.to_datetime(pd.Series(list(values), dtype=object), errors="coerce")
    if series.empty:
        return []
    if series.dt.tz is None:
        series = series.dt.tz_localize("UTC")
    local = series.dt.tz_convert(zone())
    text = local.dt.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    return [s if isinstance(s, str) else "—" for s in text.tolist()]


def fmt_pct(value: float | None, digits: int = 1) -> str:
    """72.345 -> '72.3%'; None -> '—'."""
    if value is None:
        return "—"
    return f"{value:.{digits}f}%"


def fmt_num(value: float | None, digits: int = 0) -> str:
    """Thousands separators: 3200000 -> '3,200,000'."""
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"


def each(
    fn: Callable[[Any, str], str], values: Iterable[Any], lang: str | None = None
) -> list[str]:
    """``fn(value, lang)`` for every value of a column, worked out once per distinct value
    (a province's table has thousands of rows and a handful of statuses or months);
    a missing value (None, NaN, NaT) shows as "—"."""
    lang = lang or current_lang()
    if isinstance(values, (pd.Series, pd.Index)):
        try:  # distinct values found in pandas, not by iterating the column in Python
            codes, uniques = pd.factorize(values, use_na_sentinel=True)
        except TypeError:  # unhashable values
            pass
        else:
            labels = np.array([*(fn(u, lang) for u in uniques), "—"], dtype=object)
            return labels[codes].tolist()  # type: ignore[no-any-return]
    memo: dict[Any, str] = {}
    out = []
    for value in values:
        try:
            text = memo[value]
        except KeyError:
            text = memo[value] = "—" if pd.isna(value) else fn(value, lang)
        except TypeError:  # unhashable
            text = fn(value, lang)
        out.append(text)
    return out


def yes_no(flags: Iterable[Any], lang: str | None = None) -> list[str]:
    """ "是" for a true flag, nothing for a false or missing one (the language is read
    once, not once per row)."""
    yes = t("common.yes", lang)
    return [yes if not pd.isna(flag) and bool(flag) else "" for flag in flags]


def status_label(status: str, lang: str | None = None) -> str:
    return t(f"status.{status}", lang)


def role_label(role: str, lang: str | None = None) -> str:
    return t(f"role.{role}", lang)


def join_list(items: list[str] | tuple[str, ...], lang: str | None = None) -> str:
    """Join names the way the language does: 甲、乙、丙 / A, B, C."""
    return ("、" if (lang or current_lang()) == "zh" else ", ").join(items)


def phase_label(name: str, kind: str | None, lang: str | None = None) -> str:
    """A phase as the plan names it in Chinese; its kind (Assessment…) in English."""
    if (lang or current_lang()) == "zh" or not kind:
        return name
    return t(f"phase.{kind}", lang)
