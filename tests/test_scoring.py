"""Hand-computed cases for the pure status rules."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.domain import scoring
from lib.domain.scoring import (
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


# --- composite score and ranking ----------------------------------------------------------

from lib.domain.scoring import (  # noqa: E402
    commend_and_laggard,
    composite_score,
    deduction_points,
    movement,
    rank_with_ties,
    satisfaction_component,
    timeliness_component,
)

WEIGHTS = {"completion": 40, "timeliness": 20, "satisfaction": 20, "inspection": 20}
RULES = {"per_complaint": 0.5, "per_overdue": 1.0, "max": 20.0}


def test_ties_share_a_rank() -> None:
    assert rank_with_ties([90.0, 85.0, 85.0, 70.0]) == [1, 2, 2, 4]
    assert rank_with_ties([85.004, 85.001]) == [1, 1]  # equal to two decimals
    assert rank_with_ties([]) == []


def test_movement() -> None:
    assert movement(2, 5) == 3
    assert movement(5, 2) == -3
    assert movement(3, None) is None


def test_composite_reweights_missing_components() -> None:
    full = {"completion": 80.0, "timeliness": 60.0, "satisfaction": 90.0, "inspection": 70.0}
    assert composite_score(full, WEIGHTS) == pytest.approx((3200 + 1200 + 1800 + 1400) / 100)
    partial = {"completion": 80.0, "timeliness": 60.0, "satisfaction": None, "inspection": None}
    assert composite_score(partial, WEIGHTS) == pytest.approx((3200 + 1200) / 60)
    assert composite_score({"completion": None}, WEIGHTS) == 0.0
    assert composite_score(full, WEIGHTS, deductions=200) == 0.0  # never below zero


def test_deductions_are_capped() -> None:
    assert deduction_points(2, 3, RULES) == pytest.approx(4.0)
    assert deduction_points(100, 100, RULES) == 20.0
    assert deduction_points(-1, 0, RULES) == 0.0


def test_satisfaction_counts_a_shortfall_twice() -> None:
    assert satisfaction_component([]) is None
    assert satisfaction_component([(93.0, 90.0)]) == pytest.approx(93.0)
    assert satisfaction_component([(87.0, 90.0)]) == pytest.approx(84.0)
    assert satisfaction_component([(93.0, 90.0), (87.0, 90.0)]) == pytest.approx(88.5)
    assert satisfaction_component([(80.0, None)]) == pytest.approx(80.0)


def test_timeliness() -> None:
    assert timeliness_component(0, 0, 0, 0) is None  # a month with no reports due
    assert timeliness_component(5, 6, 0, 0) == pytest.approx(100 * 5 / 6)
    assert timeliness_component(3, 4, 1, 2) == pytest.approx(100 * 4 / 6)


def test_commend_and_laggard_lists() -> None:
    ranked = [(1, 90.0), (2, 80.0), (3, 80.0), (4, 70.0), (5, 60.0), (6, 50.0)]
    top, bottom = commend_and_laggard(ranked, 2, 2)
    assert top == [1, 2, 3]  # the tie at the cut is listed whole
    assert bottom == [6, 5]  # worst first
    top, bottom = commend_and_laggard([(1, 90.0), (2, 80.0)], 3, 3)
    assert top == [1, 2] and bottom == []  # never on both lists
    assert commend_and_laggard([], 3, 3) == ([], [])


def test_a_task_without_due_date_runs_to_the_campaign_end() -> None:
    import pandas as pd

    progress = pd.DataFrame(
        [
            {
                "assignment_id": 1,
                "task_id": 1,
                "code": "1",
                "title": "x",
                "seq": 1,
                "area": None,
                "weight": 1.0,
                "start_date": None,
                "due_date": None,
                "department": "甲",
                "department_en": "A",
                "percent": 50.0,
                "latest_period": "2026-03",
                "reported": True,
            }
        ]
    )
    a = assignment_statuses(
        progress,
        today=D(2026, 4, 1),
        period="2026-04",
        campaign_start=D(2026, 1, 1),
        campaign_end=D(2026, 12, 31),
        thresholds=Thresholds(),
    )
    assert a.loc[0, "expected"] == pytest.approx(100 * 90 / 364)
    assert a.loc[0, "status"] == "on_track"


@pytest.mark.parametrize("count", [1, 12, 13, 3000])
def test_a_tasks_department_list_shows_ten_names_and_the_count_beyond_twelve(count: int) -> None:
    names = [f"单位{i:04d}" for i in range(count)]
    a = pd.DataFrame(
        {
            "task_id": [1] * count,
            "code": ["1.1"] * count,
            "title": ["任务"] * count,
            "seq": [1] * count,
            "area": ["甲"] * count,
            "weight": [1.0] * count,
            "start_date": [D(2026, 1, 1)] * count,
            "due_date": [D(2026, 6, 30)] * count,
            "percent": [50.0] * count,
            "reported_ok": [True] * count,
            "department": names,
            "department_en": [f"Unit {i}" for i in range(count)],
        }
    )
    tasks = task_statuses(
        a,
        today=D(2026, 3, 28),
        campaign_start=D(2026, 1, 1),
        campaign_end=D(2026, 6, 30),
        thresholds=Thresholds(),
    )
    zh, en = tasks.loc[0, "departments"], tasks.loc[0, "departments_en"]
    if count <= 12:
        assert zh == "、".join(names)
        assert en == ", ".join(f"Unit {i}" for i in range(count))
    else:
        assert zh == "、".join(names[:10]) + f" 等 {count} 个单位"
        assert en == ", ".join(f"Unit {i}" for i in range(10)) + f" … ({count} units)"


@given(st.lists(st.floats(min_value=0, max_value=1e4, allow_nan=False), max_size=50))
@settings(max_examples=300, deadline=None)
def test_round2_rounds_every_value_as_python_does(values: list[float]) -> None:
    """Composite scores of a province are rounded as one array; the result must be
    Python's round(x, 2) for each, ties and near-ties included."""
    import math

    import numpy as np

    ties = [(k + 0.5) / 100 for k in range(0, 20001, 7)]  # 0.005, 0.075, ... 200.005
    near = [math.nextafter(x, d) for x in ties for d in (0.0, math.inf)]
    every = values + ties + near
    got = scoring.round2(np.array(every))
    assert got.tolist() == [round(x, 2) for x in every]


def _ranks_by_definition(scores: list[float]) -> list[int]:
    """1 + how many scores are higher (to two decimals): the rule as docs/scoring.md
    states it, quadratic."""
    rounded = [round(s, 2) for s in scores]
    return [1 + sum(1 for other in rounded if other > mine) for mine in rounded]


def _lists_by_definition(
    ranked: list[tuple[int, float]], commend: int, laggard: int
) -> tuple[list[int], list[int]]:
    ordered = sorted(ranked, key=lambda x: -x[1])
    ranks = _ranks_by_definition([s for _, s in ordered])
    top = [d for (d, _), r in zip(ordered, ranks, strict=True) if r <= commend]
    bottom_ranks = _ranks_by_definition([-s for _, s in ordered])
    bottom = [
        d for (d, _), r in zip(ordered, bottom_ranks, strict=True) if r <= laggard and d not in top
    ]
    return top, bottom[::-1]


@pytest.mark.parametrize("seed", range(20))
def test_ranks_and_honour_lists_follow_the_definition(seed: int) -> None:
    """The one ranking (column-wise, O(n log n): the province has thousands of units)
    gives the answers of the rule as written, ties and near-ties included."""
    import random

    rng = random.Random(seed)
    scores = [round(rng.choice([50, 60, 70, 80]) + rng.choice([0, 0.001, 0.004, 0.5]), 3)
              for _ in range(rng.randint(0, 40))]  # fmt: skip
    assert rank_with_ties(scores) == _ranks_by_definition(scores)
    periods = [rng.choice(["2026-01", "2026-02"]) for _ in scores]
    grouped = scoring.competition_ranks(scores, groups=periods).tolist()
    for period in set(periods):
        mine = [i for i, p in enumerate(periods) if p == period]
        assert [grouped[i] for i in mine] == _ranks_by_definition([scores[i] for i in mine])
    pairs = list(enumerate(scores))
    for commend, laggard in ((3, 3), (1, 5), (10, 10)):
        assert commend_and_laggard(pairs, commend, laggard) == (
            _lists_by_definition(pairs, commend, laggard)
        )
