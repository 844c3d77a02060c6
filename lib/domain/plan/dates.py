"""Dates in a plan: 2019年3月1日-3月31日, 2010年7月上旬, 3月中旬-11月, 12月底 …; a missing
year comes from the phase before or from the document (its signature date, its title).
Text given here is in shadow form (see :mod:`lib.domain.plan.text`)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from lib.domain.plan.text import cn_number, shadow

_XUN = {"上旬": (1, 10), "中旬": (11, 20), "下旬": (21, 31), "初": (1, 10), "底": (21, 31)}
_XUN["末"] = _XUN["底"]
DATE_PART = re.compile(
    r"(?:(?P<y>(?:19|20)\d{2})\s*年\s*)?"
    r"(?:(?P<m>\d{1,2})\s*(?:月\s*(?P<d>\d{1,2})\s*[日号]|月?\s*(?P<x>上旬|中旬|下旬|初|底|末))|"
    r"(?P<m2>\d{1,2})\s*月(?!\s*\d*\s*[日号])|"
    r"(?P<d2>\d{1,2})\s*[日号])"
)
_RANGE_SEP = re.compile(r"\s*(?:-{1,2}|至|到)\s*")
_SIGNATURE_CN = re.compile(
    r"([二零一三四五六七八九]{4})年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日"
)
_ISO_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_YEAR = re.compile(r"(?<![\d\[])((?:19|20)\d{2})\s*年")
# a year left for later (templates, drafts): 20xx年, 202X年, XXXX年 (shadow form)
_PLACEHOLDER = r"(?:(?:19|20)[xX×*□_?]{2}|(?:19|20)\d[xX×*□_?]|[xX×*□]{4})"
YEAR_PLACEHOLDER = re.compile(rf"(?<![\dA-Za-z]){_PLACEHOLDER}(?=\s*年)")
_PLACEHOLDER_BEFORE = re.compile(rf"{_PLACEHOLDER}\s*年\s*$")


def _safe_date(year: int, month: int, day: int, *, end: bool = False) -> dt.date | None:
    if not (1 <= month <= 12) or not (1900 <= year <= 2100):
        return None
    last = calendar.monthrange(year, month)[1]
    if day < 1:
        return None
    return dt.date(year, month, min(day, last)) if end or day <= last else None


@dataclass
class _Point:
    year: int | None
    month: int | None
    first: int  # first day meant
    last: int | None  # last day meant (None: the whole month to its end)


def _point(m: re.Match[str]) -> _Point | None:
    year = int(m["y"]) if m["y"] else None
    if m["m"]:
        month = int(m["m"])
        if m["d"]:
            day = int(m["d"])
            return _Point(year, month, day, day)
        lo, hi = _XUN[m["x"]]
        return _Point(year, month, lo, hi)
    if m["m2"]:
        return _Point(year, int(m["m2"]), 1, None)
    if m["d2"]:
        day = int(m["d2"])
        return _Point(year, None, day, day)
    return None


def parse_date_range(
    text: str, default_year: int | None
) -> tuple[dt.date | None, dt.date | None, int | None]:
    """First date or date range in ``text`` (shadow form) -> (start, end, year used).

    Handles 2019年3月1日-3月31日, 2010年7月上旬, 7月11日-10月20日, 2月下旬-3月上旬,
    3月中旬-11月, 12中旬, 7月1日至15日. A missing year comes from ``default_year`` and
    a range that runs over the new year moves its end into the next year.
    """
    for m in DATE_PART.finditer(text):
        first = _point(m)
        if first is None or first.month is None:
            continue
        if first.year is None and _PLACEHOLDER_BEFORE.search(
            text[max(0, m.start() - 8) : m.start()]
        ):
            return None, None, None  # 20xx年3月1日: the year is not stated, nothing is guessed
        year = first.year or default_year
        if year is None:
            return None, None, None
        start = _safe_date(year, first.month, first.first)
        second: _Point | None = None
        rest = text[m.end() : m.end() + 40]
        sep = _RANGE_SEP.match(rest)
        if sep:
            m2 = DATE_PART.match(rest, sep.end())
            if m2 and m2.group(0).strip():
                second = _point(m2)
        if second is None:
            end_day = first.last if first.last is not None else 31
            end = _safe_date(year, first.month, end_day, end=True)
            return start, end, year
        end_year = second.year or year
        end_month = second.month or first.month
        if second.year is None and end_month < first.month:
            end_year += 1
        end_day = second.last if second.last is not None else 31
        end = _safe_date(end_year, end_month, end_day, end=True)
        if start and end and end < start:
            end = None
        return start, end, year
    return None, None, None


def parse_single_date(text: str, default_year: int | None) -> dt.date | None:
    """A deadline such as 2021年8月31日 / 8月31日前 / 8月底 (the last day meant)."""
    start, end, _ = parse_date_range(text, default_year)
    if start is None:
        return None
    m = DATE_PART.search(text)
    if m and m["d"]:
        return start
    return end or start


def document_year(lines: list[tuple[str, str]], title_sh: str) -> tuple[int | None, dt.date | None]:
    """The plan's year: its signature date, a year in its title, else the most cited."""
    sig_date = _signature_date(lines)
    if sig_date:
        return sig_date.year, sig_date
    year = _signature_year_cn(lines)
    if year:
        return year, None
    m = _YEAR.search(title_sh)
    if m:
        return int(m[1]), None
    return _most_cited_year(lines), None


def _signature_date(lines: list[tuple[str, str]]) -> dt.date | None:
    """The first short line that is a date (2019年3月1日): the date the plan was signed."""
    for _orig, sh in lines:
        s = sh.strip()
        if len(s) > 24:
            continue
        m = _ISO_DATE.fullmatch(s) or _ISO_DATE.search(s) if len(s) <= 16 else None
        if m:
            sig_date = _safe_date(int(m[1]), int(m[2]), int(m[3]))
            if sig_date:
                return sig_date
    return None


def _signature_year_cn(lines: list[tuple[str, str]]) -> int | None:
    """The year of a signature date written in Chinese numerals (二〇一九年三月一日)."""
    for _, sh in lines:
        m = _SIGNATURE_CN.search(sh)
        if m:
            year = cn_number(m[1])
            if year and 1990 <= year <= 2100:
                return year
    return None


def _most_cited_year(lines: list[tuple[str, str]]) -> int | None:
    counts: dict[int, int] = {}
    for _, sh in lines:
        for y in _YEAR.findall(sh):
            counts[int(y)] = counts.get(int(y), 0) + 1
    if counts:
        return max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0]
    return None


def year_placeholders(text_sh: str) -> list[str]:
    """The placeholder years in a text (shadow form): 20xx, 202X, XXXX before 年."""
    return [m.group(0) for m in YEAR_PLACEHOLDER.finditer(text_sh)]


def fill_year(text: str, year: int) -> str:
    """``text`` with every placeholder year (20xx年) replaced by ``year`` (same length, so
    the shadow still lines up)."""
    sh = shadow(text)
    parts: list[str] = []
    pos = 0
    for m in YEAR_PLACEHOLDER.finditer(sh):
        parts.append(text[pos : m.start()])
        parts.append(f"{year:04d}")  # every placeholder is four characters long
        pos = m.end()
    parts.append(text[pos:])
    return "".join(parts)


MONTH_DATE = re.compile(r"\d{1,2}\s*月\s*(?:\d{1,2}\s*[日号]|上旬|中旬|下旬|底|初|末)")

_DUE_AFTER = re.compile(
    r"\s*(?:(?:前|以前|之前)\s*(?:全部|全面|基本|如期)?\s*(?:完成|到位|建成|上线|落实|实现)"
    r"|(?:全部|全面|基本)?\s*完成|(?:前|以前|之前)\s*\))"
)
_DUE_BEFORE = re.compile(r"(?:完成时限|完成时间|完成期限|时限|期限)\s*(?:为|是|:)\s*$")


def prose_due(text_sh: str, default_year: int | None) -> dt.date | None:
    """A deadline written in prose (shadow form): 2026年6月底前完成, 于6月30日前全部到位,
    （2026年6月30日前）, 完成时限为9月30日. A date under a placeholder year (20xx年)
    gives nothing."""
    for m in DATE_PART.finditer(text_sh):
        if not (m["m"] or m["m2"]):
            continue
        after = _DUE_AFTER.match(text_sh, m.end())
        before = _DUE_BEFORE.search(text_sh[max(0, m.start() - 8) : m.start()])
        if after is None and before is None:
            continue
        if m["y"] is None and _PLACEHOLDER_BEFORE.search(
            text_sh[max(0, m.start() - 8) : m.start()]
        ):
            return None
        return parse_single_date(text_sh[m.start() : m.end()], default_year)
    return None
