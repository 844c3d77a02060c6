"""Excel import/export: round trip on both backends, idempotent re-import, every
malformed-file case reported with sheet/row/column and the database left unchanged."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lib import demo
from lib.domain.permissions import Actor
from lib.io.excel_export import export_workbook, sheet_rows
from lib.io.excel_import import import_workbook, template_workbook
from lib.models import AuditLog, Campaign, DataVersion, Department, Task, User

ADMIN = Actor.system()
OFFICE = Actor(username="office", roles=frozenset({"office"}))


def _fingerprint(session: Session) -> tuple[Any, ...]:
    return (
        session.scalar(select(func.count(AuditLog.id))),
        session.scalar(select(DataVersion.version)),
        session.scalar(select(func.count(Department.id))),
        session.scalar(select(func.count(Task.id))),
        session.scalar(select(func.count(User.id))),
    )


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


@pytest.fixture
def small_demo(session: Session) -> Session:
    demo.load_demo(session, today=dt.date(2026, 11, 22))
    session.commit()
    return session


def test_round_trip_into_empty_database(small_demo: Session) -> None:
    """Export -> empty the database -> import -> the same rows, on both backends."""
    data = export_workbook(small_demo)
    before = sheet_rows(small_demo)
    demo.reset(small_demo)
    small_demo.commit()
    assert session_is_empty(small_demo)
    result = import_workbook(data, actor=ADMIN, session=small_demo)
    assert result.ok, [p.message("en") for p in result.problems[:5]]
    small_demo.commit()
    assert result.created == sum(len(v) for v in before.values())
    assert sheet_rows(small_demo) == before
    again = import_workbook(data, actor=ADMIN, session=small_demo)
    assert again.ok and again.created == 0 and again.updated == 0


def session_is_empty(session: Session) -> bool:
    return not session.scalar(select(func.count(Department.id))) and not session.scalar(
        select(func.count(User.id))
    )


def test_reimport_changes_nothing(small_demo: Session) -> None:
    data = export_workbook(small_demo)
    fp = _fingerprint(small_demo)
    result = import_workbook(data, actor=ADMIN, session=small_demo)
    small_demo.commit()
    assert result.ok and result.created == 0 and result.updated == 0
    assert _fingerprint(small_demo) == fp


def test_export_is_a_proper_workbook(small_demo: Session) -> None:
    wb = load_workbook(io.BytesIO(export_workbook(small_demo)))
    assert wb.sheetnames[:4] == ["活动", "阶段", "科室", "任务"]
    ws = wb["任务"]
    assert ws.freeze_panes == "A2"
    assert ws["A1"].value == "活动名称" and ws.column_dimensions["D"].width > 10
    due_col = [c.value for c in ws[1]].index("整改时限") + 1
    assert isinstance(ws.cell(2, due_col).value, dt.datetime)


def test_formula_text_is_exported_as_text(session: Session) -> None:
    from lib.write import upsert_department

    upsert_department(actor=ADMIN, session=session, code="EVIL", name='=HYPERLINK("x")')
    session.commit()
    ws = load_workbook(io.BytesIO(export_workbook(session)))["科室"]
    cell = ws.cell(2, 2)
    assert cell.value == '=HYPERLINK("x")' and cell.data_type == "s"


def test_english_headers_and_upsert(session: Session) -> None:
    data = _book(
        {
            "Departments": [
                ["Code", "Name", "Parent code"],
                ["HOSP", "City hospital", None],
                ["ER", "急诊科", "HOSP"],
            ]
        }
    )
    assert import_workbook(data, actor=ADMIN, session=session).created == 2
    data2 = _book({"科室": [["科室代码", "科室名称", "上级代码"], ["ER", "急诊医学科", "HOSP"]]})
    result = import_workbook(data2, actor=ADMIN, session=session)
    assert result.updated == 1
    assert session.scalar(select(Department.name).where(Department.code == "ER")) == "急诊医学科"


CAMPAIGN = [
    ["活动名称", "开始日期", "结束日期"],
    ["测试活动", dt.date(2026, 1, 1), dt.date(2026, 6, 30)],
]


@pytest.mark.parametrize(
    ("sheets", "expected"),
    [
        ({"科室": [["科室名称"], ["急诊科"]]}, ("科室", 1, "科室代码", "缺少必填列")),
        (
            {"科室": [["科室代码", "科室名称", "排序"], ["ER", "急诊科", "abc"]]},
            ("科室", 2, "排序", "不是整数"),
        ),
        (
            {"科室": [["科室代码", "科室名称", "上级代码"], ["ER", "急诊科", "NOPE"]]},
            ("科室", 2, "上级代码", "NOPE"),
        ),
        (
            {"科室": [["科室代码", "科室名称"], ["ER", "急诊科"], ["ER", "急诊科二"]]},
            ("科室", 3, "科室代码", "与第2行重复"),
        ),
        (
            {"科室": [["科室代码", "科室名称"], ["E R", "急诊科"]]},
            ("科室", 2, "科室代码", "代码只能"),
        ),
        (
            {"活动": CAMPAIGN, "任务": [["任务编号", "任务名称", "权重"], ["1", "改善环境", 150]]},
            ("任务", 2, "权重", "超出范围"),
        ),
        (
            {
                "活动": CAMPAIGN,
                "任务": [["任务编号", "任务名称", "责任科室代码"], ["1", "改善环境", "GHOST"]],
            },
            ("任务", 2, "责任科室代码", "GHOST"),
        ),
        (
            {
                "活动": CAMPAIGN,
                "任务": [["任务编号", "任务名称", "整改时限"], ["1", "改善环境", "下个月"]],
            },
            ("任务", 2, "整改时限", "不是有效日期"),
        ),
        (
            {
                "活动": CAMPAIGN,
                "指标值": [["指标代码", "科室代码", "月份", "数值"], ["SAT", "X", "2026-13", 1]],
            },
            ("指标值", 2, "月份", "不是有效月份"),
        ),
        ({"用户": [["用户名", "角色"], ["zhang", "boss"]]}, ("用户", 2, "角色", "取值无效")),
        ({"其他": [["a"], [1]]}, ("—", 0, "—", "没有可识别的工作表")),
    ],
)
def test_malformed_files_are_reported_and_write_nothing(
    session: Session, sheets: dict[str, list[list[Any]]], expected: tuple[Any, ...]
) -> None:
    fp = _fingerprint(session)
    result = import_workbook(_book(sheets), actor=ADMIN, session=session, lang="zh")
    session.commit()
    assert not result.ok
    sheet, row, column, reason = expected
    hits = [
        p
        for p in result.problems
        if (p.sheet, p.row, p.column) == (sheet, row, column) and reason in p.reason("zh")
    ]
    assert hits, [p.message("zh") for p in result.problems]
    assert _fingerprint(session) == fp
    assert session.scalar(select(func.count(Campaign.id))) == 0


def test_every_problem_is_reported_at_once(session: Session) -> None:
    data = _book(
        {
            "科室": [
                ["科室代码", "科室名称", "排序"],
                ["A", "甲", "x"],
                ["B", None, 1],
                ["A", "丙", 2],
            ]
        }
    )
    result = import_workbook(data, actor=ADMIN, session=session, lang="en")
    # one pass: row 2 type, row 3 required, row 4 a duplicate of row 2, in row order
    assert [(p.row, p.key) for p in result.problems] == [
        (2, "import.error_type_int"),
        (3, "import.error_required"),
        (4, "import.error_duplicate"),
    ]
    assert result.problems[0].message("en").startswith("Sheet “科室”, row 2")


def test_not_an_xlsx_file(session: Session) -> None:
    result = import_workbook(b"PK-not-really", actor=ADMIN, session=session)
    assert [p.key for p in result.problems] == ["import.error_not_xlsx"]


def test_office_cannot_import_users(session: Session) -> None:
    data = _book({"用户": [["用户名", "角色"], ["zhang", "viewer"]]})
    result = import_workbook(data, actor=OFFICE, session=session)
    assert [p.key for p in result.problems] == ["error.permission_denied"]
    assert session.scalar(select(func.count(User.id))) == 0


def test_dry_run_writes_nothing(session: Session) -> None:
    fp = _fingerprint(session)
    data = _book({"科室": [["科室代码", "科室名称"], ["ER", "急诊科"]]})
    result = import_workbook(data, actor=ADMIN, session=session, dry_run=True)
    assert result.ok and _fingerprint(session) == fp


def test_templates_have_every_sheet_and_import_empty() -> None:
    wb = load_workbook(io.BytesIO(template_workbook()))
    assert {"说明", "科室", "任务", "用户", "月度填报", "指标值", "标杆"} <= set(wb.sheetnames)
    assert wb["科室"]["A1"].value == "科室代码*"
    en = load_workbook(io.BytesIO(template_workbook(lang="en")))
    assert "Departments" in en.sheetnames


def test_cli_export_and_import(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "DEMO_MODE": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}"}
    subprocess.run(
        [sys.executable, "-m", "lib.cli", "demo", "--today", "2026-11-22"],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
    )
    out = tmp_path / "x.xlsx"
    subprocess.run(
        [sys.executable, "-m", "lib.cli", "export-excel", str(out), "--campaign", "1"],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
    )
    env_b = {**env, "DATABASE_URL": f"sqlite:///{tmp_path / 'b.db'}"}
    dry = subprocess.run(
        [sys.executable, "-m", "lib.cli", "--lang", "en", "import-excel", str(out), "--dry-run"],
        cwd=root,
        env=env_b,
        capture_output=True,
        text=True,
    )
    assert dry.returncode == 0, dry.stderr
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_book({"科室": [["科室代码"], ["X"]]}))
    refused = subprocess.run(
        [sys.executable, "-m", "lib.cli", "import-excel", str(bad)],
        cwd=root,
        env=env_b,
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 1 and "科室名称" in refused.stderr
