"""The month lock and a report committed at the same instant (issue 17, item 11), on
PostgreSQL with two real connections: a report write takes the campaign's row FOR SHARE
before it reads the lock, locking takes it FOR UPDATE, so a report can never be
committed into a locked month. Deterministic: one transaction is held open while the
other is attempted, and the test waits until PostgreSQL reports the second one waiting
on a lock before it lets the first commit."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from lib import write
from lib.models import MonthlyUpdate, PeriodLock
from lib.write import ReportInput, ServiceError
from tests.factories import World, make_world

pytestmark = pytest.mark.parametrize("db_url", ["postgres"], indirect=True)


def _report(w: World) -> ReportInput:
    return ReportInput(w.asg_a1, 50, "in_progress", work_done="月底最后一刻提交")


def _pid(session: Session) -> int:
    return int(session.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _wait_until_blocked(engine: Engine, pid: int, timeout: float = 20.0) -> None:
    """Until the backend ``pid`` waits on a lock (or fail)."""
    deadline = time.monotonic() + timeout
    with engine.connect() as conn:
        while time.monotonic() < deadline:
            waiting = conn.execute(
                text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid"),
                {"pid": pid},
            ).scalar()
            if waiting == "Lock":
                return
            conn.rollback()
            time.sleep(0.05)
    pytest.fail("the second transaction never waited on the first one's lock")


def _in_thread(engine: Engine, work: Callable[[Session], object]) -> tuple[threading.Thread, dict]:  # type: ignore[type-arg]
    """Run ``work`` in its own session and transaction on another thread; the result
    (``pid``, then ``outcome``: "committed" or the refusal's key) lands in the dict."""
    result: dict[str, object] = {}
    ready = threading.Event()

    def run() -> None:
        with Session(engine) as s:
            result["pid"] = _pid(s)
            ready.set()
            try:
                work(s)
                s.commit()
                result["outcome"] = "committed"
            except ServiceError as refused:
                s.rollback()
                result["outcome"] = refused.key
            except Exception as exc:  # a bug
                s.rollback()
                result["outcome"] = f"error: {exc!r}"

    thread = threading.Thread(target=run)
    thread.start()
    assert ready.wait(20)
    return thread, result


def test_a_report_attempted_while_the_lock_commits_is_refused(engine: Engine) -> None:
    w = make_world(engine)
    with Session(engine) as locker:
        write.set_period_lock(
            actor=w.office, session=locker, campaign_id=w.campaign_id, period=w.period, locked=True
        )
        # the lock is written, not committed; the liaison saves now
        thread, result = _in_thread(
            engine,
            lambda s: write.save_reports(
                actor=w.liaison_a, session=s, period=w.period, items=[_report(w)], submit=True
            ),
        )
        _wait_until_blocked(engine, int(result["pid"]))  # type: ignore[call-overload]
        assert "outcome" not in result
        locker.commit()
    thread.join(30)
    assert result["outcome"] == "error.period_locked"
    with Session(engine) as s:
        assert s.scalar(select(func.count(MonthlyUpdate.id))) == 0
        assert s.scalar(select(PeriodLock.locked)) is True


def test_a_lock_attempted_while_a_report_commits_waits_for_it(engine: Engine) -> None:
    w = make_world(engine)
    with Session(engine) as liaison:
        write.save_reports(
            actor=w.liaison_a, session=liaison, period=w.period, items=[_report(w)], submit=True
        )
        thread, result = _in_thread(
            engine,
            lambda s: write.set_period_lock(
                actor=w.office, session=s, campaign_id=w.campaign_id, period=w.period, locked=True
            ),
        )
        _wait_until_blocked(engine, int(result["pid"]))  # type: ignore[call-overload]
        assert "outcome" not in result
        liaison.commit()
    thread.join(30)
    assert result["outcome"] == "committed"
    # the report came first, the lock after it: the locked month holds what was reviewed
    with Session(engine) as s:
        report = s.scalars(select(MonthlyUpdate)).one()
        assert report.review_state == "submitted"
        lock = s.scalars(select(PeriodLock)).one()
        assert lock.locked and lock.changed_at >= report.updated_at
    # and nothing changes it now
    with pytest.raises(ServiceError) as refused, Session(engine) as s:
        write.save_reports(
            actor=w.liaison_a,
            session=s,
            period=w.period,
            items=[ReportInput(w.asg_a1, 90, "in_progress", expected_version=report.version)],
        )
    assert refused.value.key == "error.period_locked"
