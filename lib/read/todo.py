"""What waits for whom (issue 16): a liaison's to-do ("我的待办") and the campaign office's
home. Cached per data version (:func:`lib.read.cache.versioned`); the rules (counts,
days to or past a deadline) are :mod:`lib.domain.tracking`'s.

A liaison's to-do covers every running campaign the department has tasks in: reports
returned to it (with the reviewer's reason), tasks not yet reported for the current month,
the deadline, open problems whose rectification task is the department's, and how last
month's reports were reviewed. Its count — returned reports plus unreported tasks — is
the number the sidebar shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from lib.db import get_engine
from lib.domain.periods import is_due, report_deadline, reporting_period, shift_period
from lib.domain.scoring import COUNTED_STATES
from lib.domain.tracking import Deadline, ReportCount
from lib.models import Assignment, Department, MonthlyUpdate, Problem, Task
from lib.read import campaigns, queries, reporting
from lib.read.cache import versioned
from lib.read.filters import open_problems, reports_of

# tracker cells of a department that has not reported every task (the tracker's list)
NOT_REPORTED_CELLS = ("missing", "pending", "returned")
# a campaign stays on the to-do page this long after its end (its last month's reports)
GRACE_DAYS = 31


@dataclass(frozen=True)
class TaskItem:
    """A task of the department in one month (``state``: none, draft, returned)."""

    period: str
    code: str
    title: str
    state: str
    comment: str | None = None  # the reviewer's reason, for a returned report


@dataclass(frozen=True)
class ProblemItem:
    code: str
    title: str
    state: str
    due: dt.date | None
    overdue: bool


@dataclass(frozen=True)
class ReviewOutcome:
    """How a month's reports were reviewed: approved, waiting (submitted), returned,
    not reported, of ``due`` tasks."""

    period: str
    approved: int
    waiting: int
    returned: int
    due: int

    @property
    def missing(self) -> int:
        return self.due - self.approved - self.waiting - self.returned


@dataclass(frozen=True)
class CampaignTodo:
    """One campaign's to-do for one department."""

    campaign_id: int
    name: str
    name_en: str | None
    period: str
    deadline: Deadline
    count: ReportCount
    returned: tuple[TaskItem, ...]
    unreported: tuple[TaskItem, ...]
    problems: tuple[ProblemItem, ...]
    last_month: ReviewOutcome | None

    @property
    def todo_count(self) -> int:
        """Returned reports to resubmit plus tasks still to report this month."""
        return len(self.returned) + len(self.unreported)


def running_campaigns(department_id: int, today: dt.date) -> list[int]:
    """The department's campaigns that have started and ended less than
    ``GRACE_DAYS`` ago, newest first."""
    out = []
    for campaign_id in queries.campaigns_of_department(department_id):
        info = campaigns.record(campaign_id)
        if info is None or info.start_date > today:
            continue
        if (today - info.end_date).days > GRACE_DAYS:
            continue
        out.append(campaign_id)
    return out


@versioned
def liaison_todo(department_id: int, today: dt.date) -> tuple[CampaignTodo, ...]:
    """The department's to-do in every running campaign (see the module docstring)."""
    return tuple(
        todo
        for campaign_id in running_campaigns(department_id, today)
        if (todo := _campaign_todo(campaign_id, department_id, today)) is not None
    )


def todo_count(department_id: int, today: dt.date) -> int:
    """The number the sidebar shows: returned reports plus unreported tasks."""
    return sum(c.todo_count for c in liaison_todo(department_id, today))


def _campaign_todo(campaign_id: int, department_id: int, today: dt.date) -> CampaignTodo | None:
    info = campaigns.record(campaign_id)
    if info is None:
        return None
    period = reporting_period(info.start_date, info.end_date, today)
    with get_engine().connect() as conn:
        tasks = conn.execute(
            select(Assignment.id, Task.code, Task.title, Task.start_date, Task.id)
            .join(Task, Task.id == Assignment.task_id)
            .where(
                Task.campaign_id == campaign_id,
                Task.active.is_(True),
                Assignment.department_id == department_id,
            )
            .order_by(Task.seq, Task.id)
        ).all()
        if not tasks:
            return None
        reports = conn.execute(
            select(
                MonthlyUpdate.assignment_id,
                MonthlyUpdate.period,
                MonthlyUpdate.review_state,
                MonthlyUpdate.reviewer_comment,
            ).where(MonthlyUpdate.assignment_id.in_([int(r[0]) for r in tasks]))
        ).all()
        problems = conn.execute(
            open_problems(
                campaign_id, Problem.code, Problem.title, Problem.state, Task.due_date
            ).where(Assignment.department_id == department_id)
        ).all()
    by_key = {(int(r[0]), str(r[1])): (str(r[2]), r[3]) for r in reports}
    due_now = [r for r in tasks if is_due(r.start_date, period)]
    returned = tuple(
        TaskItem(p, r.code, r.title, "returned", comment)
        for r in tasks
        for (aid, p), (state, comment) in sorted(by_key.items(), key=lambda kv: kv[0][1])
        if aid == int(r[0]) and state == "returned" and p <= period
    )
    unreported = []
    reported = 0
    for r in due_now:
        state, _ = by_key.get((int(r[0]), period), ("none", None))
        if state in COUNTED_STATES:
            reported += 1
        elif state != "returned":  # a returned report is listed with the returned ones
            unreported.append(TaskItem(period, r.code, r.title, state))
    last_month = None
    previous = shift_period(period, -1)
    if previous in info.periods:
        due_prev = [r for r in tasks if is_due(r.start_date, previous)]
        states = [by_key.get((int(r[0]), previous), ("none", None))[0] for r in due_prev]
        last_month = ReviewOutcome(
            previous,
            approved=states.count("approved"),
            waiting=states.count("submitted"),
            returned=states.count("returned"),
            due=len(due_prev),
        )
    return CampaignTodo(
        campaign_id=campaign_id,
        name=info.name,
        name_en=info.name_en,
        period=period,
        deadline=Deadline(report_deadline(period, info.report_day), today),
        count=ReportCount(reported, len(due_now)),
        returned=returned,
        unreported=tuple(unreported),
        problems=tuple(
            ProblemItem(
                p.code or "",
                p.title,
                p.state,
                p.due_date,
                p.due_date is not None and p.due_date < today,
            )
            for p in problems
        ),
        last_month=last_month,
    )


# --- the campaign office's home ----------------------------------------------------------


@dataclass(frozen=True)
class WaitingReview:
    """A department-month with reports waiting for review."""

    department_id: int
    department: str
    department_en: str | None
    period: str
    reports: int
    oldest: dt.datetime | None  # stored UTC


@dataclass(frozen=True)
class NotReported:
    """A department that has not reported every task for the current month."""

    department_id: int
    count: ReportCount
    cell: str  # the tracker's cell: missing, pending (before the deadline) or returned
    liaisons: tuple[str, ...]


@dataclass(frozen=True)
class OverdueProblem:
    code: str
    title: str
    departments: str
    departments_en: str
    due: dt.date
    days_overdue: int


@dataclass(frozen=True)
class OfficeTodo:
    period: str
    deadline: Deadline
    waiting: tuple[WaitingReview, ...]
    not_reported: tuple[NotReported, ...]
    overdue_problems: tuple[OverdueProblem, ...]

    @property
    def waiting_reports(self) -> int:
        return sum(w.reports for w in self.waiting)


@versioned
def waiting_count(campaign_id: int) -> int:
    """Reports of the campaign waiting for review (the office's sidebar count; one COUNT,
    so that every page of an office user stays cheap)."""
    stmt = reports_of(func.count(MonthlyUpdate.id)).where(
        Task.campaign_id == campaign_id, MonthlyUpdate.review_state == "submitted"
    )
    with get_engine().connect() as conn:
        return int(conn.execute(stmt).scalar() or 0)


@versioned
def office_todo(campaign_id: int, today: dt.date) -> OfficeTodo | None:
    """What waits for the campaign office in a campaign: reports to review (counted per
    department and month, oldest first), departments that have not reported the current
    month (the tracker's counts), problems past their task's deadline and not closed."""
    info = campaigns.record(campaign_id)
    if info is None:
        return None
    period = reporting_period(info.start_date, info.end_date, today)
    stmt = (
        reports_of(
            Department.id,
            Department.name,
            Department.display_en,
            MonthlyUpdate.period,
            func.count(MonthlyUpdate.id),
            func.min(MonthlyUpdate.submitted_at),
            department=True,
        )
        .where(Task.campaign_id == campaign_id, MonthlyUpdate.review_state == "submitted")
        .group_by(Department.id, Department.name, Department.display_en, MonthlyUpdate.period)
    )
    with get_engine().connect() as conn:
        rows = conn.execute(stmt).all()
    waiting = sorted(
        (WaitingReview(int(r[0]), r[1], r[2], r[3], int(r[4]), r[5]) for r in rows),
        key=lambda w: (w.oldest or dt.datetime.max, w.period, w.department_id),
    )
    grid = reporting.tracker(campaign_id, today)
    liaisons = reporting.liaisons_by_department()
    not_reported: list[NotReported] = []
    if not grid.empty:
        current = grid[(grid["period"] == period) & grid["cell"].isin(NOT_REPORTED_CELLS)]
        for r in current.itertuples(index=False):
            not_reported.append(
                NotReported(
                    int(r.department_id),
                    ReportCount(int(r.counted), int(r.due)),
                    str(r.cell),
                    tuple(liaisons.get(int(r.department_id), [])),
                )
            )
    ledger = reporting.problem_ledger(campaign_id)
    overdue: list[OverdueProblem] = []
    if not ledger.empty:
        for p in ledger.itertuples(index=False):
            due = p.due_date
            if p.state == "closed" or due is None or due != due or due >= today:
                continue
            overdue.append(
                OverdueProblem(
                    p.code or "",
                    p.title,
                    p.departments,
                    p.departments_en,
                    due,
                    Deadline(due, today).days_overdue,
                )
            )
    return OfficeTodo(
        period=period,
        deadline=Deadline(report_deadline(period, info.report_day), today),
        waiting=tuple(waiting),
        not_reported=tuple(not_reported),
        overdue_problems=tuple(sorted(overdue, key=lambda o: -o.days_overdue)),
    )
