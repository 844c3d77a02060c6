"""Many liaisons saving at once (the deadline rush), on SQLite and PostgreSQL: saves of
different reports all land; saves of the same report from the same version let exactly
one through and refuse the rest as conflicts; no update is lost."""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from lib import services
from lib.db import session_scope
from lib.models import Assignment, AuditLog, Department, MonthlyUpdate, Task
from lib.services import ConflictError, ReportInput
from tests.test_reporting_services import make_world

THREADS = 12


def _run(workers: list) -> list[str]:  # type: ignore[type-arg]
    barrier = threading.Barrier(len(workers))
    outcomes: list[str] = []
    lock = threading.Lock()

    def wrap(fn) -> None:  # type: ignore[no-untyped-def]
        barrier.wait()
        try:
            fn()
            result = "ok"
        except ConflictError:
            result = "conflict"
        except Exception as exc:  # any other failure is a bug
            result = f"error: {type(exc).__name__}: {exc}"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=wrap, args=(w,)) for w in workers]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    return outcomes


def test_same_report_from_the_same_version_one_wins(engine: Engine) -> None:
    w = make_world(engine)
    with session_scope(engine) as s:
        [row] = services.save_reports(
            actor=w.liaison_a,
            session=s,
            period=w.period,
            items=[ReportInput(w.asg_a1, 10, "in_progress")],
        )
        uid, version = row.id, row.version

    def saver(pct: int):  # type: ignore[no-untyped-def]
        def go() -> None:
            actor = w.office if pct % 2 else w.liaison_a
            with session_scope(engine) as s:
                services.save_reports(
                    actor=actor,
                    session=s,
                    period=w.period,
                    items=[ReportInput(w.asg_a1, pct, "in_progress", expected_version=version)],
                )

        return go

    outcomes = _run([saver(20 + i) for i in range(THREADS)])
    tally = Counter(outcomes)
    assert tally == {"ok": 1, "conflict": THREADS - 1}, tally
    with Session(engine) as s:
        row = s.get(MonthlyUpdate, uid)
        assert row is not None and row.version == version + 1 and row.percent_done >= 20
        saves = s.scalar(
            select(func.count(AuditLog.id)).where(
                AuditLog.entity == "monthly_update", AuditLog.entity_id == uid
            )
        )
        assert saves == 2  # the first save and the single winner; no silent overwrite


def test_first_save_of_a_new_report_races(engine: Engine) -> None:
    """Nobody has a version yet: the unique (assignment, period) lets one insert win."""
    w = make_world(engine)

    def saver(pct: int):  # type: ignore[no-untyped-def]
        def go() -> None:
            with session_scope(engine) as s:
                services.save_reports(
                    actor=w.liaison_a,
                    session=s,
                    period=w.period,
                    items=[ReportInput(w.asg_a2, pct, "in_progress")],
                )

        return go

    outcomes = _run([saver(i) for i in range(THREADS)])
    tally = Counter(outcomes)
    assert tally == {"ok": 1, "conflict": THREADS - 1}, tally


def test_different_reports_all_land(engine: Engine) -> None:
    """Each thread is a different department saving its own report, several rounds."""
    w = make_world(engine)
    with session_scope(engine) as s:
        depts = [Department(code=f"D{i}", name=f"科室{i}") for i in range(THREADS)]
        s.add_all(depts)
        s.flush()
        task = s.get(Task, w.task1)
        assert task is not None
        assignments = [Assignment(task_id=task.id, department_id=d.id) for d in depts]
        s.add_all(assignments)
        s.flush()
        plan = [(a.id, d.id) for a, d in zip(assignments, depts, strict=True)]
    from lib.permissions import Actor

    rounds = 3

    def saver(aid: int, dept: int):  # type: ignore[no-untyped-def]
        actor = Actor(username=f"l{dept}", roles=frozenset({"liaison"}), department_id=dept)

        def go() -> None:
            version = None
            for r in range(rounds):
                with session_scope(engine) as s:
                    [row] = services.save_reports(
                        actor=actor,
                        session=s,
                        period=w.period,
                        items=[
                            ReportInput(aid, 10 * (r + 1), "in_progress", expected_version=version)
                        ],
                        submit=r == rounds - 1,
                    )
                    s.flush()
                    version = row.version

        return go

    outcomes = _run([saver(aid, dept) for aid, dept in plan])
    assert outcomes == ["ok"] * THREADS, outcomes
    with Session(engine) as s:
        rows = s.scalars(
            select(MonthlyUpdate).where(MonthlyUpdate.assignment_id.in_([a for a, _ in plan]))
        ).all()
        assert len(rows) == THREADS
        assert {r.percent_done for r in rows} == {10 * rounds}
        assert {r.review_state for r in rows} == {"submitted"}
        assert {r.version for r in rows} == {rounds}
