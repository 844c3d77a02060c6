"""Monthly periods ("YYYY-MM") and date arithmetic used across the product."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from lib.domain.clock import end_of_local_day_utc, local_date

PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def is_period(value: str) -> bool:
    return bool(PERIOD_RE.match(value or ""))


def period_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def parse_period(period: str) -> tuple[int, int]:
    m = PERIOD_RE.match(period or "")
    if not m:
        raise ValueError(f"invalid period {period!r}, expected YYYY-MM")
    return int(m.group(1)), int(m.group(2))


def period_start(period: str) -> dt.date:
    y, m = parse_period(period)
    return dt.date(y, m, 1)


def period_end(period: str) -> dt.date:
    y, m = parse_period(period)
    return dt.date(y, m, calendar.monthrange(y, m)[1])


def shift_period(period: str, months: int) -> str:
    y, m = parse_period(period)
    idx = y * 12 + (m - 1) + months
    return f"{idx // 12:04d}-{idx % 12 + 1:02d}"


def periods_between(start: dt.date, end: dt.date) -> list[str]:
    """Every period touched by the closed interval [start, end], in order."""
    out: list[str] = []
    p, last = period_of(start), period_of(end)
    while p <= last:
        out.append(p)
        p = shift_period(p, 1)
    return out


def add_months(day: dt.date, months: int) -> dt.date:
    y, m = parse_period(shift_period(period_of(day), months))
    return dt.date(y, m, min(day.day, calendar.monthrange(y, m)[1]))


def reporting_period(start: dt.date, end: dt.date, today: dt.date) -> str:
    """The period a campaign reports for today: this month, clamped to the campaign."""
    if today < start:
        return period_of(start)
    if today > end:
        return period_of(end)
    return period_of(today)


def is_due(start_date: dt.date | None, period: str) -> bool:
    """Whether a task owes a report for ``period``: it is reported on from the month it
    starts in (no start date: from the campaign's first month). The tracker, the to-do
    lists and the reminders count with this one rule."""
    return start_date is None or start_date <= period_end(period)


def report_deadline(period: str, report_day: int) -> dt.date:
    """The day a month's reports are due: its report day (a campaign setting), or its
    last day if the month is shorter. A report submitted by the end of that day is on
    time; until then last month's report still counts as this month's."""
    end = period_end(period)
    return end.replace(day=min(max(1, report_day), end.day))


def late_start(start: dt.date, report_day: int) -> dt.date | None:
    """The first month's report deadline when a campaign starts after it, else None:
    its tasks owe that month's report (``is_due``) and are overdue the day they start."""
    deadline = report_deadline(period_of(start), report_day)
    return deadline if start > deadline else None


def report_cutoff(period: str, report_day: int) -> dt.datetime:
    """The last moment a month's report counts as on time: the end of the deadline's
    local day, as naive UTC (stored times are UTC)."""
    return end_of_local_day_utc(report_deadline(period, report_day))


def is_late(submitted_at: dt.datetime | None, period: str, report_day: int) -> bool:
    """Sent after the deadline's local day (``submitted_at`` is stored UTC)."""
    return submitted_at is not None and local_date(submitted_at) > report_deadline(
        period, report_day
    )
