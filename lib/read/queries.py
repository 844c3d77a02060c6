"""Read side: aggregates computed in SQL and returned as plain data / DataFrames.

Public functions are cached per process and keyed by the database's data-version stamp,
so a write made in any server process invalidates every process's cache on its next read.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

import pandas as pd
import streamlit as st
from sqlalchemy import String, and_, func, select, true

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
from lib.read import gcpause

P = ParamSpec("P")
R = TypeVar("R")
COUNTED_STATES = ("submitted", "approved")


def _frame(stmt: Any) -> pd.DataFrame:
    """Run a SELECT and return its rows as a DataFrame (columns named by the labels)."""
    with get_engine().connect() as conn:
        return _result_frame(conn.execute(stmt))


def _result_frame(result: Any) -> pd.DataFrame:
    """A result as a DataFrame, built from plain tuples (several times faster than from
    row mappings on the 100 000-row frames of a province; same columns and dtypes)."""
    with gcpause.paused():
        rows = result.all()
        if not rows:
            return pd.DataFrame()
        return pd.DataFrame.from_records([tuple(r) for r in rows], columns=list(result.keys()))


def _plain_frame(stmt: Any) -> pd.DataFrame:
    """:func:`_frame` for large results of plain columns (integers, text, booleans,
    double precision): on PostgreSQL the driver's tuples are used as they come, without
    SQLAlchemy's per-row processing (a third of the time on a province's 135 000
    rows; psycopg already returns Python ints, strings, booleans, floats and dates)."""
    engine = get_engine()
    if engine.dialect.name != "postgresql":
        return _frame(stmt)
    with gcpause.paused():
        with engine.connect() as conn:
            result = conn.execute(stmt)
            columns = list(result.keys())
            rows = result.cursor.fetchall()  # type: ignore[attr-defined]
            result.close()
        if not rows:
            return pd.DataFrame()
        return pd.DataFrame.from_records(rows, columns=columns)


class VersionedCache:
    """Per-process read cache keyed by the data-version stamp.

    For each (function, database, arguments) only the result for the newest data
    version is kept, so a month-end rush of saves (a new version every second) does not
    pile up stale copies of province-size frames; at most ``max_entries`` argument
    combinations are kept (least recently used go first). Concurrent misses of the same
    key wait for one computation instead of each computing it (25 leaders opening the
    overview at once compute it once). Callers get their own copy of a cached frame."""

    def __init__(self, max_entries: int = 256, ttl: float = 3600.0) -> None:
        self.max_entries = max_entries
        self.ttl = ttl
        self._lock = threading.Lock()
        self._entries: OrderedDict[Any, tuple[int, float, Any]] = OrderedDict()
        self._computing: dict[Any, threading.Lock] = {}

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def _fresh(self, key: Any, version: int) -> tuple[bool, Any]:
        entry = self._entries.get(key)
        if entry is not None and entry[0] == version and time.monotonic() - entry[1] < self.ttl:
            self._entries.move_to_end(key)
            return True, entry[2]
        return False, None

    def get(self, key: Any, version: int, compute: Callable[[], Any]) -> Any:
        try:
            hash(key)
        except TypeError:  # arguments that cannot be a key: no caching
            return compute()
        with self._lock:
            hit, value = self._fresh(key, version)
            if hit:
                return _copy(value)
            key_lock = self._computing.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                hit, value = self._fresh(key, version)
            if hit:
                return _copy(value)
            value = compute()
            with self._lock:
                current = self._entries.get(key)
                if current is None or current[0] <= version:  # never replace newer data
                    self._entries[key] = (version, time.monotonic(), value)
                    self._entries.move_to_end(key)
                while len(self._entries) > self.max_entries:
                    old, _entry = self._entries.popitem(last=False)
                    self._computing.pop(old, None)
        return _copy(value)


def _copy(value: Any) -> Any:
    """A caller's own copy: a new frame object over the same data (pandas' copy-on-write
    copies the data only if the caller changes it; adding a column touches only the
    caller's object), containers element by element, everything else as is."""
    if isinstance(value, pd.DataFrame | pd.Series):
        return value.copy(deep=False)
    if isinstance(value, tuple):
        return tuple(_copy(v) for v in value)
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value


CACHE = VersionedCache()


def clear_caches() -> None:
    """Empty the read cache (tests, the benchmark's cold runs)."""
    CACHE.clear()
    st.cache_data.clear()


def versioned(fn: Callable[P, R]) -> Callable[P, R]:
    """Cache ``fn`` by its arguments plus the current data version (see
    :class:`VersionedCache`)."""
    name = f"{fn.__module__}.{fn.__qualname__}"

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        engine = get_engine()
        key = (name, str(engine.url), args, tuple(sorted(kwargs.items())))
        return CACHE.get(key, data_version(engine), lambda: fn(*args, **kwargs))  # type: ignore[no-any-return]

    wrapper.uncached = fn  # type: ignore[attr-defined]
    return wrapper


_PREFETCH = ThreadPoolExecutor(max_workers=2, thread_name_prefix="prefetch")


def prefetch(fn: Callable[..., Any], *args: Any) -> Future[None]:
    """Start a cached read (a :func:`versioned` function) in the background, so that its
    SQL runs while the page works on something else: the page's own call later finds the
    result in the cache, or waits for it (concurrent misses of one key are computed
    once). An error is left for that call to raise."""

    def run() -> None:
        try:
            fn(*args)
        except Exception:  # the page's own call raises it where it can be shown
            logging.getLogger(__name__).debug("prefetch of %s failed", fn, exc_info=True)

    return _PREFETCH.submit(run)


def versioned_call(fn: Callable[..., R], *args: Any) -> R:
    """``fn(*args)`` cached like :func:`versioned` (for functions defined in modules that
    ``queries`` cannot import)."""
    engine = get_engine()
    key = (f"{fn.__module__}.{fn.__qualname__}", str(engine.url), args, ())
    return CACHE.get(key, data_version(engine), lambda: fn(*args))  # type: ignore[no-any-return]


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
    return _frame(stmt)


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
    counted = [
        MonthlyUpdate.period <= period,
        MonthlyUpdate.review_state.in_(COUNTED_STATES),
        *([MonthlyUpdate.submitted_at <= as_of] if as_of is not None else []),
    ]
    # ids and numbers only: task and department names are joined from their own small
    # frames below (fetching 135 000 rows of repeated titles cost more than the query)
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
        stmt = (
            select(*columns, lateral.c.latest_period, lateral.c.percent)
            .join(Task, Assignment.task_id == Task.id)
            .join(Department, Assignment.department_id == Department.id)
            .outerjoin(lateral, true())
        )
    else:
        latest = (
            select(
                MonthlyUpdate.assignment_id.label("aid"),
                func.max(MonthlyUpdate.period).label("latest_period"),
            )
            .where(
                *counted,
                *(
                    [
                        MonthlyUpdate.assignment_id.in_(
                            select(Assignment.id).where(Assignment.department_id == department_id)
                        )
                    ]
                    if department_id is not None
                    else []
                ),
            )
            .group_by(MonthlyUpdate.assignment_id)
            .subquery()
        )
        latest_row = MonthlyUpdate.__table__.alias("lu")
        stmt = (
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
    stmt = stmt.where(
        Task.campaign_id == campaign_id, Task.active.is_(True), Department.active.is_(True)
    )
    if department_id is not None:
        stmt = stmt.where(Assignment.department_id == department_id)
    df = _plain_frame(stmt)
    if df.empty:
        return df
    tasks = task_dates(campaign_id)[
        ["task_id", "code", "title", "seq", "area", "weight", "start_date", "due_date"]
    ]
    departments = _department_names()[
        ["department_id", "department", "department_en", "sort_order"]
    ]
    df = df.merge(tasks, on="task_id", how="inner").merge(
        departments, on="department_id", how="inner"
    )
    df = df.sort_values(
        ["seq", "is_lead", "sort_order", "assignment_id"],
        ascending=[True, False, True, True],
        kind="stable",
    )
    df = df[
        [
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
    ].reset_index(drop=True)
    df["reported"] = df["latest_period"] == period
    df["percent"] = df["percent"].astype("float64")
    return df


@versioned
def _department_names() -> pd.DataFrame:
    """Every department's id, code, names, sort order and active flag (thousands of
    rows at most)."""
    return _frame(
        select(
            Department.id.label("department_id"),
            Department.code,
            Department.name.label("department"),
            Department.display_en.label("department_en"),
            Department.sort_order,
            Department.active,
        )
    )


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
    return _frame(stmt)


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
                    Department.display_en.label("department_en"),
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
    if department_id is not None:
        stmt = stmt.where(AuditLog.department_id == department_id)
    return _frame(stmt)


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


# --- leadership views (issue 4): per-department aggregates, all computed in SQL ---------


def _latest_counted(period: str, as_of: dt.datetime | None = None):  # type: ignore[no-untyped-def]
    """Subquery: each assignment's latest counted report period up to ``period``
    (optionally only reports submitted by ``as_of``, for "a week ago")."""
    stmt = select(
        MonthlyUpdate.assignment_id.label("aid"),
        func.max(MonthlyUpdate.period).label("latest_period"),
    ).where(MonthlyUpdate.period <= period, MonthlyUpdate.review_state.in_(COUNTED_STATES))
    if as_of is not None:
        stmt = stmt.where(MonthlyUpdate.submitted_at <= as_of)
    return stmt.group_by(MonthlyUpdate.assignment_id).subquery()


def _expected_case(task_expected: dict[int, float]):  # type: ignore[no-untyped-def]
    """SQL expression: the expected progress of each task (computed from its dates)."""
    from sqlalchemy import case, literal

    if not task_expected:
        return literal(0.0)
    return case({tid: float(v) for tid, v in task_expected.items()}, value=Task.id, else_=0.0)


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
    return _frame(stmt)


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
    latest = _latest_counted(period, as_of)
    lu = MonthlyUpdate.__table__.alias("lu")
    pct = func.coalesce(lu.c.percent_done, 0)
    expected = _expected_case(dict(task_expected))
    from sqlalchemy import case

    stmt = (
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
        )
        .select_from(Assignment)
        .join(Task, Assignment.task_id == Task.id)
        .join(Department, Assignment.department_id == Department.id)
        .outerjoin(latest, latest.c.aid == Assignment.id)
        .outerjoin(
            lu, and_(lu.c.assignment_id == Assignment.id, lu.c.period == latest.c.latest_period)
        )
        .where(Task.campaign_id == campaign_id, Task.active.is_(True), Department.active.is_(True))
        .group_by(Department.id, Department.code, Department.name, Department.name_en)
    )
    df = _frame(stmt)
    if not df.empty:
        for col in ("completion", "expected"):
            df[col] = df[col].astype("float64")
        df["completion"] = df["completion"].astype("float64")
    return df


@versioned
def area_heatmap(campaign_id: int, period: str) -> pd.DataFrame:
    """Task-weighted completion per department × task area."""
    latest = _latest_counted(period)
    lu = MonthlyUpdate.__table__.alias("lu")
    pct = func.coalesce(lu.c.percent_done, 0)
    stmt = (
        select(
            Department.id.label("department_id"),
            Department.name.label("department"),
            Department.display_en.label("department_en"),
            TaskArea.seq.label("area_seq"),
            TaskArea.title.label("area"),
            (func.sum(Task.weight * pct) / func.sum(Task.weight)).label("completion"),
            func.count(Assignment.id).label("assignments"),
        )
        .select_from(Assignment)
        .join(Task, Assignment.task_id == Task.id)
        .join(TaskArea, Task.area_id == TaskArea.id)
        .join(Department, Assignment.department_id == Department.id)
        .outerjoin(latest, latest.c.aid == Assignment.id)
        .outerjoin(
            lu, and_(lu.c.assignment_id == Assignment.id, lu.c.period == latest.c.latest_period)
        )
        .where(Task.campaign_id == campaign_id, Task.active.is_(True), Department.active.is_(True))
        .group_by(Department.id, Department.name, Department.name_en, TaskArea.seq, TaskArea.title)
    )
    df = _frame(stmt)
    if not df.empty:
        df["completion"] = df["completion"].astype("float64")
    return df


@versioned
def department_timeliness(
    campaign_id: int, periods: tuple[str, ...], cutoffs: tuple[dt.datetime, ...], at: dt.date
) -> pd.DataFrame:
    """Per department: reports due, reports on time (submitted by each month's report
    day), tasks due so far and tasks finished within their due month."""
    from sqlalchemy import case

    if not periods:
        return pd.DataFrame(
            columns=["department_id", "reports_on_time", "reports", "due_tasks", "done_on_time"]
        )
    cutoff = case(dict(zip(periods, cutoffs, strict=True)), value=MonthlyUpdate.period)
    on_time = (
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
    expected_reports = (
        select(
            Assignment.department_id.label("department_id"),
            (func.count(Assignment.id) * len(periods)).label("reports"),
        )
        .join(Task, Assignment.task_id == Task.id)
        .where(Task.campaign_id == campaign_id, Task.active.is_(True))
        .group_by(Assignment.department_id)
    )
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
    finished = (
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
            Task.campaign_id == campaign_id,
            Task.active.is_(True),
            Task.due_date.is_not(None),
            Task.due_date < at,
        )
        .group_by(Assignment.department_id)
    )
    with get_engine().connect() as conn:
        a = _result_frame(conn.execute(expected_reports))
        b = _result_frame(conn.execute(on_time))
        c = _result_frame(conn.execute(finished))
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


@versioned
def department_indicators(
    campaign_id: int, period: str, group: str | None = None, department_id: int | None = None
) -> pd.DataFrame:
    """Latest value up to ``period`` per department and indicator (non-composite);
    optionally one department's only."""
    one = [IndicatorValue.department_id == department_id] if department_id is not None else []
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
            Department.name.label("department"),
            Department.display_en.label("department_en"),
            Indicator.id.label("indicator_id"),
            Indicator.code,
            Indicator.name,
            Indicator.name_en,
            Indicator.group,
            Indicator.unit,
            Indicator.scale,
            Indicator.target,
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
    return _frame(stmt)


@versioned
def inspection_latest(campaign_id: int, period: str) -> pd.DataFrame:
    """Each department's latest inspection score up to ``period``, as a percentage."""
    from lib.models import InspectionScore

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
    df = _frame(stmt)
    if not df.empty:
        df["inspection"] = df["inspection"].astype("float64")
    return df


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
    df = _frame(stmt)
    if not df.empty:
        df["complaints"] = df["complaints"].astype("float64")
    return df


@versioned
def department_history(campaign_id: int, department_id: int, up_to: str) -> pd.DataFrame:
    """Task-weighted mean of the percentages a department reported, month by month."""
    stmt = (
        select(
            MonthlyUpdate.period,
            (func.sum(Task.weight * MonthlyUpdate.percent_done) / func.sum(Task.weight)).label(
                "completion"
            ),
            func.count(MonthlyUpdate.id).label("reports"),
        )
        .join(Assignment, MonthlyUpdate.assignment_id == Assignment.id)
        .join(Task, Assignment.task_id == Task.id)
        .where(
            Task.campaign_id == campaign_id,
            Assignment.department_id == department_id,
            MonthlyUpdate.period <= up_to,
            MonthlyUpdate.review_state.in_(COUNTED_STATES),
        )
        .group_by(MonthlyUpdate.period)
        .order_by(MonthlyUpdate.period)
    )
    df = _frame(stmt)
    if not df.empty:
        df["completion"] = df["completion"].astype("float64").round(1)
    return df


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
    return _frame(stmt)


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
    return _frame(stmt)


@versioned
def task_history(task_id: int, up_to: str, limit: int | None = None) -> pd.DataFrame:
    """Reports on one task, per department and month, newest first (the newest
    ``limit`` of them: a province task has tens of thousands)."""
    stmt = (
        select(
            Department.name.label("department"),
            Department.display_en.label("department_en"),
            Assignment.is_lead,
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
        .where(Assignment.task_id == task_id, MonthlyUpdate.period <= up_to)
        .order_by(MonthlyUpdate.period.desc(), Assignment.is_lead.desc(), Department.sort_order)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return _frame(stmt)


@versioned
def task_report_count(task_id: int, up_to: str) -> int:
    """How many reports one task has up to a period."""
    stmt = (
        select(func.count(MonthlyUpdate.id))
        .join(Assignment, MonthlyUpdate.assignment_id == Assignment.id)
        .where(Assignment.task_id == task_id, MonthlyUpdate.period <= up_to)
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
    return _frame(stmt)


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
        .where(Task.campaign_id == campaign_id, Task.active.is_(True), Department.active.is_(True))
        .group_by(Assignment.department_id)
    )
    with get_engine().connect() as conn:
        return {int(d): float(v or 0.0) for d, v in conn.execute(stmt).all()}
