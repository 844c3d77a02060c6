"""Report tracking rules (issue 16, items 4 and 6): one report count with one label in
both languages, days to or past a deadline, the reminder's wording after the deadline."""

from __future__ import annotations

import datetime as dt

import pytest

from lib.domain.tracking import Deadline, ReportCount, reminder_wording
from lib.i18n import t
from lib.read.todo import is_due

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
