"""三色督办: the pure rules of reminders and escalation (issue 22).

A department-month is chased from a few days before its report deadline
(:func:`lib.domain.periods.report_deadline`) until it is complete:

- 蓝 blue 提醒 (reminder): ``blue_before`` days before the deadline, and on the deadline day;
- 黄 yellow 预警 (warning): from the day after the deadline, listing what is missing and
  how many days overdue;
- 红 red 督办 (escalation): ``red_after`` days after the deadline, to the department's
  分管领导 and the office.

Problems (挂账) past their deadline are chased the same way from their deadline. Each
stage is sent once per department-month and channel (the dispatcher keeps the log), so a
day the scheduler did not run is caught up by the next run, and a run repeated the same
day sends nothing new.

Who receives what (:func:`channel_wants`): a department's own channel every stage of its
department; a channel of the role ``office`` the yellow and red ones; a channel of the
role ``leader`` (the leadership group) every red one; a channel of a named 分管领导 the
red ones of the departments they are in charge of.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lib.domain.periods import report_deadline

# Stages in escalating order, each with its colour.
STAGES = ("blue_before", "blue_due", "yellow", "red")
COLOURS = {"blue_before": "blue", "blue_due": "blue", "yellow": "yellow", "red": "red"}
COLOUR_RANK = {"blue": 1, "yellow": 2, "red": 3}

DEFAULT_RULES: dict[str, Any] = {
    "enabled": True,
    # blue reminder this many days before the report deadline (and on the day itself)
    "blue_before": 3,
    # red 督办 from this many days after the deadline (yellow before that)
    "red_after": 3,
    # the monthly circular is sent on this day of the month (0: never), to these channels
    "circular_day": 0,
    "circular_channels": [],
    # the meeting deck (.pptx) goes with the circular by e-mail
    "circular_deck": False,
}


def reminder_rules(settings: Mapping[str, Any] | None) -> dict[str, Any]:
    """A campaign's reminder rules (``settings["reminders"]``) over the defaults."""
    stored = (settings or {}).get("reminders") or {}
    rules = {**DEFAULT_RULES, **{k: v for k, v in stored.items() if k in DEFAULT_RULES}}
    rules["blue_before"] = max(0, int(rules["blue_before"]))
    rules["red_after"] = max(1, int(rules["red_after"]))
    rules["circular_day"] = max(0, min(28, int(rules["circular_day"])))
    return rules


def stage_for(days_after_deadline: int, rules: Mapping[str, Any]) -> str | None:
    """The stage of a department-month ``days_after_deadline`` days after its deadline
    (negative: before), or None before the first reminder."""
    if days_after_deadline >= int(rules["red_after"]):
        return "red"
    if days_after_deadline >= 1:
        return "yellow"
    if days_after_deadline == 0:
        return "blue_due"
    if days_after_deadline >= -int(rules["blue_before"]):
        return "blue_before"
    return None


def colour_of(days_after_deadline: int, rules: Mapping[str, Any]) -> str | None:
    """蓝/黄/红 of a department-month (None: nothing to chase yet)."""
    stage = stage_for(days_after_deadline, rules)
    return COLOURS[stage] if stage else None


def problem_stage(days_overdue: int, rules: Mapping[str, Any]) -> str | None:
    """A problem past its deadline: yellow from the day after, red after ``red_after``."""
    if days_overdue >= int(rules["red_after"]):
        return "red"
    if days_overdue >= 1:
        return "yellow"
    return None


def chased_period(
    today: dt.date, report_day: int, periods: list[str], rules: Mapping[str, Any]
) -> str | None:
    """The month chased on ``today``: the latest month of the campaign whose first
    reminder day has come (a month stays chased until the next one's reminders start)."""
    first = int(rules["blue_before"])
    candidates = [
        p for p in periods if report_deadline(p, report_day) - dt.timedelta(first) <= today
    ]
    if not candidates:
        return None
    return max(candidates)


def worst_stage(stages: list[str]) -> str | None:
    """The most escalated of ``stages``."""
    present = [s for s in STAGES if s in stages]
    return present[-1] if present else None


@dataclass(frozen=True)
class Recipient:
    """What the rules need to know of a channel."""

    departments: frozenset[int]
    role: str | None
    leader_departments: frozenset[int]  # departments of the named 分管领导, if any


def channel_wants(recipient: Recipient, department_id: int, stage: str) -> bool:
    """Whether a channel receives a department's message of ``stage``."""
    colour = COLOURS[stage]
    if department_id in recipient.departments:
        return True
    if recipient.role == "office":
        return colour in ("yellow", "red")
    if recipient.role == "leader":
        return colour == "red"
    return colour == "red" and department_id in recipient.leader_departments


def needs_reason(
    status: str | None, percent: float, due: dt.date | None, work_status: str, at: dt.date
) -> bool:
    """ "Red needs a reason": a task reported behind or at risk, or past its deadline and
    not done, must say what the problem is (存在问题) and what comes next (下步计划)."""
    if percent >= 100 or status == "done":
        return False
    if due is not None and at > due:
        return True
    return work_status in ("behind", "at_risk", "overdue") or status == "blocked"
