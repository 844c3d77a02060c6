"""Monthly reporting services (issue 5) on SQLite and PostgreSQL: every rule, including
the forbidden ones called directly, leaves nothing written when it refuses."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from lib import write
from lib.db import session_scope
from lib.domain.periods import period_of, shift_period
from lib.domain.permissions import Actor
from lib.models import (
    Assignment,
    Attachment,
    AuditLog,
    IndicatorValue,
    InspectionScore,
    MonthlyUpdate,
    PeriodLock,
    Problem,
    Task,
)
from lib.write import ConflictError, IndicatorInput, PermissionDenied, ReportInput, ServiceError
from tests.factories import PNG, World

PDF = b"%PDF-1.4\n" + b"x" * 64


def counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as s:
        return {
            m.__tablename__: int(s.scalar(select(func.count()).select_from(m)) or 0)
            for m in (
                MonthlyUpdate,
                IndicatorValue,
                AuditLog,
                Attachment,
                PeriodLock,
                InspectionScore,
                Problem,
                Task,
            )
        }


def report(w: World, aid: int, pct: int = 40, version: int | None = None, **kw) -> ReportInput:  # type: ignore[no-untyped-def]
    return ReportInput(
        assignment_id=aid,
        percent_done=pct,
        status=kw.pop("status", "in_progress"),
        work_done=kw.pop("work_done", "完成培训2次"),
        problems=kw.pop("problems", None),
        next_steps=kw.pop("next_steps", "继续推进"),
        expected_version=version,
    )


def save(engine: Engine, actor: Actor, period: str, items: list[ReportInput], submit=False):  # type: ignore[no-untyped-def]
    with session_scope(engine) as s:
        rows = write.save_reports(actor=actor, session=s, period=period, items=items, submit=submit)
        return [(r.id, r.version, r.review_state) for r in rows]


def refused(engine: Engine, fn, exc=ServiceError) -> ServiceError:  # type: ignore[no-untyped-def]
    """Run ``fn(session)`` expecting a refusal; assert that nothing was written."""
    before = counts(engine)
    with pytest.raises(exc) as info, session_scope(engine) as s:
        fn(s)
    assert counts(engine) == before
    return info.value


# --- liaison reports ---------------------------------------------------------------------


def test_draft_then_submit_then_edit_until_reviewed(engine: Engine, world: World) -> None:
    w = world
    [(uid, v1, state)] = save(engine, w.liaison_a, w.period, [report(w, w.asg_a1, 30)])
    assert state == "draft"
    [(_, v2, state)] = save(
        engine, w.liaison_a, w.period, [report(w, w.asg_a1, 40, v1)], submit=True
    )
    assert state == "submitted" and v2 > v1
    # a draft save over a submitted report makes it a draft again (issue 16): it no
    # longer looks submitted; submitting it again is what counts
    [(_, v3, state)] = save(engine, w.liaison_a, w.period, [report(w, w.asg_a1, 45, v2)])
    assert state == "draft"
    [(_, v3, state)] = save(
        engine, w.liaison_a, w.period, [report(w, w.asg_a1, 45, v3)], submit=True
    )
    assert state == "submitted"
    with Session(engine) as s:
        row = s.get(MonthlyUpdate, uid)
        assert row is not None and row.percent_done == 45 and row.submitted_at is not None
        actions = s.scalars(
            select(AuditLog.action).where(AuditLog.entity == "monthly_update").order_by(AuditLog.id)
        ).all()
        assert actions == ["save_report", "submit_report", "save_report", "submit_report"]
        last = s.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
        assert last is not None and last.before["review_state"] == "draft"
        assert last.after["percent_done"] == 45 and last.username == "liaison_a"
        assert last.department_id == w.dept_a
    # approved: no more edits
    with session_scope(engine) as s:
        write.review_reports(actor=w.office, session=s, decisions=[(uid, v3)], approve=True)
    with Session(engine) as s:
        v4 = s.get(MonthlyUpdate, uid).version  # type: ignore[union-attr]
    err = refused(
        engine,
        lambda s: write.save_reports(
            actor=w.liaison_a, session=s, period=w.period, items=[report(w, w.asg_a1, 50, v4)]
        ),
    )
    assert err.key == "error.report_approved"


def test_returned_report_shows_reason_and_goes_back_to_draft(engine: Engine, world: World) -> None:
    w = world
    [(uid, v, _)] = save(engine, w.liaison_a, w.period, [report(w, w.asg_a1)], submit=True)
    refused(
        engine,
        lambda s: write.review_reports(
            actor=w.office, session=s, decisions=[(uid, v)], approve=False, reason="  "
        ),
    )
    with session_scope(engine) as s:
        write.review_reports(
            actor=w.office, session=s, decisions=[(uid, v)], approve=False, reason="请补充佐证"
        )
    with Session(engine) as s:
        row = s.get(MonthlyUpdate, uid)
        assert row is not None
        assert row.review_state == "returned" and row.reviewer_comment == "请补充佐证"
        v = row.version
    [(_, v, state)] = save(engine, w.liaison_a, w.period, [report(w, w.asg_a1, 60, v)])
    assert state == "draft"
    # a draft cannot be approved
    err = refused(
        engine,
        lambda s: write.review_reports(
            actor=w.office, session=s, decisions=[(uid, v)], approve=True
        ),
    )
    assert err.key == "error.report_not_submitted"


def test_liaison_of_another_department_is_refused(engine: Engine, world: World) -> None:
    w = world
    err = refused(
        engine,
        lambda s: write.save_reports(
            actor=w.liaison_b, session=s, period=w.period, items=[report(w, w.asg_a1)]
        ),
        PermissionDenied,
    )
    assert err.key == "error.not_your_department"
    # one foreign item in a batch refuses the whole batch
    refused(
        engine,
        lambda s: write.save_reports(
            actor=w.liaison_b,
            session=s,
            period=w.period,
            items=[report(w, w.asg_b1), report(w, w.asg_a2)],
        ),
        PermissionDenied,
    )
    refused(
        engine,
        lambda s: write.save_indicator_values(
            actor=w.liaison_b,
            session=s,
            department_id=w.dept_a,
            period=w.period,
            items=[IndicatorInput(w.complaints_id, 1)],
        ),
        PermissionDenied,
    )
    # office may enter on behalf of any department
    save(engine, w.office, w.period, [report(w, w.asg_a1)])


def test_liaison_cannot_attach_to_another_departments_report(
    engine: Engine, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = world
    _use_attachments_dir(monkeypatch, tmp_path / "files")
    [(uid, _, _)] = save(engine, w.liaison_a, w.period, [report(w, w.asg_a1)])
    refused(
        engine,
        lambda s: write.add_attachment(
            actor=w.liaison_b, session=s, update_id=uid, filename="a.png", data=PNG
        ),
        PermissionDenied,
    )
    assert list(tmp_path.glob("files/*")) == []


@pytest.mark.parametrize(
    ("actor_name", "call"),
    [
        ("liaison_a", "review"),
        ("leader", "review"),
        ("liaison_a", "lock"),
        ("liaison_a", "score"),
        ("liaison_a", "problem"),
        ("leader", "report"),
    ],
)
def test_roles_without_the_right_are_refused(
    engine: Engine, world: World, actor_name: str, call: str
) -> None:
    w = world
    [(uid, v, _)] = save(engine, w.liaison_a, w.period, [report(w, w.asg_a1)], submit=True)
    actor = getattr(w, actor_name)
    fns = {
        "review": lambda s: write.review_reports(
            actor=actor, session=s, decisions=[(uid, v)], approve=True
        ),
        "lock": lambda s: write.set_period_lock(
            actor=actor, session=s, campaign_id=w.campaign_id, period=w.period, locked=True
        ),
        "score": lambda s: write.save_inspection_score(
            actor=actor,
            session=s,
            campaign_id=w.campaign_id,
            department_id=w.dept_a,
            period=w.period,
            score=90,
        ),
        "problem": lambda s: write.register_problem(
            actor=actor,
            session=s,
            campaign_id=w.campaign_id,
            title="x",
            source="complaint",
            found_on=dt.date.today(),
            department_ids=[w.dept_a],
            measure="m",
            due_date=dt.date.today(),
        ),
        "report": lambda s: write.save_reports(
            actor=actor, session=s, period=w.period, items=[report(w, w.asg_a1)]
        ),
    }
    refused(engine, fns[call], PermissionDenied)


@pytest.mark.parametrize(
    ("item", "key"),
    [
        (dict(pct=101), "error.percent_range"),
        (dict(pct=-1), "error.percent_range"),
        (dict(status="finished"), "error.report_status_invalid"),
        (dict(status="done", pct=90), "error.done_needs_100"),
        (dict(work_done="长" * 5000), "error.text_too_long"),
    ],
)
def test_bad_report_input_is_refused_naming_the_task(
    engine: Engine, world: World, item: dict, key: str
) -> None:
    w = world
    item = dict(item)
    pct = item.pop("pct", 40)
    err = refused(
        engine,
        lambda s: write.save_reports(
            actor=w.liaison_a,
            session=s,
            period=w.period,
            items=[report(w, w.asg_a2), report(w, w.asg_a1, pct, **item)],
        ),
    )
    assert err.key == key
    assert err.params["task"] == "1"
    assert "1" in err.message("zh") and "1" in err.message("en")


def test_periods_outside_campaign_or_in_future_are_refused(engine: Engine, world: World) -> None:
    w = world
    for period in ("2026-13", "1999-01", shift_period(w.period, 1)):
        refused(
            engine,
            lambda s, p=period: write.save_reports(
                actor=w.liaison_a, session=s, period=p, items=[report(w, w.asg_a1)]
            ),
        )


def test_stale_save_is_refused_naming_who_and_when(engine: Engine, world: World) -> None:
    w = world
    [(uid, v1, _)] = save(engine, w.liaison_a, w.period, [report(w, w.asg_a1, 10)])
    save(engine, w.office, w.period, [report(w, w.asg_a1, 20, v1)])  # office edits first
    err = refused(
        engine,
        lambda s: write.save_reports(
            actor=w.liaison_a, session=s, period=w.period, items=[report(w, w.asg_a1, 30, v1)]
        ),
        ConflictError,
    )
    assert err.key == "error.stale" and err.params["who"] == "办公室张三"
    assert err.params["when"][:4] == str(dt.date.today().year)
    assert "办公室张三" in err.message("zh")
    # a page that saw no report while someone created one is refused too
    err = refused(
        engine,
        lambda s: write.save_reports(
            actor=w.liaison_a, session=s, period=w.period, items=[report(w, w.asg_a1, 30, None)]
        ),
        ConflictError,
    )
    with Session(engine) as s:
        assert s.get(MonthlyUpdate, uid).percent_done == 20  # type: ignore[union-attr]


def test_locked_month_refuses_edits_and_unlock_needs_reason(engine: Engine, world: World) -> None:
    w = world
    [(uid, v, _)] = save(engine, w.liaison_a, w.period, [report(w, w.asg_a1)], submit=True)
    with session_scope(engine) as s:
        write.set_period_lock(
            actor=w.office, session=s, campaign_id=w.campaign_id, period=w.period, locked=True
        )
    err = refused(
        engine,
        lambda s: write.save_reports(
            actor=w.liaison_a, session=s, period=w.period, items=[report(w, w.asg_a1, 50, v)]
        ),
    )
    assert err.key == "error.period_locked"
    refused(
        engine,
        lambda s: write.review_reports(
            actor=w.office, session=s, decisions=[(uid, v)], approve=True
        ),
    )
    refused(
        engine,
        lambda s: write.save_indicator_values(
            actor=w.liaison_a,
            session=s,
            department_id=w.dept_a,
            period=w.period,
            items=[IndicatorInput(w.complaints_id, 2)],
        ),
    )
    err = refused(
        engine,
        lambda s: write.set_period_lock(
            actor=w.office, session=s, campaign_id=w.campaign_id, period=w.period, locked=False
        ),
    )
    assert err.key == "error.unlock_needs_reason"
    with session_scope(engine) as s:
        write.set_period_lock(
            actor=w.office,
            session=s,
            campaign_id=w.campaign_id,
            period=w.period,
            locked=False,
            reason="补录数据",
        )
    save(engine, w.liaison_a, w.period, [report(w, w.asg_a1, 50, v)])
    with Session(engine) as s:
        rows = s.scalars(
            select(AuditLog).where(AuditLog.entity == "period_lock").order_by(AuditLog.id)
        ).all()
        assert [r.action for r in rows] == ["lock_period", "unlock_period"]
        assert rows[1].before == {"locked": True, "reason": None}
        assert rows[1].after["reason"] == "补录数据"


def test_bulk_approve_is_all_or_nothing(engine: Engine, world: World) -> None:
    w = world
    rows = save(
        engine,
        w.liaison_a,
        w.period,
        [report(w, w.asg_a1), report(w, w.asg_a2)],
        submit=True,
    )
    [(bid, bv, _)] = save(engine, w.liaison_b, w.period, [report(w, w.asg_b1)], submit=True)
    decisions = [(i, v) for i, v, _ in rows] + [(bid, bv + 5)]  # one stale
    refused(
        engine,
        lambda s: write.review_reports(
            actor=w.office, session=s, decisions=decisions, approve=True
        ),
        ConflictError,
    )
    with session_scope(engine) as s:
        n = write.review_reports(
            actor=w.office,
            session=s,
            decisions=[(i, v) for i, v, _ in rows] + [(bid, bv)],
            approve=True,
        )
    assert n == 3
    with Session(engine) as s:
        states = set(s.scalars(select(MonthlyUpdate.review_state)))
        assert states == {"approved"}


# --- indicators ---------------------------------------------------------------------------


def test_indicator_values_range_checked_naming_the_field(engine: Engine, world: World) -> None:
    w = world
    err = refused(
        engine,
        lambda s: write.save_indicator_values(
            actor=w.liaison_a,
            session=s,
            department_id=w.dept_a,
            period=w.period,
            items=[IndicatorInput(w.complaints_id, 3), IndicatorInput(w.sat_id, 120, 80)],
        ),
    )
    assert err.key == "error.indicator_range" and err.params["field"] == "服务态度"
    assert "服务态度" in err.message("zh")
    err = refused(
        engine,
        lambda s: write.save_indicator_values(
            actor=w.liaison_a,
            session=s,
            department_id=w.dept_a,
            period=w.period,
            items=[IndicatorInput(w.complaints_id, -1)],
        ),
    )
    assert err.key == "error.indicator_below" and err.params["field"] == "投诉件数"
    refused(
        engine,
        lambda s: write.save_indicator_values(
            actor=w.liaison_a,
            session=s,
            department_id=w.dept_a,
            period=w.period,
            items=[IndicatorInput(w.sat_id, 95, -3)],
        ),
    )
    # department B does not report the satisfaction item
    refused(
        engine,
        lambda s: write.save_indicator_values(
            actor=w.liaison_b,
            session=s,
            department_id=w.dept_b,
            period=w.period,
            items=[IndicatorInput(w.sat_id, 95)],
        ),
        PermissionDenied,
    )
    with session_scope(engine) as s:
        n = write.save_indicator_values(
            actor=w.liaison_a,
            session=s,
            department_id=w.dept_a,
            period=w.period,
            items=[IndicatorInput(w.sat_id, 95.5, 120), IndicatorInput(w.complaints_id, 2)],
        )
    assert n == 2
    with Session(engine) as s:
        row = s.scalar(select(IndicatorValue).where(IndicatorValue.indicator_id == w.sat_id))
        assert row is not None and row.value == 95.5 and row.sample_size == 120
        version = row.version
    # stale version is refused; the right one updates
    refused(
        engine,
        lambda s: write.save_indicator_values(
            actor=w.liaison_a,
            session=s,
            department_id=w.dept_a,
            period=w.period,
            items=[IndicatorInput(w.sat_id, 96, 120, version + 1)],
        ),
        ConflictError,
    )
    with session_scope(engine) as s:
        write.save_indicator_values(
            actor=w.liaison_a,
            session=s,
            department_id=w.dept_a,
            period=w.period,
            items=[IndicatorInput(w.sat_id, 96, 120, version)],
        )


# --- attachments --------------------------------------------------------------------------


def _use_attachments_dir(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    from lib import config

    monkeypatch.setenv("ATTACHMENTS_DIR", str(path))
    config.settings.cache_clear()


def test_attachments_checked_stored_under_generated_names(
    engine: Engine, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = world
    store = tmp_path / "files"
    _use_attachments_dir(monkeypatch, store)
    [(uid, _, _)] = save(engine, w.liaison_a, w.period, [report(w, w.asg_a1)])
    for name, data, key in (
        ("virus.exe", b"MZ" + b"0" * 10, "error.attachment_type"),
        ("fake.pdf", PNG, "error.attachment_content"),
        ("empty.png", b"", "error.attachment_empty"),
        ("big.pdf", b"%PDF-" + b"0" * (11 * 1024 * 1024), "error.attachment_too_large"),
    ):
        err = refused(
            engine,
            lambda s, n=name, d=data: write.add_attachment(
                actor=w.liaison_a, session=s, update_id=uid, filename=n, data=d
            ),
        )
        assert err.key == key
        assert name in err.message("zh")
    with session_scope(engine) as s:
        row = write.add_attachment(
            actor=w.liaison_a, session=s, update_id=uid, filename="../../etc/整改照片.png", data=PNG
        )
        stored, aid = row.stored_name, row.id
    assert row.original_name == "整改照片.png"
    files = list(store.iterdir())
    assert [f.name for f in files] == [stored] and files[0].read_bytes() == PNG
    assert "整改" not in stored and stored.endswith(".png")
    with session_scope(engine) as s:
        write.remove_attachment(actor=w.liaison_a, session=s, attachment_id=aid)
    assert list(store.iterdir()) == []


# --- inspection scores and problems ----------------------------------------------------


def test_inspection_score_range_and_versions(engine: Engine, world: World) -> None:
    w = world
    prev = shift_period(w.period, -1)
    for score in (-1, 101, float("nan")):
        refused(
            engine,
            lambda s, sc=score: write.save_inspection_score(
                actor=w.office,
                session=s,
                campaign_id=w.campaign_id,
                department_id=w.dept_a,
                period=prev,
                score=sc,
            ),
        )
    with session_scope(engine) as s:
        row = write.save_inspection_score(
            actor=w.office,
            session=s,
            campaign_id=w.campaign_id,
            department_id=w.dept_a,
            period=prev,
            score=92.5,
            comment="台账齐全",
        )
        v = row.version
    refused(
        engine,
        lambda s: write.save_inspection_score(
            actor=w.office,
            session=s,
            campaign_id=w.campaign_id,
            department_id=w.dept_a,
            period=prev,
            score=80,
            expected_version=None,
        ),
        ConflictError,
    )
    with session_scope(engine) as s:
        row = write.save_inspection_score(
            actor=w.office,
            session=s,
            campaign_id=w.campaign_id,
            department_id=w.dept_a,
            period=prev,
            score=80,
            expected_version=v,
        )
        assert row.score == 80


def test_problem_ledger_register_report_close_reopen(engine: Engine, world: World) -> None:
    w = world
    today = dt.date.today()
    refused(
        engine,
        lambda s: write.register_problem(
            actor=w.office,
            session=s,
            campaign_id=w.campaign_id,
            title="收费告知不到位",
            source="plan",
            found_on=today,
            department_ids=[w.dept_a],
            measure="公示收费",
            due_date=today,
        ),
    )
    refused(
        engine,
        lambda s: write.register_problem(
            actor=w.office,
            session=s,
            campaign_id=w.campaign_id,
            title="收费告知不到位",
            source="survey",
            found_on=today,
            department_ids=[w.dept_a],
            measure="公示收费",
            due_date=today - dt.timedelta(days=1),
        ),
    )
    with session_scope(engine) as s:
        p = write.register_problem(
            actor=w.office,
            session=s,
            campaign_id=w.campaign_id,
            title="收费告知不到位",
            source="survey",
            found_on=today,
            department_ids=[w.dept_b, w.dept_a],
            measure="在收费窗口公示收费标准",
            due_date=today + dt.timedelta(days=30),
        )
        pid, task_id = p.id, p.task_id
    with Session(engine) as s:
        task = s.get(Task, task_id)
        assert task is not None and task.source == "survey" and task.code == "P01"
        asg = s.scalars(select(Assignment).where(Assignment.task_id == task_id)).all()
        lead = {a.department_id: a.is_lead for a in asg}
        assert lead == {w.dept_b: True, w.dept_a: False}
        b_asg = next(a.id for a in asg if a.department_id == w.dept_b)
    # the liaison reports on it like on any task; the problem moves to rectifying
    save(engine, w.liaison_b, w.period, [report(w, b_asg, 100, status="done")], submit=True)
    with Session(engine) as s:
        p = s.get(Problem, pid)
        assert p is not None and p.state == "rectifying"
        v = p.version
    refused(
        engine,
        lambda s: write.verify_problem(
            actor=w.office, session=s, problem_id=pid, close=True, note="", expected_version=v
        ),
    )
    refused(
        engine,
        lambda s: write.verify_problem(
            actor=w.office, session=s, problem_id=pid, close=False, note="x", expected_version=v
        ),
    )
    with session_scope(engine) as s:
        write.verify_problem(
            actor=w.office,
            session=s,
            problem_id=pid,
            close=True,
            note="现场核查整改到位",
            expected_version=v,
        )
    refused(
        engine,
        lambda s: write.verify_problem(
            actor=w.office, session=s, problem_id=pid, close=False, note="x", expected_version=v
        ),
        ConflictError,
    )
    with Session(engine) as s:
        p = s.get(Problem, pid)
        assert p is not None and p.state == "closed" and p.closed_period == period_of(today)
        v = p.version
    with session_scope(engine) as s:
        write.verify_problem(
            actor=w.office,
            session=s,
            problem_id=pid,
            close=False,
            note="复查发现反弹",
            expected_version=v,
            new_due_date=today + dt.timedelta(days=60),
        )
    with Session(engine) as s:
        p = s.get(Problem, pid)
        assert p is not None and p.state == "reopened" and p.closed_period is None
        actions = s.scalars(
            select(AuditLog.action).where(AuditLog.entity == "problem").order_by(AuditLog.id)
        ).all()
        assert actions == [
            "register_problem",
            "problem_rectifying",
            "close_problem",
            "reopen_problem",
        ]
