"""The monthly circular as a 公文 (GB/T 9704-2012), read back from the .docx XML, and
every sentence of it checked against the numbers the pages show (issue 19)."""

from __future__ import annotations

import io
import re

import pytest

from lib.db import session_scope
from lib.io import circular, meeting
from lib.read import views
from tests.factories import TODAY

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def example_data(worked_example: int):  # type: ignore[no-untyped-def]
    ctx = views.context(worked_example, TODAY, "2026-03")
    assert ctx is not None
    return meeting.meeting_data(ctx, "zh")


def _docx(data: meeting.MeetingData, **head: object):  # type: ignore[no-untyped-def]
    from docx import Document

    top = circular.circular_head(data, **head)  # type: ignore[arg-type]
    text = circular.circular_text(data, top)
    return text, Document(io.BytesIO(circular.circular_docx(text, top)))


def test_circular_docx_is_a_gongwen(example_data) -> None:  # type: ignore[no-untyped-def]
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    _, doc = _docx(example_data, prefix="服务办", issuer="示例医院")
    sec = doc.sections[0]
    # A4 and the standard margins: a 156 × 225 mm text block
    assert abs(sec.page_width - Mm(210)) < Mm(0.2) and abs(sec.page_height - Mm(297)) < Mm(0.2)
    assert abs(sec.top_margin - Mm(37)) < Mm(0.2) and abs(sec.left_margin - Mm(28)) < Mm(0.2)
    assert abs(sec.bottom_margin - Mm(35)) < Mm(0.2) and abs(sec.right_margin - Mm(26)) < Mm(0.2)
    text_w = sec.page_width - sec.left_margin - sec.right_margin
    text_h = sec.page_height - sec.top_margin - sec.bottom_margin
    assert abs(text_w - Mm(156)) < Mm(0.3) and abs(text_h - Mm(225)) < Mm(0.3)
    paras = [p for p in doc.paragraphs if p.text.strip()]

    def fonts(p):  # type: ignore[no-untyped-def]
        return {r._r.rPr.rFonts.get(f"{W}eastAsia") for r in p.runs if r.text.strip()}

    # 版头: the issuer mark in red 小标宋, the document number, the red separator
    mark, number, title, addressee = paras[:4]
    assert mark.text == "示例医院文件" and fonts(mark) == {circular.FONT_TITLE}
    assert str(mark.runs[0].font.color.rgb) == "FF0000"
    assert mark.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert number.text == "服务办〔2026〕3号"  # March is the campaign's third month
    border = number._p.pPr.find(f"{W}pBdr/{W}bottom")
    assert border is not None and border.get(f"{W}color") == "FF0000"
    # the title in 二号 小标宋, centred; the addressee flush left
    assert title.text == "关于示例活动2026年3月进展情况的通报"
    assert fonts(title) == {circular.FONT_TITLE} and title.runs[0].font.size == Pt(22)
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert addressee.text == "各科室：" and addressee.paragraph_format.first_line_indent is None
    assert addressee.alignment == WD_ALIGN_PARAGRAPH.LEFT
    # body in 三号 仿宋 with two-character indents; headings in 黑体 and 楷体
    opening = paras[4]
    assert opening.text.endswith("通报如下：")
    assert fonts(opening) == {circular.FONT_BODY} and opening.runs[0].font.size == Pt(16)
    assert opening.paragraph_format.first_line_indent == Pt(32)
    assert opening.paragraph_format.line_spacing == Pt(circular.LINE_PT)
    h1 = [p for p in paras if re.match(r"^[一二三四五六七八九十]+、", p.text)]
    h2 = [p for p in paras if re.match(r"^（[一二三四五六七八九十]+）", p.text)]
    assert h1 and all(fonts(p) == {circular.FONT_H1} for p in h1)
    assert h2 and all(fonts(p) == {circular.FONT_H2} for p in h2)
    # no Word heading styles, no bullets, no Microsoft YaHei anywhere
    assert all(p.style.name == "Normal" for p in doc.paragraphs)
    assert "YaHei" not in doc.element.xml
    # 特此通报, then the issuer and the date (Arabic numerals, GB/T 9704) to the right
    texts = [p.text for p in paras]
    closing = texts.index("特此通报。")
    assert texts[closing + 1 :] == ["示例医院", "2026年3月31日"]
    for p in paras[closing + 1 :]:
        assert p.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert paras[-1].paragraph_format.right_indent == Pt(32)  # 右空二字
    # page numbers “— N —”: odd pages right, even pages left
    assert doc.settings.odd_and_even_pages_header_footer
    odd, even = sec.footer.paragraphs[0], sec.even_page_footer.paragraphs[0]
    for footer, align in ((odd, WD_ALIGN_PARAGRAPH.RIGHT), (even, WD_ALIGN_PARAGRAPH.LEFT)):
        assert footer.alignment == align
        assert (
            "PAGE" in footer._p.xml and footer.text.startswith("— ") and footer.text.endswith(" —")
        )


def _sections(text: str) -> list[str]:
    return re.findall(r"^## ([一二三四五六七八九十]+)、", text, flags=re.M)


def _claims_hold(data: meeting.MeetingData, text: str) -> None:
    """Each sentence of the circular against the figures of the pages."""
    n = views.overview_numbers(data.ctx)
    # sections numbered 一、二、三… without a gap; subsections （一）（二） within each
    heads = _sections(text)
    assert heads == [circular.chinese_number(i) for i in range(1, len(heads) + 1)]
    assert "上周" not in text  # a monthly circular compares months
    # reporting: the rate and the departments missing, the same rows as the rate
    assert f"本月应报送 {n['reports_due']} 项，已报送 {n['reported']} 项" in text
    gaps = circular.reporting_gaps(data)
    if n["reported"] < n["reports_due"]:
        assert "均已" not in text and gaps
        for name, count in gaps.items():
            assert f"{name}（缺{count}项）" in text
    else:
        assert "各科室均已报送。" in text and not gaps
    # progress and its change since the end of last month
    assert f"总体完成率 {n['completion']:.1f}%" in text
    before = circular.previous_numbers(data)
    if before is not None:
        change = round(n["completion"] - before[1]["completion"], 1)  # type: ignore[operator]
        word = "提高" if change > 0 else "下降"
        assert (f"{word} {abs(change):.1f} 个百分点" in text) if change else ("持平" in text)
    # commended and lagging departments with their scores, from the ranking
    ranked = views.ranking(data.ctx)
    commend, laggard = views.honour_lists(data.ctx, ranked)
    for frame in (commend, laggard):
        for r in frame.itertuples(index=False):
            assert f"{getattr(r, data.name_col)}（{r.composite:.2f}）" in text


def test_circular_sentences_agree_with_the_data(example_data) -> None:  # type: ignore[no-untyped-def]
    text = circular.circular_text(example_data)
    # the worked example: 3 of 4 reports, 乙科 has one missing, yet no department sent none
    assert "报送率 75.0%" in text and "乙科（缺1项）" in text
    assert "各科室均已" not in text
    assert "较上月末（2026年2月）" in text
    assert text.index("各科室：") < text.index("现将") < text.index("## 一、")
    assert text.rstrip().endswith("特此通报。\n\n服务提升活动办公室\n2026年3月31日")
    _claims_hold(example_data, text)
    en = circular.circular_text(meeting.meeting_data(example_data.ctx, "en"))
    assert "last week" not in en and "Dept B (1 missing)" in en and "Every department" not in en


def test_circular_says_all_reported_only_when_all_did(worked_example: int) -> None:
    import datetime as dt

    from sqlalchemy import select

    from lib.db import bump_data_version
    from lib.models import Assignment, MonthlyUpdate

    with session_scope() as s:
        missing = [
            a
            for a in s.execute(select(Assignment)).scalars()
            if not s.execute(
                select(MonthlyUpdate.id).where(
                    MonthlyUpdate.assignment_id == a.id, MonthlyUpdate.period == "2026-03"
                )
            ).first()
        ]
        assert len(missing) == 1
        s.add(
            MonthlyUpdate(
                assignment_id=missing[0].id,
                period="2026-03",
                percent_done=70,
                review_state="submitted",
                submitted_at=dt.datetime(2026, 3, 20, 9),
                updated_at=dt.datetime(2026, 3, 20, 9),
            )
        )
        bump_data_version(s)
    ctx = views.context(worked_example, TODAY, "2026-03")
    assert ctx is not None
    data = meeting.meeting_data(ctx, "zh")
    text = circular.circular_text(data)
    assert "报送率 100.0%" in text and "各科室均已报送。" in text and "缺" not in text
    _claims_hold(data, text)


def test_circular_numbering_stays_continuous(example_data) -> None:  # type: ignore[no-untyped-def]
    """Empty sections are left out and the rest renumbered (it jumped 五 → 七)."""
    from dataclasses import replace

    import pandas as pd

    sparse = replace(example_data, satisfaction=pd.DataFrame(), problems={})
    text = circular.circular_text(sparse)
    heads = _sections(text)
    assert heads == [circular.chinese_number(i) for i in range(1, len(heads) + 1)]
    assert "满意度" not in "".join(re.findall(r"^## .*$", text, flags=re.M))
    assert [circular.chinese_number(i) for i in (1, 9, 10, 11, 20, 23)] == [
        "一", "九", "十", "十一", "二十", "二十三",
    ]  # fmt: skip


def test_circular_renders_as_a4_through_libreoffice(worked_example_sqlite) -> None:  # type: ignore[no-untyped-def]
    """The Word file and the server's PDF, rendered by LibreOffice (zh and en): A4 pages,
    first pages as PNG under tests/artifacts/circular/ to look at."""
    import shutil
    import subprocess

    from lib.io import office
    from tests.conftest import ARTIFACTS, need

    if not office.available() or not shutil.which("pdftoppm") or not shutil.which("pdfinfo"):
        need("libreoffice and poppler are not installed")
    cid, _ = worked_example_sqlite
    out = ARTIFACTS / "circular"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for lang in ("zh", "en"):
        ctx = views.context(cid, TODAY, "2026-03")
        assert ctx is not None
        data = meeting.meeting_data(ctx, lang)
        head = circular.circular_head(data, prefix="服务办" if lang == "zh" else "CO")
        text = circular.circular_text(data, head)
        for name, pdf in (
            ("docx", office.to_pdf(circular.circular_docx(text, head), ".docx")),
            ("pdf", circular.circular_pdf(text, head)),
        ):
            path = out / f"{lang}_{name}.pdf"
            path.write_bytes(pdf)
            info = subprocess.run(
                ["pdfinfo", str(path)], capture_output=True, text=True, check=True
            ).stdout
            assert "(A4)" in info, info
            pngs = office.pdf_to_pngs(pdf, out / f"{lang}_{name}", dpi=60, first=1, last=1)
            assert len(pngs) == 1 and pngs[0].stat().st_size > 5_000


def test_cli_circular_with_prefix_and_number(worked_example_sqlite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import subprocess
    import sys

    from docx import Document

    from tests.conftest import ROOT

    cid, url = worked_example_sqlite
    out = tmp_path / "c.docx"
    r = subprocess.run(
        [sys.executable, "-m", "lib.cli", "circular", "--campaign", str(cid), "--period",
         "2026-03", "--out", str(out), "--prefix", "服务办", "--number", "12",
         "--issuer", "示例医院"],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True,
        timeout=180,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    texts = [p.text for p in Document(str(out)).paragraphs if p.text.strip()]
    assert texts[:2] == ["示例医院文件", "服务办〔2026〕12号"]
    assert texts[-3:-1] == ["特此通报。", "示例医院"]
    assert re.fullmatch(r"\d{4}年[1-9]\d?月[1-9]\d?日", texts[-1])  # the day it is written


def test_issuer_and_prefix_are_kept_per_campaign(app_engine) -> None:  # type: ignore[no-untyped-def]
    """The setup page stores the issuing office and number prefix in the campaign's
    settings (through lib/write, audited); the circular's head reads them."""
    from lib import write
    from lib.models import AuditLog, Campaign
    from tests.factories import make_world

    engine = app_engine
    w = make_world(engine)
    with session_scope(engine) as s:
        camp = s.get(Campaign, w.campaign_id)
        assert camp is not None
        name, start, end = camp.name, camp.start_date, camp.end_date
    with session_scope(engine) as s:
        write.update_campaign(
            actor=w.office,
            session=s,
            campaign_id=w.campaign_id,
            name=name,
            start=start,
            end=end,
            circular={"issuer": " 示例医院 ", "prefix": "医服办"},
        )
    with session_scope(engine) as s:
        camp = s.get(Campaign, w.campaign_id)
        assert camp is not None and camp.settings["circular"] == {
            "issuer": "示例医院",
            "prefix": "医服办",
        }
        assert s.query(AuditLog).filter(AuditLog.entity == "campaign").count() >= 1
    from lib.domain.scoring import campaign_settings

    assert campaign_settings({})["circular"] == {"issuer": "", "prefix": ""}
    ctx = views.context(w.campaign_id, start)
    assert ctx is not None
    head = circular.circular_head(meeting.meeting_data(ctx, "zh"))
    assert head.issuer == "示例医院" and head.number == f"医服办〔{ctx.period[:4]}〕1号"


def test_circular_counts_the_months_appeals(worked_example: int) -> None:
    """#21: the appeals about the month are counted in the circular, as the appeals page
    counts them; without any, the section is left out and the numbering stays whole."""
    from sqlalchemy import select

    from lib import write
    from lib.domain.permissions import Actor
    from lib.models import Department
    from lib.read import appeals

    def text() -> str:
        ctx = views.context(worked_example, TODAY, "2026-03")
        assert ctx is not None
        return circular.circular_text(meeting.meeting_data(ctx, "zh"))

    assert "申诉处理" not in text()
    with session_scope() as s:
        dept_b = s.scalar(select(Department.id).where(Department.code == "B"))
        liaison = Actor("liaison", frozenset({"liaison"}), None, department_id=dept_b)
        write.file_appeal(
            actor=liaison,
            session=s,
            campaign_id=worked_example,
            department_id=dept_b,
            kind="inspection",
            period="2026-03",
            reason="扣分依据的是旧流程",
            requested=90,
        )
    body = text()
    c = appeals.counts(worked_example, "2026-03")
    assert c == {"open": 1, "upheld": 0, "rejected": 0, "total": 1}
    assert "本月涉及的申诉共1件，其中采纳0件、不予采纳0件、待处理1件。" in body
    heads = _sections(body)
    assert heads == [circular.chinese_number(i) for i in range(1, len(heads) + 1)]
