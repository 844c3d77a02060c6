"""What every write shares: refusals, permission checks, the audit row, the month lock,
the optimistic-version conflict, and small helpers (text cleaning, local times).

Each service function takes the acting user and a session (keyword-only), checks
permission, validates everything before it writes anything, writes one audit row per
changed record (before and after) and bumps the data version, inside the caller's single
transaction (``lib.db.session_scope``). Errors are :class:`ServiceError` whose message is
a translation key, so the page shows it in the user's language.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from operator import attrgetter
from typing import Any, Literal, TypeVar

from sqlalchemy import Engine, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from lib.db import bump_data_version
from lib.domain.clock import local_today
from lib.domain.periods import is_period, period_of, periods_between
from lib.domain.permissions import Actor, can
from lib.i18n import t
from lib.models import AuditLog, Campaign, Department, PeriodLock, User
from lib.write import clean, summary

# imported for its flush check: no text with control characters reaches the database
__uses__ = (clean,)

MAX_TEXT = 4000
MAX_REASON = 1000
OFFICE_ROLES = frozenset({"admin", "office"})

Outcome = Literal["created", "updated", "unchanged"]


class ServiceError(Exception):
    """A refused operation; ``key`` is an i18n key, ``params`` fill it in. A parameter
    that is itself a ServiceError is put in as its message in the same language."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def message(self, lang: str | None = None) -> str:
        params = {
            k: v.message(lang) if isinstance(v, ServiceError) else v for k, v in self.params.items()
        }
        return t(self.key, lang, **params)


class PermissionDenied(ServiceError):
    pass


class ConflictError(ServiceError):
    """The row changed since the page read it (optimistic version check)."""


@dataclass(frozen=True)
class Refusal:
    """One refused row of a bulk write: the caller's reference for the row (a sheet's
    row number), the input field at fault, and why."""

    ref: int
    field: str
    error: ServiceError


class BulkRefused(ServiceError):
    """A bulk write refused as a whole; every refused row is in ``refusals``. Its own
    message is the first refusal's."""

    def __init__(self, refusals: list[Refusal]) -> None:
        first = refusals[0].error
        super().__init__(first.key, **first.params)
        self.refusals = refusals


def refuse_all(refusals: list[Refusal]) -> None:
    """Raise the refusals of a bulk write together (nothing is written)."""
    if refusals:
        raise BulkRefused(refusals)


def row_error(row: int, error: ServiceError) -> ServiceError:
    """A refusal of one row of a table the page sent: "row N: reason"."""
    return type(error)("setup.error_row", row=row, reason=error)


# what audit rows leave in ``session.info`` for the commit: the data-version bump
# (lib.db.bump_data_version) and the summary refresh (lib.read.summary.note_change)
_PENDING_AT_COMMIT = ("bump_data_version", "summary_touched", "summary_invalid")


@contextmanager
def all_or_nothing(session: Session) -> Iterator[None]:
    """A savepoint for a write in many steps (the Excel import): when the block raises,
    its rows are rolled back, and so is what their audit rows left for the commit."""
    saved = {k: copy.copy(session.info[k]) for k in _PENDING_AT_COMMIT if k in session.info}
    try:
        with session.begin_nested():
            yield
    except BaseException:
        for key in _PENDING_AT_COMMIT:
            session.info.pop(key, None)
        session.info.update(saved)
        raise


def require(actor: Actor | None, action: str) -> Actor:
    if actor is None or not can(actor, action):
        raise PermissionDenied("error.permission_denied")
    return actor


_Row = TypeVar("_Row")


def get_or_refuse(
    session: Session, model: type[_Row], row_id: Any, key: str, **params: Any
) -> _Row:
    """The row of ``model`` with that id, or a :class:`ServiceError` ``key`` (an unknown
    campaign, report…): the caller's check before it changes anything."""
    row = session.get(model, row_id)
    if row is None:
        raise ServiceError(key, **params)
    return row


def require_department(actor: Actor, department_id: int | None) -> None:
    """Office and admin act for any department; a liaison only for their own."""
    if actor.roles & OFFICE_ROLES:
        return
    if (
        "liaison" in actor.roles
        and actor.department_id is not None
        and actor.department_id == department_id
    ):
        return
    raise PermissionDenied("error.not_your_department")


def audit(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: int | None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    campaign_id: int | None = None,
    department_id: int | None = None,
) -> None:
    """Append an audit row and mark the data as changed."""
    session.add(
        AuditLog(
            user_id=actor.user_id,
            username=actor.username,
            action=action,
            entity=entity,
            entity_id=entity_id,
            campaign_id=campaign_id,
            department_id=department_id,
            before=before,
            after=after,
        )
    )
    summary.note_change(session, action, entity, campaign_id, department_id, after, before)
    bump_data_version(session)


def department_by_code(session: Session, code: str | None) -> Department | None:
    """The department with this code; None for no code; refused when there is none."""
    if not code:
        return None
    dept = session.scalar(select(Department).where(Department.code == code))
    if dept is None:
        raise ServiceError("error.department_unknown", code=code)
    return dept


# --- months: the campaign's span and the office's lock -----------------------------------

_PERIOD_LOCKED = select(PeriodLock.locked).where(
    PeriodLock.campaign_id == bindparam("campaign"), PeriodLock.period == bindparam("period")
)


# The month lock and the writes it stops meet on the campaign's row (issue 17, item 11):
# a write into a month takes it FOR SHARE before it reads the lock (writes share it);
# locking or unlocking takes it FOR UPDATE. So a lock waits for the writes already under
# way to commit, and a write that starts while a lock is being set waits for that lock's
# commit, then reads it: no report is ever committed into a locked month. (SQLite has no
# row locks; its single writer and snapshot upgrade errors give the same guarantee.)
_CAMPAIGN_SHARED = (
    select(Campaign.id).where(Campaign.id == bindparam("campaign")).with_for_update(read=True)
)
_CAMPAIGN_EXCLUSIVE = (
    select(Campaign.id).where(Campaign.id == bindparam("campaign")).with_for_update()
)


def hold_months(session: Session, campaign_id: int, *, exclusive: bool = False) -> None:
    """Take the campaign's row: shared to write into its months, exclusive to lock or
    unlock one (held until the transaction ends)."""
    stmt = _CAMPAIGN_EXCLUSIVE if exclusive else _CAMPAIGN_SHARED
    session.execute(stmt, {"campaign": campaign_id})


def is_period_locked(session: Session, campaign_id: int, period: str) -> bool:
    """Whether the month is locked (a plain read; a write asks :func:`locked_error`)."""
    return bool(session.scalar(_PERIOD_LOCKED, {"campaign": campaign_id, "period": period}))


def locked_error(session: Session, campaign_id: int, period: str) -> ServiceError | None:
    """Why a write may not go into the month (it is locked), or None. The campaign's
    row is held shared first (:func:`hold_months`), so a lock being set is waited for
    and then seen."""
    hold_months(session, campaign_id)
    if is_period_locked(session, campaign_id, period):
        return ServiceError("error.period_locked", period=period)
    return None


class LockCache:
    """The month lock, asked once per campaign and month of a bulk write."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.known: dict[tuple[int, str], ServiceError | None] = {}

    def error(self, campaign_id: int, period: str) -> ServiceError | None:
        key = (campaign_id, period)
        if key not in self.known:
            self.known[key] = locked_error(self.session, campaign_id, period)
        return self.known[key]


def require_unlocked(session: Session, campaign_id: int, period: str) -> None:
    if error := locked_error(session, campaign_id, period):
        raise error


def campaign_period_error(
    campaign: Campaign, period: str, *, allow_future: bool
) -> ServiceError | None:
    """Why ``period`` is no month of the campaign to write for, or None."""
    if not is_period(period):
        return ServiceError("error.period_invalid", period=period)
    periods = periods_between(campaign.start_date, campaign.end_date)
    if period not in periods or (not allow_future and period > period_of(local_today())):
        return ServiceError("error.period_outside_campaign", period=period)
    return None


def require_campaign_period(campaign: Campaign, period: str, *, allow_future: bool) -> None:
    if error := campaign_period_error(campaign, period, allow_future=allow_future):
        raise error


# --- optimistic versions -----------------------------------------------------------------


def engine_of(session: Session) -> Engine:
    """The engine behind a session (a fresh connection reads what others committed)."""
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def local_time(at: dt.datetime) -> str:
    """A stored UTC time as the local wall-clock time (``APP_TIMEZONE``)."""
    from lib.i18n import fmt_datetime

    return fmt_datetime(at)


def conflict(session: Session, entity: str, entity_id: int | None) -> ConflictError:
    """A refusal naming who last changed the row and when (read on a fresh connection,
    because the failed flush has spoilt this session's transaction)."""
    who, when = "?", "?"
    if entity_id is not None:
        with engine_of(session).connect() as conn:
            row = conn.execute(
                select(AuditLog.username, AuditLog.at, User.display_name)
                .outerjoin(User, User.id == AuditLog.user_id)
                .where(AuditLog.entity == entity, AuditLog.entity_id == entity_id)
                .order_by(AuditLog.id.desc())
                .limit(1)
            ).first()
        if row is not None:
            who = row.display_name or row.username or "?"
            when = local_time(row.at)
    return ConflictError("error.stale", who=who, when=when)


def flush_or_conflict(session: Session, entity: str, find_id: Callable[[], int | None]) -> None:
    """Flush; a concurrent change (stale version, duplicate insert) becomes a conflict."""
    try:
        session.flush()
    except (StaleDataError, IntegrityError):
        raise conflict(session, entity, find_id()) from None


def committed_id(session: Session, column: Any, *where: Any) -> int | None:
    """The id of a row as others committed it (for naming who wrote it first)."""
    with engine_of(session).connect() as conn:
        found: int | None = conn.scalar(select(column).where(*where))
        return found


# --- values --------------------------------------------------------------------------------


CHUNK = 1000  # ids per IN list (SQLite allows some 32 000 parameters a statement)


def chunks(ids: list[int]) -> Iterator[list[int]]:
    """``ids`` in slices short enough for one IN list."""
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def clean_text(value: str | None, limit: int = MAX_TEXT) -> str | None:
    text = (value or "").strip()
    return text[:limit] if text else None


def plain(value: Any) -> Any:
    """A value as JSON keeps it (dates as ISO text)."""
    return value.isoformat() if isinstance(value, dt.date) else value


def plain_dict(values: dict[str, Any]) -> dict[str, Any]:
    return {k: plain(v) for k, v in values.items()}


def json_copy(value: dict[str, Any]) -> dict[str, Any]:
    copied: dict[str, Any] = json.loads(json.dumps(value))
    return copied


def fmt_bound(value: float) -> str:
    return f"{value:g}"


def apply_values(record: Any, values: dict[str, Any]) -> dict[str, Any] | None:
    """Set ``values`` on ``record``; what those fields held before if any of them
    changed, else None (nothing set)."""
    before = {k: getattr(record, k) for k in values}
    if before == values:
        return None
    for k, v in values.items():
        setattr(record, k, v)
    return before


@dataclass
class Change:
    """A record a bulk write created (``before`` None) or changed, waiting for its id
    (one flush for all) and its audit row."""

    record: Any
    before: dict[str, Any] | None


@dataclass(frozen=True)
class Upsert:
    """One row of a bulk write: the record as stored (None when new), how to make it
    when new (its key columns), and the values the row gives it."""

    ref: int
    stored: Any | None
    new: Callable[[], Any]
    values: dict[str, Any]

    def changed_fields(self) -> list[str]:
        """The fields the row changes (every field of a new record)."""
        if self.stored is None:
            return list(self.values)
        return [k for k, v in self.values.items() if getattr(self.stored, k) != v]


def stored_in_campaigns(
    session: Session, model: Any, rows: Sequence[Any], key: Callable[[Any], Hashable]
) -> dict[Hashable, Any]:
    """The stored rows of ``model`` in the campaigns the import ``rows`` name, by ``key``
    (a function of a stored row and of an input row alike): what each input row changes."""
    campaign_ids = sorted({r.campaign_id for r in rows})
    return {
        key(stored): stored
        for stored in session.scalars(select(model).where(model.campaign_id.in_(campaign_ids)))
    }


def keyed_upserts(
    session: Session,
    model: Any,
    rows: Sequence[Any],
    key: tuple[str, ...],
    values: Callable[[Any], dict[str, Any]],
    *,
    new: tuple[str, ...] = (),
) -> list[Upsert]:
    """One :class:`Upsert` per import row: the stored ``model`` row with the same ``key``
    fields in the campaigns the rows name, else a new one made with the key fields (and
    the ``new`` ones, set only on creation); ``values(row)`` are what the row gives it."""
    key_of = attrgetter(*key)
    existing = stored_in_campaigns(session, model, rows, key_of)
    return [
        Upsert(
            row.ref,
            existing.get(key_of(row)),
            partial(model, **{f: getattr(row, f) for f in (*key, *new)}),
            values(row),
        )
        for row in rows
    ]


def write_upserts(
    session: Session,
    actor: Actor,
    entity: str,
    upserts: list[Upsert],
    snapshot: Callable[[Any], dict[str, Any]],
    *,
    scope: Callable[[Any], tuple[int | None, int | None]],
    stamp: dict[str, Any] | None = None,
    find_id: Callable[[], int | None] = lambda: None,
) -> list[Outcome]:
    """Create or change the records of a checked bulk write: one flush (a concurrent
    change is a conflict), then one audit row per created or changed record with before
    and after. ``scope`` gives a record's (campaign id, department id) for the audit row;
    ``stamp`` (who and when) is set on every record written. Returns each row's outcome."""
    changes: dict[int, Change] = {}
    for upsert in upserts:
        if upsert.stored is None:
            record = upsert.new()
            apply_values(record, upsert.values)
            session.add(record)
            changes[upsert.ref] = Change(record, None)
        else:
            before = snapshot(upsert.stored)
            if apply_values(upsert.stored, upsert.values) is None:
                continue
            changes[upsert.ref] = Change(upsert.stored, before)
        for k, v in (stamp or {}).items():
            setattr(changes[upsert.ref].record, k, v)
    flush_or_conflict(session, entity, find_id)
    for change in changes.values():
        campaign_id, department_id = scope(change.record)
        audit(
            session,
            actor,
            "import",
            entity,
            change.record.id,
            before=change.before,
            after=snapshot(change.record),
            campaign_id=campaign_id,
            department_id=department_id,
        )
    return [
        "unchanged"
        if (c := changes.get(u.ref)) is None
        else ("created" if c.before is None else "updated")
        for u in upserts
    ]
