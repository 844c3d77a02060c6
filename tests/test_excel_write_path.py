"""One write path (issue 24): the Excel import writes reports and indicator values through
the write side's rules, on SQLite and PostgreSQL. A change in a locked month or to an
approved report is refused with a message naming sheet, row and column, in the user's
language, and nothing changes; an import writes one audit row per changed record with
before and after; the task table has one validator for the page and the import."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from lib import write
from lib.db import session_scope
from lib.io.excel_import import ImportResult, import_workbook
from lib.models import AuditLog, MonthlyUpdate
from tests.factories import World, make_world
from tests.test_security_common import checksum

REPORT_HEADER = ["活动名称", "任务编号", "科室代码", "月份", "完成进度", "状态", "审核状态"]
VALUE_HEADER = ["活动名称", "指标代码", "科室代码", "月份", "数值", "样本量"]
CAMPAIGN = "测试活动"  # make_world's


def _book(sheets: dict[str, list[list[Any]]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _report(w: World, task: str, dept: str, pct: int, state: str = "submitted") -> list[Any]:
    return [CAMPAIGN, task, dept, w.period, pct, "in_progress", state]


def _import(engine: Engine, w: World, data: bytes, **kwargs: Any) -> ImportResult:
    with session_scope(engine) as s:
        return import_workbook(data, actor=w.office, session=s, lang="zh", **kwargs)


@pytest.fixture
def world(engine: Engine) -> World:
    w = make_world(engine)
    with session_scope(engine) as s:  # department A's report on task 2, submitted at 40%
        write.save_reports(
            actor=w.liaison_a,
            session=s,
            period=w.period,
            items=[write.ReportInput(w.asg_a2, 40, "in_progress")],
            submit=True,
        )
    return w


def _lock(engine: Engine, w: World) -> None:
    with session_scope(engine) as s:
        write.set_period_lock(
            actor=w.office, session=s, campaign_id=w.campaign_id, period=w.period, locked=True
        )


def _approve(engine: Engine, w: World) -> None:
    with session_scope(engine) as s:
        update = s.scalar(select(MonthlyUpdate).where(MonthlyUpdate.assignment_id == w.asg_a2))
        assert update is not None
        write.review_reports(
            actor=w.office, session=s, decisions=[(update.id, update.version)], approve=True
        )


def test_a_change_in_a_locked_month_is_refused_and_nothing_changes(
    engine: Engine, world: World
) -> None:
    _lock(engine, world)
    before = checksum(engine)
    data = _book(
        {
            # written first (an audit row, a data-version bump), then rolled back
            "科室": [["科室代码", "科室名称"], ["NEW", "新科室"]],
            "月度填报": [REPORT_HEADER, _report(world, "2", "A", 60)],
        }
    )
    result = _import(engine, world, data)
    assert [(p.sheet, p.row, p.column, p.key) for p in result.problems] == [
        ("月度填报", 2, "月份", "error.period_locked")
    ]
    [issue] = result.problems
    assert issue.message("zh").startswith("工作表“月度填报”第2行“月份”：")
    assert "已锁定" in issue.message("zh")
    assert issue.message("en").startswith("Sheet “月度填报”, row 2, column “月份”: ")
    assert "locked" in issue.message("en")
    assert result.created == result.updated == 0
    assert checksum(engine) == before
    # the same file as a dry run reports the same refusal
    dry = _import(engine, world, data, dry_run=True)
    assert [p.key for p in dry.problems] == ["error.period_locked"]
    assert checksum(engine) == before


def test_an_unchanged_row_of_a_locked_month_goes_through(engine: Engine, world: World) -> None:
    """Re-importing an export of a locked month changes nothing, so it is no refusal."""
    _lock(engine, world)
    before = checksum(engine)
    result = _import(
        engine, world, _book({"月度填报": [REPORT_HEADER, _report(world, "2", "A", 40)]})
    )
    assert result.ok, [p.message("en") for p in result.problems]
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert checksum(engine) == before


def test_a_change_to_an_approved_report_is_refused_and_nothing_changes(
    engine: Engine, world: World
) -> None:
    _approve(engine, world)
    before = checksum(engine)
    data = _book({"月度填报": [REPORT_HEADER, _report(world, "2", "A", 70, "approved")]})
    result = _import(engine, world, data)
    assert [(p.sheet, p.row, p.column, p.key) for p in result.problems] == [
        ("月度填报", 2, "完成进度", "error.report_approved")
    ]
    [issue] = result.problems
    assert issue.message("zh") == (
        "工作表“月度填报”第2行“完成进度”：任务 2 的填报已审核通过，不能再修改。"
    )
    assert issue.message("en").startswith("Sheet “月度填报”, row 2, column “完成进度”: ")
    assert checksum(engine) == before


def test_every_refusal_is_reported_at_once(engine: Engine, world: World) -> None:
    _lock(engine, world)
    before = checksum(engine)
    data = _book(
        {
            "指标值": [VALUE_HEADER, [CAMPAIGN, "SAT", "A", world.period, 150, 100]],
            "月度填报": [
                REPORT_HEADER,
                _report(world, "2", "A", 60),
                _report(world, "1", "A", 30),
            ],
        }
    )
    result = _import(engine, world, data)
    assert sorted((p.sheet, p.row, p.column, p.key) for p in result.problems) == [
        ("指标值", 2, "数值", "error.indicator_range"),
        ("月度填报", 2, "月份", "error.period_locked"),
        ("月度填报", 3, "月份", "error.period_locked"),
    ]
    assert checksum(engine) == before


def _audit_since(session: Session, last_id: int, entity: str) -> list[AuditLog]:
    return list(
        session.scalars(
            select(AuditLog)
            .where(AuditLog.id > last_id, AuditLog.entity == entity)
            .order_by(AuditLog.id)
        )
    )


def test_an_import_writes_one_audit_row_per_changed_record(engine: Engine, world: World) -> None:
    with session_scope(engine) as s:  # department B's report on task 1, unchanged below
        write.save_reports(
            actor=world.liaison_b,
            session=s,
            period=world.period,
            items=[write.ReportInput(world.asg_b1, 20, "in_progress")],
            submit=True,
        )
    with Session(engine) as s:
        last = int(s.scalar(select(func.max(AuditLog.id))) or 0)
    data = _book(
        {
            "指标值": [VALUE_HEADER, [CAMPAIGN, "SAT", "A", world.period, 90, 120]],
            "月度填报": [
                REPORT_HEADER,
                _report(world, "2", "A", 60),  # changed
                _report(world, "1", "A", 30),  # new
                _report(world, "1", "B", 20),  # as stored
            ],
        }
    )
    result = _import(engine, world, data)
    assert result.ok, [p.message("en") for p in result.problems]
    assert (result.created, result.updated, result.unchanged) == (2, 1, 1)
    with Session(engine) as s:
        reports = _audit_since(s, last, "monthly_update")
        values = _audit_since(s, last, "indicator_value")
        summaries = [
            a for a in _audit_since(s, last, "monthly_update") if "rows" in (a.after or {})
        ]
        stored = {
            u.assignment_id: u.id
            for u in s.scalars(select(MonthlyUpdate).where(MonthlyUpdate.period == world.period))
        }
    assert not summaries
    assert len(reports) == 2 and len(values) == 1
    by_entity = {a.entity_id: a for a in reports}
    assert set(by_entity) == {stored[world.asg_a2], stored[world.asg_a1]}
    changed, created = by_entity[stored[world.asg_a2]], by_entity[stored[world.asg_a1]]
    assert changed.action == created.action == "import"
    assert changed.before is not None and changed.before["percent_done"] == 40
    assert changed.after is not None and changed.after["percent_done"] == 60
    assert created.before is None
    assert created.after is not None and created.after["percent_done"] == 30
    assert all(a.campaign_id == world.campaign_id and a.department_id for a in reports)
    [value] = values
    assert value.before is None and value.after is not None
    assert (value.after["value"], value.after["sample_size"]) == (90.0, 120)
    assert value.department_id == world.dept_a
    # the same file again: nothing changes, no audit row
    with Session(engine) as s:
        last = int(s.scalar(select(func.max(AuditLog.id))) or 0)
    again = _import(engine, world, data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    with Session(engine) as s:
        assert s.scalar(select(func.count(AuditLog.id)).where(AuditLog.id > last)) == 0


def test_tasks_have_one_validator_for_the_page_and_the_import(engine: Engine, world: World) -> None:
    row = {"code": "3", "title": "任务三", "departments": ["A"], "lead": "B"}
    with pytest.raises(write.ServiceError) as refused, session_scope(engine) as s:
        write.save_tasks(actor=world.office, session=s, campaign_id=world.campaign_id, rows=[row])
    assert refused.value.message("zh") == "第1行：牵头科室 B 必须是责任科室之一。"
    assert refused.value.message("en") == (
        "Row 1: lead department B must be one of the responsible departments."
    )
    header = ["活动名称", "任务编号", "任务名称", "责任科室代码", "牵头科室代码"]
    result = _import(engine, world, _book({"任务": [header, [CAMPAIGN, "3", "任务三", "A", "B"]]}))
    [issue] = result.problems
    assert (issue.sheet, issue.row, issue.column) == ("任务", 2, "牵头科室代码")
    assert issue.key == refused.value.params["reason"].key == "setup.task_error_lead"
    assert issue.reason("zh") == "牵头科室 B 必须是责任科室之一。"
    # the bounds are inclusive: a weight of 0 or 100 is a weight
    for weight in (0, 0.0, 100):
        ok = {"code": "4", "title": "任务四", "weight": weight, "departments": ["A"]}
        assert write.check_task_rows([(1, ok)], {"A"}) == []
    refused_rows = write.check_task_rows([(1, {"code": "", "title": "", "weight": -1})], {"A"})
    assert [(r.ref, r.field) for r in refused_rows] == [(1, "code"), (1, "title"), (1, "weight")]
