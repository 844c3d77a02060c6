"""Rules of report tracking, shared by the tracker, the reminder text and the to-do pages
(issue 16): how many of a department's tasks are reported for a month (ONE definition,
one label in both languages), how many days are left before a deadline or have passed
since it, and which wording a reminder or a deadline note takes.

Pure rules, no I/O: the catalogue keys are named here, the texts live in the catalogue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

# The one label of a report count, everywhere (grid, table, to-do pages): "已报送 4/6" /
# "Reported 4/6" — reported of due, never the missing ones over the total.
COUNT_KEY = "tracker.count"


@dataclass(frozen=True)
class ReportCount:
    """A department's tasks for one month: ``reported`` (submitted or approved reports) of
    ``due`` (tasks that owe a report, ``periods.is_due``)."""

    reported: int
    due: int

    def __post_init__(self) -> None:
        if self.due < 0 or not 0 <= self.reported <= self.due:
            raise ValueError(f"reported {self.reported} of due {self.due}")

    @property
    def missing(self) -> int:
        """Tasks not reported (no report, a draft, or a returned report)."""
        return self.due - self.reported

    @property
    def complete(self) -> bool:
        return self.reported == self.due

    def wording(self) -> Wording:
        """The label: ``t(w.key, **w.params)`` gives "已报送 4/6" / "Reported 4/6"."""
        return Wording(COUNT_KEY, {"reported": self.reported, "due": self.due})


@dataclass(frozen=True)
class Wording:
    """A catalogue key and its parameters (render with ``lib.i18n.t(key, **params)``)."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Deadline:
    """A deadline seen on a given (local) day. The deadline's own day is still in time:
    a report sent by the end of it is on time (``lib.domain.periods.is_late``)."""

    due: dt.date
    today: dt.date

    @property
    def days_left(self) -> int:
        """Whole days from today to the deadline (0 on the day itself; negative after)."""
        return (self.due - self.today).days

    @property
    def overdue(self) -> bool:
        return self.today > self.due

    @property
    def days_overdue(self) -> int:
        """Days since the deadline (1 on the day after it); 0 when not overdue."""
        return max(0, -self.days_left)

    def wording(self, urge: bool = False) -> Wording:
        """The state of the deadline: 还剩N天, 今天截止, or 已逾期N天 (shown in red); with
        ``urge`` (to the one who must report) 已逾期N天，请尽快报送."""
        if self.overdue:
            key = "home.deadline_overdue_urge" if urge else "home.deadline_overdue"
            return Wording(key, {"days": self.days_overdue})
        if self.days_left == 0:
            return Wording("home.deadline_today")
        return Wording("home.deadline_left", {"days": self.days_left})


def reminder_wording(deadline: Deadline) -> Wording:
    """The reminder to non-reporters: "请于{date}前完成…" until the deadline's day is over,
    then "已逾期{days}天，请尽快报送…". The caller adds date, campaign, period,
    departments and liaisons."""
    if deadline.overdue:
        return Wording("tracker.reminder_text_overdue", {"days": deadline.days_overdue})
    return Wording("tracker.reminder_text")
