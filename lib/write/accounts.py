"""Liaison accounts issued by the office: one per department, each with a one-time
initial password that the first login must replace (issue 23).

The clear password exists only in the value returned to the caller (the page keeps it in
the creating session to print and download the account list); the database keeps the
bcrypt hash and ``must_change_password``. A lost list is answered with a reset (a new
one-time password), never with a reveal.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lib.domain.permissions import Actor
from lib.models import Department, User
from lib.write.base import PermissionDenied, ServiceError, audit, require
from lib.write.users import USERNAME_RE, hash_password, new_user, validate_password

# no look-alikes (0/O, 1/l/I) in a password read off a printed list
_LOWER = "abcdefghijkmnpqrstuvwxyz"
_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_DIGITS = "23456789"
_SYMBOLS = "#%+=@"
ONE_TIME_LENGTH = 12


@dataclass(frozen=True)
class IssuedAccount:
    """An account as handed to a department: the password is shown once."""

    username: str
    display_name: str
    department_code: str
    department_name: str
    password: str


def one_time_password(length: int = ONE_TIME_LENGTH) -> str:
    """A random password that meets the password rules and reads unambiguously."""
    alphabet = _LOWER + _UPPER + _DIGITS + _SYMBOLS
    while True:
        chars = [
            secrets.choice(_LOWER),
            secrets.choice(_UPPER),
            secrets.choice(_DIGITS),
            secrets.choice(_SYMBOLS),
            *(secrets.choice(alphabet) for _ in range(length - 4)),
        ]
        secrets.SystemRandom().shuffle(chars)
        password = "".join(chars)
        # a symbol first reads as a formula in Excel/WPS (the list would print it with a
        # protecting apostrophe the liaison then types): begin with a letter or digit
        if password[0] not in _SYMBOLS and validate_password(password) is None:
            return password


def liaison_username(code: str) -> str:
    """``liaison_<code>``: the department code lower-cased, other characters as ``_``."""
    slug = unicodedata.normalize("NFKC", code).strip().lower()
    slug = re.sub(r"[^a-z0-9_.\-]+", "_", slug).strip("_") or "dept"
    return f"liaison_{slug}"[:80]


def departments_without_liaison(session: Session) -> list[Department]:
    """Active departments that have no active liaison account yet."""
    covered = {
        u.department_id
        for u in session.scalars(select(User).where(User.active.is_(True)))
        if "liaison" in u.role_list and u.department_id is not None
    }
    return [
        d
        for d in session.scalars(
            select(Department)
            .where(Department.active.is_(True))
            .order_by(Department.sort_order, Department.code)
        )
        if d.id not in covered
    ]


def issue_liaison_accounts(
    *,
    actor: Actor,
    session: Session,
    department_codes: Iterable[str] | None = None,
    usernames: Mapping[str, str] | None = None,
) -> list[IssuedAccount]:
    """One liaison account for each department (all those without one, or the codes
    given), named from ``usernames`` (code -> username, e.g. from the workbook) or
    ``liaison_<code>``, each with a one-time password the first login must change.
    Every account is refused or created together: a taken or invalid name is refused
    naming the department."""
    require(actor, "users.liaisons")
    usernames = dict(usernames or {})
    open_departments = departments_without_liaison(session)
    if department_codes is not None:
        wanted = list(dict.fromkeys(department_codes))
        by_code = {d.code: d for d in session.scalars(select(Department))}
        unknown = [c for c in wanted if c not in by_code]
        if unknown:
            raise ServiceError("error.department_unknown", code="、".join(unknown))
        open_departments = [by_code[c] for c in wanted]
    issued: list[IssuedAccount] = []
    seen: set[str] = set()
    for dept in open_departments:
        username = (usernames.get(dept.code) or liaison_username(dept.code)).strip().lower()
        if not USERNAME_RE.match(username):
            raise ServiceError("account.error_username", department=dept.name, username=username)
        taken = session.scalar(select(User.id).where(User.username == username)) is not None
        if taken or username in seen:
            raise ServiceError("account.error_taken", department=dept.name, username=username)
        seen.add(username)
        password = one_time_password()
        user = new_user(
            actor=actor,
            session=session,
            username=username,
            password_hash=hash_password(password),
            roles=["liaison"],
            display_name=f"{dept.name}联络员",
            department_code=dept.code,
            must_change_password=True,
        )
        issued.append(IssuedAccount(username, user.display_name, dept.code, dept.name, password))
    return issued


def reset_one_time_password(*, actor: Actor, session: Session, username: str) -> IssuedAccount:
    """A new one-time password for a liaison account (the office's answer to a lost
    list): the old password and every cookie stop working, the next login must change it.
    The office may reset liaison accounts only; an admin any account."""
    require(actor, "users.liaisons")
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise ServiceError("error.user_unknown", username=username)
    if "admin" not in actor.roles and set(user.role_list) != {"liaison"}:
        raise PermissionDenied("error.permission_denied")
    from lib.models import utcnow

    password = one_time_password()
    before = {"must_change_password": user.must_change_password}
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.tokens_valid_after = utcnow()
    audit(
        session,
        actor,
        "reset_one_time_password",
        "user",
        user.id,
        before=before,
        after={"username": user.username, "must_change_password": True},
    )
    dept = session.get(Department, user.department_id) if user.department_id else None
    return IssuedAccount(
        user.username,
        user.display_name,
        dept.code if dept else "",
        dept.name if dept else "",
        password,
    )
