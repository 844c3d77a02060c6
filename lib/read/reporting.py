"""Read side of monthly reporting (issue 5): what the report, review, tracker, locks and
problem pages show. Cached per data version (see :func:`lib.read.cache.versioned`); pages
get plain data and DataFrames, never sessions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pandas as pd
from sqlalchemy import and_, func, select

from lib.db import get_engine
from lib.domain.periods import is_due, is_late, period_of, report_deadline
from lib.domain.permissions import Actor, can
from lib.domain.scoring import COUNTED_STATES
from lib.models import (
    Assignment,
    Attachment,
    AuditLog,
    Department,
    Indicator,
    IndicatorDepartment,
    IndicatorValue,
    InspectionScore,
    MonthlyUpdate,
    PeriodLock,
    Problem,
    Task,
    User,
)
from lib.read import campaigns
from lib.read.cache import versioned
from lib.read.filters import department_labels, indicator_labels, live_assignment, reports_of
from lib.read.frames import frame, table


@versioned
def campaign_departments(campaign_id: int) -> pd.DataFrame:
    """Departments with at least one active task in the campaign (id, name, name_en)."""
    stmt = (
        select(
            Department.id,
            Department.name,
            Department.display_en.label("name_en"),
            Department.sort_order,
        )
        .join(Assignment, Assignment.department_id == Department.id)
        .join(Task, Task.id == Assignment.task_id)
        .where(
            *live_assignment(campaign_id),
        )
        .group_by(Department.id, Department.name, Department.name_en, Department.sort_order)
        .order_by(Department.sort_order, Department.id)
    )
    return table(stmt)


@versioned
def period_locks(campaign_id: int) -> pd.DataFrame:
    stmt = (
        select(PeriodLock.period, PeriodLock.locked, PeriodLock.reason, PeriodLock.changed_at)
        .where(PeriodLock.campaign_id == campaign_id)
        .order_by(PeriodLock.period)
    )
    return table(stmt)


def lock_of(campaign_id: int, period: str) -> dict[str, Any] | None:
    """The lock row of a month if it is locked, else None."""
    locks = period_locks(campaign_id)
    hit = locks[(locks["period"] == period) & locks["locked"].astype(bool)]
    return None if hit.empty else dict(hit.iloc[0])


_REPORT_COLUMNS = [
    "assignment_id",
    "task_id",
    "code",
    "title",
    "description",
    "source",
    "due_date",
    "is_lead",
    "update_id",
    "percent_done",
    "status",
    "work_done",
    "problems",
    "next_steps",
    "review_state",
    "reviewer_comment",
    "version",
    "submitted_at",
    "updated_at",
    "editor",
    "prev_percent",
    "prev_status",
    "prev_work_done",
    "prev_problems",
    "prev_next_steps",
]


@versioned
def department_reports(campaign_id: int, department_id: int, period: str) -> pd.DataFrame:
    """One row per task the department is assigned in the campaign, with this month's
    report (if any) and the latest earlier report (to prefill). Problem tasks closed out
    before the month are left out; open ones carry over."""
    cur = MonthlyUpdate.__table__.alias("cur")
    prev = MonthlyUpdate.__table__.alias("prev")
    editor = User.__table__.alias("editor")
    latest_prev = (
        select(
            MonthlyUpdate.assignment_id.label("aid"),
            func.max(MonthlyUpdate.period).label("p"),
        )
        .where(MonthlyUpdate.period < period)
        .group_by(MonthlyUpdate.assignment_id)
        .subquery()
    )
    stmt = (
        select(
            Assignment.id.label("assignment_id"),
            Task.id.label("task_id"),
            Task.code,
            Task.title,
            Task.description,
            Task.source,
            Task.due_date,
            Assignment.is_lead,
            cur.c.id.label("update_id"),
            cur.c.percent_done,
            cur.c.status,
            cur.c.work_done,
            cur.c.problems,
            cur.c.next_steps,
            cur.c.review_state,
            cur.c.reviewer_comment,
            cur.c.version,
            cur.c.submitted_at,
            cur.c.updated_at,
            editor.c.display_name.label("editor"),
            prev.c.percent_done.label("prev_percent"),
            prev.c.status.label("prev_status"),
            prev.c.work_done.label("prev_work_done"),
            prev.c.problems.label("prev_problems"),
            prev.c.next_steps.label("prev_next_steps"),
            Problem.state.label("problem_state"),
            Problem.closed_period,
            Task.seq,
        )
        .join(Task, Task.id == Assignment.task_id)
        .outerjoin(cur, and_(cur.c.assignment_id == Assignment.id, cur.c.period == period))
        .outerjoin(editor, editor.c.id == cur.c.updated_by_id)
        .outerjoin(latest_prev, latest_prev.c.aid == Assignment.id)
        .outerjoin(
            prev, and_(prev.c.assignment_id == Assignment.id, prev.c.period == latest_prev.c.p)
        )
        .outerjoin(Problem, Problem.task_id == Task.id)
        .where(
            *live_assignment(campaign_id, department=False),
            Assignment.department_id == department_id,
        )
        .order_by(Task.seq, Task.id)
    )
    df = table(stmt)
    if df.empty:
        return df[_REPORT_COLUMNS]
    gone = (df["problem_state"] == "closed") & (df["closed_period"].fillna("9999-99") < period)
    df = df[~gone]
    return df[_REPORT_COLUMNS].reset_index(drop=True)


@versioned
def report_attachments(update_ids: tuple[int, ...]) -> pd.DataFrame:
    columns = ["id", "update_id", "original_name", "content_type", "size_bytes"]
    if not update_ids:
        return pd.DataFrame(columns=columns)
    stmt = (
        select(
            Attachment.id,
            Attachment.update_id,
            Attachment.original_name,
            Attachment.content_type,
            Attachment.size_bytes,
        )
        .where(Attachment.update_id.in_(update_ids))
        .order_by(Attachment.id)
    )
    return table(stmt)


def attachment_file(actor: Actor, attachment_id: int) -> tuple[str, str, bytes] | None:
    """(original name, content type, bytes) of an evidence file the actor may read:
    a liaison only their own department's, office/admin/leader any. Not cached."""
    from lib.config import settings
    from lib.io import attachments

    with get_engine().connect() as conn:
        row = conn.execute(
            select(
                Attachment.original_name,
                Attachment.content_type,
                Attachment.stored_name,
                Assignment.department_id,
            )
            .join(MonthlyUpdate, MonthlyUpdate.id == Attachment.update_id)
            .join(Assignment, Assignment.id == MonthlyUpdate.assignment_id)
            .where(Attachment.id == attachment_id)
        ).first()
    if row is None or not can(actor, "read.all"):
        return None
    if not (actor.roles & {"admin", "office", "leader"}) and actor.department_id != row[3]:
        return None
    data = attachments.read(settings().attachments_dir, row.stored_name)
    return None if data is None else (row.original_name, row.content_type, data)


@versioned
def department_indicators(campaign_id: int, department_id: int, period: str) -> pd.DataFrame:
    """Indicators the department reports (linked to it, or linked to nobody), except the
    organisation-level composites, with this month's value and last month's."""
    linked_any = select(IndicatorDepartment.indicator_id).distinct()
    linked_me = select(IndicatorDepartment.indicator_id).where(
        IndicatorDepartment.department_id == department_id
    )
    cur = IndicatorValue.__table__.alias("cur")
    prev = IndicatorValue.__table__.alias("prev")
    latest_prev = (
        select(IndicatorValue.indicator_id.label("iid"), func.max(IndicatorValue.period).label("p"))
        .where(IndicatorValue.department_id == department_id, IndicatorValue.period < period)
        .group_by(IndicatorValue.indicator_id)
        .subquery()
    )
    stmt = (
        select(
            *indicator_labels(),
            Indicator.min_value,
            Indicator.max_value,
            cur.c.value,
            cur.c.sample_size,
            cur.c.version,
            prev.c.value.label("prev_value"),
            prev.c.sample_size.label("prev_sample_size"),
        )
        .outerjoin(
            cur,
            and_(
                cur.c.indicator_id == Indicator.id,
                cur.c.department_id == department_id,
                cur.c.period == period,
            ),
        )
        .outerjoin(latest_prev, latest_prev.c.iid == Indicator.id)
        .outerjoin(
            prev,
            and_(
                prev.c.indicator_id == Indicator.id,
                prev.c.department_id == department_id,
                prev.c.period == latest_prev.c.p,
            ),
        )
        .where(
            Indicator.campaign_id == campaign_id,
            Indicator.is_composite.is_(False),
            (Indicator.id.in_(linked_me)) | (Indicator.id.not_in(linked_any)),
        )
        .order_by(Indicator.seq, Indicator.id)
    )
    return frame(stmt)


@versioned
def review_queue(campaign_id: int) -> pd.DataFrame:
    """Submitted reports waiting for review, oldest submission first."""
    stmt = (
        reports_of(
            MonthlyUpdate.id,
            MonthlyUpdate.version,
            MonthlyUpdate.period,
            MonthlyUpdate.percent_done,
            MonthlyUpdate.status,
            MonthlyUpdate.work_done,
            MonthlyUpdate.problems,
            MonthlyUpdate.next_steps,
            MonthlyUpdate.submitted_at,
            Task.code,
            Task.title,
            Department.id.label("department_id"),
            *department_labels(),
            department=True,
        )
        .where(Task.campaign_id == campaign_id, MonthlyUpdate.review_state == "submitted")
        .order_by(MonthlyUpdate.submitted_at, MonthlyUpdate.id)
    )
    return frame(stmt)


TRACKER_CELLS = ("on_time", "late", "missing", "returned", "pending")


@versioned
def tracker(campaign_id: int, today: dt.date) -> pd.DataFrame:
    """Department × month: tasks due, counted reports, returned, late and the cell state.

    A cell is *returned* if any report of the month is returned, *missing* if a task has
    no submitted report (*pending* instead while this month's deadline has not passed),
    *late* if any report came after the report day, else *on time*.
    """
    campaign = campaigns.record(campaign_id)
    if campaign is None:
        return pd.DataFrame()
    report_day = campaign.report_day
    current = period_of(today)
    rows = []
    for dept_id, period, due in _due_reports(campaign, today):
        counted = returned = late = 0
        for r in due:
            if r is None:
                continue
            if r.review_state == "returned":
                returned += 1
            elif r.review_state in COUNTED_STATES:
                counted += 1
                if is_late(_as_datetime(r.submitted_at), period, report_day):
                    late += 1
        if returned:
            cell = "returned"
        elif counted < len(due):
            cell = (
                "pending"
                if period == current and today <= report_deadline(period, report_day)
                else "missing"
            )
        elif late:
            cell = "late"
        else:
            cell = "on_time"
        rows.append(
            {
                "department_id": dept_id,
                "period": period,
                "due": len(due),
                "counted": counted,
                "returned": returned,
                "late": late,
                "cell": cell,
            }
        )
    return pd.DataFrame(
        rows, columns=["department_id", "period", "due", "counted", "returned", "late", "cell"]
    )


def _due_reports(
    campaign: campaigns.CampaignRecord, today: dt.date
) -> Iterator[tuple[int, str, list[Any]]]:
    """Each department and month of the campaign up to ``today``'s month in which tasks
    owe a report (``is_due``): (department id, month, the report of each such task, None
    where there is none). The tracker and the review months count from this."""
    months = [p for p in campaign.periods if p <= period_of(today)]
    assignments, reports = _tracker_inputs(campaign.id)
    by_key = {(r.assignment_id, r.period): r for r in reports.itertuples(index=False)}
    for dept_id, group in assignments.groupby("department_id"):
        for period in months:
            due = [a for a in group.itertuples(index=False) if is_due(a.start_date, period)]
            if due:
                yield int(dept_id), period, [by_key.get((a.assignment_id, period)) for a in due]  # type: ignore[call-overload]


def _tracker_inputs(campaign_id: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(active assignments with their task's start, every report of the campaign)."""
    assignments = table(
        select(Assignment.id.label("assignment_id"), Assignment.department_id, Task.start_date)
        .join(Task, Task.id == Assignment.task_id)
        .join(Department, Department.id == Assignment.department_id)
        .where(
            *live_assignment(campaign_id),
        )
    )
    reports = table(
        reports_of(
            MonthlyUpdate.assignment_id,
            MonthlyUpdate.period,
            MonthlyUpdate.review_state,
            MonthlyUpdate.submitted_at,
        ).where(Task.campaign_id == campaign_id)
    )
    return assignments, reports


def _as_datetime(value: Any) -> dt.datetime | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value  # type: ignore[no-any-return]


@versioned
def liaisons_by_department() -> dict[int, list[str]]:
    """Active liaison display names per department."""
    stmt = (
        select(User.department_id, User.display_name, User.roles)
        .where(User.active.is_(True), User.department_id.is_not(None))
        .order_by(User.display_name)
    )
    out: dict[int, list[str]] = {}
    with get_engine().connect() as conn:
        for dept, name, roles in conn.execute(stmt):
            if "liaison" in (roles or "").split(","):
                out.setdefault(int(dept or 0), []).append(name)
    return out


@versioned
def inspection_scores(campaign_id: int, period: str) -> pd.DataFrame:
    stmt = (
        select(
            InspectionScore.department_id,
            InspectionScore.score,
            InspectionScore.max_score,
            InspectionScore.comment,
            InspectionScore.version,
        )
        .where(InspectionScore.campaign_id == campaign_id, InspectionScore.period == period)
        .order_by(InspectionScore.department_id)
    )
    return table(stmt)


@versioned
def problem_ledger(campaign_id: int) -> pd.DataFrame:
    """Every problem with its task's deadline, departments (lead first) and progress
    (mean of each department's latest counted report)."""
    with get_engine().connect() as conn:
        problems = pd.DataFrame(
            conn.execute(
                select(
                    Problem.id,
                    Problem.code,
                    Problem.title,
                    Problem.description,
                    Problem.source,
                    Problem.found_on,
                    Problem.found_period,
                    Problem.state,
                    Problem.verification_note,
                    Problem.closed_period,
                    Problem.version,
                    Problem.task_id,
                    Task.due_date,
                    Task.description.label("measure"),
                )
                .outerjoin(Task, Task.id == Problem.task_id)
                .where(Problem.campaign_id == campaign_id)
                .order_by(Problem.found_on, Problem.id)
            )
            .mappings()
            .all()
        )
        if problems.empty:
            return problems
        depts, pct = _task_departments(conn, [int(t) for t in problems["task_id"].dropna()])
    names: dict[int, list[str]] = {}
    names_en: dict[int, list[str]] = {}
    progress: dict[int, list[float]] = {}
    for aid, task_id, _lead, name, name_en in depts:
        names.setdefault(task_id, []).append(name)
        names_en.setdefault(task_id, []).append(name_en or name)
        progress.setdefault(task_id, []).append(float(pct.get(aid, 0)))
    problems["departments"] = [
        "、".join(names.get(t, [])) if pd.notna(t) else "" for t in problems["task_id"]
    ]
    problems["departments_en"] = [
        ", ".join(names_en.get(t, [])) if pd.notna(t) else "" for t in problems["task_id"]
    ]
    problems["progress"] = [
        (sum(progress[t]) / len(progress[t])) if pd.notna(t) and progress.get(t) else 0.0
        for t in problems["task_id"]
    ]
    return problems


def _task_departments(conn: Any, task_ids: list[int]) -> tuple[list[Any], dict[int, Any]]:
    """(assignment id, task id, is lead, department name, English name) of the tasks,
    lead first, and each assignment's latest counted percentage."""
    depts = conn.execute(
        select(
            Assignment.id,
            Assignment.task_id,
            Assignment.is_lead,
            Department.name,
            Department.display_en.label("name_en"),
        )
        .join(Department, Department.id == Assignment.department_id)
        .where(Assignment.task_id.in_(task_ids), Assignment.active.is_(True))
        .order_by(Assignment.is_lead.desc(), Department.sort_order, Department.id)
    ).all()
    latest = (
        select(
            MonthlyUpdate.assignment_id.label("aid"),
            func.max(MonthlyUpdate.period).label("p"),
        )
        .where(MonthlyUpdate.review_state.in_(COUNTED_STATES))
        .group_by(MonthlyUpdate.assignment_id)
        .subquery()
    )
    pct = dict(
        conn.execute(
            select(MonthlyUpdate.assignment_id, MonthlyUpdate.percent_done).join(
                latest,
                and_(
                    latest.c.aid == MonthlyUpdate.assignment_id,
                    latest.c.p == MonthlyUpdate.period,
                ),
            )
        ).all()
    )
    return depts, pct


# --- audit log by department (extends the audit page) --------------------------------


@versioned
def audit_departments() -> pd.DataFrame:
    """Departments that appear in the audit log (id, name, name_en)."""
    ids = select(AuditLog.department_id).where(AuditLog.department_id.is_not(None)).distinct()
    stmt = (
        select(Department.id, Department.name, Department.display_en.label("name_en"))
        .where(Department.id.in_(ids))
        .order_by(Department.sort_order, Department.id)
    )
    return table(stmt)


# --- department-month review (issue 16) -----------------------------------------------

REVIEW_MONTH_COLUMNS = [
    "department_id",
    "period",
    "tasks",
    "submitted",
    "returned",
    "approved",
    "draft",
    "unreported",
    "late",
]


@versioned
def review_months(campaign_id: int, today: dt.date) -> pd.DataFrame:
    """Department × month of the campaign up to ``today``'s month, with how many of its
    tasks' reports are submitted (waiting for review), returned, approved, drafts, not
    reported at all, and sent late (submitted or approved after the report day)."""
    campaign = campaigns.record(campaign_id)
    if campaign is None:
        return pd.DataFrame(columns=REVIEW_MONTH_COLUMNS)
    report_day = campaign.report_day
    rows = []
    for dept_id, period, due in _due_reports(campaign, today):
        counts = dict.fromkeys(("submitted", "returned", "approved", "draft"), 0)
        late = unreported = 0
        for r in due:
            if r is None:
                unreported += 1
                continue
            counts[r.review_state] = counts.get(r.review_state, 0) + 1
            if r.review_state in COUNTED_STATES and is_late(
                _as_datetime(r.submitted_at), period, report_day
            ):
                late += 1
        rows.append(
            {
                "department_id": dept_id,
                "period": period,
                "tasks": len(due),
                **counts,
                "unreported": unreported,
                "late": late,
            }
        )
    return pd.DataFrame(rows, columns=REVIEW_MONTH_COLUMNS)
