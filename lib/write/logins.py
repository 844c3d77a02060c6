"""Login throttling and its administration (issue 17; rules in lib/domain/login_policy.py).

The login form (``lib.ui.auth``) asks :func:`login_allowed` before checking a password
and reports every outcome with :func:`record_login_failure` / :func:`record_login_success`
(the actor is whoever is trying to log in). An administrator clears the locks of a
username with :func:`unlock_login` (CLI ``unlock``, or the users page) and may block the
attacking address at the same time (:func:`block_address`, :func:`unblock_address`).

Every change writes an audit row with before and after. The bookkeeping of login
attempts does not bump the data version: a flood of wrong passwords must not make every
cached page of every user cold (the audit page shows those rows after the next change).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lib.db import bump_data_version
from lib.domain import login_policy as policy
from lib.domain.clock import to_local
from lib.domain.permissions import Actor
from lib.models import AuditLog, BlockedAddress, LoginThrottle, User, utcnow
from lib.write.base import ServiceError, require

MAX_BLOCK_REASON = 500


def _log(
    session: Session,
    actor: Actor,
    action: str,
    entity_id: int | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    *,
    bump: bool,
) -> None:
    """An audit row for login bookkeeping (never touches the score summaries)."""
    session.add(
        AuditLog(
            user_id=actor.user_id,
            username=actor.username[: policy.MAX_USERNAME],
            action=action,
            entity="user",
            entity_id=entity_id,
            before=before,
            after=after,
        )
    )
    if bump:
        bump_data_version(session)


def _stamp(value: dt.datetime | None) -> str | None:
    """A stored (UTC) time as the audit log keeps it: local time with its offset
    ("2026-11-29T14:36:00+08:00"), so the log never shows bare UTC (issue 16)."""
    return to_local(value).isoformat(timespec="seconds") if value else None


def _snapshot(row: LoginThrottle | None) -> dict[str, Any]:
    if row is None:
        return {"failures": 0, "locks": 0, "locked_until": None}
    return {
        "address": row.address,
        "failures": row.failures,
        "locks": row.locks,
        "locked_until": _stamp(row.locked_until),
    }


def _row(session: Session, username: str, address: str, *, create: bool) -> LoginThrottle | None:
    """The throttle row of a username and address, locked for update; created on demand
    (two first failures at once: the loser of the insert reads the winner's row)."""
    stmt = (
        select(LoginThrottle)
        .where(LoginThrottle.username == username, LoginThrottle.address == address)
        .with_for_update()
    )
    row = session.scalar(stmt)
    if row is not None or not create:
        return row
    try:
        with session.begin_nested():
            row = LoginThrottle(username=username, address=address, failures=0, locks=0)
            session.add(row)
            session.flush()
    except IntegrityError:
        row = session.scalar(stmt)
    return row


def _blocked_networks(session: Session) -> list[str]:
    return list(session.scalars(select(BlockedAddress.network)))


def login_allowed(
    session: Session, username: str, address: str, now: dt.datetime | None = None
) -> bool:
    """May a password for ``username`` from ``address`` be checked now? False while the
    pair is locked, while the username's hourly limit is reached and the owner has never
    logged in from this address, and for a blocked address."""
    now = now or utcnow()
    if not policy.acceptable_username(username):
        return False
    if policy.address_blocked(address, _blocked_networks(session)):
        return False
    rows = {
        r.address: r
        for r in session.scalars(
            select(LoginThrottle).where(
                LoginThrottle.username == username,
                LoginThrottle.address.in_([address, policy.ANY_ADDRESS]),
            )
        )
    }
    pair, account = rows.get(address), rows.get(policy.ANY_ADDRESS)
    if pair is not None and pair.locked_until is not None and pair.locked_until > now:
        return False
    known_address = pair is not None and pair.last_success_at is not None
    return not (
        account is not None
        and account.locked_until is not None
        and account.locked_until > now
        and not known_address
    )


def record_login_failure(
    *, session: Session, username: str, address: str, now: dt.datetime | None = None
) -> None:
    """Count a failed login of ``username`` (known or not) from ``address``.

    An attempt refused because of a lock or a block is not counted again (the lock does
    not grow while someone keeps trying); otherwise the fifth failure of the pair locks it
    for :func:`policy.lock_duration`, and the username's hundredth failure within an hour
    closes it to unknown addresses for the rest of that hour.
    """
    now = now or utcnow()
    if not policy.acceptable_username(username) or not login_allowed(
        session, username, address, now
    ):
        return
    address = address[: policy.MAX_ADDRESS]
    user = session.scalar(select(User).where(User.username == username))
    actor = Actor(username=username, user_id=user.id if user else None)
    pair = _row(session, username, address, create=True)
    assert pair is not None
    before = _snapshot(pair)
    if pair.last_failure_at and now - pair.last_failure_at > policy.LOCKS_FORGOTTEN_AFTER:
        pair.locks = 0
    pair.failures += 1
    pair.last_failure_at = now
    locked = pair.failures >= policy.ATTEMPTS_PER_LOCK
    if locked:
        pair.locks += 1
        pair.failures = 0
        pair.locked_until = now + policy.lock_duration(pair.locks)
    account = _row(session, username, policy.ANY_ADDRESS, create=True)
    assert account is not None
    if account.window_start is None or now - account.window_start >= policy.ACCOUNT_WINDOW:
        account.window_start = now
        account.failures = 0
    account.failures += 1
    account.last_failure_at = now
    if account.failures >= policy.ACCOUNT_FAILURES_PER_HOUR:
        account.locked_until = account.window_start + policy.ACCOUNT_WINDOW
    after = {**_snapshot(pair), "hour_failures": account.failures}
    _log(
        session,
        actor,
        "login_locked" if locked else "login_failed",
        actor.user_id,
        before,
        after,
        bump=False,
    )


def record_login_success(
    *, session: Session, username: str, address: str, now: dt.datetime | None = None
) -> None:
    """The owner logged in from ``address``: that pair starts afresh and is remembered
    as an address the owner uses."""
    now = now or utcnow()
    if not policy.acceptable_username(username):
        return
    pair = _row(session, username, address[: policy.MAX_ADDRESS], create=True)
    assert pair is not None
    pair.failures = 0
    pair.locks = 0
    pair.locked_until = None
    pair.last_success_at = now
    clear_expired(session, now)


# --- administration ----------------------------------------------------------------------


def _network_or_refuse(address: str) -> str:
    try:
        return str(policy.block_network(address))
    except ValueError:
        raise ServiceError("security.error_bad_address") from None


def block_address(
    *, actor: Actor, session: Session, address: str, reason: str | None = None
) -> str:
    """Refuse every login from an address or network (e.g. ``203.0.113.7`` or
    ``203.0.113.0/24``); returns the network as stored."""
    require(actor, "users.admin")
    network = _network_or_refuse(address)
    text = (reason or "").strip()
    if policy.has_control_characters(text) or len(text) > MAX_BLOCK_REASON:
        raise ServiceError("security.error_bad_reason", max=MAX_BLOCK_REASON)
    existing = session.scalar(select(BlockedAddress).where(BlockedAddress.network == network))
    if existing is not None:
        return network
    row = BlockedAddress(
        network=network, reason=text or None, blocked_by=actor.username, blocked_at=utcnow()
    )
    session.add(row)
    session.flush()
    _log(
        session,
        actor,
        "block_address",
        None,
        None,
        {"network": network, "reason": row.reason},
        bump=True,
    )
    return network


def unblock_address(*, actor: Actor, session: Session, address: str) -> None:
    """Lift a block set by :func:`block_address`."""
    require(actor, "users.admin")
    network = _network_or_refuse(address)
    row = session.scalar(select(BlockedAddress).where(BlockedAddress.network == network))
    if row is None:
        raise ServiceError("security.error_not_blocked", address=network)
    before = {"network": row.network, "reason": row.reason, "blocked_by": row.blocked_by}
    session.delete(row)
    _log(session, actor, "unblock_address", None, before, None, bump=True)


def unlock_login(
    *,
    actor: Actor,
    session: Session,
    username: str,
    block: str | None = None,
    reason: str | None = None,
) -> int:
    """The real owner's way back in: clear every lock and count of ``username`` (from
    every address); with ``block``, also block the attacking address. Returns how many
    locked addresses were cleared."""
    require(actor, "users.admin")
    name = policy.normalise_username(username)
    user = (
        session.scalar(select(User).where(User.username == name))
        if policy.acceptable_username(name)
        else None
    )
    if user is None:
        raise ServiceError("error.user_unknown", username=username[:80])
    network = _network_or_refuse(block) if block else None
    now = utcnow()
    rows = list(
        session.scalars(
            select(LoginThrottle)
            .where(LoginThrottle.username == name)
            .order_by(LoginThrottle.address)
            .with_for_update()
        )
    )
    locked = [r for r in rows if r.locked_until is not None and r.locked_until > now]
    before = {"locks": [_snapshot(r) for r in rows if r.failures or r.locked_until]}
    for row in rows:
        if row.last_success_at is None:
            session.delete(row)
        else:  # keep the memory of the owner's own addresses
            row.failures = 0
            row.locks = 0
            row.locked_until = None
            row.window_start = None
    session.flush()
    _log(
        session,
        actor,
        "unlock_login",
        user.id,
        before,
        {"username": name, "locks": [], "blocked": network},
        bump=True,
    )
    if network:
        block_address(actor=actor, session=session, address=network, reason=reason)
    return len(locked)


def clear_expired(session: Session, now: dt.datetime | None = None) -> int:
    """Delete throttle rows with nothing left to remember (no lock, no failure for a day,
    never a successful login); returns how many. Called now and then by the login."""
    now = now or utcnow()
    cutoff = now - policy.LOCKS_FORGOTTEN_AFTER
    result = session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.last_success_at.is_(None),
            (LoginThrottle.locked_until.is_(None)) | (LoginThrottle.locked_until < now),
            (LoginThrottle.last_failure_at.is_(None)) | (LoginThrottle.last_failure_at < cutoff),
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
