"""The Excel report and the deck of issue 19, read back from the files: numbers as
numbers with formats and print setup (.xlsx); pictures at the slide's size, every
department with its score, projector-size type, frozen to the month (.pptx)."""

from __future__ import annotations

import io

import pytest

from lib.io import meeting, report_xlsx
from lib.read import views
from tests.factories import TODAY


def _add_phases(campaign_id: int) -> None:
    """Two dated phases for the worked example (it has none), for the timeline."""
    import datetime as dt

    from lib.db import bump_data_version, session_scope
    from lib.models import Phase

    with session_scope() as s:
        s.add_all(
            [
                Phase(campaign_id=campaign_id, seq=1, name="动员部署", kind="mobilise",
                      start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 2, 15)),
                Phase(campaign_id=campaign_id, seq=2, name="整改落实", kind="rectify",
                      start_date=dt.date(2026, 2, 16), end_date=dt.date(2026, 6, 30)),
            ]
        )  # fmt: skip
        bump_data_version(s)


@pytest.fixture
def example_data(worked_example: int):  # type: ignore[no-untyped-def]
    _add_phases(worked_example)
    ctx = views.context(worked_example, TODAY, "2026-03")
    assert ctx is not None
    return meeting.meeting_data(ctx, "zh")


def test_excel_report_numbers_formats_and_print_setup(example_data) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(report_xlsx.excel_report(example_data)))
    assert wb.sheetnames == ["汇总", "排名", "甲科", "乙科"]
    summary = {r[0].value: r[1] for r in wb["汇总"].iter_rows(min_row=2)}
    assert [c.value for c in wb["汇总"][1]] == ["统计指标", "数值"]
    n = example_data.numbers
    rate = summary["本月报送率"]
    assert isinstance(rate.value, float) and rate.value == pytest.approx(0.75)
    assert rate.number_format == "0.0%"
    assert summary["总体完成率"].value == pytest.approx(n["completion"] / 100)
    assert summary["本月应报送（项）"].value == 4 and summary["本月已报送（项）"].value == 3
    assert summary["逾期任务数（项）"].number_format == "0"
    ranking = list(wb["排名"].iter_rows())
    assert [c.value for c in ranking[0]][:4] == ["排名", "科室", "综合得分", "完成率得分"]
    first = ranking[1]
    assert (first[0].value, first[1].value, first[2].value) == (1, "甲科", 86.6)
    assert isinstance(first[2].value, float) and first[2].number_format == "0.00"
    tasks = list(wb["甲科"].iter_rows())
    assert [c.value for c in tasks[0]][2:4] == ["完成进度", "按时间应完成"]
    assert [(isinstance(r[2].value, (int, float)), r[2].number_format) for r in tasks[1:]] == [
        (True, "0%")
    ] * 2
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
        assert ws.print_title_rows == "$1:$1"  # the header row on every printed page
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert "示例活动" in ws.oddHeader.center.text and "2026年3月" in ws.oddHeader.center.text
        assert "&P" in ws.oddFooter.center.text
        # no figure stored as text (task codes such as "1" or "1.2" are labels)
        for row in ws.iter_rows(min_row=2, values_only=True):
            for v in row[1:] if ws.title in ("甲科", "乙科") else row:
                if isinstance(v, str):
                    assert not v.replace(".", "", 1).rstrip("%").isdigit(), (ws.title, v)


def _deck(data: meeting.MeetingData):  # type: ignore[no-untyped-def]
    from pptx import Presentation

    from lib.io.deck import build_deck

    return Presentation(io.BytesIO(build_deck(data)))


def _texts(slide) -> str:  # type: ignore[no-untyped-def]
    parts = []
    for sh in slide.shapes:
        if sh.has_text_frame:
            parts.append(sh.text_frame.text)
        if sh.has_table:
            parts += [c.text for row in sh.table.rows for c in row.cells]
    return "\n".join(parts)


def test_deck_pictures_fill_their_box_at_projector_sizes(example_data) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image
    from pptx.util import Emu, Inches, Pt

    from lib.io import deck

    prs = _deck(example_data)
    slide_w = prs.slide_width
    pictures = [sh for s in prs.slides for sh in s.shapes if sh.shape_type == 13]
    # the phase timeline, the overall completion's run chart, the satisfaction trend
    assert len(pictures) == 3
    for pic in pictures:
        px_w, px_h = Image.open(io.BytesIO(pic.image.blob)).size
        # drawn at exactly the box it was rendered for: a px of the spec is a pt on the slide
        assert px_w / deck.CHART_SCALE == pytest.approx(Emu(pic.width).pt, rel=0.02)
        assert px_h / deck.CHART_SCALE == pytest.approx(Emu(pic.height).pt, rel=0.02)
        assert pic.height >= Pt(0.55 * 540)
        # full width, or the run chart beside its signals in words
        assert pic.width >= 0.9 * slide_w or pic.width == Inches(deck.RUN_CHART_W)
    specs = {k: c.to_dict() for k, c in deck.chart_specs(example_data).items()}
    for spec in specs.values():
        config = spec["config"]
        assert config["axis"]["labelFontSize"] >= 18 and config["axis"]["titleFontSize"] >= 18
        assert config["legend"]["labelFontSize"] >= 18 and config["text"]["fontSize"] >= 18
    marker = next(ly for ly in specs["phases"]["layer"] if ly["mark"].get("type") == "text")
    assert marker["mark"]["fontSize"] >= 18  # the 今天 marker (was 12 px, 5 pt projected)
    # every text on every slide at projector size: titles 32, body ≥ 18 (footer line aside)
    for i, s in enumerate(prs.slides):
        for sh in s.shapes:
            frames = [sh.text_frame] if sh.has_text_frame else []
            if sh.has_table:
                frames += [c.text_frame for row in sh.table.rows for c in row.cells]
            for frame in frames:
                for para in frame.paragraphs:
                    for run in para.runs:
                        if not run.text.strip() or sh.top > Pt(480):  # the foot line
                            continue
                        assert run.font.size >= Pt(18), (i, run.text, run.font.size.pt)
        assert " ，" not in _texts(s) and " 。" not in _texts(s)


def test_deck_ranks_every_department_with_its_score(example_data) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    import pandas as pd

    from lib.io import deck

    prs = _deck(example_data)
    texts = [_texts(s) for s in prs.slides]
    ranking = next(x for x in texts if x.startswith("科室排名"))
    for r in example_data.ranking.itertuples(index=False):
        assert f"{r.department}\n{r.composite:.2f}" in ranking
    assert "按期" in ranking or "滞后" in ranking or "已完成" in ranking or "预警" in ranking
    # 31 departments: three slides of at most RANK_ROWS, every one present once with its score
    base = example_data.ranking.iloc[0]
    many = pd.DataFrame(
        [
            {**base.to_dict(), "department_id": 100 + i, "department": f"科{i:02d}",
             "composite": 90 - i, "rank": i + 1}
            for i in range(31)
        ]
    )  # fmt: skip
    big = replace(example_data, ranking=many, commend=many.head(0), laggard=many.head(0))
    plan = meeting.slide_plan(big)
    assert [k for k in plan if k.startswith("ranking:")] == ["ranking:0", "ranking:1", "ranking:2"]
    prs = _deck(big)
    pages = [_texts(s) for s in prs.slides if _texts(s).startswith("科室排名")]
    assert [p.split("\n")[0] for p in pages] == [f"科室排名（{i}/3）" for i in (1, 2, 3)]
    joined = "\n".join(pages)
    for i in range(31):
        assert joined.count(f"科{i:02d}\n{90 - i:.2f}") == 1
    tables = [sh.table for s in prs.slides for sh in s.shapes if sh.has_table]
    assert max(len(tb.rows) for tb in tables[:3]) == deck.RANK_ROWS + 1


def test_deck_for_a_past_month_is_frozen_at_its_end(worked_example: int) -> None:
    """February seen on 31 March: day 59 of 181 and the marker on 28 February."""
    from lib.io import deck

    _add_phases(worked_example)
    ctx = views.context(worked_example, TODAY, "2026-02")
    assert ctx is not None and ctx.at.isoformat() == "2026-02-28"
    data = meeting.meeting_data(ctx, "zh")
    assert "第59天" in meeting.days_text(ctx, "zh").replace(" ", "")
    spec = deck.chart_specs(data)["phases"].to_dict()
    (marker,) = [v for k, v in spec["datasets"].items() if v and "today" in v[0]]
    assert str(marker[0]["today"]).startswith("2026-02-28")
    prs = _deck(data)
    texts = [_texts(s) for s in prs.slides]
    assert "截至 2026年2月28日" in texts[0]
    assert any("第 59 天" in x or "第59天" in x for x in texts)
    # speaker notes carry the numbers
    notes = prs.slides[1].notes_slide.notes_text_frame.text
    assert fmt_pct_like(data.numbers["completion"]) in notes


def fmt_pct_like(value: float) -> str:
    return f"{value:.1f}%"
