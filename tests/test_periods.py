from __future__ import annotations

import datetime as dt

import pytest

from lib.domain.periods import (
    add_months,
    is_period,
    period_end,
    periods_between,
    reporting_period,
    shift_period,
)


def test_periods() -> None:
    assert is_period("2026-11") and not is_period("2026-13") and not is_period("26-1")
    assert shift_period("2026-11", 2) == "2027-01"
    assert shift_period("2026-01", -1) == "2025-12"
    assert period_end("2024-02") == dt.date(2024, 2, 29)
    assert periods_between(dt.date(2019, 3, 1), dt.date(2019, 8, 31)) == [
        "2019-03",
        "2019-04",
        "2019-05",
        "2019-06",
        "2019-07",
        "2019-08",
    ]
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)


def test_reporting_period_is_clamped_to_the_campaign() -> None:
    start, end = dt.date(2026, 3, 1), dt.date(2026, 8, 31)
    assert reporting_period(start, end, dt.date(2026, 5, 20)) == "2026-05"
    assert reporting_period(start, end, dt.date(2026, 1, 1)) == "2026-03"
    assert reporting_period(start, end, dt.date(2027, 1, 1)) == "2026-08"


def test_bad_period_is_refused() -> None:
    with pytest.raises(ValueError):
        shift_period("2026/11", 1)
