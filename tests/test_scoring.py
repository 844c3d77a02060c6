"""Hand-computed cases for the pure status rules."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from lib.scoring import (
    STATUS_COLOURS,
    STATUSES,
    Thresholds,
    assignment_statuses,
    campaign_settings,
    expected_progress,
    report_rate,
    task_statuses,
    weighted_completion,
    work_status,
)

D = dt.date


def test_expected_progress_is_linear_between_start_and_due() -> None:
    start, due = D(2026, 1, 1), D(2026, 1, 11)  # 10 days
    assert expected_progress(start, due, D(2025, 12, 31)) == 0.0
    assert expected_progress(start, due, start) == 0.0
    assert expected_progress(start, due, D(2026, 1, 4)) == pytest.approx(30.0)
    assert expected_progress(start, due, due) == 100.0
    assert expected_progress(start, due, D(2026, 3, 1)) == 100.0
    assert expected_progress(start, start, start) == 0.0


@pytest.mark.parametrize(
    ("percent", "expected", "due", "reported", "started", "status"),
    [
        (100, 50, D(2026, 6, 30), True, True, "done"),
        (100, 100, D(2026, 1, 1), False, True, "done"),  # done beats overdue
        (90, 100, D(2026, 3, 1), True, True, "overdue"),
        (40, 50, D(2026, 6, 30), False, True, "not_reported"),
        (0, 0, D(2026, 6, 30), True, False, "not_started"),
        (48, 50, D(2026, 6, 30), True, True, "on_track"),  # 0.96 >= 0.95
        (45, 50, D(2026, 6, 30), True, True, "behind"),  # 0.90
        (42, 50, D(2026, 6, 30), True, True, "at_risk"),  # 0.84 < 0.85
        (0, 0, D(2026, 6, 30), True, True, "on_track"),  # nothing expected yet
    ],
)
def test_work_status(percent, expected, due, reported, started, status) -> None:  # type: ignore[no-untyped-def]
    at = D(2026, 4, 1)
    assert work_status(percent, expected, due, at, reported=reported, started=started) == status


def test_thresholds_come_from_campaign_settings() -> None:
    th = Thresholds.from_settings({"thresholds": {"on_track": 0.9}})
    assert th == Thresholds(on_track=0.9, behind=0.85)
    assert work_status(45, 50, None, D(2026, 4, 1), thresholds=th) == "on_track"


def test_campaign_settings_merge_over_defaults() -> None:
    merged = campaign_settings({"weights": {"completion": 50}, "commend_count": 5})
    assert merged["weights"]["completion"] == 50
    assert merged["weights"]["inspection"] == 20
    assert merged["commend_count"] == 5
    assert merged["report_day"] == 25


def test_weighted_completion() -> None:
    assert weighted_completion([]) == 0.0
    assert weighted_completion([(100, 1), (50, 1)]) == 75.0
    assert weighted_completion([(100, 2), (40, 1)]) == 80.0
    assert weighted_completion([(100, 0), (40, 1)]) == 40.0


def test_every_status_has_its_own_colour() -> None:
    assert set(STATUS_COLOURS) == set(STATUSES)
    assert len(set(STATUS_COLOURS.values())) == len(STATUSES)


def _progress() -> pd.DataFrame:
    base = {
        "code": "1",
        "title": "任务",
        "seq": 1,
        "area": "方面",
        "weight": 1.0,
        "start_date": D(2026, 1, 1),
        "due_date": D(2026, 5, 1),
    }
    rows = [
        # task 1: two departments; one reported this month, one only last month
        {
            **base,
            "assignment_id": 1,
            "task_id": 1,
            "department": "甲科",
            "department_en": "A",
            "percent": 60.0,
            "latest_period": "2026-03",
            "reported": True,
        },
        {
            **base,
            "assignment_id": 2,
            "task_id": 1,
            "department": "乙科",
            "department_en": "B",
            "percent": 40.0,
            "latest_period": "2026-02",
            "reported": False,
        },
        # task 2: never reported
        {
            **base,
            "code": "2",
            "seq": 2,
            "assignment_id": 3,
            "task_id": 2,
            "department": "甲科",
            "department_en": "A",
            "percent": None,
            "latest_period": None,
            "reported": False,
        },
    ]
    return pd.DataFrame(rows)


def test_grace_before_report_day_counts_last_months_report() -> None:
    today = D(2026, 3, 10)  # before the 25th: February's report still counts
    a = assignment_statuses(
        _progress(),
        today=today,
        period="2026-03",
        campaign_start=D(2026, 1, 1),
        campaign_end=D(2026, 6, 30),
        thresholds=Thresholds(),
    )
    # expected at 3-10: 68 of 120 days = 56.67%
    assert a.loc[0, "expected"] == pytest.approx(100 * 68 / 120)
    assert list(a["status"]) == ["on_track", "at_risk", "not_reported"]
    tasks = task_statuses(
        a,
        today=today,
        campaign_start=D(2026, 1, 1),
        campaign_end=D(2026, 6, 30),
        thresholds=Thresholds(),
    )
    assert list(tasks["percent"]) == [50.0, 0.0]
    # 50 / 56.67 = 0.88 -> behind; task 2 has no report from anybody
    assert list(tasks["status"]) == ["behind", "not_reported"]
    assert tasks.loc[0, "departments"] == "甲科、乙科"
    assert report_rate(a) == (1, 3)


def test_after_report_day_a_missing_report_is_not_reported() -> None:
    a = assignment_statuses(
        _progress(),
        today=D(2026, 3, 28),
        period="2026-03",
        campaign_start=D(2026, 1, 1),
        campaign_end=D(2026, 6, 30),
        thresholds=Thresholds(),
    )
    assert list(a["status"]) == ["at_risk", "not_reported", "not_reported"]
