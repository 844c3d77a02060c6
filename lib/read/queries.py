"""Read side: what the pages show, computed in SQL and returned as plain data or
DataFrames, cached per process by the data version (:mod:`lib.read.cache`). The
per-department score inputs are in :mod:`lib.read.aggregates`, the campaign record in
:mod:`lib.read.campaigns`."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import and_, func, or_, select, true

from lib.db import get_engine
from lib.domain.clock import local_today, to_utc_naive
from lib.domain.permissions import ALL_DRAFTS
from lib.domain.scoring import COUNTED_STATES
from lib.models import (
    Assignment,
    Campaign,
    Department,
    Indicator,
    IndicatorValue,
    MonthlyUpdate,
    Task,
    TaskArea,
    User,
)
from lib.read.cache import versioned
from lib.read.filters import department_labels, indicator_labels, live_assignment, of_department
from lib.read.frames import frame, plain_frame


@versioned
def list_campaigns(include_archived: bool = False) -> pd.DataFrame:
    """Campaigns, newest start first."""
    stmt = select(
        Campaign.id,
        Campaign.name,
        Campaign.name_en,
        Campaign.organiser,
        Campaign.start_date,
        Campaign.end_date,
        Campaign.archived,
    ).order_by(Campaign.start_date.desc(), Campaign.id)
    if not include_archived:
        stmt = stmt.where(Campaign.archived.is_(False))
    return frame(stmt)


PROGRESS_COLUMNS = [
    "assignment_id",
    "task_id",
    "code",
    "title",
    "seq",
    "area",
    "weight",
    "start_date",
    "due_date",
    "department_id",
    "department",
    "department_en",
    "is_lead",
    "latest_period",
    "percent",
]


@versioned
def assignment_progress(
    campaign_id: int,
    period: str,
    as_of: dt.datetime | None = None,
    department_id: int | None = None,
) -> pd.DataFrame:
    """One row per active assignment with its latest counted report up to ``period``
    (optionally one department's only).

    Columns: assignment_id, task_id, code, title, area, weight, start_date, due_date,
    department_id, department, department_en, is_lead, percent (latest, None if never),
    latest_period, reported (a counted report exists for ``period``).
    """
    stmt = _latest_report_per_assignment(period, as_of, department_id).where(
        *live_assignment(campaign_id), *of_department(Assignment.department_id, department_id)
    )
    df = plain_frame(stmt)
    if df.empty:
        return df
    tasks = task_dates(campaign_id)[
        ["task_id", "code", "title", "seq", "area", "weight", "start_date", "due_date"]
    ]
    departments = department_names()[["department_id", "department", "department_en", "sort_order"]]
    df = df.merge(tasks, on="task_id", how="inner").merge(
        departments, on="department_id", how="inner"
    )
    df = df.sort_values(
        ["seq", "is_lead", "sort_order", "assignment_id"],
        ascending=[True, False, True, True],
        kind="stable",
    )
    df = df[PROGRESS_COLUMNS].reset_index(drop=True)
    df["reported"] = df["latest_period"] == period
    df["percent"] = df["percent"].astype("float64")
    return df


def _latest_report_per_assignment(
    period: str, as_of: dt.datetime | None, department_id: int | None
) -> Any:
    """SELECT of every assignment (joined to its task and department, for the caller's
    filters) with its latest counted report up to ``period``: ids and numbers only, the
    task and department names are joined from their own small frames (fetching 135 000
    rows of repeated titles cost more than the query)."""
    counted = [
        MonthlyUpdate.period <= period,
        MonthlyUpdate.review_state.in_(COUNTED_STATES),
        *([MonthlyUpdate.submitted_at <= as_of] if as_of is not None else []),
    ]
    columns = [
        Assignment.id.label("assignment_id"),
        Assignment.task_id,
        Assignment.department_id,
        Assignment.is_lead,
    ]
    if get_engine().dialect.name == "postgresql":
        # one index probe per assignment (newest counted report first): at province
        # scale about 4× faster than grouping three million reports
        lateral = (
            select(
                MonthlyUpdate.period.label("latest_period"),
                MonthlyUpdate.percent_done.label("percent"),
            )
            .where(MonthlyUpdate.assignment_id == Assignment.id, *counted)
            .order_by(MonthlyUpdate.period.desc())
            .limit(1)
            .lateral("lu")
        )
        return (
            select(*columns, lateral.c.latest_period, lateral.c.percent)
            .join(Task, Assignment.task_id == Task.id)
            .join(Department, Assignment.department_id == Department.id)
            .outerjoin(lateral, true())
        )
    if department_id is not None:
        counted.append(
            MonthlyUpdate.assignment_id.in_(
                select(Assignment.id).where(Assignment.department_id == department_id)
            )
        )
    latest = (
        select(
            MonthlyUpdate.assignment_id.label("aid"),
            func.max(MonthlyUpdate.period).label("latest_period"),
        )
        .where(*counted)
        .group_by(MonthlyUpdate.assignment_id)
        .subquery()
    )
    latest_row = MonthlyUpdate.__table__.alias("lu")
    return (
        select(*columns, latest.c.latest_period, latest_row.c.percent_done.label("percent"))
        .join(Task, Assignment.task_id == Task.id)
        .join(Department, Assignment.department_id == Department.id)
        .outerjoin(latest, latest.c.aid == Assignment.id)
        .outerjoin(
            latest_row,
            and_(
                latest_row.c.assignment_id == Assignment.id,
                latest_row.c.period == latest.c.latest_period,
            ),
        )
    )


@versioned
def department_names() -> pd.DataFrame:
    """Every department's id, code, names, sort order and active flag (thousands of
    rows at most)."""
    return frame(
        select(
            Department.id.label("department_id"),
            Department.code,
            *department_labels(),
            Department.sort_order,
            Department.active,
        )
    )


def indicator_means(
    campaign_id: int, up_to: str, columns: tuple[Any, ...], *where: Any, with_id: bool = False
) -> Any:
    """The mean value and the summed sample size of the campaign's non-composite
    indicators per indicator (its ``columns``; ``with_id``: its id first, as
    ``indicator_id``) and period, up to a month."""
    ids = (Indicator.id,) if with_id else ()
    return (
        select(
            *(c.label("indicator_id") for c in ids),
            *columns,
            IndicatorValue.period,
            func.avg(IndicatorValue.value).label("value"),
            func.sum(IndicatorValue.sample_size).label("sample_size"),
        )
        .join(IndicatorValue, IndicatorValue.indicator_id == Indicator.id)
        .where(
            Indicator.campaign_id == campaign_id,
            *where,
            Indicator.is_composite.is_(False),
            IndicatorValue.period <= up_to,
        )
        .group_by(*ids, *columns, IndicatorValue.period)
    )


@versioned
def indicator_trend(campaign_id: int, group: str, up_to: str) -> pd.DataFrame:
    """Mean value per indicator and period (non-composite items of ``group``)."""
    columns = (
        Indicator.code,
        Indicator.name,
        Indicator.name_en,
        Indicator.target,
        Indicator.direction,
        Indicator.unit,
    )
    stmt = indicator_means(campaign_id, up_to, columns, Indicator.group == group)
    return frame(stmt.order_by(IndicatorValue.period))


def user_for_session(username: str) -> dict[str, Any] | None:
    """The login's current state (never cached: revocation must be seen at once)."""
    with get_engine().connect() as conn:
        row = (
            conn.execute(
                select(
                    User.id,
                    User.username,
                    User.display_name,
                    User.roles,
                    User.department_id,
                    User.active,
                    User.is_demo,
                    User.tokens_valid_after,
                    User.must_change_password,
                    *department_labels(),
                )
                .outerjoin(Department, User.department_id == Department.id)
                .where(User.username == username)
            )
            .mappings()
            .first()
        )
    return dict(row) if row else None


def today() -> dt.date:
    """Today in the campaign's local time (``APP_TIMEZONE``)."""
    return local_today()


@versioned
def audit_rows(
    username: str | None,
    start: dt.date,
    end: dt.date,
    action: str | None,
    limit: int = 2000,
    department_id: int | None = None,
) -> pd.DataFrame:
    """Audit log rows between two dates (inclusive), newest first; optionally one user's,
    one action's or one department's."""
    from lib.models import AuditLog

    stmt = (
        select(
            AuditLog.at,
            AuditLog.username,
            AuditLog.action,
            AuditLog.entity,
            AuditLog.entity_id,
            AuditLog.department_id,
            AuditLog.before,
            AuditLog.after,
        )
        .where(
            AuditLog.at >= to_utc_naive(dt.datetime.combine(start, dt.time.min)),
            AuditLog.at
            < to_utc_naive(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min)),
        )
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
        .limit(limit)
    )
    if username:
        stmt = stmt.where(AuditLog.username == username)
    if action:
        stmt = stmt.where(AuditLog.action == action)
    if department_id is not None:
        stmt = stmt.where(AuditLog.department_id == department_id)
    return frame(stmt)


@versioned
def audit_filter_options() -> dict[str, list[str]]:
    from lib.models import AuditLog

    with get_engine().connect() as conn:
        users = conn.execute(
            select(AuditLog.username).where(AuditLog.username.is_not(None)).distinct()
        ).scalars()
        actions = conn.execute(select(AuditLog.action).distinct()).scalars()
        return {"users": sorted(u for u in users if u), "actions": sorted(actions)}


@versioned
def campaigns_of_department(department_id: int) -> list[int]:
    """Campaigns in which the department has at least one task, newest first."""
    stmt = (
        select(Campaign.id)
        .join(Task, Task.campaign_id == Campaign.id)
        .join(Assignment, Assignment.task_id == Task.id)
        .where(
            Assignment.department_id == department_id,
            Assignment.active.is_(True),
            Campaign.archived.is_(False),
        )
        .group_by(Campaign.id, Campaign.start_date)
        .order_by(Campaign.start_date.desc())
    )
    with get_engine().connect() as conn:
        return [int(i) for i in conn.execute(stmt).scalars()]


# --- leadership views (issue 4): per-department aggregates, all computed in SQL ---------


@versioned
def task_dates(campaign_id: int) -> pd.DataFrame:
    """Tasks with their dates and weights (a few dozen rows per campaign)."""
    stmt = (
        select(
            Task.id.label("task_id"),
            Task.code,
            Task.title,
            Task.seq,
            Task.weight,
            Task.start_date,
            Task.due_date,
            Task.source,
            Task.area_id,
            TaskArea.title.label("area"),
            TaskArea.seq.label("area_seq"),
        )
        .outerjoin(TaskArea, Task.area_id == TaskArea.id)
        .where(Task.campaign_id == campaign_id, Task.active.is_(True))
        .order_by(Task.seq)
    )
    return frame(stmt)


@versioned
def department_indicators(
    campaign_id: int, period: str, group: str | None = None, department_id: int | None = None
) -> pd.DataFrame:
    """Latest value up to ``period`` per department and indicator (non-composite);
    optionally one department's only."""
    one = of_department(IndicatorValue.department_id, department_id)
    latest = (
        select(
            IndicatorValue.indicator_id.label("iid"),
            IndicatorValue.department_id.label("did"),
            func.max(IndicatorValue.period).label("p"),
        )
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .where(Indicator.campaign_id == campaign_id, IndicatorValue.period <= period, *one)
        .group_by(IndicatorValue.indicator_id, IndicatorValue.department_id)
        .subquery()
    )
    stmt = (
        select(
            Department.id.label("department_id"),
            *department_labels(),
            *indicator_labels(),
            Indicator.direction,
            Indicator.seq,
            IndicatorValue.period,
            IndicatorValue.value,
            IndicatorValue.sample_size,
        )
        .join(
            latest,
            and_(
                latest.c.iid == IndicatorValue.indicator_id,
                latest.c.did == IndicatorValue.department_id,
                latest.c.p == IndicatorValue.period,
            ),
        )
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .join(Department, Department.id == IndicatorValue.department_id)
        .where(Indicator.is_composite.is_(False), *one)
        .order_by(Indicator.seq, Department.sort_order)
    )
    if group:
        stmt = stmt.where(Indicator.group == group)
    return frame(stmt)


def completion_column(label: str) -> Any:
    """The task-weighted mean of the percentages reported (a group's completion)."""
    return (func.sum(Task.weight * MonthlyUpdate.percent_done) / func.sum(Task.weight)).label(label)


def counted_reports(stmt: Any, campaign_id: int, up_to: str, *where: Any) -> Any:
    """``stmt`` over the campaign's reports that count (submitted or approved) up to a
    month, joined to their assignment and task."""
    return (
        stmt.join(Assignment, MonthlyUpdate.assignment_id == Assignment.id)
        .join(Task, Assignment.task_id == Task.id)
        .where(
            Task.campaign_id == campaign_id,
            *where,
            MonthlyUpdate.period <= up_to,
            MonthlyUpdate.review_state.in_(COUNTED_STATES),
        )
    )


def rounded_frame(stmt: Any, column: str) -> pd.DataFrame:
    """Run ``stmt``; its ``column`` as floats rounded to one decimal."""
    df = frame(stmt, floats=(column,))
    if not df.empty:
        df[column] = df[column].round(1)
    return df


@versioned
def department_history(campaign_id: int, department_id: int, up_to: str) -> pd.DataFrame:
    """Task-weighted mean of the percentages a department reported, month by month."""
    stmt = counted_reports(
        select(
            MonthlyUpdate.period,
            completion_column("completion"),
            func.count(MonthlyUpdate.id).label("reports"),
        ),
        campaign_id,
        up_to,
        Assignment.department_id == department_id,
    )
    return rounded_frame(
        stmt.group_by(MonthlyUpdate.period).order_by(MonthlyUpdate.period), "completion"
    )


@versioned
def peer_benchmarks(campaign_id: int, up_to: str) -> pd.DataFrame:
    """External survey results (score, rate, rank among N peers) up to a period."""
    from lib.models import PeerBenchmark

    stmt = (
        select(
            PeerBenchmark.period,
            PeerBenchmark.label,
            PeerBenchmark.group,
            PeerBenchmark.score,
            PeerBenchmark.scale,
            PeerBenchmark.rate,
            PeerBenchmark.rank,
            PeerBenchmark.peer_count,
            PeerBenchmark.peer_group,
            PeerBenchmark.source,
        )
        .where(PeerBenchmark.campaign_id == campaign_id, PeerBenchmark.period <= up_to)
        .order_by(PeerBenchmark.period, PeerBenchmark.id)
    )
    return frame(stmt)


@versioned
def tasks_for_indicators(indicator_ids: tuple[int, ...]) -> pd.DataFrame:
    """Rectification tasks linked to satisfaction items."""
    from lib.models import TaskIndicator

    if not indicator_ids:
        return pd.DataFrame(columns=["indicator_id", "code", "title"])
    stmt = (
        select(TaskIndicator.indicator_id, Task.code, Task.title)
        .join(Task, Task.id == TaskIndicator.task_id)
        .where(TaskIndicator.indicator_id.in_(indicator_ids))
        .order_by(Task.seq)
    )
    return frame(stmt)


def _drafts_shown(drafts_of: int | None) -> Any:
    """The reports a reader may see: every report but drafts, plus the drafts of
    ``drafts_of`` (a department id, :data:`~lib.domain.permissions.ALL_DRAFTS`, or None
    for nobody's; see :func:`lib.domain.permissions.draft_scope`)."""
    if drafts_of == ALL_DRAFTS:
        return true()
    not_draft = MonthlyUpdate.review_state != "draft"
    if drafts_of is None:
        return not_draft
    return or_(not_draft, Assignment.department_id == drafts_of)


@versioned
def task_history(
    task_id: int, up_to: str, limit: int | None = None, drafts_of: int | None = None
) -> pd.DataFrame:
    """Reports on one task, per department and month, newest first (the newest
    ``limit`` of them: a province task has tens of thousands). Drafts are left out but
    for ``drafts_of`` (see :func:`_drafts_shown`); a department taken off the task keeps
    its reports here (``active`` False)."""
    stmt = (
        select(
            *department_labels(),
            Assignment.is_lead,
            Assignment.active,
            MonthlyUpdate.period,
            MonthlyUpdate.percent_done,
            MonthlyUpdate.review_state,
            MonthlyUpdate.work_done,
            MonthlyUpdate.problems,
            MonthlyUpdate.next_steps,
            MonthlyUpdate.submitted_at,
        )
        .join(Assignment, MonthlyUpdate.assignment_id == Assignment.id)
        .join(Department, Assignment.department_id == Department.id)
        .where(
            Assignment.task_id == task_id,
            MonthlyUpdate.period <= up_to,
            _drafts_shown(drafts_of),
        )
        .order_by(MonthlyUpdate.period.desc(), Assignment.is_lead.desc(), Department.sort_order)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return frame(stmt)


@versioned
def task_report_count(task_id: int, up_to: str, drafts_of: int | None = None) -> int:
    """How many reports one task has up to a period (drafts as in :func:`task_history`)."""
    stmt = (
        select(func.count(MonthlyUpdate.id))
        .join(Assignment, MonthlyUpdate.assignment_id == Assignment.id)
        .where(
            Assignment.task_id == task_id,
            MonthlyUpdate.period <= up_to,
            _drafts_shown(drafts_of),
        )
    )
    with get_engine().connect() as conn:
        return int(conn.execute(stmt).scalar() or 0)


@versioned
def problem_counts(campaign_id: int) -> dict[str, int]:
    """Problems in the ledger by state: closed out and still open (open + rectifying +
    reopened)."""
    from lib.models import Problem

    stmt = (
        select(Problem.state, func.count(Problem.id))
        .where(Problem.campaign_id == campaign_id)
        .group_by(Problem.state)
    )
    with get_engine().connect() as conn:
        rows = dict(conn.execute(stmt).tuples().all())
    closed = int(rows.get("closed", 0))
    return {"closed": closed, "open": int(sum(rows.values())) - closed} if rows else {}


@versioned
def upcoming_deadlines(campaign_id: int, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Tasks due between two dates, soonest first."""
    stmt = (
        select(Task.code, Task.title, Task.due_date)
        .where(
            Task.campaign_id == campaign_id,
            Task.active.is_(True),
            Task.due_date >= start,
            Task.due_date <= end,
        )
        .order_by(Task.due_date, Task.seq)
        .limit(20)
    )
    return frame(stmt)
