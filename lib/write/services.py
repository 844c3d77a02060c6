"""Write side: every change goes through here.

Each function takes the acting user and a session (keyword-only), checks permission,
validates, writes an audit row and bumps the data version, inside the caller's single
transaction (use ``lib.db.session_scope``). Errors are :class:`ServiceError` whose
message is a translation key, so the page shows it in the user's language.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import bcrypt
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from lib.db import bump_data_version
from lib.domain.permissions import Actor, can
from lib.i18n import t
from lib.models import ROLES, AuditLog, Department, User, utcnow
from lib.write import summary

BCRYPT_ROUNDS = 12
USERNAME_RE = re.compile(r"^[a-z0-9_.\-]{3,80}$")
MIN_PASSWORD_LENGTH = 8


class ServiceError(Exception):
    """A refused operation; ``key`` is an i18n key, ``params`` fill it in."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self.params)


class PermissionDenied(ServiceError):
    pass


def require(actor: Actor | None, action: str) -> Actor:
    if actor is None or not can(actor, action):
        raise PermissionDenied("error.permission_denied")
    return actor


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


# --- passwords -------------------------------------------------------------------------


def hash_password(password: str, rounds: int = BCRYPT_ROUNDS) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds)).decode("ascii")


def verify_password(password: str, hashed: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode("utf-8"), hashed.encode("ascii"))
    except ValueError:
        return False


def validate_password(password: str) -> str | None:
    """An i18n key describing what is wrong with a new password, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return "error.password_too_short"
    if len(password.encode("utf-8")) > 72:
        return "error.password_too_long"
    classes = sum(
        [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
    )
    if classes < 3:
        return "error.password_too_simple"
    return None


# --- users -----------------------------------------------------------------------------


def _user_snapshot(user: User) -> dict[str, Any]:
    """What the audit log keeps of a user (never the hash)."""
    return {
        "username": user.username,
        "display_name": user.display_name,
        "roles": user.roles,
        "department_id": user.department_id,
        "active": user.active,
    }


def create_user(
    *,
    actor: Actor,
    session: Session,
    username: str,
    password: str | None = None,
    password_hash: str | None = None,
    roles: list[str],
    display_name: str | None = None,
    department_code: str | None = None,
    is_demo: bool = False,
    check_password_policy: bool = True,
) -> User:
    """Create a login. Liaisons must belong to a department."""
    require(actor, "users.admin")
    username = (username or "").strip().lower()
    if not USERNAME_RE.match(username):
        raise ServiceError("error.username_invalid")
    if not roles or any(r not in ROLES for r in roles):
        raise ServiceError("error.role_invalid", roles=", ".join(ROLES))
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise ServiceError("error.username_taken", username=username)
    department_id = None
    if department_code:
        dept = session.scalar(select(Department).where(Department.code == department_code))
        if dept is None:
            raise ServiceError("error.department_unknown", code=department_code)
        department_id = dept.id
    if "liaison" in roles and department_id is None:
        raise ServiceError("error.liaison_needs_department")
    if password_hash is None:
        if password is None:
            raise ServiceError("error.password_required")
        if check_password_policy and (problem := validate_password(password)):
            raise ServiceError(problem)
        password_hash = hash_password(password)
    user = User(
        username=username,
        display_name=(display_name or username).strip()[:200],
        password_hash=password_hash,
        roles=",".join(roles),
        department_id=department_id,
        is_demo=is_demo,
    )
    session.add(user)
    session.flush()
    audit(session, actor, "create", "user", user.id, after=_user_snapshot(user))
    return user


def set_password(*, actor: Actor, session: Session, username: str, new_password: str) -> None:
    """Admin reset (or CLI): new hash, clears lockout, revokes existing cookies."""
    require(actor, "users.admin")
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise ServiceError("error.user_unknown", username=username)
    if problem := validate_password(new_password):
        raise ServiceError(problem)
    _apply_new_password(session, actor, user, new_password, "reset_password")


def change_own_password(
    *, actor: Actor, session: Session, old_password: str, new_password: str, repeat: str
) -> None:
    """A user changes their own password; all their existing cookies stop working."""
    require(actor, "account.self")
    user = session.get(User, actor.user_id) if actor.user_id else None
    if user is None:
        raise PermissionDenied("error.permission_denied")
    if not verify_password(old_password, user.password_hash):
        raise ServiceError("error.old_password_wrong")
    if new_password != repeat:
        raise ServiceError("error.password_mismatch")
    if new_password == old_password:
        raise ServiceError("error.password_unchanged")
    if problem := validate_password(new_password):
        raise ServiceError(problem)
    _apply_new_password(session, actor, user, new_password, "change_password")


def _apply_new_password(
    session: Session, actor: Actor, user: User, new_password: str, action: str
) -> None:
    user.password_hash = hash_password(new_password)
    user.failed_attempts = 0
    user.locked_until = None
    user.tokens_valid_after = utcnow()
    user.is_demo = False
    audit(session, actor, action, "user", user.id, after={"username": user.username})


def set_user_active(*, actor: Actor, session: Session, username: str, active: bool) -> None:
    require(actor, "users.admin")
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise ServiceError("error.user_unknown", username=username)
    before = _user_snapshot(user)
    user.active = active
    if not active:
        user.tokens_valid_after = utcnow()
    audit(
        session,
        actor,
        "update",
        "user",
        user.id,
        before=before,
        after=_user_snapshot(user),
    )


# --- login bookkeeping (called by lib.ui.auth; the actor is the user logging in) -----------


def record_failed_login(
    *, session: Session, username: str, max_attempts: int, lock_minutes: int
) -> bool:
    """Count a wrong password; lock the username after ``max_attempts``. True if locked."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        return False
    now = utcnow()
    if user.locked_until and user.locked_until > now:
        return True
    if user.locked_until and user.locked_until <= now:
        user.failed_attempts = 0
        user.locked_until = None
    user.failed_attempts += 1
    locked = user.failed_attempts >= max_attempts
    if locked:
        user.locked_until = now + dt.timedelta(minutes=lock_minutes)
    actor = Actor(username=username, user_id=user.id)
    audit(
        session,
        actor,
        "login_locked" if locked else "login_failed",
        "user",
        user.id,
        after={"failed_attempts": user.failed_attempts},
    )
    return locked


def record_login(*, session: Session, username: str) -> None:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        return
    user.failed_attempts = 0
    user.locked_until = None
    user.last_login_at = utcnow()
    audit(session, Actor(username=username, user_id=user.id), "login", "user", user.id)


def record_logout(*, session: Session, username: str) -> None:
    """Revoke every cookie issued so far for this user (a copied cookie stops working)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        return
    user.tokens_valid_after = utcnow()
    audit(session, Actor(username=username, user_id=user.id), "logout", "user", user.id)


def count_users(session: Session) -> int:
    return int(session.scalar(select(func.count(User.id))) or 0)


# --- monthly reporting (issue 5) ---
# Liaisons write their own department's reports, indicator values and evidence; the
# campaign office reviews, locks months, scores inspections and keeps the problem ledger.
# Every function validates everything before it writes anything, checks the version the
# page read (optimistic locking; a stale save names who changed the row and when), writes
# before/after audit rows and leaves commit/rollback to the caller's single transaction.

from dataclasses import dataclass  # noqa: E402

from sqlalchemy import Engine  # noqa: E402
from sqlalchemy.exc import IntegrityError  # noqa: E402
from sqlalchemy.orm.exc import StaleDataError  # noqa: E402

from lib.domain.periods import is_period, period_of, periods_between  # noqa: E402
from lib.io import attachments as attachment_files  # noqa: E402
from lib.models import (  # noqa: E402
    REPORT_STATUSES,
    TASK_SOURCES,
    Assignment,
    Attachment,
    Campaign,
    Indicator,
    IndicatorDepartment,
    IndicatorValue,
    InspectionScore,
    MonthlyUpdate,
    PeriodLock,
    Problem,
    Task,
)

MAX_TEXT = 4000
MAX_REASON = 1000
OFFICE_ROLES = frozenset({"admin", "office"})
PROBLEM_SOURCES = tuple(s for s in TASK_SOURCES if s != "plan")


class ConflictError(ServiceError):
    """The row changed since the page read it (optimistic version check)."""


@dataclass(frozen=True)
class ReportInput:
    """One task's monthly report as the liaison filled it in."""

    assignment_id: int
    percent_done: int
    status: str
    work_done: str | None = None
    problems: str | None = None
    next_steps: str | None = None
    expected_version: int | None = None  # the version the page showed; None = no report yet


@dataclass(frozen=True)
class IndicatorInput:
    """One indicator's value for the department and month."""

    indicator_id: int
    value: float | None
    sample_size: int | None = None
    expected_version: int | None = None


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


_PERIOD_LOCKED = select(PeriodLock.locked).where(
    PeriodLock.campaign_id == bindparam("campaign"), PeriodLock.period == bindparam("period")
)


def is_period_locked(session: Session, campaign_id: int, period: str) -> bool:
    return bool(session.scalar(_PERIOD_LOCKED, {"campaign": campaign_id, "period": period}))


def _require_unlocked(session: Session, campaign_id: int, period: str) -> None:
    if is_period_locked(session, campaign_id, period):
        raise ServiceError("error.period_locked", period=period)


def _require_campaign_period(campaign: Campaign, period: str, *, allow_future: bool) -> None:
    if not is_period(period):
        raise ServiceError("error.period_invalid", period=period)
    periods = periods_between(campaign.start_date, campaign.end_date)
    if period not in periods or (not allow_future and period > period_of(dt.date.today())):
        raise ServiceError("error.period_outside_campaign", period=period)


def _clean_text(value: str | None, limit: int = MAX_TEXT) -> str | None:
    text = (value or "").strip()
    return text[:limit] if text else None


def _engine_of(session: Session) -> Engine:
    """The engine behind a session (a fresh connection reads what others committed)."""
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def _local_time(at: dt.datetime) -> str:
    return at.replace(tzinfo=dt.UTC).astimezone().strftime("%Y-%m-%d %H:%M")


def _conflict(session: Session, entity: str, entity_id: int | None) -> ConflictError:
    """A refusal naming who last changed the row and when (read on a fresh connection,
    because the failed flush has spoilt this session's transaction)."""
    who, when = "?", "?"
    if entity_id is not None:
        with _engine_of(session).connect() as conn:
            row = conn.execute(
                select(AuditLog.username, AuditLog.at, User.display_name)
                .outerjoin(User, User.id == AuditLog.user_id)
                .where(AuditLog.entity == entity, AuditLog.entity_id == entity_id)
                .order_by(AuditLog.id.desc())
                .limit(1)
            ).first()
        if row is not None:
            who = row.display_name or row.username or "?"
            when = _local_time(row.at)
    return ConflictError("error.stale", who=who, when=when)


def _flush_or_conflict(session: Session, entity: str, find_id: Any) -> None:
    """Flush; a concurrent change (stale version, duplicate insert) becomes a conflict."""
    try:
        session.flush()
    except (StaleDataError, IntegrityError):
        raise _conflict(session, entity, find_id()) from None


def _report_snapshot(u: MonthlyUpdate) -> dict[str, Any]:
    return {
        "assignment_id": u.assignment_id,
        "period": u.period,
        "percent_done": u.percent_done,
        "status": u.status,
        "work_done": u.work_done,
        "problems": u.problems,
        "next_steps": u.next_steps,
        "review_state": u.review_state,
        "reviewer_comment": u.reviewer_comment,
    }


def _update_id(session: Session, assignment_id: int, period: str) -> int | None:
    with _engine_of(session).connect() as conn:
        return conn.scalar(
            select(MonthlyUpdate.id).where(
                MonthlyUpdate.assignment_id == assignment_id, MonthlyUpdate.period == period
            )
        )


# built once: every report save runs them (building a statement costs a save about
# as much time as running it)
_REPORT_TARGETS = (
    select(Assignment, Task, Campaign)
    .join(Task, Assignment.task_id == Task.id)
    .join(Campaign, Task.campaign_id == Campaign.id)
    .where(Assignment.id.in_(bindparam("ids", expanding=True)))
)
_REPORTS_FOR_UPDATE = (
    select(MonthlyUpdate)
    .where(
        MonthlyUpdate.assignment_id.in_(bindparam("ids", expanding=True)),
        MonthlyUpdate.period == bindparam("period"),
    )
    .order_by(MonthlyUpdate.assignment_id)
    .with_for_update()
)
_OPEN_PROBLEMS = select(Problem).where(
    Problem.task_id.in_(bindparam("tasks", expanding=True)),
    Problem.state.in_(("open", "reopened")),
)


def save_reports(
    *,
    actor: Actor,
    session: Session,
    period: str,
    items: list[ReportInput],
    submit: bool = False,
) -> list[MonthlyUpdate]:
    """Save (draft) or submit a department's reports for one month, all or nothing.

    A draft or returned report becomes a draft on save; a submitted one stays submitted
    while it is edited; an approved one, or any report of a locked month, is refused.
    """
    require(actor, "report.write")
    if not is_period(period):
        raise ServiceError("error.period_invalid", period=period)
    if not items:
        raise ServiceError("error.nothing_to_save")
    ids = sorted({i.assignment_id for i in items})
    if len(ids) != len(items):
        raise ServiceError("error.duplicate_items")
    rows = {
        a.id: (a, task, campaign)
        for a, task, campaign in session.execute(_REPORT_TARGETS, {"ids": ids}).all()
    }
    checked_campaigns: set[int] = set()
    for item in items:
        if item.assignment_id not in rows:
            raise ServiceError("error.assignment_unknown", id=item.assignment_id)
        assignment, task, campaign = rows[item.assignment_id]
        require_department(actor, assignment.department_id)
        if campaign.id not in checked_campaigns:
            _require_campaign_period(campaign, period, allow_future=False)
            _require_unlocked(session, campaign.id, period)
            checked_campaigns.add(campaign.id)
        label = task.code
        if (
            not isinstance(item.percent_done, int)
            or isinstance(item.percent_done, bool)
            or not 0 <= item.percent_done <= 100
        ):
            raise ServiceError("error.percent_range", task=label)
        if item.status not in REPORT_STATUSES:
            raise ServiceError("error.report_status_invalid", task=label)
        if item.status == "done" and item.percent_done < 100:
            raise ServiceError("error.done_needs_100", task=label)
        for field_key, value in (
            ("report.work_done", item.work_done),
            ("report.problems", item.problems),
            ("report.next_steps", item.next_steps),
        ):
            if value and len(value) > MAX_TEXT:
                raise ServiceError(
                    "error.text_too_long", task=label, field=t(field_key), max=MAX_TEXT
                )
    existing = {
        u.assignment_id: u
        for u in session.scalars(_REPORTS_FOR_UPDATE, {"ids": ids, "period": period})
    }
    now = utcnow()
    changes: list[tuple[MonthlyUpdate, dict[str, Any] | None, Task, int]] = []
    for item in sorted(items, key=lambda i: i.assignment_id):
        assignment, task, campaign = rows[item.assignment_id]
        update = existing.get(item.assignment_id)
        if update is None:
            update = MonthlyUpdate(assignment_id=item.assignment_id, period=period)
            session.add(update)
            before = None
            previous_state = None
        else:
            if item.expected_version is None or update.version != item.expected_version:
                raise _conflict(session, "monthly_update", update.id)
            if update.review_state == "approved":
                raise ServiceError("error.report_approved", task=task.code)
            before = _report_snapshot(update)
            previous_state = update.review_state
        update.percent_done = item.percent_done
        update.status = item.status
        update.work_done = _clean_text(item.work_done)
        update.problems = _clean_text(item.problems)
        update.next_steps = _clean_text(item.next_steps)
        update.updated_by_id = actor.user_id
        update.updated_at = now
        if submit:
            if previous_state != "submitted":
                update.submitted_at = now
                update.submitted_by_id = actor.user_id
            update.review_state = "submitted"
        elif previous_state != "submitted":
            update.review_state = "draft"
        changes.append((update, before, task, campaign.id))
    inserted = [u.assignment_id for u, before, _t, _c in changes if before is None]
    candidates = inserted or [u.assignment_id for u, _b, _t, _c in changes]

    def _find() -> int | None:
        for aid in candidates:
            found = _update_id(session, aid, period)
            if found is not None:
                return found
        return None

    _flush_or_conflict(session, "monthly_update", _find)
    for update, before, _task, campaign_id in changes:
        audit(
            session,
            actor,
            "submit_report" if submit else "save_report",
            "monthly_update",
            update.id,
            before=before,
            after=_report_snapshot(update),
            campaign_id=campaign_id,
            department_id=rows[update.assignment_id][0].department_id,
        )
    if submit:
        _mark_problems_rectifying(session, actor, [task.id for _, _, task, _ in changes])
    return [c[0] for c in changes]


def _mark_problems_rectifying(session: Session, actor: Actor, task_ids: list[int]) -> None:
    """A submitted report on a problem's task moves an open problem to rectifying."""
    problems = session.scalars(_OPEN_PROBLEMS, {"tasks": task_ids}).all()
    for problem in problems:
        before = {"state": problem.state}
        problem.state = "rectifying"
        session.flush()
        audit(
            session,
            actor,
            "problem_rectifying",
            "problem",
            problem.id,
            before=before,
            after={"state": problem.state},
            campaign_id=problem.campaign_id,
        )


def review_reports(
    *,
    actor: Actor,
    session: Session,
    decisions: list[tuple[int, int]],
    approve: bool,
    reason: str | None = None,
) -> int:
    """Approve, or return with a reason, submitted reports given as (id, version seen).

    All or nothing: one stale or no-longer-submitted report refuses the whole batch.
    """
    require(actor, "report.review")
    if not decisions:
        raise ServiceError("error.nothing_selected")
    reason = _clean_text(reason, MAX_REASON)
    if not approve and not reason:
        raise ServiceError("error.return_needs_reason")
    seen = dict(decisions)
    updates = session.scalars(
        select(MonthlyUpdate)
        .where(MonthlyUpdate.id.in_(sorted(seen)))
        .order_by(MonthlyUpdate.id)
        .with_for_update()
    ).all()
    if len(updates) != len(seen):
        raise ServiceError("error.report_unknown")
    info = {
        a.id: (a.department_id, task.campaign_id, task.code)
        for a, task in session.execute(
            select(Assignment, Task)
            .join(Task, Assignment.task_id == Task.id)
            .where(Assignment.id.in_([u.assignment_id for u in updates]))
        ).all()
    }
    for update in updates:
        if update.version != seen[update.id]:
            raise _conflict(session, "monthly_update", update.id)
        _dept, campaign_id, code = info[update.assignment_id]
        if update.review_state != "submitted":
            raise ServiceError("error.report_not_submitted", task=code)
        _require_unlocked(session, campaign_id, update.period)
    now = utcnow()
    befores = {u.id: _report_snapshot(u) for u in updates}
    for update in updates:
        update.review_state = "approved" if approve else "returned"
        update.reviewer_comment = reason
        update.reviewed_by_id = actor.user_id
        update.reviewed_at = now
    ids = [u.id for u in updates]
    _flush_or_conflict(session, "monthly_update", lambda: ids[0])
    for update in updates:
        dept, campaign_id, _code = info[update.assignment_id]
        audit(
            session,
            actor,
            "approve_report" if approve else "return_report",
            "monthly_update",
            update.id,
            before=befores[update.id],
            after=_report_snapshot(update),
            campaign_id=campaign_id,
            department_id=dept,
        )
    return len(updates)


def _indicator_label(ind: Indicator) -> str:
    from lib.i18n import current_lang

    return ind.name if current_lang() == "zh" else (ind.name_en or ind.name)


def _fmt_bound(value: float) -> str:
    return f"{value:g}"


def save_indicator_values(
    *,
    actor: Actor,
    session: Session,
    department_id: int,
    period: str,
    items: list[IndicatorInput],
) -> int:
    """Save a department's indicator values for a month; values outside an indicator's
    range are refused with a message naming the indicator. Returns how many were saved."""
    require(actor, "report.write")
    require_department(actor, department_id)
    if not is_period(period):
        raise ServiceError("error.period_invalid", period=period)
    todo = [i for i in items if i.value is not None]
    if not todo:
        raise ServiceError("error.nothing_to_save")
    ids = sorted({i.indicator_id for i in todo})
    if len(ids) != len(todo):
        raise ServiceError("error.duplicate_items")
    indicators = {
        ind.id: ind for ind in session.scalars(select(Indicator).where(Indicator.id.in_(ids)))
    }
    linked: dict[int, set[int]] = {}
    for ind_id, dept_id in session.execute(
        select(IndicatorDepartment.indicator_id, IndicatorDepartment.department_id).where(
            IndicatorDepartment.indicator_id.in_(ids)
        )
    ):
        linked.setdefault(ind_id, set()).add(dept_id)
    campaigns_checked: set[int] = set()
    for item in todo:
        ind = indicators.get(item.indicator_id)
        if ind is None:
            raise ServiceError("error.indicator_unknown", id=item.indicator_id)
        if ind.id in linked and department_id not in linked[ind.id]:
            raise PermissionDenied("error.indicator_not_assigned", field=_indicator_label(ind))
        if ind.campaign_id not in campaigns_checked:
            campaign = session.get(Campaign, ind.campaign_id)
            assert campaign is not None
            _require_campaign_period(campaign, period, allow_future=False)
            _require_unlocked(session, campaign.id, period)
            campaigns_checked.add(ind.campaign_id)
        value = item.value
        assert value is not None
        low = ind.min_value if ind.min_value is not None else 0.0
        high = ind.max_value if ind.max_value is not None else ind.scale
        if (
            not isinstance(value, int | float)
            or value != value
            or value
            in (
                float("inf"),
                float("-inf"),
            )
        ):
            raise ServiceError("error.indicator_not_number", field=_indicator_label(ind))
        if value < low or (high is not None and value > high):
            if high is None:
                raise ServiceError(
                    "error.indicator_below", field=_indicator_label(ind), low=_fmt_bound(low)
                )
            raise ServiceError(
                "error.indicator_range",
                field=_indicator_label(ind),
                low=_fmt_bound(low),
                high=_fmt_bound(high),
            )
        if item.sample_size is not None and (
            not isinstance(item.sample_size, int) or not 0 <= item.sample_size <= 10_000_000
        ):
            raise ServiceError("error.sample_size_invalid", field=_indicator_label(ind))
    existing = {
        v.indicator_id: v
        for v in session.scalars(
            select(IndicatorValue)
            .where(
                IndicatorValue.indicator_id.in_(ids),
                IndicatorValue.department_id == department_id,
                IndicatorValue.period == period,
            )
            .order_by(IndicatorValue.indicator_id)
            .with_for_update()
        )
    }
    now = utcnow()
    changes: list[tuple[IndicatorValue, dict[str, Any] | None, int]] = []
    for item in sorted(todo, key=lambda i: i.indicator_id):
        row = existing.get(item.indicator_id)
        if row is None:
            row = IndicatorValue(
                indicator_id=item.indicator_id, department_id=department_id, period=period
            )
            session.add(row)
            before = None
        else:
            if item.expected_version is None or row.version != item.expected_version:
                raise _conflict(session, "indicator_value", row.id)
            if row.value == item.value and row.sample_size == item.sample_size:
                continue
            before = {"value": row.value, "sample_size": row.sample_size}
        row.value = float(item.value)  # type: ignore[arg-type]
        row.sample_size = item.sample_size
        row.entered_by_id = actor.user_id
        row.entered_at = now
        changes.append((row, before, indicators[item.indicator_id].campaign_id))
    if not changes:
        return 0
    first_indicator = changes[0][0].indicator_id

    def _find() -> int | None:
        with _engine_of(session).connect() as conn:
            return conn.scalar(
                select(IndicatorValue.id).where(
                    IndicatorValue.indicator_id == first_indicator,
                    IndicatorValue.department_id == department_id,
                    IndicatorValue.period == period,
                )
            )

    _flush_or_conflict(session, "indicator_value", _find)
    for row, before, campaign_id in changes:
        audit(
            session,
            actor,
            "save_indicator",
            "indicator_value",
            row.id,
            before=before,
            after={
                "indicator_id": row.indicator_id,
                "period": period,
                "value": row.value,
                "sample_size": row.sample_size,
            },
            campaign_id=campaign_id,
            department_id=department_id,
        )
    return len(changes)


def add_attachment(
    *, actor: Actor, session: Session, update_id: int, filename: str, data: bytes
) -> Attachment:
    """Keep an evidence file for a report (type, content and size checked)."""
    from lib.config import settings

    require(actor, "report.write")
    update = session.get(MonthlyUpdate, update_id)
    if update is None:
        raise ServiceError("error.report_unknown")
    assignment = session.get(Assignment, update.assignment_id)
    assert assignment is not None
    require_department(actor, assignment.department_id)
    task = session.get(Task, assignment.task_id)
    assert task is not None
    _require_unlocked(session, task.campaign_id, update.period)
    if update.review_state == "approved":
        raise ServiceError("error.report_approved", task=task.code)
    count = session.scalar(
        select(func.count(Attachment.id)).where(Attachment.update_id == update_id)
    )
    if int(count or 0) >= attachment_files.MAX_FILES_PER_REPORT:
        raise ServiceError("error.attachment_too_many", max=attachment_files.MAX_FILES_PER_REPORT)
    checked, problem = attachment_files.check_file(filename, data)
    if problem or checked is None:
        raise ServiceError(
            problem or "error.attachment_type",
            name=attachment_files.clean_name(filename),
            max_mb=attachment_files.MAX_BYTES // (1024 * 1024),
            types=", ".join(attachment_files.UPLOAD_TYPES),
        )
    stored = attachment_files.new_stored_name(checked.extension)
    directory = settings().attachments_dir
    attachment_files.write(directory, stored, data)
    try:
        row = Attachment(
            update_id=update_id,
            original_name=checked.original_name,
            stored_name=stored,
            content_type=checked.content_type,
            size_bytes=checked.size_bytes,
            sha256=checked.sha256,
            uploaded_by_id=actor.user_id,
        )
        session.add(row)
        session.flush()
        audit(
            session,
            actor,
            "add_attachment",
            "attachment",
            row.id,
            after={
                "update_id": update_id,
                "name": checked.original_name,
                "size": checked.size_bytes,
                "sha256": checked.sha256,
            },
            campaign_id=task.campaign_id,
            department_id=assignment.department_id,
        )
    except Exception:
        attachment_files.remove(directory, stored)
        raise
    return row


def remove_attachment(*, actor: Actor, session: Session, attachment_id: int) -> None:
    """Delete an evidence file of a report that is still editable."""
    from lib.config import settings

    require(actor, "report.write")
    row = session.get(Attachment, attachment_id)
    if row is None or row.update_id is None:
        raise ServiceError("error.attachment_unknown")
    update = session.get(MonthlyUpdate, row.update_id)
    assert update is not None
    assignment = session.get(Assignment, update.assignment_id)
    assert assignment is not None
    require_department(actor, assignment.department_id)
    task = session.get(Task, assignment.task_id)
    assert task is not None
    _require_unlocked(session, task.campaign_id, update.period)
    if update.review_state == "approved":
        raise ServiceError("error.report_approved", task=task.code)
    stored = row.stored_name
    audit(
        session,
        actor,
        "remove_attachment",
        "attachment",
        row.id,
        before={"update_id": row.update_id, "name": row.original_name, "sha256": row.sha256},
        campaign_id=task.campaign_id,
        department_id=assignment.department_id,
    )
    session.delete(row)
    session.flush()
    # the file goes once the row is gone; a later rollback leaves a harmless orphan only
    # if the file were deleted, so keep the file until the transaction commits
    from sqlalchemy import event

    @event.listens_for(session, "after_commit", once=True)
    def _remove_file(_session: Session) -> None:
        attachment_files.remove(settings().attachments_dir, stored)


def set_period_lock(
    *,
    actor: Actor,
    session: Session,
    campaign_id: int,
    period: str,
    locked: bool,
    reason: str | None = None,
) -> PeriodLock:
    """Lock a reviewed month against edits, or unlock it (a reason is required)."""
    require(actor, "period.lock")
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise ServiceError("error.campaign_unknown")
    _require_campaign_period(campaign, period, allow_future=True)
    reason = _clean_text(reason, MAX_REASON)
    if not locked and not reason:
        raise ServiceError("error.unlock_needs_reason")
    row = session.scalar(
        select(PeriodLock)
        .where(PeriodLock.campaign_id == campaign_id, PeriodLock.period == period)
        .with_for_update()
    )
    if (row is not None and row.locked) == locked:
        raise ServiceError("error.lock_unchanged" if locked else "error.unlock_unchanged")
    before = {"locked": row.locked, "reason": row.reason} if row is not None else None
    if row is None:
        row = PeriodLock(campaign_id=campaign_id, period=period)
        session.add(row)
    row.locked = locked
    row.reason = reason
    row.changed_by_id = actor.user_id
    row.changed_at = utcnow()
    _flush_or_conflict(session, "period_lock", lambda: None)
    audit(
        session,
        actor,
        "lock_period" if locked else "unlock_period",
        "period_lock",
        row.id,
        before=before,
        after={"period": period, "locked": locked, "reason": reason},
        campaign_id=campaign_id,
    )
    return row


def save_inspection_score(
    *,
    actor: Actor,
    session: Session,
    campaign_id: int,
    department_id: int,
    period: str,
    score: float,
    comment: str | None = None,
    max_score: float = 100.0,
    expected_version: int | None = None,
) -> InspectionScore:
    """督查评分: the office's score of a department for a month, with a comment."""
    require(actor, "inspection.score")
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise ServiceError("error.campaign_unknown")
    if session.get(Department, department_id) is None:
        raise ServiceError("error.department_unknown", code=department_id)
    _require_campaign_period(campaign, period, allow_future=False)
    _require_unlocked(session, campaign_id, period)
    if not isinstance(max_score, int | float) or not math.isfinite(max_score) or max_score <= 0:
        raise ServiceError("error.score_range", max=max_score)
    if not isinstance(score, int | float) or score != score or not 0 <= score <= max_score:
        raise ServiceError("error.score_range", max=_fmt_bound(max_score))
    comment = _clean_text(comment, MAX_TEXT)
    row = session.scalar(
        select(InspectionScore)
        .where(
            InspectionScore.campaign_id == campaign_id,
            InspectionScore.department_id == department_id,
            InspectionScore.period == period,
        )
        .with_for_update()
    )
    if row is None:
        row = InspectionScore(campaign_id=campaign_id, department_id=department_id, period=period)
        session.add(row)
        before = None
    else:
        if expected_version is None or row.version != expected_version:
            raise _conflict(session, "inspection_score", row.id)
        before = {"score": row.score, "max_score": row.max_score, "comment": row.comment}
    row.score = float(score)
    row.max_score = float(max_score)
    row.comment = comment
    row.inspector_id = actor.user_id
    row.created_at = utcnow()

    def _find() -> int | None:
        with _engine_of(session).connect() as conn:
            return conn.scalar(
                select(InspectionScore.id).where(
                    InspectionScore.campaign_id == campaign_id,
                    InspectionScore.department_id == department_id,
                    InspectionScore.period == period,
                )
            )

    _flush_or_conflict(session, "inspection_score", _find)
    audit(
        session,
        actor,
        "score_inspection",
        "inspection_score",
        row.id,
        before=before,
        after={
            "period": period,
            "score": row.score,
            "max_score": row.max_score,
            "comment": comment,
        },
        campaign_id=campaign_id,
        department_id=department_id,
    )
    return row


def _problem_snapshot(p: Problem) -> dict[str, Any]:
    return {
        "code": p.code,
        "title": p.title,
        "state": p.state,
        "source": p.source,
        "task_id": p.task_id,
        "verification_note": p.verification_note,
        "closed_period": p.closed_period,
    }


def register_problem(
    *,
    actor: Actor,
    session: Session,
    campaign_id: int,
    title: str,
    source: str,
    found_on: dt.date,
    department_ids: list[int],
    measure: str,
    due_date: dt.date,
    description: str | None = None,
) -> Problem:
    """挂账: register a problem and turn it into a rectification task assigned to the
    departments (the first is the lead), with a measure and a deadline."""
    require(actor, "problem.manage")
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise ServiceError("error.campaign_unknown")
    title = (title or "").strip()
    if not title:
        raise ServiceError("error.problem_title_required")
    if len(title) > 500:
        raise ServiceError("error.problem_title_too_long")
    if source not in PROBLEM_SOURCES:
        raise ServiceError("error.problem_source_invalid")
    measure_text = _clean_text(measure)
    if not measure_text:
        raise ServiceError("error.problem_measure_required")
    if not department_ids:
        raise ServiceError("error.problem_departments_required")
    if len(set(department_ids)) != len(department_ids):
        raise ServiceError("error.duplicate_items")
    known = set(
        session.scalars(
            select(Department.id).where(
                Department.id.in_(department_ids), Department.active.is_(True)
            )
        )
    )
    if known != set(department_ids):
        raise ServiceError("error.department_unknown", code=sorted(set(department_ids) - known))
    if not isinstance(found_on, dt.date) or not isinstance(due_date, dt.date):
        raise ServiceError("error.date_invalid")
    if due_date < found_on:
        raise ServiceError("error.problem_due_before_found")
    codes = set(session.scalars(select(Task.code).where(Task.campaign_id == campaign_id)))
    n = int(
        session.scalar(select(func.count(Problem.id)).where(Problem.campaign_id == campaign_id))
        or 0
    )
    code = f"P{n + 1:02d}"
    while code in codes:
        n += 1
        code = f"P{n + 1:02d}"
    seq = int(
        session.scalar(select(func.max(Task.seq)).where(Task.campaign_id == campaign_id)) or 0
    )
    task = Task(
        campaign_id=campaign_id,
        area_id=None,
        seq=seq + 1,
        code=code,
        title=title,
        description=measure_text,
        start_date=found_on,
        due_date=due_date,
        weight=1.0,
        source=source,
    )
    session.add(task)
    session.flush()
    for i, dept_id in enumerate(department_ids):
        session.add(Assignment(task_id=task.id, department_id=dept_id, is_lead=i == 0))
    problem = Problem(
        campaign_id=campaign_id,
        code=code,
        title=title,
        description=_clean_text(description),
        source=source,
        found_on=found_on,
        found_period=period_of(found_on),
        task_id=task.id,
        state="open",
        registered_by_id=actor.user_id,
    )
    session.add(problem)
    _flush_or_conflict(session, "problem", lambda: None)
    audit(
        session,
        actor,
        "register_problem",
        "problem",
        problem.id,
        after={
            **_problem_snapshot(problem),
            "measure": measure_text,
            "due_date": due_date.isoformat(),
            "department_ids": department_ids,
        },
        campaign_id=campaign_id,
        department_id=department_ids[0],
    )
    return problem


def verify_problem(
    *,
    actor: Actor,
    session: Session,
    problem_id: int,
    close: bool,
    note: str,
    expected_version: int,
    new_due_date: dt.date | None = None,
) -> Problem:
    """销号 (close out after verification) or reopen a closed problem; a note is required.
    Reopening may set a new deadline for the rectification task."""
    require(actor, "problem.manage")
    problem = session.scalar(select(Problem).where(Problem.id == problem_id).with_for_update())
    if problem is None:
        raise ServiceError("error.problem_unknown")
    if problem.version != expected_version:
        raise _conflict(session, "problem", problem.id)
    note_text = _clean_text(note, MAX_REASON)
    if not note_text:
        raise ServiceError("error.problem_note_required")
    if close and problem.state == "closed":
        raise ServiceError("error.problem_already_closed")
    if not close and problem.state != "closed":
        raise ServiceError("error.problem_not_closed")
    before = _problem_snapshot(problem)
    if close:
        problem.state = "closed"
        problem.verified_by_id = actor.user_id
        problem.verified_at = utcnow()
        problem.closed_period = period_of(dt.date.today())
    else:
        problem.state = "reopened"
        problem.verified_at = None
        problem.closed_period = None
        if new_due_date is not None and problem.task_id is not None:
            task = session.get(Task, problem.task_id)
            if task is not None:
                if task.start_date and new_due_date < task.start_date:
                    raise ServiceError("error.problem_due_before_found")
                task.due_date = new_due_date
    problem.verification_note = note_text
    _flush_or_conflict(session, "problem", lambda: problem_id)
    audit(
        session,
        actor,
        "close_problem" if close else "reopen_problem",
        "problem",
        problem.id,
        before=before,
        after=_problem_snapshot(problem),
        campaign_id=problem.campaign_id,
    )
    return problem


# --- campaign setup (issue 6) ---
# Campaigns from templates and plan documents, campaign settings, departments, the task
# table and user details. Imports (lib/io/excel_import.py) reuse these checks.

SETUP_PHASE_KINDS = ("mobilise", "self_check", "rectify", "assess", "review")


def _campaign_snapshot(campaign: Any) -> dict[str, Any]:
    return {
        "name": campaign.name,
        "name_en": campaign.name_en,
        "theme": campaign.theme,
        "organiser": campaign.organiser,
        "start_date": campaign.start_date.isoformat(),
        "end_date": campaign.end_date.isoformat(),
        "target_satisfaction": campaign.target_satisfaction,
        "settings": campaign.settings,
        "archived": campaign.archived,
    }


def _organisation(session: Session, code: str | None) -> Department | None:
    if not code:
        return None
    dept = session.scalar(select(Department).where(Department.code == code))
    if dept is None:
        raise ServiceError("error.department_unknown", code=code)
    return dept


def _check_span(start: dt.date, end: dt.date) -> None:
    if end <= start:
        raise ServiceError("setup.error_end_before_start")


def create_campaign_from_template_key(
    *,
    actor: Actor,
    session: Session,
    template_key: str,
    start: dt.date,
    end: dt.date,
    organisation_code: str | None = None,
    name: str | None = None,
) -> Any:
    """A new campaign from ``data/templates``; phases and deadlines keep their shape."""
    from lib.io.templates import create_campaign_from_template, departments_by_name, load_template

    require(actor, "campaign.setup")
    _check_span(start, end)
    try:
        template = load_template(template_key)
    except (KeyError, OSError, ValueError) as exc:
        raise ServiceError("setup.error_template_unknown", template=template_key) from exc
    if name and name.strip():
        template = {**template, "name": name.strip()[:300]}
    campaign = create_campaign_from_template(
        session,
        template,
        start=start,
        end=end,
        organisation=_organisation(session, organisation_code),
        department_by_name=departments_by_name(session),
    )
    audit(
        session,
        actor,
        "create",
        "campaign",
        campaign.id,
        after={**_campaign_snapshot(campaign), "template": template_key},
        campaign_id=campaign.id,
    )
    return campaign


def create_campaign_from_plan(
    *,
    actor: Actor,
    session: Session,
    draft: Any,
    start: dt.date | None = None,
    end: dt.date | None = None,
    organisation_code: str | None = None,
    today: dt.date | None = None,
) -> Any:
    """A new campaign from a reviewed plan draft (``lib.domain.plan.PlanDraft``).

    Responsible departments are matched by name; names not found are left for the office
    to assign (they are listed in the audit row).
    """
    from lib.domain.plan import draft_problems, draft_to_template
    from lib.io.templates import create_campaign_from_template, departments_by_name

    require(actor, "campaign.setup")
    problems = draft_problems(draft)
    if problems:
        key, params = problems[0]
        raise ServiceError(key, **params)
    auto_start, auto_end = draft.span(today or dt.date.today())
    start, end = start or auto_start, end or auto_end
    _check_span(start, end)
    template = draft_to_template(draft, start, end)
    by_name = departments_by_name(session)
    campaign = create_campaign_from_template(
        session,
        template,
        start=start,
        end=end,
        organisation=_organisation(session, organisation_code),
        department_by_name=by_name,
    )
    unmatched = sorted({d for t in draft.tasks for d in t.departments if d not in by_name})
    audit(
        session,
        actor,
        "import_plan",
        "campaign",
        campaign.id,
        after={
            **_campaign_snapshot(campaign),
            "tasks": len(draft.tasks),
            "unmatched_departments": unmatched,
        },
        campaign_id=campaign.id,
    )
    return campaign


def update_campaign(
    *,
    actor: Actor,
    session: Session,
    campaign_id: int,
    name: str,
    start: dt.date,
    end: dt.date,
    name_en: str | None = None,
    theme: str | None = None,
    organiser: str | None = None,
    target_satisfaction: float | None = None,
    thresholds: dict[str, float] | None = None,
    weights: dict[str, float] | None = None,
    phases: list[dict[str, Any]] | None = None,
) -> None:
    """Edit a campaign's name, dates, target, thresholds, weights and phases."""
    from lib.models import Campaign, Phase

    require(actor, "campaign.setup")
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise ServiceError("setup.error_campaign_unknown")
    if not (name or "").strip():
        raise ServiceError("setup.error_name_required")
    _check_span(start, end)
    if target_satisfaction is not None and not 0 <= target_satisfaction <= 100:
        raise ServiceError("setup.error_target_range")
    settings = json_copy(campaign.settings or {})
    if thresholds is not None:
        on_track, behind = float(thresholds["on_track"]), float(thresholds["behind"])
        if not 0 < behind < on_track <= 1:
            raise ServiceError("setup.error_thresholds")
        settings["thresholds"] = {"on_track": on_track, "behind": behind}
    if weights is not None:
        clean = {k: float(v) for k, v in weights.items()}
        if (
            any(not math.isfinite(v) or v < 0 for v in clean.values())
            or abs(sum(clean.values()) - 100) > 0.01
        ):
            raise ServiceError("setup.error_weights")
        settings["weights"] = clean
    new_phases: list[tuple[str, str, dt.date, dt.date]] = []
    for i, ph in enumerate(phases or [], start=1):
        p_name = str(ph.get("name") or "").strip()
        p_start, p_end = ph.get("start_date"), ph.get("end_date")
        kind = ph.get("kind") or "rectify"
        if not p_name or not isinstance(p_start, dt.date) or not isinstance(p_end, dt.date):
            raise ServiceError("setup.error_phase_incomplete", row=i)
        if p_end < p_start:
            raise ServiceError("setup.error_phase_dates", row=i)
        if kind not in SETUP_PHASE_KINDS:
            raise ServiceError("setup.error_phase_kind", row=i)
        new_phases.append((p_name[:200], kind, p_start, p_end))
    before = _campaign_snapshot(campaign)
    campaign.name = name.strip()[:300]
    campaign.name_en = (name_en or "").strip()[:300] or None
    campaign.theme = (theme or "").strip()[:300] or None
    campaign.organiser = (organiser or "").strip()[:200] or None
    campaign.start_date, campaign.end_date = start, end
    campaign.target_satisfaction = target_satisfaction
    campaign.settings = settings
    if phases is not None:
        old = [(p.name, p.kind, p.start_date, p.end_date) for p in campaign.phases]
        if old != new_phases:
            for p in list(campaign.phases):
                session.delete(p)
            session.flush()
            for seq, (p_name, kind, p_start, p_end) in enumerate(new_phases, start=1):
                session.add(
                    Phase(
                        campaign_id=campaign.id,
                        seq=seq,
                        name=p_name,
                        kind=kind,
                        start_date=p_start,
                        end_date=p_end,
                    )
                )
            session.flush()
            session.refresh(campaign)
    after = _campaign_snapshot(campaign)
    after["phases"] = [[p[0], p[1], p[2].isoformat(), p[3].isoformat()] for p in new_phases]
    audit(
        session,
        actor,
        "update",
        "campaign",
        campaign.id,
        before=before,
        after=after,
        campaign_id=campaign.id,
    )


def json_copy(value: dict[str, Any]) -> dict[str, Any]:
    import json

    copied: dict[str, Any] = json.loads(json.dumps(value))
    return copied


def set_campaign_archived(
    *, actor: Actor, session: Session, campaign_id: int, archived: bool
) -> None:
    from lib.models import Campaign

    require(actor, "campaign.setup")
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise ServiceError("setup.error_campaign_unknown")
    if campaign.archived == archived:
        return
    before = {"archived": campaign.archived}
    campaign.archived = archived
    audit(
        session,
        actor,
        "archive" if archived else "unarchive",
        "campaign",
        campaign.id,
        before=before,
        after={"archived": archived},
        campaign_id=campaign.id,
    )


DEPARTMENT_CODE_RE = re.compile(r"^[A-Za-z0-9_.\-]{1,40}$")


def upsert_department(
    *,
    actor: Actor,
    session: Session,
    code: str,
    name: str,
    name_en: str | None = None,
    kind: str = "department",
    parent_code: str | None = None,
    sort_order: int = 0,
    active: bool = True,
) -> tuple[Department, bool]:
    """Create or update a department by code. Returns (department, changed)."""
    from lib.models import DEPARTMENT_KINDS

    require(actor, "campaign.setup")
    code = (code or "").strip()
    if not DEPARTMENT_CODE_RE.match(code):
        raise ServiceError("setup.error_department_code", code=code)
    if not (name or "").strip():
        raise ServiceError("setup.error_name_required")
    if kind not in DEPARTMENT_KINDS:
        raise ServiceError("setup.error_department_kind", kinds=", ".join(DEPARTMENT_KINDS))
    parent = None
    if parent_code:
        parent = session.scalar(select(Department).where(Department.code == parent_code))
        if parent is None:
            raise ServiceError("error.department_unknown", code=parent_code)
    dept = session.scalar(select(Department).where(Department.code == code))
    if parent is not None:
        ancestor: Department | None = parent
        while ancestor is not None:  # no cycles
            if dept is not None and ancestor.id == dept.id:
                raise ServiceError("setup.error_department_cycle", code=code)
            ancestor = ancestor.parent
    values = {
        "name": name.strip()[:200],
        "name_en": (name_en or "").strip()[:200] or None,
        "kind": kind,
        "parent_id": parent.id if parent else None,
        "sort_order": int(sort_order or 0),
        "active": bool(active),
    }
    if dept is None:
        dept = Department(code=code, **values)
        session.add(dept)
        session.flush()
        audit(session, actor, "create", "department", dept.id, after={"code": code, **values})
        return dept, True
    before = {k: getattr(dept, k) for k in values}
    if before == values:
        return dept, False
    for k, v in values.items():
        setattr(dept, k, v)
    audit(session, actor, "update", "department", dept.id, before=before, after=values)
    return dept, True


TASK_DIRECTIONS = ("higher", "lower")


def save_tasks(
    *, actor: Actor, session: Session, campaign_id: int, rows: list[dict[str, Any]]
) -> int:
    """Upsert the campaign's tasks by code from table rows; all rows are checked first.

    A row: code, title, area (title; created when new), due_date, weight, target_text,
    target_value, target_direction, target_unit, active, departments (codes), lead (code).
    ``departments`` None leaves a task's assignments as they are. Returns rows changed.
    """
    from lib.models import Assignment, Campaign, Task, TaskArea

    require(actor, "campaign.setup")
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise ServiceError("setup.error_campaign_unknown")
    depts = {d.code: d for d in session.scalars(select(Department))}
    seen: set[str] = set()
    for i, row in enumerate(rows, start=1):
        code = str(row.get("code") or "").strip()
        if not code or len(code) > 40:
            raise ServiceError("setup.error_task_code", row=i)
        if code in seen:
            raise ServiceError("setup.error_task_duplicate", row=i, code=code)
        seen.add(code)
        if not str(row.get("title") or "").strip():
            raise ServiceError("setup.error_task_title", row=i)
        weight = row.get("weight")
        if weight is not None and not (0 <= float(weight) <= 100):
            raise ServiceError("setup.error_task_weight", row=i)
        direction = row.get("target_direction")
        if direction and direction not in TASK_DIRECTIONS:
            raise ServiceError("setup.error_task_direction", row=i)
        due = row.get("due_date")
        if due is not None and not isinstance(due, dt.date):
            raise ServiceError("setup.error_task_due", row=i)
        codes = row.get("departments")
        if codes is not None:
            for c in codes:
                if c not in depts:
                    raise ServiceError("error.department_unknown", code=c)
            lead = row.get("lead")
            if lead and lead not in codes:
                raise ServiceError("setup.error_task_lead", row=i, code=lead)
    areas = {
        a.title: a
        for a in session.scalars(select(TaskArea).where(TaskArea.campaign_id == campaign_id))
    }
    tasks = {
        t.code: t for t in session.scalars(select(Task).where(Task.campaign_id == campaign_id))
    }
    next_area_seq = max((a.seq for a in areas.values()), default=0)
    next_task_seq = max((t.seq for t in tasks.values()), default=0)
    changed = 0
    for row in rows:
        code = str(row["code"]).strip()
        area_id = None
        area_title = str(row.get("area") or "").strip()
        if area_title:
            if area_title not in areas:
                next_area_seq += 1
                area = TaskArea(campaign_id=campaign_id, seq=next_area_seq, title=area_title[:300])
                session.add(area)
                session.flush()
                areas[area_title] = area
            area_id = areas[area_title].id
        values: dict[str, Any] = {
            "title": str(row["title"]).strip()[:500],
            "area_id": area_id,
            "due_date": row.get("due_date"),
            "weight": float(row["weight"]) if row.get("weight") is not None else 1.0,
            "target_text": (str(row.get("target_text") or "").strip()[:300] or None),
            "target_value": float(row["target_value"])
            if row.get("target_value") is not None
            else None,
            "target_direction": row.get("target_direction") or None,
            "target_unit": (str(row.get("target_unit") or "").strip()[:20] or None),
            "active": bool(row.get("active", True)),
        }
        task = tasks.get(code)
        before: dict[str, Any] | None = None
        is_new = task is None
        if task is None:
            next_task_seq += 1
            task = Task(campaign_id=campaign_id, code=code, seq=next_task_seq, **values)
            session.add(task)
            session.flush()
            tasks[code] = task
            row_changed = True
        else:
            current = {k: getattr(task, k) for k in values}
            row_changed = current != values
            if row_changed:
                before = {k: _plain(v) for k, v in current.items()}
                for k, v in values.items():
                    setattr(task, k, v)
        codes = row.get("departments")
        if codes is not None:
            lead = row.get("lead") or (codes[0] if codes else None)
            wanted = {depts[c].id: c == lead for c in codes}
            existing = {a.department_id: a for a in task.assignments}
            if {k: v.is_lead for k, v in existing.items()} != wanted:
                row_changed = True
                for dept_id, assignment in existing.items():
                    if dept_id not in wanted:
                        session.delete(assignment)  # its reports go with it (cascade)
                    else:
                        assignment.is_lead = wanted[dept_id]
                for dept_id, is_lead in wanted.items():
                    if dept_id not in existing:
                        session.add(
                            Assignment(task_id=task.id, department_id=dept_id, is_lead=is_lead)
                        )
                session.flush()
                session.refresh(task)
        if row_changed:
            changed += 1
            after = {k: _plain(v) for k, v in values.items()}
            if codes is not None:
                after["departments"] = list(codes)
                after["lead"] = row.get("lead") or (codes[0] if codes else None)
            audit(
                session,
                actor,
                "create" if is_new else "update",
                "task",
                task.id,
                before=before,
                after=after,
                campaign_id=campaign_id,
            )
    return changed


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def update_user(
    *,
    actor: Actor,
    session: Session,
    username: str,
    display_name: str,
    roles: list[str],
    department_code: str | None,
) -> bool:
    """Change a user's display name, roles and department. Returns whether anything changed."""
    require(actor, "users.admin")
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise ServiceError("error.user_unknown", username=username)
    if not roles or any(r not in ROLES for r in roles):
        raise ServiceError("error.role_invalid", roles=", ".join(ROLES))
    department_id = None
    if department_code:
        dept = session.scalar(select(Department).where(Department.code == department_code))
        if dept is None:
            raise ServiceError("error.department_unknown", code=department_code)
        department_id = dept.id
    if "liaison" in roles and department_id is None:
        raise ServiceError("error.liaison_needs_department")
    if actor.user_id == user.id and "admin" not in roles:
        raise ServiceError("setup.error_own_admin")
    before = _user_snapshot(user)
    new_roles = ",".join(r for r in ROLES if r in roles)
    new_name = (display_name or user.username).strip()[:200]
    if (user.roles, user.department_id, user.display_name) == (new_roles, department_id, new_name):
        return False
    if user.roles != new_roles:
        user.tokens_valid_after = utcnow()  # new rights take effect at the next login
    user.roles, user.department_id, user.display_name = new_roles, department_id, new_name
    audit(session, actor, "update", "user", user.id, before=before, after=_user_snapshot(user))
    return True
