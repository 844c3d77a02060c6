"""Meeting deck, monthly circular and Excel report from the worked example (and the
demo), and the meeting page in AppTest."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lib.db import session_scope
from lib.io import circular, meeting, report_xlsx
from lib.io.deck import build_deck
from lib.read import views
from tests.conftest import ARTIFACTS, ROOT, need
from tests.factories import TODAY


@pytest.fixture
def example_data(worked_example: int):  # type: ignore[no-untyped-def]
    ctx = views.context(worked_example, TODAY, "2026-03")
    assert ctx is not None
    return meeting.meeting_data(ctx, "zh")


@pytest.fixture
def example_sqlite(worked_example_sqlite: tuple[int, str]):  # type: ignore[no-untyped-def]
    """The worked example on SQLite only, for the slow checks that do not touch SQL."""
    cid, url = worked_example_sqlite
    ctx = views.context(cid, TODAY, "2026-03")
    assert ctx is not None
    return meeting.meeting_data(ctx, "zh"), url


def _slide_texts(deck: bytes) -> list[str]:
    from pptx import Presentation

    prs = Presentation(io.BytesIO(deck))
    return [
        "\n".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
        for slide in prs.slides
    ]


def test_deck_slides_titles_and_pictures(example_data) -> None:  # type: ignore[no-untyped-def]
    from pptx import Presentation
    from pptx.util import Inches

    deck = build_deck(example_data)
    prs = Presentation(io.BytesIO(deck))
    assert (prs.slide_width, prs.slide_height) == (Inches(13.333), Inches(7.5))  # 16:9
    texts = _slide_texts(deck)
    # title, headline, phases, run chart, ranking, honours, lagging, satisfaction,
    # 2 spotlights, closing
    assert len(texts) == 11
    assert "示例活动" in texts[0] and "2026年3月" in texts[0]
    for i, title in enumerate(
        [
            "总体进展",
            "阶段与时间",
            "活动总体完成率运行图",
            "科室排名",
            "红黑榜",
            "滞后与逾期任务",
            "满意度与目标",
            "科室聚焦：甲科",
            "科室聚焦：乙科",
        ],
        start=1,
    ):
        assert texts[i].startswith(title), (i, texts[i][:40])
    assert "65.0%" in texts[1]  # overall completion
    assert "甲科  86.60" in texts[5] and "乙科  59.40" in texts[5]
    pictures = [sum(1 for sh in s.shapes if sh.shape_type == 13) for s in prs.slides]
    assert pictures[3] == 1  # the run chart of the overall completion
    assert pictures[7] == 1  # the satisfaction chart (the example has no phases to draw)
    tables = [sum(1 for sh in s.shapes if sh.has_table) for s in prs.slides]
    assert tables[4] == 1  # the ranking: a native table with every department and its score
    # Chinese text carries the East Asian typeface
    xml = prs.slides[1].shapes[0].text_frame.paragraphs[0].runs[0]._r.xml
    assert 'a:ea typeface="Microsoft YaHei"' in xml


def test_circular_names_departments_and_numbers(example_data) -> None:  # type: ignore[no-untyped-def]
    text = circular.circular_text(example_data)
    assert text.startswith("# 关于示例活动2026年3月进展情况的通报")
    assert "本月应报送 4 项，已报送 3 项，报送率 75.0%" in text
    assert "总体完成率 65.0%" in text
    assert "甲科（86.60）" in text and "乙科（59.40）" in text
    assert "1 优化预约流程" in text  # the task at risk, by name
    assert "患者满意度平均 89.50 分" in text  # (93 + 86) / 2
    docx = circular.circular_docx(text)
    from docx import Document

    doc = Document(io.BytesIO(docx))
    assert doc.paragraphs[0].text.startswith("关于示例活动")
    en = circular.circular_text(meeting.meeting_data(example_data.ctx, "en"))
    assert "Dept A (86.60)" in en and "3 of 4 reports" in en


def test_excel_report_sheets(example_data) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(report_xlsx.excel_report(example_data)))
    assert wb.sheetnames == ["汇总", "排名", "甲科", "乙科"]
    ranking = list(wb["排名"].iter_rows(values_only=True))
    assert ranking[0][:3] == ("排名", "科室", "综合得分")
    assert ranking[1][:3] == (1, "甲科", 86.6)
    assert wb["甲科"].freeze_panes == "A2"


def test_deck_renders_in_libreoffice(example_sqlite) -> None:  # type: ignore[no-untyped-def]
    example_data, _ = example_sqlite
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if not office or not shutil.which("pdftoppm"):
        need("libreoffice and pdftoppm are not installed")
    out = ARTIFACTS / "deck"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    deck = out / "deck.pptx"
    deck.write_bytes(build_deck(example_data))
    profile = out / "lo-profile"
    subprocess.run(
        [
            office,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(deck),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    pdf = out / "deck.pdf"
    assert pdf.stat().st_size > 10_000
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", str(pdf), str(out / "slide")], check=True, timeout=120
    )
    assert len(list(out.glob("slide-*.png"))) == 11


def test_cli_export_deck_and_circular(example_sqlite, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    example_data, db_url = example_sqlite
    env = {**os.environ, "DATABASE_URL": db_url}
    cid = str(example_data.ctx.campaign_id)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "lib.cli", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )

    r = run(
        "export-deck",
        "--campaign",
        cid,
        "--period",
        "2026-03",
        "--out",
        str(tmp_path / "deck.pptx"),
        "--lang",
        "en",
    )
    assert r.returncode == 0, r.stderr
    assert "Worked example" in _slide_texts((tmp_path / "deck.pptx").read_bytes())[0]
    r = run("circular", "--campaign", cid, "--period", "2026-03", "--out", str(tmp_path / "c.md"))
    assert r.returncode == 0 and "甲科（86.60）" in (tmp_path / "c.md").read_text("utf-8")
    r = run("circular", "--campaign", cid, "--period", "2026-13", "--out", str(tmp_path / "x.md"))
    assert r.returncode == 1 and "YYYY-MM" in r.stderr and not (tmp_path / "x.md").exists()
    r = run(
        "export-deck", "--campaign", "999", "--period", "2026-03", "--out", str(tmp_path / "y.pptx")
    )
    assert r.returncode == 1 and "999" in r.stderr
    r = run("export-deck", "--campaign", cid)
    assert r.returncode == 2


def test_meeting_page_next_previous_and_frozen(app_db: str) -> None:
    import datetime as dt

    from sqlalchemy import select

    from lib.models import Assignment, MonthlyUpdate, Task
    from lib.ui.nav import PAGES
    from tests.apphelpers import logged_in

    at = logged_in("leader")
    at.switch_page(next(p.path for p in PAGES if p.key == "meeting")).run()
    assert not at.exception, at.exception
    first = at.title[0].value
    next_button = next(b for b in at.button if b.key == "meeting_next")
    next_button.click()
    at.run()
    assert at.title[0].value == "总体进展"
    shown = {m.label: m.value for m in at.metric}
    assert "本月报送率" in shown
    # a liaison reports during the meeting: the slide does not move
    with session_scope() as s:
        campaign_id = at.session_state["campaign_id"]
        period = at.session_state[f"meeting_{campaign_id}_period"]
        missing = (
            s.execute(
                select(Assignment.id)
                .join(Task)
                .where(Task.campaign_id == campaign_id)
                .where(
                    ~Assignment.id.in_(
                        select(MonthlyUpdate.assignment_id).where(MonthlyUpdate.period == period)
                    )
                )
            )
            .scalars()
            .first()
        )
        assert missing is not None
        s.add(
            MonthlyUpdate(
                assignment_id=missing,
                period=period,
                percent_done=100,
                review_state="submitted",
                submitted_at=dt.datetime.now(),
            )
        )
        from lib.db import bump_data_version

        bump_data_version(s)
    at.run()
    assert {m.label: m.value for m in at.metric} == shown
    next(b for b in at.button if b.key == "meeting_prev").click()
    at.run()
    assert at.title[0].value == first


def test_meeting_page_offers_the_frozen_deck(app_db: str) -> None:
    from lib.ui.nav import PAGES
    from tests.apphelpers import logged_in

    at = logged_in("leader")
    at.switch_page(next(p.path for p in PAGES if p.key == "meeting")).run()
    toggle = next(w for w in at.toggle if w.label == "准备本次会议的 PPT 下载")
    toggle.set_value(True).run()
    assert not at.exception, at.exception
    assert any(el.proto.label == "下载 PPT" for el in at.get("download_button"))
