"""Inputs cleaned at the boundary (issue 17, item 5): a NUL or any other control
character in any text a service writes is refused with a message naming the field, on
SQLite and PostgreSQL alike (never a raw ``psycopg.DataError``), and nothing is written.
Line breaks and tabs stay allowed in multi-line texts (report texts, reasons). One check
(lib/write/clean.py) guards every flush; a lookup by a name with a NUL is refused too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from lib import write
from lib.db import session_scope
from lib.i18n import t
from lib.io.excel_import.reading import parse_cell
from lib.io.excel_import.sheets import column
from lib.models import AuditLog, Department, MonthlyUpdate
from lib.write import IndicatorRow, ReportInput, ServiceError
from lib.write.clean import has_control
from tests.factories import World

BAD = ("\x00", "\x07", "\x1b[31m", "\x7f", "\x85")


def _report(aid: int, **texts: str) -> ReportInput:
    return ReportInput(assignment_id=aid, percent_done=40, status="in_progress", **texts)


def _audit_rows(engine: Engine) -> int:
    with Session(engine) as s:
        return int(s.scalar(select(func.count(AuditLog.id))) or 0)


def _services(w: World, bad: str) -> dict[str, tuple[Callable[[Session], Any], str]]:
    """Each service with a control character in one field: (call, field named)."""
    end = dt.date.today() + dt.timedelta(days=90)
    return {
        "report text": (
            lambda s: write.save_reports(
                actor=w.liaison_a,
                session=s,
                period=w.period,
                items=[_report(w.asg_a1, work_done=f"完成{bad}培训")],
            ),
            "工作进展",
        ),
        "department name": (
            lambda s: write.upsert_department(
                actor=w.office, session=s, code="C", name=f"丙{bad}科"
            ),
            "名称",
        ),
        "lock reason": (
            lambda s: write.set_period_lock(
                actor=w.office,
                session=s,
                campaign_id=w.campaign_id,
                period=w.period,
                locked=True,
                reason=f"已审{bad}核",
            ),
            "原因",
        ),
        "task title": (
            lambda s: write.save_tasks(
                actor=w.office,
                session=s,
                campaign_id=w.campaign_id,
                rows=[{"code": "3", "title": f"任务{bad}三", "departments": ["A"]}],
            ),
            "标题",
        ),
        "user name": (
            lambda s: write.create_user(
                actor=w.office.__class__(
                    username="admin", roles=frozenset({"admin"}), user_id=None
                ),
                session=s,
                username="newuser",
                password_hash="x",
                roles=["leader"],
                display_name=f"张{bad}三",
            ),
            "姓名",
        ),
        "indicator name": (
            lambda s: write.import_indicators(
                actor=w.office.__class__(
                    username="admin", roles=frozenset({"admin"}), user_id=None
                ),
                session=s,
                rows=[IndicatorRow(2, w.campaign_id, "NEW", f"指{bad}标")],
            ),
            "名称",
        ),
        "problem": (
            lambda s: write.register_problem(
                actor=w.office,
                session=s,
                campaign_id=w.campaign_id,
                title=f"问题{bad}一",
                source="complaint",
                found_on=dt.date.today(),
                department_ids=[w.dept_a],
                measure="整改",
                due_date=end,
            ),
            "标题",
        ),
        "inspection comment": (
            lambda s: write.save_inspection_score(
                actor=w.office,
                session=s,
                campaign_id=w.campaign_id,
                department_id=w.dept_a,
                period=w.period,
                score=90,
                comment=f"良{bad}好",
            ),
            "意见",
        ),
        "parent department looked up": (
            lambda s: write.upsert_department(
                actor=w.office, session=s, code="D", name="丁科", parent_code=f"A{bad}"
            ),
            "",
        ),
    }


@pytest.mark.parametrize("bad", BAD, ids=["nul", "bell", "escape", "del", "c1"])
def test_every_service_refuses_control_characters_with_a_message(
    engine: Engine, world: World, bad: str
) -> None:
    before = _audit_rows(engine)
    for name, (call, field) in _services(world, bad).items():
        try:
            with session_scope(engine) as s:
                call(s)
        except ServiceError as refused:
            message = refused.message("zh")
            if name == "parent department looked up":
                # a lookup: refused as unknown (SQLite) or by the NUL guard (PostgreSQL)
                assert refused.key in {"error.department_unknown", "error.control_characters"}
                continue
            assert refused.key == "error.control_characters", name
            assert f"「{field}」" in message, (name, message)
            assert "control" in refused.message("en"), name
        except DBAPIError as raw:  # psycopg.DataError and kin
            pytest.fail(f"{name}: raw database error {raw!r}")
        else:
            pytest.fail(f"{name}: accepted {bad!r}")
    assert _audit_rows(engine) == before
    with Session(engine) as s:
        assert s.scalar(select(func.count(MonthlyUpdate.id))) == 0
        assert s.scalar(select(func.count(Department.id))) == 2


def test_line_breaks_and_tabs_stay_allowed_in_multi_line_texts_only(
    engine: Engine, world: World
) -> None:
    w = world
    with session_scope(engine) as s:
        (u,) = write.save_reports(
            actor=w.liaison_a,
            session=s,
            period=w.period,
            items=[_report(w.asg_a1, work_done="一、培训\r\n二、\t检查", next_steps="继续")],
        )
        assert u.work_done == "一、培训\r\n二、\t检查"
    with pytest.raises(ServiceError) as refused, session_scope(engine) as s:
        write.upsert_department(actor=w.office, session=s, code="C", name="丙\n科")
    assert refused.value.key == "error.control_characters"
    assert has_control("a\tb") and not has_control("a\tb", multiline=True)


def test_an_imported_cell_with_a_control_character_is_refused() -> None:
    """An .xlsx cannot hold a raw control character (XML forbids it, and ``_x0000_``
    escapes stay text); a cell that somehow carries one is refused by the cell reader."""
    col = column("departments", "name")
    assert col is not None
    value, problem, _params = parse_cell(col, "丙\x00科")
    assert (value, problem) == (None, "import.error_control")
    assert "控制字符" in t("import.error_control", "zh")
    assert parse_cell(col, "丙科\n")[1] is None  # the reader strips; the service refuses \n
