"""Pre-aggregated department × month figures (table ``department_months``).

At province scale (3 000 units, 3 million monthly reports) every composite score needs
"each assignment's latest counted report up to a month" over the whole report table, and
the ranking history needs it for every month: minutes of database work per page. This
module keeps, per campaign, department and month, the sums those scores are made of:

- **writes** (:func:`note_change`, called by ``lib.write.base.audit`` for every audited change):
  a report, review, indicator or inspection save marks its (campaign, department, first
  month touched); just before the transaction commits, the department's rows from that
  month on are recomputed from its own few hundred reports, under a lock on the
  department's row (and a shared lock on the campaign's ``summary_state`` row, which a
  rebuild takes exclusively), so two concurrent saves for one department never write
  figures computed from a snapshot that misses the other. Any other change that can
  move a score (tasks, weights, dates, indicators, settings, imports) marks the
  campaign's summary invalid instead;
- **reads** (:func:`ensure`): a reader that finds the campaign's summary invalid
  rebuilds it once (others wait on the same lock, then read); the reads themselves are
  in :mod:`lib.read.summary`.

The figures are defined by :func:`lib.write.summary_rows.compute`.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Engine, bindparam, delete, event, insert, select, update
from sqlalchemy.orm import Session

from lib.db import before_commit_step
from lib.domain.scoring import COUNTED_STATES
from lib.models import Assignment, Campaign, Department, DepartmentMonth, SummaryState, Task, utcnow
from lib.write.summary_rows import compute

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
NEUTRAL_ENTITIES = frozenset(
    {
        "user",
        "problem",
        "attachment",
        "department",
        "period_lock",
        # reaching people (issue 22): channels, leaders in charge, the delivery log
        "notify_channel",
        "department_leader",
        "notify_log",
        # an upheld appeal (issue 21) is audited again as the change of its score or value
        "appeal",
    }
    # recognition (issue 20): selection never moves a score
    | {"staff", "service_point", "selection_round", "nomination", "objection"}
    # item-level survey answers (issue 21): the top-box share is read live, no score moves
    | {"survey_answers"}
)
NEUTRAL_ACTIONS = frozenset(
    {"lock_period", "unlock_period", "archive", "unarchive", "set_reminder_rules"}
)
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
