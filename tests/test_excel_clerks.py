"""Excel as clerks fill it (issue 18, Excel half): workbooks written with openpyxl the way
a clerk types (text percentages, full-width digits, Chinese dates and words, department
names, a merged title row, error cells) and saved again by LibreOffice Calc. Each is
either imported right or refused with messages naming sheet, row and column, all in one
pass, and nothing changes — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lib import write
from lib.domain.permissions import Actor
from lib.io.excel_import import column, import_workbook, parse_cell, template_workbook
from lib.models import (
    Assignment,
    AuditLog,
    Campaign,
    DataVersion,
    Department,
    MonthlyUpdate,
    Task,
)

ADMIN = Actor.system()
CAMPAIGN = "2026整改活动"
SOFFICE = shutil.which("soffice")
ROOT = Path(__file__).resolve().parent.parent

TASK_HEADER = ["活动名称", "任务编号", "任务名称", "整改时限", "目标值", "单位", "责任科室代码"]
REPORT_HEADER = ["活动名称", "任务编号", "科室代码", "月份", "完成进度", "状态"]


def _book(
    sheets: dict[str, list[list[Any]]], formats: dict[tuple[str, str], str] | None = None
) -> bytes:
    """A workbook with these rows; ``formats`` gives cells ("任务", "B3") a number format."""
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    for (sheet, ref), fmt in (formats or {}).items():
        wb[sheet][ref].number_format = fmt
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def via_calc(data: bytes, tmp_path: Path) -> bytes:
    """The workbook as LibreOffice Calc saves it again (the stand-in for Excel/WPS)."""
    if SOFFICE is None:  # pragma: no cover - CI installs LibreOffice
        if os.environ.get("CI"):
            pytest.fail("soffice is not installed")
        pytest.skip("soffice is not installed")
    src = tmp_path / "clerk.xlsx"
    src.write_bytes(data)
    out = tmp_path / "calc"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return (out / "clerk.xlsx").read_bytes()


def _fingerprint(session: Session) -> tuple[Any, ...]:
    return (
        session.scalar(select(func.count(AuditLog.id))),
        session.scalar(select(DataVersion.version)),
        session.scalar(select(func.count(Task.id))),
        session.scalar(select(func.count(MonthlyUpdate.id))),
        tuple(session.execute(select(Task.code, Task.title).order_by(Task.code))),
    )


@pytest.fixture
def hospital(session: Session) -> Session:
    """Three departments, a 2026 campaign with tasks 1, 3.1 and 3.2."""
    for code, name in (("OFF", "办公室"), ("ER", "急诊科"), ("NUR", "护理部")):
        write.upsert_department(actor=ADMIN, session=session, code=code, name=name)
    c = Campaign(
        name=CAMPAIGN, start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 12, 31), settings={}
    )
    session.add(c)
    session.flush()
    write.save_tasks(
        actor=ADMIN,
        session=session,
        campaign_id=c.id,
        rows=[
            {"code": "1", "title": "改善就医环境", "departments": ["OFF"]},
            {"code": "3.1", "title": "优化急诊流程", "departments": ["ER"]},
            {"code": "3.2", "title": "加强护理质量", "departments": ["NUR", "ER"]},
        ],
    )
    session.commit()
    return session


def _task(session: Session, code: str) -> Task:
    task = session.scalar(select(Task).where(Task.code == code))
    assert task is not None, code
    return task


def _depts(session: Session, code: str) -> set[str]:
    return set(
        session.scalars(
            select(Department.code)
            .join(Assignment, Assignment.department_id == Department.id)
            .join(Task, Task.id == Assignment.task_id)
            .where(Task.code == code)
        )
    )


# --- a clerk's workbook that is right, saved by Calc --------------------------------------------


def _good_workbook() -> bytes:
    return _book(
        {
            "任务": [
                ["2026年改善医疗服务行动任务台账", None, None, None, None, None, None],  # merged
                TASK_HEADER,
                [CAMPAIGN, "3.10", "规范门诊秩序", "2026年3月31日", "95%", None, "办公室"],
                [CAMPAIGN, "３．１１", "缩短候诊时间", "2026.6.1", 0.9, "%", "急诊科、护理部"],
                [CAMPAIGN, 3.2, "加强护理质量", "２０２６/９/３０", "１２", "分钟", "NUR"],
                ["注：任务编号请按方案填写", None, None, None, None, None, None],
            ],
            "月度填报": [
                REPORT_HEADER,
                [CAMPAIGN, "3.1", "急诊科", "2026年3月", "100%", "已完成"],
                [CAMPAIGN, "1", " 办公室 ", "2026.3", 0.5, "进行中"],
                [CAMPAIGN, "3.2", "NUR", "２０２６-０３", "３０", "推进中"],
            ],
        },
        formats={("任务", "E4"): "0%", ("任务", "B5"): "0.0", ("月度填报", "E3"): "0%"},
    )


@pytest.fixture(scope="module")
def good_calc(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    book = _good_workbook()
    wb = load_workbook(io.BytesIO(book))
    wb["任务"].merge_cells("A1:G1")
    buf = io.BytesIO()
    wb.save(buf)
    return via_calc(buf.getvalue(), tmp_path_factory.mktemp("good"))


def test_calc_saved_clerk_workbook_imports_right(hospital: Session, good_calc: bytes) -> None:
    session = hospital
    result = import_workbook(good_calc, actor=ADMIN, session=session, lang="zh")
    assert result.ok, [p.message("zh") for p in result.problems]
    session.commit()
    # '3.10' is a new task: task 3.1 keeps its title
    assert _task(session, "3.1").title == "优化急诊流程"
    t310 = _task(session, "3.10")
    assert (t310.title, t310.due_date) == ("规范门诊秩序", dt.date(2026, 3, 31))
    assert (t310.target_value, t310.target_unit) == (95, "%")  # '95%' with no unit: points, %
    assert _depts(session, "3.10") == {"OFF"}  # by name
    t311 = _task(session, "3.11")  # full-width code
    assert (t311.target_value, t311.target_unit, t311.due_date) == (90, "%", dt.date(2026, 6, 1))
    assert _depts(session, "3.11") == {"ER", "NUR"}
    t32 = _task(session, "3.2")  # 3.2 formatted 0.0, full-width date and number
    assert (t32.target_value, t32.target_unit, t32.due_date) == (12, "分钟", dt.date(2026, 9, 30))
    assert session.scalar(select(func.count(Task.id))) == 5  # 1, 3.1, 3.2 + 3.10, 3.11
    reports = {
        (code, dept): (u.percent_done, u.status, u.period)
        for u, code, dept in session.execute(
            select(MonthlyUpdate, Task.code, Department.code)
            .join(Assignment, Assignment.id == MonthlyUpdate.assignment_id)
            .join(Task, Task.id == Assignment.task_id)
            .join(Department, Department.id == Assignment.department_id)
        )
    }
    assert reports == {
        ("3.1", "ER"): (100, "done", "2026-03"),  # '100%' typed as text
        ("1", "OFF"): (50, "in_progress", "2026-03"),  # 0.5 formatted 0%; 进行中
        ("3.2", "NUR"): (30, "in_progress", "2026-03"),  # full-width; 推进中
    }
    # the title row and the notes row were skipped, each with a note naming it
    assert [(n.sheet, n.row, n.key) for n in result.notes] == [
        ("任务", 1, "import.note_title_row"),
        ("任务", 6, "import.note_notes_row"),
    ]


def test_dry_run_counts_equal_the_import_counts(hospital: Session, good_calc: bytes) -> None:
    session = hospital
    before = _fingerprint(session)
    dry = import_workbook(good_calc, actor=ADMIN, session=session, dry_run=True)
    session.commit()
    assert dry.ok and _fingerprint(session) == before
    real = import_workbook(good_calc, actor=ADMIN, session=session)
    session.commit()
    assert (dry.created, dry.updated, dry.unchanged) == (real.created, real.updated, real.unchanged)
    assert real.created == 2 + 3  # tasks 3.10 and 3.11, three reports
    assert real.updated == 1  # task 3.2 got its target
    again = import_workbook(good_calc, actor=ADMIN, session=session, dry_run=True)
    assert (again.created, again.updated) == (0, 0) and again.unchanged == 3 + 3  # every row


def test_progress_is_reported_while_reading_checking_and_writing(
    hospital: Session, good_calc: bytes
) -> None:
    seen: list[tuple[float, str]] = []
    result = import_workbook(
        good_calc,
        actor=ADMIN,
        session=hospital,
        dry_run=True,
        lang="zh",
        progress=lambda f, what: seen.append((f, what)),
    )
    assert result.ok
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] > 0 and fractions[-1] == 1.0
    texts = " ".join(w for _, w in seen)
    assert "正在读取“任务”" in texts and "正在校验" in texts and "正在写入“月度填报”" in texts


# --- a clerk's workbook with every mistake: refused in one pass ---------------------------------


def _bad_workbook() -> bytes:
    data = _book(
        {
            "任务": [
                ["任务台账（2026）"],
                [],
                [*TASK_HEADER, "权重"],
                [CAMPAIGN, 3.1, "想写3.10", "2026-03-31", None, None, "OFF", None],  # row 4
                [CAMPAIGN, "1", "#VALUE!", "3月31日", None, None, "办工室", None],  # row 5
                [CAMPAIGN, "１", "重复的1", "2026-13-01", "95%", "分", "OFF", "50%"],  # row 6
            ],
            "月度填报": [
                REPORT_HEADER,
                [CAMPAIGN, "3.2", "护理", "2026-03", "#N/A", "进行"],  # row 2
                [CAMPAIGN, "3.2", "NUR", "2026-03", "120%", "搞定了"],  # row 3
            ],
        }
    )
    wb = load_workbook(io.BytesIO(data))
    wb["任务"]["C5"].value = "#VALUE!"  # an error cell (t="e"), as a failed formula leaves
    assert wb["任务"]["C5"].data_type == "e"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def bad_calc(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return via_calc(_bad_workbook(), tmp_path_factory.mktemp("bad"))


EXPECTED_BAD = [
    ("任务", 4, "任务编号", "import.error_code_number"),
    ("任务", 5, "任务名称", "import.error_cell_error"),
    ("任务", 5, "整改时限", "import.error_date_no_year"),
    ("任务", 5, "责任科室代码", "import.error_department_suggest"),
    ("任务", 6, "任务编号", "import.error_duplicate"),
    ("任务", 6, "整改时限", "import.error_type_date"),
    ("任务", 6, "目标值", "import.error_percent_unit"),
    ("任务", 6, "权重", "import.error_percent_not_here"),
    ("月度填报", 2, "科室代码", "import.error_department_suggest"),
    ("月度填报", 2, "完成进度", "import.error_cell_error"),
    ("月度填报", 2, "状态", "import.error_choice_suggest"),
    ("月度填报", 3, "完成进度", "import.error_range"),
    ("月度填报", 3, "状态", "import.error_choice"),
]


def test_calc_saved_mistakes_are_refused_in_one_pass(hospital: Session, bad_calc: bytes) -> None:
    session = hospital
    before = _fingerprint(session)
    result = import_workbook(bad_calc, actor=ADMIN, session=session, lang="zh")
    session.commit()
    got = [(p.sheet, p.row, p.column, p.key) for p in result.problems]
    assert got == EXPECTED_BAD, [p.message("zh") for p in result.problems]
    assert _fingerprint(session) == before  # task 3.1 keeps its title; nothing written
    by_cell = {(p.sheet, p.row, p.column): p.message("zh") for p in result.problems}
    assert "与第5行重复" in by_cell[("任务", 6, "任务编号")]  # '１' is task 1 of row 5
    assert "办公室（OFF）" in by_cell[("任务", 5, "责任科室代码")]
    assert "护理部（NUR）" in by_cell[("月度填报", 2, "科室代码")]
    assert "进行中（in_progress）" in by_cell[("月度填报", 2, "状态")]
    assert by_cell[("任务", 4, "任务编号")].startswith("工作表“任务”第4行“任务编号”")
    assert "“单位”是“分”" in by_cell[("任务", 6, "目标值")]
    english = [p.message("en") for p in result.problems]
    assert english[0].startswith("Sheet “任务”, row 4") and "3.10" in english[0]


def test_text_typed_code_and_formatted_number_keep_their_zero(hospital: Session) -> None:
    """'3.10' typed as text, and 3.1 in a cell formatted 0.00 (shown 3.10), are task 3.10;
    both in one file are the same code twice, refused naming both rows."""
    data = _book(
        {"任务": [TASK_HEADER, [CAMPAIGN, "3.10", "甲", None, None, None, "OFF"]]},
    )
    result = import_workbook(data, actor=ADMIN, session=hospital)
    hospital.commit()
    assert result.ok and _task(hospital, "3.10").title == "甲"
    assert _task(hospital, "3.1").title == "优化急诊流程"
    twice = _book(
        {
            "任务": [
                TASK_HEADER,
                [CAMPAIGN, "3.10", "甲", None, None, None, "OFF"],
                [CAMPAIGN, 3.1, "乙", None, None, None, "OFF"],
            ]
        },
        formats={("任务", "B3"): "0.00"},
    )
    before = _fingerprint(hospital)
    refused = import_workbook(twice, actor=ADMIN, session=hospital, lang="zh")
    hospital.commit()
    assert [(p.row, p.column, p.params) for p in refused.problems] == [
        (3, "任务编号", {"first": 2})
    ]
    assert _fingerprint(hospital) == before


def test_a_locked_month_stays_untouched_by_a_clerk_import(hospital: Session) -> None:
    campaign_id = hospital.scalar(select(Campaign.id))
    assert campaign_id is not None
    write.set_period_lock(
        actor=ADMIN, session=hospital, campaign_id=campaign_id, period="2026-03", locked=True
    )
    hospital.commit()
    before = _fingerprint(hospital)
    data = _book(
        {"月度填报": [REPORT_HEADER, [CAMPAIGN, "3.1", "急诊科", "2026年3月", "100%", "已完成"]]}
    )
    result = import_workbook(data, actor=ADMIN, session=hospital, lang="zh")
    hospital.commit()
    assert [(p.sheet, p.row) for p in result.problems] == [("月度填报", 2)]
    assert _fingerprint(hospital) == before


# --- cells one by one ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sheet", "key", "raw", "fmt", "expected"),
    [
        ("monthly_updates", "percent_done", "100%", "General", 100),
        ("monthly_updates", "percent_done", "１００％", "General", 100),
        ("monthly_updates", "percent_done", 1.0, "0%", 100),
        ("monthly_updates", "percent_done", 0.35, "0.0%", 35),
        ("monthly_updates", "percent_done", " 80 ", "@", 80),
        ("benchmarks", "rate", "92.5%", "General", 92.5),
        ("tasks", "code", "3.10", "@", "3.10"),
        ("tasks", "code", "３．１０", "General", "3.10"),
        ("tasks", "code", 3.1, "0.00", "3.10"),
        ("tasks", "code", 3, "General", "3"),
        ("tasks", "code", 12.0, "General", "12"),
        ("tasks", "due_date", "2026年3月31日", "General", dt.date(2026, 3, 31)),
        ("tasks", "due_date", "2026/3/31", "General", dt.date(2026, 3, 31)),
        ("tasks", "due_date", "2026.3.1", "General", dt.date(2026, 3, 1)),
        ("tasks", "due_date", "２０２６－０３－３１", "General", dt.date(2026, 3, 31)),
        ("tasks", "due_date", 46112, "General", dt.date(2026, 3, 31)),
        ("tasks", "due_date", dt.datetime(2026, 3, 31), "yyyy-mm-dd", dt.date(2026, 3, 31)),
        ("tasks", "weight", "1,000", "General", None),  # out of range 0–100 → refused
        ("monthly_updates", "status", "进行中", "General", "in_progress"),
        ("monthly_updates", "status", "推进中", "General", "in_progress"),
        ("monthly_updates", "status", "已完成", "General", "done"),
        ("monthly_updates", "status", "受阻", "General", "blocked"),
        ("monthly_updates", "status", "未开始", "General", "not_started"),
        ("monthly_updates", "status", "In progress", "General", "in_progress"),
        ("monthly_updates", "review_state", "审核通过", "General", "approved"),
        ("users", "roles", "科室联络员、查看者", "General", ["liaison", "viewer"]),
        ("monthly_updates", "period", "2026年3月", "General", "2026-03"),
    ],
)
def test_cells_as_clerks_type_them(sheet: str, key: str, raw: Any, fmt: str, expected: Any) -> None:
    col = column(sheet, key)
    assert col is not None
    value, problem, _params = parse_cell(col, raw, fmt)
    assert value == expected, problem


@pytest.mark.parametrize(
    ("sheet", "key", "raw", "fmt", "problem"),
    [
        ("tasks", "code", 3.1, "General", "import.error_code_number"),
        ("tasks", "code", dt.datetime(2026, 3, 10), "m/d", "import.error_code_not_text"),
        ("tasks", "title", "#REF!", "General", "import.error_cell_error"),
        ("tasks", "title", "#N/A", "General", "import.error_cell_error"),
        ("tasks", "weight", "#DIV/0!", "General", "import.error_cell_error"),
        ("tasks", "due_date", "3月31日", "General", "import.error_date_no_year"),
        ("tasks", "due_date", "3/31", "General", "import.error_date_no_year"),
        ("tasks", "due_date", "2026-02-30", "General", "import.error_type_date"),
        ("tasks", "weight", "50%", "General", "import.error_percent_not_here"),
        ("monthly_updates", "percent_done", 0.955, "0%", "import.error_type_int"),
        ("monthly_updates", "percent_done", "150%", "General", "import.error_range"),
        ("monthly_updates", "status", "进行", "General", "import.error_choice_suggest"),
    ],
)
def test_cells_the_importer_is_not_sure_of_are_refused(
    sheet: str, key: str, raw: Any, fmt: str, problem: str
) -> None:
    col = column(sheet, key)
    assert col is not None
    value, got, _params = parse_cell(col, raw, fmt)
    assert (value, got) == (None, problem)


def test_error_cell_type_is_refused_whatever_its_text() -> None:
    col = column("tasks", "title")
    assert col is not None
    assert parse_cell(col, "#VALUE!", "General", "e")[1] == "import.error_cell_error"


# --- the template ----------------------------------------------------------------------------------


def test_template_has_drop_downs_text_codes_and_instructions() -> None:
    data = template_workbook(departments=[("OFF", "办公室"), ("ER", "急诊科")], units=["床日"])
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames[0] == "说明" and wb["下拉选项"].sheet_state == "hidden"
    ws = wb["月度填报"]
    header = [c.value for c in ws[1]]
    lists = wb["下拉选项"]

    def options(ws: Any, name: str) -> list[str]:
        letter = "ABCDEFGHIJKLMNOP"[header_of(ws).index(name)]
        dv = next(d for d in ws.data_validations.dataValidation if f"{letter}2" in d.sqref)
        rng = dv.formula1.split("!")[1].replace("$", "")
        return [c.value for row in lists[rng] for c in row]

    def header_of(ws: Any) -> list[str]:
        return [str(c.value).rstrip("*") for c in ws[1]]

    assert header[1] == "任务编号*"
    assert options(ws, "状态") == ["未开始", "推进中", "已完成", "受阻"]
    assert options(ws, "科室代码") == ["办公室", "急诊科"]
    assert options(wb["任务"], "单位")[0] == "%" and "床日" in options(wb["任务"], "单位")
    assert wb["任务"]["B2"].number_format == "@"  # codes typed as text
    assert wb["任务"].column_dimensions["B"].number_format == "@"
    status_dv = next(d for d in ws.data_validations.dataValidation if "F2" in d.sqref)
    assert status_dv.showErrorMessage  # a word not in the list is refused by the sheet
    info = [r for r in wb["说明"].iter_rows(values_only=True) if r[0] == "月度填报"]
    assert any(r[1] == "状态" and "推进中" in (r[3] or "") for r in info)
    en = load_workbook(io.BytesIO(template_workbook(lang="en")))
    assert "Monthly updates" in en.sheetnames


def test_template_filled_by_a_clerk_in_calc_imports(hospital: Session, tmp_path: Path) -> None:
    data = template_workbook(["tasks", "monthly_updates"], departments=[("OFF", "办公室")])
    wb = load_workbook(io.BytesIO(data))
    wb["任务"].append([CAMPAIGN, "3.10", None, "新增任务", "2026-12-31"])
    ws = wb["月度填报"]
    ws["A2"], ws["B2"], ws["C2"], ws["D2"], ws["E2"], ws["F2"] = (
        CAMPAIGN,
        "1",
        "办公室",
        "2026-04",
        "60%",
        "推进中",
    )
    buf = io.BytesIO()
    wb.save(buf)
    calc = via_calc(buf.getvalue(), tmp_path)
    result = import_workbook(calc, actor=ADMIN, session=hospital, lang="zh")
    assert result.ok, [p.message("zh") for p in result.problems]
    hospital.commit()
    assert _task(hospital, "3.10").title == "新增任务"
    update = hospital.scalar(select(MonthlyUpdate).where(MonthlyUpdate.period == "2026-04"))
    assert update is not None and (update.percent_done, update.status) == (60, "in_progress")


def test_cli_template_and_dry_run_with_progress(tmp_path: Path) -> None:
    env = {**os.environ, "DEMO_MODE": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}"}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "lib.cli", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )

    out = tmp_path / "template.xlsx"
    made = cli("excel-template", str(out), "--sheets", "departments,tasks")
    assert made.returncode == 0, made.stderr
    assert load_workbook(out).sheetnames == ["说明", "科室", "任务", "下拉选项"]
    book = tmp_path / "depts.xlsx"
    book.write_bytes(
        _book(
            {
                "科室": [
                    ["科室登记表"],
                    ["科室代码", "科室名称"],
                    ["ＥＲ", "急诊科"],
                    ["OFF", "办公室"],
                ]
            }
        )
    )
    dry = cli("--lang", "en", "import-excel", str(book), "--dry-run", "--progress")
    assert dry.returncode == 0, dry.stderr
    assert "100% Writing" in dry.stderr and "title row above the header skipped" in dry.stderr
    real = cli("--lang", "en", "import-excel", str(book))
    assert real.returncode == 0, real.stderr
    counts = re.findall(r"\d+", dry.stdout)
    assert counts == re.findall(r"\d+", real.stdout) and counts[0] == "2"


def test_a_percentage_of_an_indicator_value_follows_the_indicator_unit(hospital: Session) -> None:
    """'92%' is 92 for an indicator measured in %, refused for one counted in 件."""
    data = _book(
        {
            "指标": [
                ["活动名称", "指标代码", "指标名称", "单位", "目标值"],
                [CAMPAIGN, "SAT", "满意度", "%", "95%"],
                [CAMPAIGN, "COMP", "投诉件数", "件", None],
            ],
            "指标值": [
                ["活动名称", "指标代码", "科室代码", "月份", "数值"],
                [CAMPAIGN, "SAT", "急诊科", "2026-03", "92%"],
                [CAMPAIGN, "COMP", "ER", "2026-03", "５%"],
            ],
        }
    )
    before = _fingerprint(hospital)
    refused = import_workbook(data, actor=ADMIN, session=hospital, lang="zh")
    hospital.commit()
    assert [(p.sheet, p.row, p.column, p.key) for p in refused.problems] == [
        ("指标值", 3, "数值", "import.error_percent_indicator")
    ]
    assert "“件”" in refused.problems[0].message("zh")
    assert _fingerprint(hospital) == before
    fixed = _book(
        {
            "指标": [
                ["活动名称", "指标代码", "指标名称", "单位", "目标值"],
                [CAMPAIGN, "SAT", "满意度", "%", "95%"],
            ],
            "指标值": [
                ["活动名称", "指标代码", "科室代码", "月份", "数值"],
                [CAMPAIGN, "SAT", "急诊科", "2026-03", "92%"],
            ],
        }
    )
    result = import_workbook(fixed, actor=ADMIN, session=hospital)
    assert result.ok, [p.message("en") for p in result.problems]
    hospital.commit()
    from lib.models import Indicator, IndicatorValue

    assert hospital.scalar(select(Indicator.target).where(Indicator.code == "SAT")) == 95
    assert hospital.scalar(select(IndicatorValue.value)) == 92


def test_a_locked_month_is_reported_with_the_file_s_own_problems(hospital: Session) -> None:
    """One pass: the write side's refusal (a locked month) comes with a typing problem
    of another row, not in a second round."""
    campaign_id = hospital.scalar(select(Campaign.id))
    assert campaign_id is not None
    write.set_period_lock(
        actor=ADMIN, session=hospital, campaign_id=campaign_id, period="2026-03", locked=True
    )
    hospital.commit()
    before = _fingerprint(hospital)
    data = _book(
        {
            "任务": [TASK_HEADER, [CAMPAIGN, "9", "新任务", "明年", None, None, "OFF"]],
            "月度填报": [
                REPORT_HEADER,
                [CAMPAIGN, "3.1", "急诊科", "2026-03", "100%", "已完成"],
                [CAMPAIGN, "1", "OFF", "2026-04", "40%", "搞定"],
            ],
        }
    )
    result = import_workbook(data, actor=ADMIN, session=hospital, lang="zh")
    hospital.commit()
    got = [(p.sheet, p.row, p.column) for p in result.problems]
    assert got[0] == ("任务", 2, "整改时限")
    assert ("月度填报", 2) in [(s, r) for s, r, _c in got]  # the locked month
    assert ("月度填报", 3, "状态") in got
    assert _fingerprint(hospital) == before
