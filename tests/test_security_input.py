"""Hostile input (issue 9): user text with HTML, JavaScript and Markdown shows as text on
every page that renders it; exports neutralise formula cells; uploaded file names cannot
leave the attachment folder; oversized or wrongly typed uploads are refused and write
nothing; an .xlsx/.docx zip bomb and a 1-million-row sheet are refused quickly without
eating memory. (10 MB of noise for the plan parser: tests/test_plan_import.py.)"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, text

from lib import write
from lib.db import make_engine, session_scope
from lib.domain.permissions import Actor
from lib.io import attachments
from lib.io.excel_import import MAX_ROWS, import_workbook, read_workbook
from lib.io.safe_cells import to_csv_bytes, to_xlsx_bytes
from lib.ui.page import md_escape
from lib.write import ServiceError
from tests.conftest import ROOT
from tests.factories import PNG, department_workbook, make_world, raw_workbook
from tests.test_security_common import checksum

PAYLOAD = (
    "**pwn**<script>alert(1)</script><img src=x onerror=alert(1)>"
    "[x](javascript:alert(1))![i](http://evil.example/t.png):red[RED]$x^2$ `code` # h"
)
RAW = ("**pwn", "<script", "<img", "](javascript", "![i]", ":red[", "$x^")
ESCAPED = re.compile(r"\\.")


def _raw_markup(value: str) -> list[str]:
    """Markup of the payload that would be interpreted (escaped characters dropped)."""
    plain = ESCAPED.sub("", value)
    return [m for m in RAW if m in plain]


# --- Markdown / HTML in free text ---------------------------------------------------------


@pytest.mark.parametrize(
    "value", [PAYLOAD, "a_b*c*", "1. list", "> quote", "<b>x</b>", ":material/home:", "\\*"]
)
def test_md_escape_leaves_no_markup(value: str) -> None:
    escaped = md_escape(value)
    assert _raw_markup(escaped) == []
    # every character is still there, in order (addresses carry an invisible word joiner)
    shown = ESCAPED.sub(lambda m: m.group(0)[1], escaped).replace("  \n", "\n")
    assert shown.replace("\u2060", "") == value


def _poison(url: str) -> None:
    """Put the payload into every free-text field the pages show."""
    engine = make_engine(url)
    with engine.begin() as conn:
        for sql in (
            "UPDATE monthly_updates SET work_done = :p, problems = :p, next_steps = :p, "
            "reviewer_comment = :p",
            "UPDATE tasks SET title = :p || title",
            "UPDATE campaigns SET name = :p || name, organiser = :p",
            "UPDATE period_locks SET reason = :p",
            "UPDATE indicators SET name = :p || name",
            "UPDATE data_version SET version = version + 1",
        ):
            conn.execute(text(sql), {"p": PAYLOAD})
    engine.dispose()


TEXT_KINDS = (
    "title",
    "header",
    "subheader",
    "markdown",
    "caption",
    "info",
    "warning",
    "error",
    "success",
)


@pytest.mark.parametrize(
    ("username", "pages"),
    [
        ("office", ["review", "overview", "locks", "problems", "setup_tasks"]),
        ("leader", ["meeting", "ledger", "progress", "satisfaction", "ranking", "tracker"]),
        ("liaison_card", ["report"]),
    ],
)
def test_hostile_text_shows_as_text_on_every_page(
    app_db: str, username: str, pages: list[str]
) -> None:
    from lib.ui.nav import PAGES
    from tests.apphelpers import logged_in

    _poison(app_db)
    at = logged_in(username)
    shown = 0
    for key in pages:
        spec = next(p for p in PAGES if p.key == key)
        at.switch_page(spec.path).run()
        assert not at.exception, (key, at.exception)
        for kind in TEXT_KINDS:
            for el in at.get(kind):
                value = str(getattr(el, "value", "") or getattr(el, "body", ""))
                assert _raw_markup(value) == [], (key, kind, value[:300])
                assert not getattr(el.proto, "allow_html", False) or "pwn" not in value
                shown += "pwn" in value
    assert shown, "the payload was shown somewhere (escaped)"


# --- exports --------------------------------------------------------------------------------

FORMULAS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", '=HYPERLINK("http://x")', "\t=1"]


def test_csv_export_neutralises_formula_cells() -> None:
    df = pd.DataFrame({"text": FORMULAS, "=head": ["ok"] * len(FORMULAS)})
    out = pd.read_csv(io.BytesIO(to_csv_bytes(df)), encoding="utf-8-sig", dtype=str)
    assert all(v.startswith("'") for v in out["text"])
    assert out.columns[1] == "'=head"


def test_xlsx_export_neutralises_formula_cells() -> None:
    from openpyxl import load_workbook

    df = pd.DataFrame({"text": FORMULAS})
    ws = load_workbook(io.BytesIO(to_xlsx_bytes(df))).active
    assert ws is not None
    cells = [ws.cell(row=i + 2, column=1) for i in range(len(FORMULAS))]
    assert all(c.data_type == "s" and str(c.value).startswith("'") for c in cells)


# --- attachments ------------------------------------------------------------------------------

HOSTILE_NAMES = [
    "../../../../etc/passwd.png",
    "..\\..\\windows\\system32\\evil.png",
    "/abs/path/x.png",
    "a/../../b.png",
    "..",
    "con\x00trol\x07.png",
    "....png",
    "名字/../../证明材料.png",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_file_names_cannot_leave_the_attachment_folder(name: str, tmp_path: Path) -> None:
    checked, problem = attachments.check_file(name, PNG)
    if checked is None:
        assert problem == "error.attachment_type"
        return
    assert "/" not in checked.original_name and "\\" not in checked.original_name
    assert all(c.isprintable() for c in checked.original_name)
    stored = attachments.new_stored_name(checked.extension)
    path = attachments.write(tmp_path, stored, PNG)
    assert path.resolve().parent == tmp_path.resolve()
    with pytest.raises(ValueError):
        attachments.path_for(tmp_path, name)


@pytest.mark.parametrize(
    ("name", "data", "key"),
    [
        ("big.pdf", b"%PDF-" + b"x" * attachments.MAX_BYTES, "error.attachment_too_large"),
        ("run.exe", b"MZ" + b"\x00" * 64, "error.attachment_type"),
        ("page.html", b"<script>alert(1)</script>", "error.attachment_type"),
        ("image.svg", b"<svg onload=alert(1)>", "error.attachment_type"),
        ("fake.png", b"<script>alert(1)</script>", "error.attachment_content"),
        ("fake.pdf", PNG, "error.attachment_content"),
        ("noext", PNG, "error.attachment_type"),
        ("empty.png", b"", "error.attachment_empty"),
    ],
)
def test_wrong_or_oversized_uploads_are_refused_and_write_nothing(
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    data: bytes,
    key: str,
) -> None:
    from lib import config

    monkeypatch.setenv("ATTACHMENTS_DIR", str(tmp_path / "files"))
    config.settings.cache_clear()
    w = make_world(engine)
    with session_scope(engine) as s:
        [report] = write.save_reports(
            actor=w.liaison_a,
            session=s,
            period=w.period,
            items=[write.ReportInput(w.asg_a1, 10, "in_progress")],
        )
        update_id = report.id
    before = checksum(engine)
    with pytest.raises(ServiceError) as refused, session_scope(engine) as s:
        write.add_attachment(
            actor=w.liaison_a, session=s, update_id=update_id, filename=name, data=data
        )
    assert refused.value.key == key
    for lang in ("zh", "en"):
        assert not refused.value.message(lang).startswith("error.")
    assert checksum(engine) == before
    assert not list((tmp_path / "files").glob("*")) if (tmp_path / "files").exists() else True
    config.settings.cache_clear()


# --- zip bombs and huge sheets -----------------------------------------------------------------


def _million_rows():  # type: ignore[no-untyped-def]
    for start in range(2, 1_000_002, 10_000):
        yield b"".join(
            b'<row r="%d"><c><v>%d</v></c><c><v>1</v></c></row>' % (i, i)
            for i in range(start, start + 10_000)
        )


def _bomb():  # type: ignore[no-untyped-def]
    yield b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
    block = b"A" * (1 << 20)
    for _ in range(300):  # 300 MB of text in a ~300 KB file
        yield block
    yield b"</t></is></c></row>"


def test_small_raw_workbook_imports(engine: Engine) -> None:
    """The hand-built workbook format is a real one: a small file goes in."""
    with session_scope(engine) as s:
        result = import_workbook(
            department_workbook([("X1", "测试科")]), actor=Actor.system(), session=s
        )
    assert not result.problems and result.created == 1


PROBE = r"""
import sys, time
sys.path.insert(0, sys.argv[2])
from lib.io.excel_import import read_workbook
data = open(sys.argv[1], "rb").read()
start = time.perf_counter()
_rows, _names, problems = read_workbook(data)
# VmHWM: this program's peak resident memory (ru_maxrss would include the forking parent's)
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(time.perf_counter() - start, peak // 1024, ",".join(sorted({p.key for p in problems})))
"""


@pytest.mark.parametrize(
    ("kind", "key"),
    [("bomb", "security.error_zip_bomb"), ("million", "import.error_too_many")],
)
def test_zip_bomb_and_million_rows_are_refused_fast_in_little_memory(
    tmp_path: Path, engine: Engine, kind: str, key: str
) -> None:
    data = raw_workbook(_bomb if kind == "bomb" else _million_rows)
    assert len(data) < 8 * 1024 * 1024  # small enough to pass the upload limit
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(data)
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    seconds, peak_mb, keys = out.stdout.split()
    assert keys == key
    assert float(seconds) < 10, seconds
    assert int(peak_mb) < 300, f"peak resident memory {peak_mb} MB"
    # and through the importer: refused, nothing written
    before = checksum(engine)
    with session_scope(engine) as s:
        result = import_workbook(data, actor=Actor.system(), session=s)
    assert [p.key for p in result.problems] == [key]
    assert result.problems[0].message("zh") and result.problems[0].message("en")
    assert checksum(engine) == before
    if kind == "million":
        assert MAX_ROWS < 1_000_000


def test_docx_zip_bomb_plan_is_refused() -> None:
    from lib.io.plan_file import PlanFileError, read_plan_bytes

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as fh:
            block = b" " * (1 << 20)
            for _ in range(150):
                fh.write(block)
    with pytest.raises(PlanFileError) as refused:
        read_plan_bytes("plan.docx", buf.getvalue())
    assert refused.value.key == "security.error_zip_bomb"


def test_read_workbook_reports_a_bomb_without_opening_it() -> None:
    _rows, _names, problems = read_workbook(raw_workbook(_bomb))
    assert [p.key for p in problems] == ["security.error_zip_bomb"]
