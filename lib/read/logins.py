"""Read side of login throttling (issue 17): current locks and blocked addresses, for the
administrator (users page, CLI ``login-locks``). Not cached: failed logins do not bump the
data version, so a cached answer would be stale."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, select

from lib.db import get_engine
from lib.domain.login_policy import ANY_ADDRESS
from lib.models import BlockedAddress, LoginThrottle, utcnow


def current_locks(
    username: str | None = None, engine: Engine | None = None, now: dt.datetime | None = None
) -> list[dict[str, Any]]:
    """Locks in force, newest first: username, address (``*`` = every address the owner
    has not used), failures counted, locks so far, locked until (naive UTC)."""
    now = now or utcnow()
    stmt = (
        select(
            LoginThrottle.username,
            LoginThrottle.address,
            LoginThrottle.failures,
            LoginThrottle.locks,
            LoginThrottle.locked_until,
            LoginThrottle.last_failure_at,
        )
        .where(LoginThrottle.locked_until > now)
        .order_by(LoginThrottle.locked_until.desc(), LoginThrottle.username)
    )
    if username:
        stmt = stmt.where(LoginThrottle.username == username)
    with (engine or get_engine()).connect() as conn:
        rows = [dict(r) for r in conn.execute(stmt).mappings()]
    for row in rows:
        row["every_address"] = row["address"] == ANY_ADDRESS
    return rows


def blocked_addresses(engine: Engine | None = None) -> list[dict[str, Any]]:
    stmt = select(
        BlockedAddress.network,
        BlockedAddress.reason,
        BlockedAddress.blocked_by,
        BlockedAddress.blocked_at,
    ).order_by(BlockedAddress.blocked_at.desc())
    with (engine or get_engine()).connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]
