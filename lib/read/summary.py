"""Pre-aggregated department × month figures (table ``department_months``).

At province scale (3 000 units, 3 million monthly reports) every composite score needs
"each assignment's latest counted report up to a month" over the whole report table, and
the ranking history needs it for every month: minutes of database work per page. This
module keeps, per campaign, department and month, the sums those scores are made of:

- **writes** (:func:`note_change`, called by ``services.audit`` for every audited change):
  a report, review, indicator or inspection save marks its (campaign, department, first
  month touched); just before the transaction commits, the department's rows from that
  month on are recomputed from its own few hundred reports, under a lock on the
  department's row (and a shared lock on the campaign's ``summary_state`` row, which a
  rebuild takes exclusively), so two concurrent saves for one department never write
  figures computed from a snapshot that misses the other. Any other change that can
  move a score (tasks, weights, dates, indicators, settings, imports) marks the
  campaign's summary invalid instead;
- **reads** (:func:`ensure`): a reader that finds the campaign's summary invalid
  rebuilds it once (others wait on the same lock, then read).

:func:`compute` is the one definition of the figures (pure Python over rows fetched by
department); ``tests/test_summary.py`` checks it against the SQL aggregates of
``lib/read/queries.py`` month by month after random sequences of saves.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from sqlalchemy import Engine, bindparam, case, delete, event, func, insert, literal, select, update
from sqlalchemy.orm import Session

from lib.db import before_commit_step
from lib.domain.periods import period_end, period_start, periods_between
from lib.models import (
    Assignment,
    Campaign,
    Department,
    DepartmentMonth,
    Indicator,
    IndicatorValue,
    InspectionScore,
    MonthlyUpdate,
    SummaryState,
    Task,
    utcnow,
)
from lib.read import gcpause

COUNTED_STATES = ("submitted", "approved")
# audited actions whose effect on scores is confined to one department of one campaign
DEPARTMENT_ACTIONS = frozenset(
    {
        "save_report",
        "submit_report",
        "approve_report",
        "return_report",
        "save_indicator",
        "score_inspection",
    }
)
# audited entities that never move a score (department names and the active flag are
# read live, next to the summary)
NEUTRAL_ENTITIES = frozenset({"user", "problem", "attachment", "department", "period_lock"})
NEUTRAL_ACTIONS = frozenset({"lock_period", "unlock_period", "archive", "unarchive"})
ALL = -1  # "every campaign" in the invalidation set


# --- what changed: collected per transaction --------------------------------------------


def note_change(
    session: Session,
    action: str,
    entity: str,
    campaign_id: int | None,
    department_id: int | None,
    after: dict[str, Any] | None,
    before: dict[str, Any] | None = None,
) -> None:
    """Remember what an audited change does to the summary (applied before commit)."""
    if entity in NEUTRAL_ENTITIES or action in NEUTRAL_ACTIONS:
        return
    if action == "save_report" and not _counted(before) and not _counted(after):
        return  # a draft saved over a draft (or a returned report): no score moves
    if action in DEPARTMENT_ACTIONS and campaign_id is not None and department_id is not None:
        period = (after or {}).get("period")
        touched: dict[tuple[int, int], str] = session.info.setdefault("summary_touched", {})
        key = (int(campaign_id), int(department_id))
        first = str(period) if period else "0000-00"
        touched[key] = min(first, touched.get(key, first))
        return
    invalid: set[int] = session.info.setdefault("summary_invalid", set())
    invalid.add(int(campaign_id) if campaign_id is not None else ALL)


def invalidate(session: Session, campaign_id: int | None = None) -> None:
    """Mark one campaign's summary (or every campaign's) for a rebuild on next read."""
    stmt = update(SummaryState).values(valid=False)
    if campaign_id is not None:
        stmt = stmt.where(SummaryState.campaign_id == campaign_id)
    session.execute(stmt)


def _counted(report: dict[str, Any] | None) -> bool:
    return report is not None and report.get("review_state") in COUNTED_STATES


@before_commit_step
def _apply_pending(session: Session) -> None:
    touched = session.info.pop("summary_touched", None)
    invalid = session.info.pop("summary_invalid", None)
    if not touched and not invalid:
        return
    session.flush()
    invalid = invalid or set()
    if ALL in invalid:
        invalidate(session)
        return
    for campaign_id in sorted(invalid):
        invalidate(session, campaign_id)
    by_campaign: dict[int, dict[int, str]] = defaultdict(dict)
    for (campaign_id, department_id), first in (touched or {}).items():
        if campaign_id not in invalid:
            by_campaign[campaign_id][department_id] = first
    for campaign_id in sorted(by_campaign):
        # shared with other savers of the campaign, exclusive against a rebuild or an
        # invalidation; then the departments themselves, in id order (no deadlocks)
        if _lock_state(session, campaign_id, shared=True):
            _lock_departments(session, sorted(by_campaign[campaign_id]))
            refresh(session, campaign_id, by_campaign[campaign_id])


@event.listens_for(Session, "after_rollback")
def _forget_pending(session: Session) -> None:
    session.info.pop("summary_touched", None)
    session.info.pop("summary_invalid", None)


def _lock_state(session: Session, campaign_id: int, shared: bool = False) -> bool:
    """Lock the campaign's state row (PostgreSQL; SQLite has one writer at a time):
    shared by department refreshes, exclusive for a rebuild. True if the summary is
    valid and must be kept current (its build time is left in ``session.info``)."""
    row = session.connection().execute(_STATE_LOCK[shared], {"campaign": campaign_id}).first()
    session.info.setdefault("summary_built_at", {})[campaign_id] = row[1] if row else None
    return bool(row and row[0])


def _lock_departments(session: Session, department_ids: list[int]) -> None:
    """Serialise refreshes of the same department: after the lock, this transaction's
    next statements see every other refresher's committed reports (READ COMMITTED)."""
    session.connection().execute(_DEPARTMENT_LOCK, {"departments": department_ids}).all()


# built once: every counted save runs them
_STATE_LOCK = {
    shared: select(SummaryState.valid, SummaryState.built_at)
    .where(SummaryState.campaign_id == bindparam("campaign"))
    .with_for_update(read=shared)
    for shared in (False, True)
}
_DEPARTMENT_LOCK = (
    select(Department.id)
    .where(Department.id.in_(bindparam("departments", expanding=True)))
    .order_by(Department.id)
    .with_for_update(key_share=True)
)
_DELETE_SINCE = delete(DepartmentMonth).where(
    DepartmentMonth.campaign_id == bindparam("campaign"),
    DepartmentMonth.department_id == bindparam("department"),
    DepartmentMonth.period >= bindparam("first"),
)
_INSERT = insert(DepartmentMonth)


# --- maintenance --------------------------------------------------------------------------


def refresh(session: Session, campaign_id: int, departments: dict[int, str]) -> None:
    """Recompute the given departments' rows from each one's first touched month on."""
    rows = compute(session, campaign_id, sorted(departments), min(departments.values()))
    if rows is None:
        return
    # Core statements on the session's connection: no ORM object of this table is ever
    # in a session, so the ORM's bookkeeping for bulk statements would be wasted
    db = session.connection()
    for department_id, first in departments.items():
        db.execute(
            _DELETE_SINCE, {"campaign": campaign_id, "department": department_id, "first": first}
        )
    keep = [r for r in rows if r["period"] >= departments[r["department_id"]]]
    if keep:
        db.execute(_INSERT, keep)


def rebuild(session: Session, campaign_id: int, batch: int = 200) -> int:
    """Recompute every row of a campaign (in batches of departments); returns rows."""
    # a rebuild follows a setup change: read the campaign afresh, never from the cache
    session.info.setdefault("summary_built_at", {})[campaign_id] = None
    session.execute(delete(DepartmentMonth).where(DepartmentMonth.campaign_id == campaign_id))
    department_ids = sorted(
        set(
            session.execute(
                select(Assignment.department_id)
                .join(Task, Assignment.task_id == Task.id)
                .where(Task.campaign_id == campaign_id)
            ).scalars()
        )
    )
    written = 0
    for i in range(0, len(department_ids), batch):
        rows = compute(session, campaign_id, department_ids[i : i + batch])
        if rows:
            _insert_many(session, rows)
            written += len(rows)
    return written


def _insert_many(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert summary rows; on PostgreSQL by COPY on the session's own connection (a
    province's 72 000 rows in a third of the time of an executemany)."""
    if session.get_bind().dialect.name != "postgresql":
        session.execute(insert(DepartmentMonth), rows)
        return
    from psycopg.types.json import Json

    columns = list(rows[0])
    driver = session.connection().connection.driver_connection
    table = DepartmentMonth.__tablename__
    with driver.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:  # type: ignore[union-attr]
        for row in rows:
            copy.write_row(
                [Json(v) if isinstance(v, dict) else v for v in (row[c] for c in columns)]
            )


def ensure(engine: Engine, campaign_id: int) -> None:
    """Make sure the campaign's summary is valid, rebuilding it if not (one reader
    rebuilds; concurrent readers wait on the state row's lock, then find it valid)."""
    with engine.connect() as conn:
        valid = conn.execute(
            select(SummaryState.valid).where(SummaryState.campaign_id == campaign_id)
        ).scalar()
    if valid:
        return
    with Session(engine) as session, session.begin():
        exists = session.execute(select(Campaign.id).where(Campaign.id == campaign_id)).scalar()
        if exists is None:
            return
        # a write first: on SQLite it takes the write lock before anything is read
        _insert_state_if_missing(session, campaign_id)
        if _lock_state(session, campaign_id):
            return  # another reader rebuilt it meanwhile
        rebuild(session, campaign_id)
        session.execute(
            update(SummaryState)
            .where(SummaryState.campaign_id == campaign_id)
            .values(valid=True, built_at=utcnow())
        )


def _insert_state_if_missing(session: Session, campaign_id: int) -> None:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt: Any = pg_insert(SummaryState).on_conflict_do_nothing()
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(SummaryState).on_conflict_do_nothing()
    session.execute(stmt, [{"campaign_id": campaign_id, "valid": False}])


# --- the figures --------------------------------------------------------------------------


def report_deadline(period: str, report_day: int) -> dt.datetime:
    """A month's reports are on time when submitted by this moment."""
    day = min(report_day, period_end(period).day)
    return dt.datetime.combine(period_start(period).replace(day=day), dt.time.max)


@gcpause.paused()
def compute(
    session: Session, campaign_id: int, department_ids: list[int], first: str | None = None
) -> list[dict[str, Any]] | None:
    """Every month's row (or every month's from ``first`` on) for the given departments
    (None if the campaign is gone). Months before ``first`` still feed the later ones:
    the latest report up to a month is carried forward from wherever it was."""
    meta = _campaign_meta(session, campaign_id)
    if meta is None or not department_ids:
        return None
    camp, indicators = meta
    all_periods = periods_between(camp.start_date, camp.end_date)
    deadlines = {p: report_deadline(p, camp.report_day) for p in all_periods}
    periods = [p for p in all_periods if first is None or p >= first]
    if not periods:
        return []
    # plain column reads on the session's own connection (same transaction), without
    # the ORM's per-row processing (a province rebuild reads three million reports), by
    # statements built once (a save's refresh runs six of them: building each anew
    # cost more of the save's time than running it)
    db = session.connection()
    params: dict[str, Any] = {
        "campaign": campaign_id,
        "departments": department_ids,
        "first": first,
    }
    reads = _READS
    assignments = db.execute(reads["assignments"], params).all()
    reports: dict[int, list[tuple[str, int, dt.datetime | None]]] = defaultdict(list)
    done_before: dict[int, str] = {}  # first month counted done, if before ``first``
    if first is None:
        report_rows: Iterable[Any] = db.execute(reads["reports"], params)
    else:
        # a save's refresh: the months from ``first`` on need every report of those
        # months, but of the earlier ones only each assignment's latest (carried
        # forward) and the month it was first done — 45 rows of a province unit's
        # thousand, read in one statement
        report_rows = []
        for aid, period, pct, submitted_at, done in sorted(
            db.execute(reads["reports_since"], params), key=lambda r: (r[0], r[1])
        ):
            report_rows.append((aid, period, pct, submitted_at))
            if done is not None:
                done_before[aid] = done
    for aid, period, pct, submitted_at in report_rows:
        reports[aid].append((period, pct if pct is not None else 0, submitted_at))

    satisfaction_items = {
        i.id: i.target
        for i in indicators
        if i.group == "patient"
        and not i.is_composite
        and (i.scale if i.scale is not None else 100) <= 100
    }
    complaint_items = {i.id for i in indicators if i.code == "COMPLAINTS"}
    values: dict[int, list[tuple[str, int, float]]] = defaultdict(list)
    complaints: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    params["indicators"] = sorted(set(satisfaction_items) | complaint_items)
    if params["indicators"]:
        value_rows = (
            db.execute(reads["values"], params)
            if first is None  # a refresh: each item's latest value of the earlier months
            else sorted(db.execute(reads["values_since"], params), key=lambda r: r[2])
        )
        for did, iid, period, value in value_rows:
            if iid in satisfaction_items:
                values[did].append((period, iid, float(value)))
            if iid in complaint_items:
                complaints[did][period] += float(value)
    inspections: dict[int, list[tuple[str, float]]] = defaultdict(list)
    for did, period, score, max_score in db.execute(reads["inspections"], params):
        inspections[did].append((period, 100.0 * score / max_score))

    expected_memo: dict[Any, float] = {}  # (task span, month) -> expected %, shared
    by_department: dict[int, list[Any]] = defaultdict(list)
    for a in assignments:
        by_department[a.department_id].append(a)
    out: list[dict[str, Any]] = []
    for did in department_ids:
        mine = by_department.get(did, [])
        active = [a for a in mine if a.active]
        if not active:
            continue
        out.extend(
            _department_rows(
                campaign_id,
                did,
                periods,
                deadlines,
                active,
                [reports.get(a.id, []) for a in mine],
                {a.id: reports.get(a.id, []) for a in active},
                values.get(did, []),
                satisfaction_items,
                complaints.get(did, {}),
                inspections.get(did, []),
                (camp.start_date, camp.end_date),
                expected_memo,
                done_before,
            )
        )
    return out


def _since(base: Any, partition: tuple[Any, ...], period: Any, extra: tuple[Any, ...] = ()) -> Any:
    """``base``'s rows of months from ``:first`` on, and of the earlier months only the
    newest row per ``partition`` (what is carried forward), as one statement; the
    ``extra`` window columns (over the earlier rows of the partition) are appended to
    the earlier rows, None to the later ones."""
    width = len(base.selected_columns)
    first: Any = bindparam("first")
    earlier = (
        base.add_columns(
            func.row_number().over(partition_by=partition, order_by=period.desc()), *extra
        )
        .where(period < first)
        .subquery()
    )
    columns = list(earlier.c)
    later = base.where(period >= first).subquery()
    return (
        select(*columns[:width], *columns[width + 1 :])
        .where(columns[width] == 1)
        .union_all(select(*later.c, *(literal(None) for _ in extra)))
    )


def _reads() -> dict[str, Any]:
    """The statements :func:`compute` runs, built once (parameters: campaign,
    departments, first, indicators)."""
    departments: Any = bindparam("departments", expanding=True)
    mu, iv, ins = MonthlyUpdate, IndicatorValue, InspectionScore
    counted = (
        select(mu.assignment_id, mu.period, mu.percent_done, mu.submitted_at)
        .join(Assignment, mu.assignment_id == Assignment.id)
        .join(Task, Assignment.task_id == Task.id)
        .where(
            Task.campaign_id == bindparam("campaign"),
            Assignment.department_id.in_(departments),
            mu.review_state.in_(COUNTED_STATES),
        )
    )
    values = select(iv.department_id, iv.indicator_id, iv.period, iv.value).where(
        iv.indicator_id.in_(bindparam("indicators", expanding=True)),
        iv.department_id.in_(departments),
    )
    done = func.min(case((mu.percent_done >= 100, mu.period))).over(partition_by=mu.assignment_id)
    return {
        "assignments": select(
            Assignment.id,
            Assignment.department_id,
            Task.weight,
            Task.start_date,
            Task.due_date,
            Task.active,
            Task.area_id,
        )
        .join(Task, Assignment.task_id == Task.id)
        .where(Task.campaign_id == bindparam("campaign"), Assignment.department_id.in_(departments))
        .order_by(Assignment.id),
        "reports": counted.order_by(mu.assignment_id, mu.period),
        "reports_since": _since(counted, (mu.assignment_id,), mu.period, (done,)),
        "values": values.order_by(iv.period),
        "values_since": _since(values, (iv.department_id, iv.indicator_id), iv.period),
        "inspections": select(ins.department_id, ins.period, ins.score, ins.max_score)
        .where(ins.campaign_id == bindparam("campaign"), ins.department_id.in_(departments))
        .order_by(ins.period),
    }


_READS = _reads()

_META: OrderedDict[Any, Any] = OrderedDict()
_META_LOCK = threading.Lock()


def _campaign_meta(session: Session, campaign_id: int) -> tuple[Any, list[Any]] | None:
    """The campaign's dates, report day and indicators. Every save reads them; while
    the summary stays valid they cannot change (any change to them marks it stale and
    the rebuild gets a new build time), so they are kept per (database, campaign,
    build time) and a save skips two queries."""
    from types import SimpleNamespace

    from lib.domain.scoring import campaign_settings

    built_at = session.info.get("summary_built_at", {}).get(campaign_id)
    key = (str(session.get_bind().engine.url), campaign_id, built_at)
    if built_at is not None:
        with _META_LOCK:
            if key in _META:
                return _META[key]  # type: ignore[no-any-return]
    row = session.execute(
        select(Campaign.start_date, Campaign.end_date, Campaign.settings).where(
            Campaign.id == campaign_id
        )
    ).first()
    if row is None:
        return None
    camp = SimpleNamespace(
        start_date=row.start_date,
        end_date=row.end_date,
        report_day=int(campaign_settings(row.settings)["report_day"]),
    )
    indicators = [
        SimpleNamespace(**r._mapping)
        for r in session.execute(
            select(
                Indicator.id,
                Indicator.code,
                Indicator.group,
                Indicator.scale,
                Indicator.target,
                Indicator.is_composite,
            ).where(Indicator.campaign_id == campaign_id)
        )
    ]
    meta = (camp, indicators)
    if built_at is not None:
        with _META_LOCK:
            _META[key] = meta
            while len(_META) > 64:
                _META.popitem(last=False)
    return meta


def _at_end(
    due: int, open_: int, on_time: int, due_in_month: dict[str, list[int]], end: dt.date
) -> dict[str, int]:
    """The due / unfinished / finished-in-time counts as judged on the month's last day
    (tasks due before that day)."""
    last = end.isoformat()
    for day, (n_due, n_open, n_on_time) in due_in_month.items():
        if day < last:
            due += n_due
            open_ += n_open
            on_time += n_on_time
    return {"due_at_end": due, "open_at_end": open_, "on_time_at_end": on_time}


def _department_rows(
    campaign_id: int,
    department_id: int,
    periods: list[str],
    deadlines: dict[str, dt.datetime],
    active: list[Any],
    all_reports: Iterable[list[tuple[str, int, dt.datetime | None]]],
    reports: dict[int, list[tuple[str, int, dt.datetime | None]]],
    values: list[tuple[str, int, float]],
    targets: dict[int, float | None],
    complaints: dict[str, float],
    inspections: list[tuple[str, float]],
    campaign_span: tuple[dt.date, dt.date],
    expected_memo: dict[Any, float],
    done_before: Mapping[int, str] = MappingProxyType({}),
) -> list[dict[str, Any]]:
    from lib.domain.scoring import expected_progress, satisfaction_component

    # reports on time per month: every counted report of the department's tasks (the
    # SQL aggregate counts inactive tasks' reports too)
    on_time: dict[str, int] = defaultdict(int)
    for rs in all_reports:
        for period, _pct, submitted_at in rs:
            deadline = deadlines.get(period)
            if deadline is not None and submitted_at is not None and submitted_at <= deadline:
                on_time[period] += 1
    # each assignment: first month it was counted as done (any month), its due month
    first_done = {
        a.id: done_before.get(a.id) or next((p for p, pct, _s in reports[a.id] if pct >= 100), None)
        for a in active
    }
    rows = []
    pointer = dict.fromkeys(reports, 0)
    latest: dict[int, tuple[str, int, Any] | None] = dict.fromkeys(reports)
    value_i = 0
    latest_value: dict[int, float] = {}
    insp_i = 0
    insp: float | None = None
    # what does not change from month to month, once per assignment (a province
    # rebuild walks 3 000 units × 45 tasks × 24 months)
    statics = []
    for a in active:
        due_iso = a.due_date.isoformat() if a.due_date is not None else None
        due_period = due_iso[:7] if due_iso is not None else None
        done_first = first_done[a.id]
        statics.append(
            (
                a.id,
                float(a.weight),
                str(a.area_id) if a.area_id is not None else None,
                due_iso,
                due_period,
                done_first is not None and due_period is not None and done_first <= due_period,
                (a.start_date or campaign_span[0], a.due_date or campaign_span[1]),
            )
        )
    for p in periods:
        end = period_end(p)
        weight_sum = weighted = expected = 0.0
        done = reported = due_before = open_before = on_time_before = 0
        due_in_month: dict[str, list[int]] = {}
        areas: dict[str, list[float]] = {}
        for aid, weight, area, due_iso, due_period, in_time, span in statics:
            rs = reports[aid]
            i = pointer[aid]
            if i < len(rs) and rs[i][0] <= p:
                while i < len(rs) and rs[i][0] <= p:
                    i += 1
                pointer[aid] = i
                latest[aid] = rs[i - 1]
            last = latest[aid]
            pct = last[1] if last is not None else 0
            weight_sum += weight
            weighted += weight * pct
            share = expected_memo.get((span, p))
            if share is None:
                share = expected_memo[(span, p)] = round(
                    expected_progress(span[0], span[1], end), 4
                )
            expected += weight * share
            done += pct >= 100
            reported += last is not None and last[0] == p
            if area is not None:
                cell = areas.setdefault(area, [0.0, 0.0, 0])
                cell[0] += weight * pct
                cell[1] += weight
                cell[2] += 1
            if due_period is None or due_period > p:
                continue
            if due_period < p:
                due_before += 1
                open_before += pct < 100
                on_time_before += in_time
            else:
                cell_due = due_in_month.setdefault(due_iso, [0, 0, 0])  # type: ignore[arg-type]
                cell_due[0] += 1
                cell_due[1] += pct < 100
                cell_due[2] += in_time
        while value_i < len(values) and values[value_i][0] <= p:
            latest_value[values[value_i][1]] = values[value_i][2]
            value_i += 1
        while insp_i < len(inspections) and inspections[insp_i][0] <= p:
            insp = inspections[insp_i][1]
            insp_i += 1
        rows.append(
            {
                "campaign_id": campaign_id,
                "department_id": department_id,
                "period": p,
                "assignments": len(active),
                "weight_sum": weight_sum,
                "weighted_percent": weighted,
                "done": done,
                "reported": reported,
                "expected_end": expected / weight_sum if weight_sum else 0.0,
                "due_before": due_before,
                "open_before": open_before,
                "on_time_before": on_time_before,
                "due_in_month": due_in_month or None,
                **_at_end(due_before, open_before, on_time_before, due_in_month, end),
                "reports_on_time": on_time.get(p, 0),
                "satisfaction": satisfaction_component(
                    [(v, targets[iid]) for iid, v in sorted(latest_value.items())]
                ),
                "inspection": insp,
                "complaints": complaints.get(p),
                "areas": areas or None,
            }
        )
    return rows


# --- reads --------------------------------------------------------------------------------


FRAME_COLUMNS = [
    "department_id",
    "period",
    "assignments",
    "weight_sum",
    "weighted_percent",
    "expected_end",
    "done",
    "reported",
    "due_before",
    "open_before",
    "on_time_before",
    "due_at_end",
    "open_at_end",
    "on_time_at_end",
    "reports_on_time",
    "satisfaction",
    "inspection",
    "complaints",
]


_FLOAT_COLUMNS = frozenset(
    ("weight_sum", "weighted_percent", "expected_end", "satisfaction", "inspection", "complaints")
)


def campaign_frame(campaign_id: int) -> Any:
    """Every summary row of a campaign with its department's code, names and active
    flag (rebuilt first if invalid); 72 000 rows for a province over two years.
    Cached per process by the data version (see ``queries.versioned``)."""
    from lib.read import queries

    return queries.versioned_call(_campaign_frame, campaign_id)


def _campaign_frame(campaign_id: int) -> Any:
    import pandas as pd

    from lib.db import get_engine
    from lib.read.queries import _department_names

    ensure(get_engine(), campaign_id)
    df = _summary_rows(campaign_id)
    columns = [*FRAME_COLUMNS, "code", "name", "name_en", "active"]
    if df.empty:
        return pd.DataFrame(columns=columns)
    # names joined from the departments' own small frame, not repeated 72 000 times
    names = _department_names()[["department_id", "code", "department", "department_en", "active"]]
    names = names.rename(columns={"department": "name", "department_en": "name_en"})
    return df.merge(names, on="department_id", how="inner")[columns]


def _summary_rows(campaign_id: int, by_copy: bool = True) -> Any:
    """The campaign's summary rows (:data:`FRAME_COLUMNS`, by month and unit). On
    PostgreSQL read by ``COPY … TO STDOUT`` and parsed by pyarrow's CSV reader with the
    table's own column types: a province's 72 000 rows turned into Python tuples and
    then into a frame took half of a cold progress or ranking page. (PostgreSQL writes
    floats in their shortest exact form, so they read back as the same numbers; tested
    equal to the row-by-row read.)"""
    import io

    import pandas as pd

    from lib.db import get_engine
    from lib.read.queries import _plain_frame

    engine = get_engine()
    dm = DepartmentMonth
    if not by_copy or engine.dialect.name != "postgresql":
        return _plain_frame(
            select(*(getattr(dm, c) for c in FRAME_COLUMNS))
            .where(dm.campaign_id == campaign_id)
            .order_by(dm.period, dm.department_id)
        )
    buffer = io.BytesIO()
    with engine.connect() as conn:
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(_COPY_ROWS, (campaign_id,)) as copy:
            for chunk in copy:
                buffer.write(chunk)
    if not buffer.tell():
        return pd.DataFrame()
    buffer.seek(0)
    return pd.read_csv(
        buffer, names=FRAME_COLUMNS, header=None, dtype=_FRAME_DTYPES, engine="pyarrow"
    )


_COPY_ROWS = (
    f"COPY (SELECT {', '.join(FRAME_COLUMNS)} FROM {DepartmentMonth.__tablename__}"
    " WHERE campaign_id = %s ORDER BY period, department_id) TO STDOUT WITH (FORMAT csv)"
)
_FRAME_DTYPES = {
    c: "str" if c == "period" else "float64" if c in _FLOAT_COLUMNS else "int64"
    for c in FRAME_COLUMNS
}


def due_in_month(campaign_id: int, period: str) -> Mapping[int, Mapping[str, tuple[int, ...]]]:
    """department_id -> {due day: (due, unfinished, finished in time)} for one month;
    read-only, so the cache hands it out without copying 3 000 departments' dicts."""
    from lib.read import queries

    return queries.versioned_call(_due_in_month, campaign_id, period)


@gcpause.paused()
def _due_in_month(campaign_id: int, period: str) -> Mapping[int, Mapping[str, tuple[int, ...]]]:
    from lib.db import get_engine

    dm = DepartmentMonth
    with get_engine().connect() as conn:
        rows = conn.execute(
            select(dm.department_id, dm.due_in_month).where(
                dm.campaign_id == campaign_id, dm.period == period, dm.due_in_month.is_not(None)
            )
        ).all()
    return MappingProxyType(
        {
            int(d): MappingProxyType({day: tuple(counts) for day, counts in v.items()})
            for d, v in rows
            if v
        }
    )


def department_inputs(
    campaign_id: int,
    period: str,
    at: dt.date,
    due_periods: tuple[str, ...],
    frame: Any = None,
) -> Any:
    """The score inputs of every active department for ``period`` judged at ``at``
    (a day within the period), from the summary. Columns as ``views.INPUT_COLUMNS``;
    None if the summary has no rows for the period (a campaign without tasks).
    ``frame``: :func:`campaign_frame`'s result, when the caller reads many periods."""

    df = campaign_frame(campaign_id) if frame is None else frame
    if df.empty:
        return None
    # complaints: the latest month up to the period that has complaint figures
    with_complaints = df.loc[df["complaints"].notna() & (df["period"] <= period), "period"]
    complaint_month = with_complaints.max() if not with_complaints.empty else None
    complaints: dict[int, float] = {}
    if complaint_month is not None:
        part = df[(df["period"] == complaint_month) & df["complaints"].notna()]
        complaints = dict(zip(part["department_id"], part["complaints"], strict=True))
    on_time: dict[int, int] = {}
    if due_periods:
        due = df[df["period"].isin(due_periods)]
        on_time = due.groupby("department_id")["reports_on_time"].sum().to_dict()
    rows = df[(df["period"] == period) & df["active"].astype(bool)]
    if rows.empty:
        return None
    # judged before the month's end (the running month): tasks due later this month
    # are not due yet, which only the per-day counts can tell
    if at < period_end(period):
        in_month = due_in_month(campaign_id, period)
        day = at.isoformat()
        counts = []
        for did, due_b, open_b, ok_b in zip(
            rows["department_id"], rows["due_before"], rows["open_before"],
            rows["on_time_before"], strict=True,
        ):  # fmt: skip
            n_due, n_open, n_on_time = int(due_b), int(open_b), int(ok_b)
            for due_day, (d, o, ok) in (in_month.get(int(did)) or {}).items():
                if due_day < day:
                    n_due, n_open, n_on_time = n_due + d, n_open + o, n_on_time + ok
            counts.append((n_due, n_open, n_on_time))
        n_due_col = [c[0] for c in counts]
        open_col = [c[1] for c in counts]
        on_time_col = [c[2] for c in counts]
    else:
        n_due_col = rows["due_at_end"].astype("int64").tolist()
        open_col = rows["open_at_end"].astype("int64").tolist()
        on_time_col = rows["on_time_at_end"].astype("int64").tolist()
    has_due = bool(due_periods)
    ids = rows["department_id"].astype("int64")
    return _inputs_frame(
        rows,
        overdue=open_col,
        done_on_time=on_time_col if has_due else None,
        due_tasks=n_due_col if has_due else None,
        reports_on_time=ids.map(on_time).fillna(0).astype("int64") if has_due else None,
        reports=rows["assignments"].astype("int64") * len(due_periods) if has_due else None,
        complaints=ids.map(complaints).astype("float64"),
    )


def _inputs_frame(rows: Any, **computed: Any) -> Any:
    """The score inputs (``views.INPUT_COLUMNS``) of summary rows: the columns read as
    they are, plus those the caller worked out (``overdue``, ``done_on_time``,
    ``due_tasks``, ``reports_on_time``, ``reports``, ``complaints``; None: no figure)."""
    import pandas as pd

    def plain(value: Any) -> Any:
        return value.to_numpy() if isinstance(value, pd.Series) else value

    weight_sum = rows["weight_sum"].astype("float64")
    return pd.DataFrame(
        {
            "department_id": rows["department_id"].astype("int64").to_numpy(),
            # strings kept in their own arrays (no round trip through Python objects)
            "code": rows["code"].array,
            "name": rows["name"].array,
            "name_en": rows["name_en"].array,
            "assignments": rows["assignments"].astype("int64").to_numpy(),
            "completion": (
                rows["weighted_percent"].astype("float64") / weight_sum.where(weight_sum != 0)
            )
            .fillna(0.0)
            .to_numpy(),
            "expected": rows["expected_end"].astype("float64").to_numpy(),
            "done": rows["done"].astype("int64").to_numpy(),
            "overdue": plain(computed["overdue"]),
            "reported": rows["reported"].astype("int64").to_numpy(),
            "reports_on_time": plain(computed["reports_on_time"]),
            "reports": plain(computed["reports"]),
            "done_on_time": plain(computed["done_on_time"]),
            "due_tasks": plain(computed["due_tasks"]),
            "satisfaction": rows["satisfaction"].astype("float64").to_numpy(),
            "inspection": rows["inspection"].astype("float64").to_numpy(),
            "complaints": plain(computed["complaints"]),
        }
    )


def history_inputs(frame: Any, due_by_period: dict[str, tuple[str, ...]]) -> Any:
    """The score inputs of every active department for many closed periods at once
    (each judged at its last day), stacked with a ``period`` column: the same figures
    as :func:`department_inputs` period by period, in a few whole-frame operations
    (a province's rank history is 24 months × 3 000 units). ``frame``:
    :func:`campaign_frame`'s result; ``due_by_period``: each period's due periods.
    Periods without summary rows are absent from the result."""
    import numpy as np
    import pandas as pd

    rows = frame[frame["period"].isin(list(due_by_period)) & frame["active"].astype(bool)]
    if rows.empty:
        return rows
    departments = pd.Index(frame["department_id"].unique())
    # reports on time summed over each period's due months (0 for a month without rows)
    on_time = frame.pivot(index="department_id", columns="period", values="reports_on_time")
    on_time = on_time.reindex(departments).fillna(0).astype("int64")
    # complaints: each period takes the latest month up to it that has complaint figures
    complaints = frame.pivot(index="department_id", columns="period", values="complaints")
    complaints = complaints.reindex(departments).astype("float64")
    with_figures = sorted(p for p in complaints.columns if complaints[p].notna().any())
    periods = sorted(due_by_period)
    none = np.full(len(departments), np.nan)
    on_time_parts, complaint_parts = [], []
    for p in periods:
        due = [m for m in due_by_period[p] if m in on_time.columns]
        on_time_parts.append(
            on_time[due].sum(axis=1).to_numpy() if due else np.zeros(len(departments))
        )
        month = max((m for m in with_figures if m <= p), default=None)
        complaint_parts.append(complaints[month].to_numpy() if month is not None else none)
    extra = pd.DataFrame(
        {
            "period": np.repeat(periods, len(departments)),
            "department_id": np.tile(departments.to_numpy(), len(periods)),
            "on_time_sum": np.concatenate(on_time_parts),
            "complaint_figure": np.concatenate(complaint_parts),
        }
    )
    rows = rows.merge(extra, on=["period", "department_id"], how="left")
    # due months per row's month, looked up in pandas' hash table (a province's 69 000
    # rows mapped one by one took a tenth of the rank history); 0 for a month not given
    months = list(due_by_period)
    counts = np.array([*(len(due_by_period[p]) for p in months), 0])
    n_due = counts[pd.Index(months).get_indexer(rows["period"])]
    has_due = n_due > 0

    def when_due(values: Any) -> Any:
        return np.where(has_due, pd.to_numeric(values).astype("float64").to_numpy(), np.nan)

    inputs = _inputs_frame(
        rows,
        overdue=rows["open_at_end"].astype("int64"),
        done_on_time=when_due(rows["on_time_at_end"]),
        due_tasks=when_due(rows["due_at_end"]),
        reports_on_time=when_due(rows["on_time_sum"]),
        reports=when_due(rows["assignments"].astype("int64") * n_due),
        complaints=rows["complaint_figure"].astype("float64"),
    )
    inputs["period"] = rows["period"].to_numpy()
    return inputs


@gcpause.paused()
def area_cells(campaign_id: int, period: str) -> Any:
    """Per active department × task area id: task-weighted completion and assignments,
    from the summary (None if it has no rows for the period)."""
    import pandas as pd

    from lib.db import get_engine

    engine = get_engine()
    ensure(engine, campaign_id)
    dm = DepartmentMonth
    with engine.connect() as conn:
        rows = conn.execute(
            select(dm.department_id, Department.name, Department.display_en, dm.areas)
            .join(Department, Department.id == dm.department_id)
            .where(dm.campaign_id == campaign_id, dm.period == period, Department.active.is_(True))
        ).all()
    if not rows:
        return None
    cells = [
        {
            "department_id": did,
            "department": name,
            "department_en": name_en,
            "area_id": int(area_id),
            "completion": weighted / weight if weight else None,
            "assignments": int(n),
        }
        for did, name, name_en, areas in rows
        for area_id, (weighted, weight, n) in (areas or {}).items()
    ]
    columns = ["department_id", "department", "department_en", "area_id", "completion"]
    return pd.DataFrame(cells, columns=[*columns, "assignments"])
