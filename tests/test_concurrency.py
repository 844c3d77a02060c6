"""Many liaisons saving at once (the deadline rush), on SQLite and PostgreSQL: saves of
different reports all land; saves of the same report from the same version let exactly
one through and refuse the rest as conflicts; no update is lost. Also (issue 9): two
processes racing on one report (one wins, the other is told) and on different reports
(both land); a batch with one stale report writes none of it; indicator values and
inspection scores raced by many threads."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from lib import write
from lib.db import session_scope
from lib.models import Assignment, AuditLog, Department, MonthlyUpdate, Task
from lib.write import ConflictError, ReportInput
from tests.factories import make_world

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
        [row] = write.save_reports(
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
                write.save_reports(
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
                write.save_reports(
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
    from lib.domain.permissions import Actor

    rounds = 3

    def saver(aid: int, dept: int):  # type: ignore[no-untyped-def]
        actor = Actor(username=f"l{dept}", roles=frozenset({"liaison"}), department_id=dept)

        def go() -> None:
            version = None
            for r in range(rounds):
                with session_scope(engine) as s:
                    [row] = write.save_reports(
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


# --- issue 9: two processes, batches that must not half-land, other records ------------

WRITER = r"""
import os, sys, time
url, start_at, asg, pct, version, dept, period = sys.argv[1:8]
os.environ["DATABASE_URL"] = url
from lib import write
from lib.db import make_engine, session_scope
from lib.domain.permissions import Actor
from lib.write import ConflictError, ReportInput
engine = make_engine(url)
actor = Actor(username="p" + pct, roles=frozenset({"liaison"}), department_id=int(dept))
expected = None if version == "none" else int(version)
time.sleep(max(0.0, float(start_at) - time.time()))  # both start together
try:
    with session_scope(engine) as s:
        write.save_reports(actor=actor, session=s, period=period,
            items=[ReportInput(int(asg), int(pct), "in_progress", expected_version=expected)])
    print("ok")
except ConflictError:
    print("conflict")
"""


def _two_processes(engine: Engine, jobs: list[tuple[int, int, int | None, int, str]]) -> list[str]:
    import os
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT

    url = engine.url.render_as_string(hide_password=False)
    start_at = time.time() + 4  # after both interpreters have imported the app
    procs = [
        subprocess.Popen(
            [
                *(sys.executable, "-c", WRITER, url, str(start_at), str(asg), str(pct)),
                *("none" if version is None else str(version), str(dept), period),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        for asg, pct, version, dept, period in jobs
    ]
    outcomes = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err[-2000:]
        outcomes.append(out.strip())
    return outcomes


def test_two_processes_same_report_one_wins_the_other_is_told(engine: Engine) -> None:
    w = make_world(engine)
    with session_scope(engine) as s:
        [row] = write.save_reports(
            actor=w.liaison_a,
            session=s,
            period=w.period,
            items=[ReportInput(w.asg_a1, 10, "in_progress")],
        )
        uid, version = row.id, row.version
    engine.dispose()
    jobs = [(w.asg_a1, pct, version, w.dept_a, w.period) for pct in (30, 70)]
    outcomes = _two_processes(engine, jobs)
    assert sorted(outcomes) == ["conflict", "ok"], outcomes
    winner = (30, 70)[outcomes.index("ok")]
    with Session(engine) as s:
        row = s.get(MonthlyUpdate, uid)
        assert row is not None and row.percent_done == winner and row.version == version + 1


def test_two_processes_different_reports_both_land(engine: Engine) -> None:
    w = make_world(engine)
    engine.dispose()
    jobs = [
        (w.asg_a1, 40, None, w.dept_a, w.period),
        (w.asg_b1, 60, None, w.dept_b, w.period),
    ]
    assert _two_processes(engine, jobs) == ["ok", "ok"]
    with Session(engine) as s:
        got = {
            r.assignment_id: r.percent_done
            for r in s.scalars(select(MonthlyUpdate).where(MonthlyUpdate.period == w.period))
        }
    assert got == {w.asg_a1: 40, w.asg_b1: 60}


def test_a_batch_with_one_stale_report_writes_none_of_it(engine: Engine) -> None:
    """No half-written month: the liaison's two reports, one of which the office changed
    meanwhile, are refused together; the fresh one keeps its old content too."""
    w = make_world(engine)
    with session_scope(engine) as s:
        rows = write.save_reports(
            actor=w.liaison_a,
            session=s,
            period=w.period,
            items=[
                ReportInput(w.asg_a1, 10, "in_progress"),
                ReportInput(w.asg_a2, 10, "in_progress"),
            ],
        )
        seen = {r.assignment_id: r.version for r in rows}
    with session_scope(engine) as s:  # the office edits task 2 in between
        write.save_reports(
            actor=w.office,
            session=s,
            period=w.period,
            items=[ReportInput(w.asg_a2, 20, "in_progress", expected_version=seen[w.asg_a2])],
        )
    with pytest.raises(ConflictError) as refused, session_scope(engine) as s:
        write.save_reports(
            actor=w.liaison_a,
            session=s,
            period=w.period,
            items=[
                ReportInput(w.asg_a1, 90, "in_progress", expected_version=seen[w.asg_a1]),
                ReportInput(w.asg_a2, 90, "in_progress", expected_version=seen[w.asg_a2]),
            ],
            submit=True,
        )
    assert "办公室张三" in refused.value.message("zh")  # names who changed it
    with Session(engine) as s:
        got = {
            r.assignment_id: (r.percent_done, r.review_state)
            for r in s.scalars(select(MonthlyUpdate).where(MonthlyUpdate.period == w.period))
        }
    assert got == {w.asg_a1: (10, "draft"), w.asg_a2: (20, "draft")}


def test_same_indicator_value_and_score_from_many_threads_one_wins(engine: Engine) -> None:
    from lib.models import IndicatorValue, InspectionScore
    from lib.write import IndicatorInput

    w = make_world(engine)
    with session_scope(engine) as s:
        write.save_indicator_values(
            actor=w.liaison_a,
            session=s,
            department_id=w.dept_a,
            period=w.period,
            items=[IndicatorInput(w.sat_id, 90.0)],
        )
        write.save_inspection_score(
            actor=w.office,
            session=s,
            campaign_id=w.campaign_id,
            department_id=w.dept_a,
            period=w.period,
            score=80,
        )
    with Session(engine) as s:
        value = s.scalars(select(IndicatorValue)).one()
        score = s.scalars(select(InspectionScore)).one()
        v_version, s_version = value.version, score.version

    def value_saver(n: int):  # type: ignore[no-untyped-def]
        def go() -> None:
            with session_scope(engine) as s:
                write.save_indicator_values(
                    actor=w.liaison_a,
                    session=s,
                    department_id=w.dept_a,
                    period=w.period,
                    items=[IndicatorInput(w.sat_id, 91.0 + n, expected_version=v_version)],
                )

        return go

    def score_saver(n: int):  # type: ignore[no-untyped-def]
        def go() -> None:
            with session_scope(engine) as s:
                write.save_inspection_score(
                    actor=w.office,
                    session=s,
                    campaign_id=w.campaign_id,
                    department_id=w.dept_a,
                    period=w.period,
                    score=81 + n,
                    expected_version=s_version,
                )

        return go

    half = THREADS // 2
    outcomes = _run([value_saver(i) for i in range(half)] + [score_saver(i) for i in range(half)])
    # one value save and one score save win; every other save is told of the conflict
    assert Counter(outcomes) == {"ok": 2, "conflict": THREADS - 2}, outcomes
    with Session(engine) as s:
        assert s.scalars(select(IndicatorValue)).one().version == v_version + 1
        assert s.scalars(select(InspectionScore)).one().version == s_version + 1
