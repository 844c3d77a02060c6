"""Logins: passwords, user accounts and the login bookkeeping."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Required, TypedDict, Unpack

import bcrypt
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lib.domain.permissions import Actor
from lib.models import ROLES, User, utcnow
from lib.write.base import PermissionDenied, ServiceError, audit, department_by_code, require

BCRYPT_ROUNDS = 12
USERNAME_RE = re.compile(r"^[a-z0-9_.\-]{3,80}$")
MIN_PASSWORD_LENGTH = 8


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


def _user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise ServiceError("error.user_unknown", username=username)
    return user


def _checked_roles(session: Session, roles: list[str], department_code: str | None) -> int | None:
    """The department id of a user with these roles (liaisons must have one)."""
    if not roles or any(r not in ROLES for r in roles):
        raise ServiceError("error.role_invalid", roles=", ".join(ROLES))
    dept = department_by_code(session, department_code)
    department_id = dept.id if dept is not None else None
    if "liaison" in roles and department_id is None:
        raise ServiceError("error.liaison_needs_department")
    return department_id


class UserFields(TypedDict, total=False):
    """What :func:`create_user` and :func:`new_user` take about the new login."""

    username: Required[str]
    password: str | None
    password_hash: str | None
    roles: Required[list[str]]
    display_name: str | None
    department_code: str | None
    is_demo: bool
    check_password_policy: bool


def create_user(*, actor: Actor, session: Session, **fields: Unpack[UserFields]) -> User:
    """Create a login. Liaisons must belong to a department."""
    require(actor, "users.admin")
    return new_user(actor=actor, session=session, **fields)


def new_user(
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
    must_change_password: bool = False,
) -> User:
    """The checks and the insert of :func:`create_user`, for callers that checked the
    actor's right themselves (the office issuing liaison accounts)."""
    username = (username or "").strip().lower()
    if not USERNAME_RE.match(username):
        raise ServiceError("error.username_invalid")
    department_id = _checked_roles(session, roles, department_code)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise ServiceError("error.username_taken", username=username)
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
        must_change_password=must_change_password,
    )
    session.add(user)
    session.flush()
    audit(session, actor, "create", "user", user.id, after=_user_snapshot(user))
    return user


def set_password(*, actor: Actor, session: Session, username: str, new_password: str) -> None:
    """Admin reset (or CLI): new hash, clears lockout, revokes existing cookies."""
    require(actor, "users.admin")
    user = _user(session, username)
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
    before = {"must_change_password": user.must_change_password}
    user.must_change_password = False
    audit(
        session,
        actor,
        action,
        "user",
        user.id,
        before=before,
        after={"username": user.username, "must_change_password": False},
    )


def set_user_active(*, actor: Actor, session: Session, username: str, active: bool) -> None:
    require(actor, "users.admin")
    user = _user(session, username)
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
    user = _user(session, username)
    department_id = _checked_roles(session, roles, department_code)
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
