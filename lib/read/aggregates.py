"""Per-department score inputs computed in SQL from the report tables: the reference the
summary table (:mod:`lib.read.summary`) is tested against, and the path for a period
judged before it began (:func:`lib.read.views.department_inputs`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import String, and_, case, func, literal, select

from lib.db import get_engine
from lib.domain.scoring import COUNTED_STATES
from lib.models import (
    Assignment,
    Department,
    Indicator,
    IndicatorValue,
    InspectionScore,
    MonthlyUpdate,
    Task,
    TaskArea,
)
from lib.read.cache import versioned
from lib.read.filters import department_labels, live_assignment
from lib.read.frames import frame, result_frame


def _latest_counted(period: str, as_of: dt.datetime | None = None) -> Any:
    """Subquery: each assignment's latest counted report period up to ``period``
    (optionally only reports submitted by ``as_of``, for "a week ago")."""
    stmt = select(
        MonthlyUpdate.assignment_id.label("aid"),
        func.max(MonthlyUpdate.period).label("latest_period"),
    ).where(MonthlyUpdate.period <= period, MonthlyUpdate.review_state.in_(COUNTED_STATES))
    if as_of is not None:
        stmt = stmt.where(MonthlyUpdate.submitted_at <= as_of)
    return stmt.group_by(MonthlyUpdate.assignment_id).subquery()


def _latest_reports(period: str, as_of: dt.datetime | None = None) -> tuple[Any, Any, Any]:
    """(each assignment's latest counted month up to ``period``, the report table as
    ``lu`` to join that month's report, its percentage: 0 without a report)."""
    lu = MonthlyUpdate.__table__.alias("lu")
    return _latest_counted(period, as_of), lu, func.coalesce(lu.c.percent_done, 0)


def _over_active_assignments(stmt: Any, campaign_id: int, latest: Any, lu: Any) -> Any:
    """``stmt`` over the campaign's active assignments (active tasks of active
    departments), each joined to its latest counted report (:func:`_latest_reports`)."""
    return (
        stmt.select_from(Assignment)
        .join(Task, Assignment.task_id == Task.id)
        .join(Department, Assignment.department_id == Department.id)
        .outerjoin(latest, latest.c.aid == Assignment.id)
        .outerjoin(
            lu, and_(lu.c.assignment_id == Assignment.id, lu.c.period == latest.c.latest_period)
        )
        .where(
            *live_assignment(campaign_id),
        )
    )


def _expected_case(task_expected: dict[int, float]) -> Any:
    """SQL expression: the expected progress of each task (computed from its dates)."""
    if not task_expected:
        return literal(0.0)
    return case({tid: float(v) for tid, v in task_expected.items()}, value=Task.id, else_=0.0)


@versioned
def department_progress(
    campaign_id: int,
    period: str,
    at: dt.date,
    task_expected: tuple[tuple[int, float], ...],
    as_of: dt.datetime | None = None,
) -> pd.DataFrame:
    """Per department: task-weighted completion, expected progress, assignment counts,
    done / overdue counts. ``task_expected`` is ((task_id, expected %), ...)."""
    latest, lu, pct = _latest_reports(period, as_of)
    expected = _expected_case(dict(task_expected))
    stmt = _over_active_assignments(
        select(
            Department.id.label("department_id"),
            Department.code,
            Department.name,
            Department.display_en.label("name_en"),
            func.count(Assignment.id).label("assignments"),
            (func.sum(Task.weight * pct) / func.sum(Task.weight)).label("completion"),
            (func.sum(Task.weight * expected) / func.sum(Task.weight)).label("expected"),
            func.sum(case((pct >= 100, 1), else_=0)).label("done"),
            func.sum(
                case(
                    (
                        and_(Task.due_date.is_not(None), Task.due_date < at, pct < 100),
                        1,
                    ),
                    else_=0,
                )
            ).label("overdue"),
            func.sum(case((latest.c.latest_period == period, 1), else_=0)).label("reported"),
        ),
        campaign_id,
        latest,
        lu,
    ).group_by(Department.id, Department.code, Department.name, Department.name_en)
    return frame(stmt, floats=("completion", "expected"))


@versioned
def area_heatmap(campaign_id: int, period: str) -> pd.DataFrame:
    """Task-weighted completion per department × task area."""
    latest, lu, pct = _latest_reports(period)
    stmt = (
        _over_active_assignments(
            select(
                Department.id.label("department_id"),
                *department_labels(),
                TaskArea.seq.label("area_seq"),
                TaskArea.title.label("area"),
                (func.sum(Task.weight * pct) / func.sum(Task.weight)).label("completion"),
                func.count(Assignment.id).label("assignments"),
            ),
            campaign_id,
            latest,
            lu,
        )
        .join(TaskArea, Task.area_id == TaskArea.id)
        .group_by(Department.id, Department.name, Department.name_en, TaskArea.seq, TaskArea.title)
    )
    return frame(stmt, floats=("completion",))


@versioned
def department_timeliness(
    campaign_id: int, periods: tuple[str, ...], cutoffs: tuple[dt.datetime, ...], at: dt.date
) -> pd.DataFrame:
    """Per department: reports due, reports on time (submitted by each month's report
    day), tasks due so far and tasks finished within their due month."""
    if not periods:
        return pd.DataFrame(
            columns=["department_id", "reports_on_time", "reports", "due_tasks", "done_on_time"]
        )
    with get_engine().connect() as conn:
        a = result_frame(conn.execute(_reports_due(campaign_id, len(periods))))
        b = result_frame(conn.execute(_reports_on_time(campaign_id, periods, cutoffs)))
        c = result_frame(conn.execute(_tasks_done_in_time(campaign_id, at)))
    if a.empty:
        return a
    out = a
    for extra in (b, c):
        if not extra.empty:
            out = out.merge(extra, on="department_id", how="left")
    for col in ("reports_on_time", "due_tasks", "done_on_time"):
        if col not in out:
            out[col] = 0
        out[col] = out[col].fillna(0).astype("int64")
    return out


def _reports_on_time(
    campaign_id: int, periods: tuple[str, ...], cutoffs: tuple[dt.datetime, ...]
) -> Any:
    """Per department: counted reports of the due months submitted by their deadline."""
    cutoff = case(dict(zip(periods, cutoffs, strict=True)), value=MonthlyUpdate.period)
    return (
        select(
            Assignment.department_id.label("department_id"),
            func.sum(
                case(
                    (
                        and_(
                            MonthlyUpdate.review_state.in_(COUNTED_STATES),
                            MonthlyUpdate.submitted_at <= cutoff,
                        ),
                        1,
                    ),
                    else_=0,
                )
            ).label("reports_on_time"),
        )
        .join(MonthlyUpdate, MonthlyUpdate.assignment_id == Assignment.id)
        .join(Task, Assignment.task_id == Task.id)
        .where(Task.campaign_id == campaign_id, MonthlyUpdate.period.in_(periods))
        .group_by(Assignment.department_id)
    )


def _reports_due(campaign_id: int, months: int) -> Any:
    """Per department: reports due (one per active assignment and due month)."""
    return (
        select(
            Assignment.department_id.label("department_id"),
            (func.count(Assignment.id) * months).label("reports"),
        )
        .join(Task, Assignment.task_id == Task.id)
        .where(
            *live_assignment(campaign_id, department=False),
        )
        .group_by(Assignment.department_id)
    )


def _tasks_done_in_time(campaign_id: int, at: dt.date) -> Any:
    """Per department: assignments due before ``at`` and those first counted done
    within their due month."""
    first_done = (
        select(
            MonthlyUpdate.assignment_id.label("aid"),
            func.min(MonthlyUpdate.period).label("done_period"),
        )
        .where(MonthlyUpdate.percent_done >= 100, MonthlyUpdate.review_state.in_(COUNTED_STATES))
        .group_by(MonthlyUpdate.assignment_id)
        .subquery()
    )
    due_period = func.substr(func.cast(Task.due_date, String(10)), 1, 7)
    return (
        select(
            Assignment.department_id.label("department_id"),
            func.count(Assignment.id).label("due_tasks"),
            func.sum(
                case(
                    (
                        and_(
                            first_done.c.done_period.is_not(None),
                            first_done.c.done_period <= due_period,
                        ),
                        1,
                    ),
                    else_=0,
                )
            ).label("done_on_time"),
        )
        .join(Task, Assignment.task_id == Task.id)
        .outerjoin(first_done, first_done.c.aid == Assignment.id)
        .where(
            *live_assignment(campaign_id, department=False),
            Task.due_date.is_not(None),
            Task.due_date < at,
        )
        .group_by(Assignment.department_id)
    )


@versioned
def inspection_latest(campaign_id: int, period: str) -> pd.DataFrame:
    """Each department's latest inspection score up to ``period``, as a percentage."""
    latest = (
        select(
            InspectionScore.department_id.label("did"), func.max(InspectionScore.period).label("p")
        )
        .where(InspectionScore.campaign_id == campaign_id, InspectionScore.period <= period)
        .group_by(InspectionScore.department_id)
        .subquery()
    )
    stmt = (
        select(
            InspectionScore.department_id,
            InspectionScore.period,
            (100.0 * InspectionScore.score / InspectionScore.max_score).label("inspection"),
            InspectionScore.comment,
        )
        .join(
            latest,
            and_(
                latest.c.did == InspectionScore.department_id, latest.c.p == InspectionScore.period
            ),
        )
        .where(InspectionScore.campaign_id == campaign_id)
    )
    return frame(stmt, floats=("inspection",))


@versioned
def complaints(campaign_id: int, period: str) -> pd.DataFrame:
    """Complaints per department (indicator code COMPLAINTS) in the latest month up to
    ``period`` that has complaint figures (the running month usually has none yet)."""
    latest = (
        select(func.max(IndicatorValue.period))
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .where(
            Indicator.campaign_id == campaign_id,
            Indicator.code == "COMPLAINTS",
            IndicatorValue.period <= period,
        )
        .scalar_subquery()
    )
    stmt = (
        select(
            IndicatorValue.department_id,
            IndicatorValue.period,
            func.sum(IndicatorValue.value).label("complaints"),
        )
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .where(
            Indicator.campaign_id == campaign_id,
            Indicator.code == "COMPLAINTS",
            IndicatorValue.period == latest,
        )
        .group_by(IndicatorValue.department_id, IndicatorValue.period)
    )
    return frame(stmt, floats=("complaints",))


@versioned
def department_expected(
    campaign_id: int, task_expected: tuple[tuple[int, float], ...]
) -> dict[int, float]:
    """Task-weighted expected progress per department (active tasks and departments),
    given each task's expected % (no report table involved)."""
    expected = _expected_case(dict(task_expected))
    stmt = (
        select(
            Assignment.department_id,
            (func.sum(Task.weight * expected) / func.sum(Task.weight)).label("expected"),
        )
        .join(Task, Assignment.task_id == Task.id)
        .join(Department, Assignment.department_id == Department.id)
        .where(
            *live_assignment(campaign_id),
        )
        .group_by(Assignment.department_id)
    )
    with get_engine().connect() as conn:
        return {int(d): float(v or 0.0) for d, v in conn.execute(stmt).all()}
