"""History is append-only (issue 17, item 2), on SQLite and PostgreSQL: taking a
department off a task, deactivating a task or archiving a campaign keeps every report,
value and evidence file (still in the task's history and the audit log); every change
writes an audit row with before and after for each record; no service writes into an
archived campaign, an inactive task or a department's former task; nothing in a locked
month changes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from lib import write
from lib.db import session_scope
from lib.models import Assignment, Attachment, AuditLog, MonthlyUpdate, Task
from lib.read import queries
from lib.write import IndicatorInput, ReportInput, ReportRow, ServiceError
from tests.factories import PNG, World


def _report(aid: int, pct: int = 60, version: int | None = None) -> ReportInput:
    return ReportInput(
        assignment_id=aid,
        percent_done=pct,
        status="in_progress",
        work_done="已完成培训",
        expected_version=version,
    )


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from lib import config

    monkeypatch.setenv("ATTACHMENTS_DIR", str(tmp_path / "files"))
    config.settings.cache_clear()
    return tmp_path / "files"


def _approved_locked_report_of_b(engine: Engine, w: World) -> tuple[int, int]:
    """Department B's approved report on task 1 with an evidence file, in a locked
    month; (report id, attachment id)."""
    with session_scope(engine) as s:
        (u,) = write.save_reports(
            actor=w.liaison_b, session=s, period=w.period, items=[_report(w.asg_b1)], submit=True
        )
        a = write.add_attachment(
            actor=w.liaison_b, session=s, update_id=u.id, filename="证明.png", data=PNG
        )
        ids = (u.id, a.id)
    with session_scope(engine) as s:
        u = s.get(MonthlyUpdate, ids[0])
        assert u is not None
        write.review_reports(actor=w.office, session=s, decisions=[(u.id, u.version)], approve=True)
        write.set_period_lock(
            actor=w.office, session=s, campaign_id=w.campaign_id, period=w.period, locked=True
        )
    return ids


def _snapshot(engine: Engine) -> list[tuple[object, ...]]:
    with Session(engine) as s:
        reports = s.execute(
            select(
                MonthlyUpdate.id,
                MonthlyUpdate.assignment_id,
                MonthlyUpdate.percent_done,
                MonthlyUpdate.work_done,
                MonthlyUpdate.review_state,
                MonthlyUpdate.version,
            ).order_by(MonthlyUpdate.id)
        ).all()
        files = s.execute(select(Attachment.id, Attachment.sha256).order_by(Attachment.id)).all()
        return [tuple(r) for r in reports] + [tuple(f) for f in files]


def _tasks(w: World, departments_1: list[str], active_1: bool = True) -> list[dict[str, object]]:
    end = dt.date.today() + dt.timedelta(days=120)
    return [
        {
            "code": "1",
            "title": "任务一",
            "due_date": end,
            "departments": departments_1,
            "active": active_1,
        },
        {"code": "2", "title": "任务二", "due_date": end, "departments": ["A"]},
    ]


def test_removing_a_department_from_a_task_keeps_its_reports_and_evidence(
    app_engine: Engine, world: World, files: Path
) -> None:
    w = world
    _report_id, attachment_id = _approved_locked_report_of_b(app_engine, w)
    before = _snapshot(app_engine)
    with session_scope(app_engine) as s:
        changed = write.save_tasks(
            actor=w.office, session=s, campaign_id=w.campaign_id, rows=_tasks(w, ["A"])
        )
    assert changed == 1
    # every report and file is still there, unchanged, and B's assignment too (inactive)
    assert _snapshot(app_engine) == before
    with Session(app_engine) as s:
        assignment = s.get(Assignment, w.asg_b1)
        assert assignment is not None and assignment.active is False
        assert s.get(Attachment, attachment_id) is not None
        # the audit names the department's assignment, with before and after
        row = s.scalars(
            select(AuditLog).where(
                AuditLog.entity == "assignment",
                AuditLog.entity_id == w.asg_b1,
                AuditLog.action == "update",
            )
        ).one()
        assert row.department_id == w.dept_b
        assert row.before is not None and row.before["active"] is True
        assert row.after is not None and row.after["active"] is False
        task_row = s.scalars(
            select(AuditLog)
            .where(AuditLog.entity == "task", AuditLog.entity_id == w.task1)
            .order_by(AuditLog.id.desc())
        ).first()
        assert task_row is not None and task_row.before is not None and task_row.after is not None
        assert task_row.before["departments"] == ["A", "B"]
        assert task_row.after["departments"] == ["A"]
    # still in the task's history; no longer among B's current tasks
    history = queries.task_history(w.task1, w.period)
    assert "乙科" in set(history["department"])
    progress = queries.assignment_progress(w.campaign_id, w.period)
    assert w.asg_b1 not in set(progress["assignment_id"])
    # B can no longer report on the task (next month is not locked)
    with pytest.raises(ServiceError) as refused, session_scope(app_engine) as s:
        write.save_reports(actor=w.liaison_b, session=s, period=w.period, items=[_report(w.asg_b1)])
    assert refused.value.key in {"error.assignment_inactive", "error.period_locked"}
    # put back: the same assignment, active again, its history intact
    with session_scope(app_engine) as s:
        write.save_tasks(
            actor=w.office, session=s, campaign_id=w.campaign_id, rows=_tasks(w, ["A", "B"])
        )
    with Session(app_engine) as s:
        ids = s.scalars(
            select(Assignment.id).where(
                Assignment.task_id == w.task1, Assignment.department_id == w.dept_b
            )
        ).all()
        assert ids == [w.asg_b1]
        assert s.get(Assignment, w.asg_b1).active is True  # type: ignore[union-attr]
    assert _snapshot(app_engine) == before


def test_an_inactive_assignment_or_task_refuses_reports(engine: Engine, world: World) -> None:
    w = world
    with session_scope(engine) as s:
        write.save_tasks(
            actor=w.office, session=s, campaign_id=w.campaign_id, rows=_tasks(w, ["A"])
        )
    with pytest.raises(ServiceError) as refused, session_scope(engine) as s:
        write.save_reports(actor=w.liaison_b, session=s, period=w.period, items=[_report(w.asg_b1)])
    assert refused.value.key == "error.assignment_inactive"
    with session_scope(engine) as s:
        write.save_tasks(
            actor=w.office,
            session=s,
            campaign_id=w.campaign_id,
            rows=_tasks(w, ["A", "B"], active_1=False),
        )
    for actor, aid in ((w.liaison_a, w.asg_a1), (w.office, w.asg_b1)):
        with pytest.raises(ServiceError) as refused, session_scope(engine) as s:
            write.save_reports(actor=actor, session=s, period=w.period, items=[_report(aid)])
        assert refused.value.key == "error.assignment_inactive"
    with Session(engine) as s:
        assert s.scalar(select(func.count(MonthlyUpdate.id))) == 0


def test_deactivating_a_task_keeps_its_reports(app_engine: Engine, world: World) -> None:
    w = world
    with session_scope(app_engine) as s:
        write.save_reports(
            actor=w.liaison_a, session=s, period=w.period, items=[_report(w.asg_a1)], submit=True
        )
    before = _snapshot(app_engine)
    with session_scope(app_engine) as s:
        write.save_tasks(
            actor=w.office,
            session=s,
            campaign_id=w.campaign_id,
            rows=_tasks(w, ["A", "B"], active_1=False),
        )
    assert _snapshot(app_engine) == before
    with Session(app_engine) as s:
        row = s.scalars(
            select(AuditLog)
            .where(AuditLog.entity == "task", AuditLog.entity_id == w.task1)
            .order_by(AuditLog.id.desc())
        ).first()
        assert row is not None and row.before is not None and row.after is not None
        assert (row.before["active"], row.after["active"]) == (True, False)
        assert s.get(Task, w.task1).active is False  # type: ignore[union-attr]
    assert "甲科" in set(queries.task_history(w.task1, w.period)["department"])


def test_an_archived_campaign_refuses_every_write_of_reports(
    engine: Engine, world: World, files: Path
) -> None:
    w = world
    with session_scope(engine) as s:
        (u,) = write.save_reports(
            actor=w.liaison_a, session=s, period=w.period, items=[_report(w.asg_a1)]
        )
        report_id, version = u.id, u.version
    with session_scope(engine) as s:
        write.set_campaign_archived(
            actor=w.office, session=s, campaign_id=w.campaign_id, archived=True
        )
    before = _snapshot(engine)
    attempts = {
        "save_reports": lambda s: write.save_reports(
            actor=w.liaison_a,
            session=s,
            period=w.period,
            items=[_report(w.asg_a1, 70, version)],
        ),
        "import_reports": lambda s: write.import_reports(
            actor=w.office,
            session=s,
            rows=[ReportRow(2, w.asg_a1, w.period, 80, "in_progress", "改写")],
        ),
        "add_attachment": lambda s: write.add_attachment(
            actor=w.liaison_a, session=s, update_id=report_id, filename="a.png", data=PNG
        ),
        "save_indicator_values": lambda s: write.save_indicator_values(
            actor=w.liaison_a,
            session=s,
            department_id=w.dept_a,
            period=w.period,
            items=[IndicatorInput(indicator_id=w.complaints_id, value=3)],
        ),
    }
    for name, attempt in attempts.items():
        with pytest.raises(ServiceError) as refused, session_scope(engine) as s:
            attempt(s)
        assert refused.value.key == "error.campaign_archived", name
        assert "测试活动" in refused.value.message("zh"), name
    assert _snapshot(engine) == before
    with Session(engine) as s:  # the archive kept every report
        assert s.get(MonthlyUpdate, report_id) is not None
        row = s.scalars(select(AuditLog).where(AuditLog.action == "archive")).one()
        assert (row.before, row.after) == ({"archived": False}, {"archived": True})
