"""A real browser on 科室管理: a clerk's workbook with a title row and a parent department
written by a misspelt name is refused with the suggestion, in one table naming sheet, row
and column; fixed, it imports (issue 18, Excel half)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from tests.conftest import ARTIFACTS
from tests.test_browser import WAIT_MS, _login, _settle, browser, server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _book(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "科室"
    for row in rows:
        ws.append(row)
    ws.merge_cells("A1:C1")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _upload(page, path: Path) -> None:  # type: ignore[no-untyped-def]
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    page.get_by_role("button", name="导入", exact=True).wait_for(timeout=WAIT_MS)
    _settle(page)
    page.get_by_role("button", name="导入", exact=True).click()
    _settle(page)


def test_department_import_page_shows_every_problem_then_imports(
    server: str,  # noqa: F811
    browser,  # noqa: F811
    tmp_path: Path,
) -> None:  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport={"width": 1440, "height": 1400}, locale="zh-CN")
    page = ctx.new_page()
    _login(page, server, "office")
    page.goto(server + "/setup_departments", timeout=90_000)
    page.get_by_text("从 Excel 导入科室").first.wait_for(timeout=WAIT_MS)
    _settle(page)
    shots = ARTIFACTS / "excel18"
    shots.mkdir(parents=True, exist_ok=True)

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(
        _book(
            [
                ["2026年科室登记表", None, None],
                ["科室代码", "科室名称", "上级代码"],
                ["ＥＲ２", "急诊二科", "急诊料"],  # full-width code; a misspelt parent
                ["ER3", None, "ED"],
            ]
        )
    )
    _upload(page, bad)
    page.get_by_text("发现2个问题，未导入任何数据。").wait_for(timeout=WAIT_MS)
    table = page.locator('[data-testid="stDataFrame"]').last
    table.wait_for(timeout=WAIT_MS)
    page.wait_for_timeout(1000)
    table.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "departments_refused.png"))
    page.get_by_text("工作表“科室”第1行：表头上方的标题行已跳过").first.wait_for(timeout=WAIT_MS)

    good = tmp_path / "good.xlsx"
    good.write_bytes(
        _book(
            [
                ["2026年科室登记表", None, None],
                ["科室代码", "科室名称", "上级代码"],
                ["ＥＲ２", "急诊二科", "急诊科"],
            ]
        )
    )
    _upload(page, good)
    page.get_by_text("导入完成：新增1").wait_for(timeout=WAIT_MS)
    page.screenshot(path=str(shots / "departments_imported.png"))
    ctx.close()
