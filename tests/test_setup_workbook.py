"""整表导入导出 in the browser (issue 23): the whole workbook downloaded as the CLI exports
it, an upload tried first (nothing changes, what would be added and changed is listed),
every problem named by sheet, row and column as the CLI names it, and the import only
on confirmation, through the same function as ``lib.cli import-excel``."""

from __future__ import annotations

import io

import openpyxl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lib.db import make_engine, session_scope
from lib.domain.permissions import Actor
from lib.io.excel_export import export_workbook
from lib.io.excel_import import import_workbook
from lib.io.excel_import.preview import preview_workbook
from lib.models import AuditLog, Department
from tests.apphelpers import logged_in
from tests.factories import department_workbook
from tests.test_security_common import checksum

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE = "pages/setup_workbook.py"


def _open(app_db: str, who: str = "office"):  # type: ignore[no-untyped-def]
    at = logged_in(who)
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def _upload(at, data: bytes):  # type: ignore[no-untyped-def]
    at.file_uploader(key="wb_upload").set_value(("book.xlsx", data, XLSX))
    at.run()
    assert not at.exception, at.exception
    return at


def _departments(engine) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return dict(s.execute(select(Department.code, Department.name)).all())


def test_dry_run_lists_the_changes_and_changes_nothing_then_confirm_imports(
    app_db: str,
) -> None:
    engine = make_engine(app_db)
    at = _open(app_db)
    before = checksum(engine)  # after the login, which writes its own rows
    book = department_workbook([("WB1", "整表新科"), ("WB2", "整表二科")])
    _upload(at, book)
    # the trial: counts and the records, nothing written
    assert any("试导入通过" in s.value and "新增 2" in s.value for s in at.success)
    changes = [df.value for df in at.dataframe]
    assert any("WB1" in str(df.to_dict()) and "WB2" in str(df.to_dict()) for df in changes)
    assert checksum(engine) == before
    assert "WB1" not in _departments(engine)
    # the same result as the CLI's dry run
    with session_scope(engine) as s:
        cli = import_workbook(book, actor=Actor.system(), session=s, dry_run=True)
    assert cli.created == 2
    # confirm: imported, with audit rows
    at.button(key="wb_confirm").click().run()
    assert not at.exception, at.exception
    assert any("导入完成" in s.value for s in at.success)
    assert _departments(engine)["WB1"] == "整表新科"
    with Session(engine) as s:
        audit = s.scalar(
            select(func.count()).select_from(AuditLog).where(AuditLog.entity == "department")
        )
    assert audit and audit >= 2
    engine.dispose()


def test_a_problem_blocks_the_import_with_sheet_row_and_column(app_db: str) -> None:
    engine = make_engine(app_db)
    # row 3 has no name: the CLI names 科室, row 3, 名称
    book = department_workbook([("WB3", "好科室"), ("WB4", "")])
    with session_scope(engine) as s:
        cli = import_workbook(book, actor=Actor.system(), session=s, dry_run=True)
        s.rollback()
    assert cli.problems
    expected = [p.message("zh") for p in cli.problems]
    at = _open(app_db)
    before = checksum(engine)
    _upload(at, book)
    assert any("发现" in e.value and "未导入任何数据" in e.value for e in at.error)
    shown = at.dataframe[-1].value
    assert list(shown.columns[:3]) == ["工作表", "行", "列"]
    assert shown.iloc[:, 3].tolist() == expected
    first = cli.problems[0]
    assert (shown.iloc[0, 0], int(shown.iloc[0, 1]), shown.iloc[0, 2]) == (
        first.sheet,
        first.row,
        first.column,
    )
    assert not [b for b in at.button if b.key == "wb_confirm"], "no import with a problem"
    assert checksum(engine) == before
    assert "WB3" not in _departments(engine)
    engine.dispose()


def test_preview_runs_the_import_and_keeps_nothing(app_db: str) -> None:
    engine = make_engine(app_db)
    before = checksum(engine)
    with session_scope(engine) as s:
        preview = preview_workbook(
            department_workbook([("WB5", "预览科")]), actor=Actor.system(), session=s
        )
    assert preview.result.ok and preview.result.created == 1
    assert [(c.entity, c.action, c.label) for c in preview.changes] == [
        ("department", "created", "WB5")
    ]
    assert preview.counts() == {"department": {"created": 1, "updated": 0}}
    assert checksum(engine) == before
    engine.dispose()


def test_export_is_the_cli_workbook(app_db: str) -> None:
    from lib.read import wizard

    engine = make_engine(app_db)
    with session_scope(engine) as s:
        cli = export_workbook(s, campaign_id=None, lang="zh")
    ours = wizard.export_bytes(None, "zh")

    def cells(data: bytes) -> dict[str, list[tuple]]:
        book = openpyxl.load_workbook(io.BytesIO(data))
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}

    assert cells(ours) == cells(cli)
    at = _open(app_db, "admin")
    at.button(key="wb_prepare").click().run()
    assert not at.exception, at.exception
    assert [d for d in at.get("download_button") if d.proto.label == "下载工作簿（.xlsx）"]
    engine.dispose()
