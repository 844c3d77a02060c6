"""Leases of background jobs, so that one ``remind`` run sends at a time on every
machine that shares the database: a run holds the job's row until it ends (or its lease
runs out, should the process die); another run waits for it, then finds the messages
already delivered and sends nothing again.

A lease is bookkeeping, not campaign data: it writes no audit row (each delivery has its
own, :func:`lib.write.notifications.log_delivery`)."""

from __future__ import annotations

import datetime as dt
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, update
from sqlalchemy.exc import IntegrityError

from lib.db import session_scope
from lib.models import JobLease, utcnow
from lib.write.base import ServiceError

RELEASED = dt.datetime(2000, 1, 1)


def acquire(engine: Engine, name: str, holder: str, *, seconds: float) -> bool:
    """Take the job's lease for ``seconds`` unless another holder's lease still runs."""
    now = utcnow()
    until = now + dt.timedelta(seconds=seconds)
    with session_scope(engine) as session:
        taken = session.execute(
            update(JobLease)
            .where(JobLease.name == name, JobLease.until < now)
            .values(holder=holder, until=until)
        )
        if taken.rowcount == 1:  # type: ignore[attr-defined]
            return True
        if session.get(JobLease, name) is not None:
            return False
    try:
        with session_scope(engine) as session:
            session.add(JobLease(name=name, holder=holder, until=until))
    except IntegrityError:  # another run created the row first
        return False
    return True


def release(engine: Engine, name: str, holder: str) -> None:
    """Give the lease back (only the holder's own)."""
    with session_scope(engine) as session:
        session.execute(
            update(JobLease)
            .where(JobLease.name == name, JobLease.holder == holder)
            .values(until=RELEASED)
        )


@contextmanager
def held(
    engine: Engine,
    name: str,
    *,
    seconds: float = 1800.0,
    wait: float = 300.0,
    poll: float = 0.5,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[str]:
    """Run the block holding the job's lease; wait up to ``wait`` seconds for another
    holder to finish, then refuse with ``notify.error_busy``."""
    holder = f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
    give_up = clock() + wait
    while not acquire(engine, name, holder, seconds=seconds):
        if clock() >= give_up:
            raise ServiceError("notify.error_busy", job=name)
        sleep(poll)
    try:
        yield holder
    finally:
        release(engine, name, holder)
