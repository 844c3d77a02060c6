"""Read side: aggregates computed in SQL and returned as plain data / DataFrames.

Public functions are cached per process and keyed by the database's data-version stamp,
so a write made in any server process invalidates every process's cache on its next read.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import pandas as pd
import streamlit as st
from sqlalchemy import and_, func, select

from lib.db import data_version, get_engine
from lib.models import (
    Assignment,
    Campaign,
    Department,
    Indicator,
    IndicatorValue,
    MonthlyUpdate,
    Phase,
    Task,
    TaskArea,
    User,
)

P = ParamSpec("P")
R = TypeVar("R")
COUNTED_STATES = ("submitted", "approved")


def versioned(fn: Callable[P, R]) -> Callable[P, R]:
    """Cache ``fn`` by its arguments plus the current data version."""

    # st.cache_data keys on the function's source and on every argument whose name does
    # not start with "_": the query's name, the database and its version are in the key.
    @st.cache_data(show_spinner=False, max_entries=256, ttl=3600)
    def cached(query_name: str, database: str, version: int, *args: Any, **kwargs: Any) -> Any:
        return fn(*args, **kwargs)  # type: ignore[arg-type]

    name = f"{fn.__module__}.{fn.__qualname__}"

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        engine = get_engine()
        return cached(  # type: ignore[no-any-return]
            name, str(engine.url), data_version(engine), *args, **kwargs
        )

    wrapper.uncached = fn  # type: ignore[attr-defined]
    return wrapper


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
    with get_engine().connect() as conn:
        return pd.DataFrame(conn.execute(stmt).mappings().all())


@versioned
def campaign_header(campaign_id: int) -> dict[str, Any] | None:
    """The campaign's descriptive fields and its phases."""
    with get_engine().connect() as conn:
        row = conn.execute(select(Campaign).where(Campaign.id == campaign_id)).mappings().first()
        if row is None:
            return None
        camp = (
            conn.execute(
                select(
                    Campaign.id,
                    Campaign.name,
                    Campaign.name_en,
                    Campaign.theme,
                    Campaign.organiser,
                    Campaign.start_date,
                    Campaign.end_date,
                    Campaign.target_satisfaction,
                    Campaign.settings,
                ).where(Campaign.id == campaign_id)
            )
            .mappings()
            .one()
        )
        phases = (
            conn.execute(
                select(Phase.seq, Phase.name, Phase.kind, Phase.start_date, Phase.end_date)
                .where(Phase.campaign_id == campaign_id)
                .order_by(Phase.seq)
            )
            .mappings()
            .all()
        )
    out = dict(camp)
    out["phases"] = [dict(p) for p in phases]
    return out


@versioned
def assignment_progress(campaign_id: int, period: str) -> pd.DataFrame:
    """One row per active assignment with its latest counted report up to ``period``.

    Columns: assignment_id, task_id, code, title, area, weight, start_date, due_date,
    department_id, department, department_en, is_lead, percent (latest, None if never),
    latest_period, reported (a counted report exists for ``period``).
    """
    latest = (
        select(
            MonthlyUpdate.assignment_id.label("aid"),
            func.max(MonthlyUpdate.period).label("latest_period"),
        )
        .where(MonthlyUpdate.period <= period, MonthlyUpdate.review_state.in_(COUNTED_STATES))
        .group_by(MonthlyUpdate.assignment_id)
        .subquery()
    )
    latest_row = MonthlyUpdate.__table__.alias("lu")
    stmt = (
        select(
            Assignment.id.label("assignment_id"),
            Task.id.label("task_id"),
            Task.code,
            Task.title,
            Task.seq,
            TaskArea.title.label("area"),
            Task.weight,
            Task.start_date,
            Task.due_date,
            Department.id.label("department_id"),
            Department.name.label("department"),
            Department.name_en.label("department_en"),
            Assignment.is_lead,
            latest.c.latest_period,
            latest_row.c.percent_done.label("percent"),
        )
        .join(Task, Assignment.task_id == Task.id)
        .join(Department, Assignment.department_id == Department.id)
        .outerjoin(TaskArea, Task.area_id == TaskArea.id)
        .outerjoin(latest, latest.c.aid == Assignment.id)
        .outerjoin(
            latest_row,
            and_(
                latest_row.c.assignment_id == Assignment.id,
                latest_row.c.period == latest.c.latest_period,
            ),
        )
        .where(Task.campaign_id == campaign_id, Task.active.is_(True), Department.active.is_(True))
        .order_by(Task.seq, Assignment.is_lead.desc(), Department.sort_order)
    )
    with get_engine().connect() as conn:
        df = pd.DataFrame(conn.execute(stmt).mappings().all())
    if df.empty:
        return df
    df["reported"] = df["latest_period"] == period
    df["percent"] = df["percent"].astype("float64")
    return df


@versioned
def indicator_trend(campaign_id: int, group: str, up_to: str) -> pd.DataFrame:
    """Mean value per indicator and period (non-composite items of ``group``)."""
    stmt = (
        select(
            Indicator.code,
            Indicator.name,
            Indicator.name_en,
            Indicator.target,
            Indicator.direction,
            Indicator.unit,
            IndicatorValue.period,
            func.avg(IndicatorValue.value).label("value"),
            func.sum(IndicatorValue.sample_size).label("sample_size"),
        )
        .join(IndicatorValue, IndicatorValue.indicator_id == Indicator.id)
        .where(
            Indicator.campaign_id == campaign_id,
            Indicator.group == group,
            Indicator.is_composite.is_(False),
            IndicatorValue.period <= up_to,
        )
        .group_by(
            Indicator.code,
            Indicator.name,
            Indicator.name_en,
            Indicator.target,
            Indicator.direction,
            Indicator.unit,
            IndicatorValue.period,
        )
        .order_by(IndicatorValue.period)
    )
    with get_engine().connect() as conn:
        return pd.DataFrame(conn.execute(stmt).mappings().all())


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
                    Department.name.label("department"),
                    Department.name_en.label("department_en"),
                )
                .outerjoin(Department, User.department_id == Department.id)
                .where(User.username == username)
            )
            .mappings()
            .first()
        )
    return dict(row) if row else None


def today() -> dt.date:
    return dt.date.today()


@versioned
def audit_rows(
    username: str | None, start: dt.date, end: dt.date, action: str | None, limit: int = 2000
) -> pd.DataFrame:
    """Audit log rows between two dates (inclusive), newest first."""
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
            AuditLog.at >= dt.datetime.combine(start, dt.time.min),
            AuditLog.at < dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min),
        )
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
        .limit(limit)
    )
    if username:
        stmt = stmt.where(AuditLog.username == username)
    if action:
        stmt = stmt.where(AuditLog.action == action)
    with get_engine().connect() as conn:
        return pd.DataFrame(conn.execute(stmt).mappings().all())


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
        .where(Assignment.department_id == department_id, Campaign.archived.is_(False))
        .group_by(Campaign.id, Campaign.start_date)
        .order_by(Campaign.start_date.desc())
    )
    with get_engine().connect() as conn:
        return [int(i) for i in conn.execute(stmt).scalars()]
