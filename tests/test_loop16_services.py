"""The monthly loop (issue 16) at the service level, on SQLite and PostgreSQL: a save
against an older version merges field by field and asks only when the same field was
changed by both; submitting needs an edit or 本月无变化; a draft never looks submitted;
every submission records its time (lateness follows it); a return carries one reason
plus per-task comments."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from lib import write
from lib.db import session_scope
from lib.domain.periods import is_late, report_cutoff
from lib.models import AuditLog, MonthlyUpdate
from lib.write import ConflictError, ReportClash, ReportInput, ServiceError
from tests.factories import World
from tests.test_reporting_services import counts


def _shown(row: MonthlyUpdate | None) -> dict:  # type: ignore[type-arg]
    if row is None:
        return {"percent_done": 0, "status": "in_progress"}
    return write.reporting.report_values(row)


def _get(engine: Engine, w: World, aid: int) -> MonthlyUpdate | None:
    with Session(engine) as s:
        return s.scalar(
            select(MonthlyUpdate).where(
                MonthlyUpdate.assignment_id == aid, MonthlyUpdate.period == w.period
            )
        )


def _save(engine: Engine, actor, w: World, items, submit=False):  # type: ignore[no-untyped-def]
    with session_scope(engine) as s:
        rows = write.save_reports(
            actor=actor, session=s, period=w.period, items=items, submit=submit
        )
        return [(r.id, r.version, r.review_state) for r in rows]


def _edit(row: MonthlyUpdate | None, aid: int, **changes) -> ReportInput:  # type: ignore[no-untyped-def]
    shown = _shown(row)
    values = {**shown, **changes}
    return ReportInput(
        assignment_id=aid,
        expected_version=row.version if row else None,
        shown=shown,
        **values,
    )


def _base(engine: Engine, w: World) -> MonthlyUpdate:
    _save(
        engine,
        w.liaison_a,
        w,
        [ReportInput(w.asg_a1, 30, "in_progress", "培训1次", None, "继续", None)],
    )
    row = _get(engine, w, w.asg_a1)
    assert row is not None
    return row


def test_save_against_older_version_merges_other_fields(engine: Engine, world: World) -> None:
    w = world
    seen = _base(engine, w)
    # the office changes the problems field meanwhile
    _save(engine, w.office, w, [_edit(seen, w.asg_a1, problems="缺少照片")])
    # the liaison saves the page it loaded before: other fields merge, nothing is lost
    [(_, _, state)] = _save(engine, w.liaison_a, w, [_edit(seen, w.asg_a1, percent_done=50)])
    row = _get(engine, w, w.asg_a1)
    assert row is not None and state == "draft"
    assert row.percent_done == 50 and row.problems == "缺少照片" and row.work_done == "培训1次"


def test_same_field_changed_by_both_is_a_clash_naming_it(engine: Engine, world: World) -> None:
    w = world
    seen = _base(engine, w)
    _save(engine, w.office, w, [_edit(seen, w.asg_a1, work_done="办公室改写")])
    before = counts(engine)
    with pytest.raises(ReportClash) as info, session_scope(engine) as s:
        write.save_reports(
            actor=w.liaison_a,
            session=s,
            period=w.period,
            items=[_edit(seen, w.asg_a1, work_done="联络员改写", percent_done=60)],
        )
    assert counts(engine) == before
    clash = info.value
    assert isinstance(clash, ConflictError)
    assert clash.clashes == {"work_done": ("办公室改写", "联络员改写")}
    message = clash.message("zh")
    assert "工作" in message and "办公室张三" in message
    assert "work done" in clash.message("en").lower() or "Work" in clash.message("en")
    # the same value typed by both is no clash
    _save(engine, w.liaison_a, w, [_edit(seen, w.asg_a1, work_done="办公室改写")])
    assert _get(engine, w, w.asg_a1).work_done == "办公室改写"  # type: ignore[union-attr]


def test_stale_save_without_shown_values_stays_a_conflict(engine: Engine, world: World) -> None:
    w = world
    seen = _base(engine, w)
    _save(engine, w.office, w, [_edit(seen, w.asg_a1, percent_done=35)])
    with pytest.raises(ConflictError), session_scope(engine) as s:
        write.save_reports(
            actor=w.liaison_a,
            session=s,
            period=w.period,
            items=[ReportInput(w.asg_a1, 40, "in_progress", expected_version=seen.version)],
        )


def test_submit_needs_an_edit_or_no_change_confirmed(engine: Engine, world: World) -> None:
    w = world
    seen = _base(engine, w)
    # a draft saved this month counts as edited: it may be submitted as it is
    [(uid, version, state)] = _save(engine, w.liaison_a, w, [_edit(seen, w.asg_a1)], submit=True)
    assert state == "submitted"
    with session_scope(engine) as s:
        write.review_reports(
            actor=w.office, session=s, decisions=[(uid, version)], approve=False, reason="补充"
        )
    returned = _get(engine, w, w.asg_a1)
    assert returned is not None and returned.review_state == "returned"
    before = counts(engine)
    untouched = _edit(returned, w.asg_a1)
    with pytest.raises(ServiceError) as info, session_scope(engine) as s:
        write.save_reports(
            actor=w.liaison_a, session=s, period=w.period, items=[untouched], submit=True
        )
    assert info.value.key == "error.report_not_reviewed"
    assert counts(engine) == before
    confirmed = ReportInput(**{**untouched.__dict__, "confirmed": True})
    [(_, _, state)] = _save(engine, w.liaison_a, w, [confirmed], submit=True)
    assert state == "submitted"


def test_draft_over_submitted_is_a_draft(engine: Engine, world: World) -> None:
    w = world
    seen = _base(engine, w)
    _save(engine, w.liaison_a, w, [_edit(seen, w.asg_a1, percent_done=40)], submit=True)
    row = _get(engine, w, w.asg_a1)
    assert row is not None and row.review_state == "submitted"
    [(_, _, state)] = _save(engine, w.liaison_a, w, [_edit(row, w.asg_a1, percent_done=45)])
    assert state == "draft"
    with Session(engine) as s:
        last = s.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
        assert last is not None and last.before["review_state"] == "submitted"
        assert last.after["review_state"] == "draft"


def test_resubmission_records_its_time_and_lateness(engine: Engine, world: World) -> None:
    w = world
    seen = _base(engine, w)
    _save(engine, w.liaison_a, w, [_edit(seen, w.asg_a1, percent_done=40)], submit=True)
    report_day = 25  # any day of the month: only the cut-off matters here
    on_time = report_cutoff(w.period, report_day) - dt.timedelta(days=2)
    with session_scope(engine) as s:
        row = s.scalar(select(MonthlyUpdate).where(MonthlyUpdate.assignment_id == w.asg_a1))
        assert row is not None
        row.submitted_at = on_time
    row = _get(engine, w, w.asg_a1)
    assert row is not None and not is_late(row.submitted_at, w.period, report_day)
    # an edit after the deadline, submitted again: the new time counts
    later = report_cutoff(w.period, report_day) + dt.timedelta(hours=1)
    from unittest import mock

    with mock.patch("lib.write.reporting.utcnow", return_value=later):
        _save(engine, w.liaison_a, w, [_edit(row, w.asg_a1, percent_done=60)], submit=True)
    row = _get(engine, w, w.asg_a1)
    assert row is not None and row.submitted_at == later
    assert is_late(row.submitted_at, w.period, report_day)


def test_return_with_one_reason_and_task_comments(engine: Engine, world: World) -> None:
    w = world
    items = [
        ReportInput(w.asg_a1, 40, "in_progress", "a", None, None, None),
        ReportInput(w.asg_a2, 20, "blocked", "b", None, None, None),
    ]
    saved = _save(engine, w.liaison_a, w, items, submit=True)
    decisions = [(i, v) for i, v, _ in saved]
    with session_scope(engine) as s:
        n = write.review_reports(
            actor=w.office,
            session=s,
            decisions=decisions,
            approve=False,
            reason="请补充佐证材料",
            comments={saved[0][0]: "缺培训签到表"},
        )
    assert n == 2
    with Session(engine) as s:
        first = s.get(MonthlyUpdate, saved[0][0])
        second = s.get(MonthlyUpdate, saved[1][0])
        assert first is not None and second is not None
        assert first.review_state == second.review_state == "returned"
        assert first.reviewer_comment == "请补充佐证材料\n缺培训签到表"
        assert second.reviewer_comment == "请补充佐证材料"
        actions = s.scalars(select(AuditLog.action).where(AuditLog.action == "return_report")).all()
        assert len(actions) == 2
