"""Report tracking rules (issue 16, items 4 and 6): one report count with one label in
both languages, days to or past a deadline, the reminder's wording after the deadline."""

from __future__ import annotations

import datetime as dt

import pytest

from lib.domain.periods import is_due, late_start
from lib.domain.tracking import Deadline, ReportCount, reminder_wording
from lib.i18n import t

DUE = dt.date(2026, 11, 25)


def _say(wording, lang: str) -> str:  # type: ignore[no-untyped-def]
    return t(wording.key, lang=lang, **wording.params)


def test_report_count_is_reported_of_due() -> None:
    count = ReportCount(reported=4, due=6)
    assert count.missing == 2
    assert not count.complete
    assert ReportCount(6, 6).complete
    assert _say(count.wording(), "zh") == "已报送 4/6"
    assert _say(count.wording(), "en") == "Reported 4/6"


@pytest.mark.parametrize(("reported", "due"), [(-1, 3), (4, 3), (0, -1)])
def test_report_count_refuses_impossible_numbers(reported: int, due: int) -> None:
    with pytest.raises(ValueError):
        ReportCount(reported, due)


@pytest.mark.parametrize(
    ("today", "left", "overdue", "days_overdue", "zh", "en"),
    [
        (dt.date(2026, 11, 20), 5, False, 0, "还剩5天", "5 day(s) left"),
        (dt.date(2026, 11, 24), 1, False, 0, "还剩1天", "1 day(s) left"),
        (DUE, 0, False, 0, "今天截止", "due today"),  # the deadline's own day is in time
        (dt.date(2026, 11, 26), -1, True, 1, "已逾期1天", "1 day(s) overdue"),
        (dt.date(2026, 11, 29), -4, True, 4, "已逾期4天", "4 day(s) overdue"),
        (dt.date(2026, 12, 2), -7, True, 7, "已逾期7天", "7 day(s) overdue"),
    ],
)
def test_days_to_and_past_the_deadline(
    today: dt.date, left: int, overdue: bool, days_overdue: int, zh: str, en: str
) -> None:
    deadline = Deadline(DUE, today)
    assert deadline.days_left == left
    assert deadline.overdue is overdue
    assert deadline.days_overdue == days_overdue
    assert _say(deadline.wording(), "zh") == zh
    assert _say(deadline.wording(), "en") == en
    urged = _say(deadline.wording(urge=True), "zh")
    assert urged == (zh + "，请尽快报送" if overdue else zh)


def test_reminder_says_overdue_after_the_deadline() -> None:
    params = dict(date="2026年11月25日", campaign="活动", period="2026年11月")
    params.update(departments="甲科、乙科", liaisons="张三")
    before = reminder_wording(Deadline(DUE, DUE))
    text = t(before.key, lang="zh", **before.params, **params)
    assert "于2026年11月25日前完成" in text and "逾期" not in text
    after = reminder_wording(Deadline(DUE, dt.date(2026, 11, 29)))
    text = t(after.key, lang="zh", **after.params, **params)
    assert "已逾期4天，请尽快报送" in text
    assert "前完成" not in text and "甲科、乙科" in text and "张三" in text


def test_a_task_is_due_from_the_month_it_starts() -> None:
    assert is_due(None, "2026-11")
    assert is_due(dt.date(2026, 11, 30), "2026-11")
    assert not is_due(dt.date(2026, 12, 1), "2026-11")


def test_to_do_reads_on_both_backends(worked_example: int) -> None:
    """The worked example (docs/scoring.md) on SQLite and PostgreSQL, on 31 March: 甲科 has
    reported both tasks, 乙科 one of two (its other report is waiting for review); the
    to-do, the office's home and the tracker count alike."""
    from sqlalchemy import select

    from lib.db import get_engine
    from lib.models import Department
    from lib.read import reporting, todo
    from tests.factories import TODAY

    with get_engine().connect() as conn:
        ids = dict(conn.execute(select(Department.code, Department.id)).all())
    a, b = ids["A"], ids["B"]
    (mine_a,) = todo.liaison_todo(a, TODAY)
    assert mine_a.period == "2026-03" and mine_a.count == ReportCount(2, 2)
    assert mine_a.todo_count == 0 and mine_a.returned == () and mine_a.unreported == ()
    assert mine_a.deadline.days_overdue == 6
    assert mine_a.last_month is not None and mine_a.last_month.approved == 2
    (mine_b,) = todo.liaison_todo(b, TODAY)
    assert mine_b.count == ReportCount(1, 2)
    assert [(u.code, u.state) for u in mine_b.unreported] == [("1", "none")]
    last = mine_b.last_month
    assert last is not None and (last.approved, last.waiting, last.missing) == (1, 0, 1)
    assert todo.todo_count(b, TODAY) == 1

    office = todo.office_todo(worked_example, TODAY)
    assert office is not None
    assert [(w.department_id, w.period, w.reports) for w in office.waiting] == [(b, "2026-03", 1)]
    assert office.waiting_reports == todo.waiting_count(worked_example) == 1
    assert [(n.department_id, n.count, n.cell) for n in office.not_reported] == [
        (b, ReportCount(1, 2), "missing")
    ]
    assert office.overdue_problems == ()
    # the tracker's numbers are the same ones
    grid = reporting.tracker(worked_example, TODAY)
    march = grid[grid["period"] == "2026-03"].set_index("department_id")
    for dept, mine in ((a, mine_a), (b, mine_b)):
        row = march.loc[dept]
        assert ReportCount(int(row["counted"]), int(row["due"])) == mine.count


def test_a_start_after_the_first_report_day_is_named() -> None:
    assert late_start(dt.date(2026, 11, 28), 25) == dt.date(2026, 11, 25)
    assert late_start(dt.date(2026, 11, 25), 25) is None  # the deadline's own day is in time
    assert late_start(dt.date(2026, 11, 1), 25) is None
    assert late_start(dt.date(2026, 2, 28), 28) is None  # a short month: its last day
    assert late_start(dt.date(2027, 2, 28), 30) is None
