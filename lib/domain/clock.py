"""Local time: one setting, ``APP_TIMEZONE`` (default Asia/Shanghai).

The database stores naive UTC (``lib.models.utcnow``). Every screen, document, export and
CLI line shows local wall-clock time, and every "today" (the current month, deadlines,
days overdue) is the local date: a report sent at 00:30 on 26 November in Shanghai was
sent on the 26th, not on the 25th as UTC would say.
"""

from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Asia/Shanghai"


class TimezoneError(ValueError):
    """APP_TIMEZONE names no known time zone."""


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise TimezoneError(
            f"APP_TIMEZONE={name!r} is not a time zone (e.g. Asia/Shanghai). / "
            f"APP_TIMEZONE={name!r} 不是有效的时区（例如 Asia/Shanghai）。"
        ) from exc


def zone_name() -> str:
    """The configured zone's name (environment first, then secrets.toml)."""
    name = os.environ.get("APP_TIMEZONE")
    if name is None:
        from lib.config import secret_value

        name = secret_value("APP_TIMEZONE")
    return (name or "").strip() or DEFAULT_TIMEZONE


def zone() -> ZoneInfo:
    return _zone(zone_name())


def to_local(at: dt.datetime) -> dt.datetime:
    """A stored time (naive UTC, or aware) as an aware local time."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(zone())


def to_utc_naive(at: dt.datetime) -> dt.datetime:
    """A local wall-clock time (naive = local) as the database's naive UTC."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=zone())
    return at.astimezone(dt.UTC).replace(tzinfo=None)


def local_now() -> dt.datetime:
    """Now as a naive local wall-clock time."""
    return dt.datetime.now(zone()).replace(tzinfo=None)


def local_today() -> dt.date:
    return dt.datetime.now(zone()).date()


def local_date(at: dt.datetime) -> dt.date:
    """The local calendar day of a stored time."""
    return to_local(at).date()


def end_of_local_day_utc(day: dt.date) -> dt.datetime:
    """The last instant of a local calendar day, as naive UTC (for SQL comparisons)."""
    return to_utc_naive(dt.datetime.combine(day, dt.time.max))
