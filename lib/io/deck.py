"""The meeting deck: a native, editable 16:9 PowerPoint file from
:class:`lib.io.meeting.MeetingData`; titles and numbers as text in the East Asian
typeface, charts as pictures rendered offline (vl-convert) with the CJK font."""

from __future__ import annotations

import datetime as dt
import io
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from lib.domain import scoring
from lib.i18n import fmt_date, fmt_period, local_col, status_label, t
from lib.io.meeting import (
    EA_FONT,
    MeetingData,
    current_phase_name,
    days_text,
    headline,
    meeting_data,
    spotlight_departments,
    spotlight_lines,
)
from lib.read import views
from lib.read.cache import versioned
from lib.ui import charts

FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto")
TITLE_COLOUR = "#0D47A1"


@versioned
def deck_bytes(campaign_id: int, period: str, lang: str, today: dt.date) -> bytes:
    """The deck, built once per data version (building renders every chart)."""
    ctx = views.context(campaign_id, today, period)
    if ctx is None:
        raise KeyError(f"no campaign {campaign_id}")
    return build_deck(meeting_data(ctx, lang))


def build_deck(data: MeetingData) -> bytes:
    """Title, headline numbers, phases, ranking, 红黑榜, lagging tasks, satisfaction, a
    spotlight per commended or lagging department, closing."""
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    blank = prs.slide_layouts[6]
    pngs = slide_charts(data)
    for draw in (
        _title_slide,
        _headline_slide,
        _phases_slide,
        _ranking_slide,
        _honours_slide,
        _lagging_slide,
        _satisfaction_slide,
    ):
        draw(prs.slides.add_slide(blank), data, pngs)
    for dept_id in spotlight_departments(data):
        _spotlight_slide(prs.slides.add_slide(blank), data, dept_id)
    _closing_slide(prs.slides.add_slide(blank), data)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


# --- the slides ----------------------------------------------------------------------------


def _title_slide(s: Any, data: MeetingData, _pngs: dict[str, bytes]) -> None:
    lang, ctx = data.lang, data.ctx
    _textbox(s, 0.8, 2.0, 11.7, 1.6, [data.title], 40, bold=True, colour=TITLE_COLOUR)
    lines = [
        t("meeting.title_period", lang, period=fmt_period(ctx.period, lang)),
        t("meeting.title_date", lang, date=fmt_date(ctx.today, lang)),
        ctx.header.organiser or "",
    ]
    _textbox(s, 0.8, 3.8, 11.7, 1.6, lines, 24)


def _headline_slide(s: Any, data: MeetingData, _pngs: dict[str, bytes]) -> None:
    _title(s, t("meeting.slide_headline", data.lang), data)
    pairs = headline(data)
    for i, (label, value) in enumerate(pairs):
        col, row = i % 3, i // 3
        _textbox(s, 0.6 + col * 4.2, 1.5 + row * 2.4, 4.0, 0.6, [label], 20, colour="#455A64")
        _textbox(s, 0.6 + col * 4.2, 2.1 + row * 2.4, 4.0, 1.2, [value], 54, bold=True)
    if not pairs:
        _note(s, t("overview.no_tasks", data.lang), 24)


def _phases_slide(s: Any, data: MeetingData, pngs: dict[str, bytes]) -> None:
    lang, ctx = data.lang, data.ctx
    _title(s, t("meeting.slide_phases", lang), data)
    now = f"{current_phase_name(ctx, lang)} · {days_text(ctx, lang)}"
    _textbox(s, 0.6, 1.3, 12, 0.8, [now], 28, bold=True)
    if "phases" in pngs:
        _picture(s, pngs["phases"], 0.6, 2.4, 12.1)


def _ranking_slide(s: Any, data: MeetingData, pngs: dict[str, bytes]) -> None:
    _title(s, t("meeting.slide_ranking", data.lang), data)
    _chart_or_note(s, pngs, "ranking", t("overview.no_tasks", data.lang))


def _honours_slide(s: Any, data: MeetingData, _pngs: dict[str, bytes]) -> None:
    """红黑榜: the commend list on the left, the laggards on the right."""
    lang = data.lang
    _title(s, t("meeting.slide_honours", lang), data)
    for col, (frame, key, colour) in enumerate(
        ((data.commend, "ranking.commend", "#2E7D32"), (data.laggard, "ranking.laggard", "#C62828"))
    ):
        count = int(data.ctx.settings["commend_count" if col == 0 else "laggard_count"])
        lines = [
            f"{i}. {getattr(r, data.name_col)}  {r.composite:.2f}"
            for i, r in enumerate(frame.itertuples(index=False), start=1)
        ] or ["—"]
        _textbox(s, 0.6 + col * 6.3, 1.4, 6.0, 0.8, [t(key, lang, count=count)], 28, True, colour)
        _textbox(s, 0.6 + col * 6.3, 2.3, 6.0, 4.2, lines, 26)


def _lagging_slide(s: Any, data: MeetingData, _pngs: dict[str, bytes]) -> None:
    """The first eight lagging tasks as a table, the status in its colour."""
    from pptx.util import Inches

    lang = data.lang
    _title(s, t("meeting.slide_lagging", lang), data)
    rows = data.lagging.head(8)
    if rows.empty:
        _note(s, t("overview.no_lagging", lang), 28)
        return
    table = s.shapes.add_table(
        len(rows) + 1, 4, Inches(0.6), Inches(1.4), Inches(12.1), Inches(0.5 * (len(rows) + 1))
    ).table
    heads = [
        t("col.task", lang),
        t("col.departments", lang),
        t("col.progress", lang),
        t("col.status", lang),
    ]
    widths = [5.6, 4.0, 1.2, 1.3]
    for j, (h, w) in enumerate(zip(heads, widths, strict=True)):
        table.columns[j].width = Inches(w)
        cell = table.cell(0, j)
        cell.text = ""
        _set_font(cell.text_frame.paragraphs[0].add_run(), 16, True)
        cell.text_frame.paragraphs[0].runs[0].text = h
    depts_col = local_col("departments", lang)
    for i, r in enumerate(rows.itertuples(index=False), start=1):
        values = [
            f"{r.code} {r.title}",
            getattr(r, depts_col),
            f"{r.percent:.0f}%",
            status_label(r.status, lang),
        ]
        for j, v in enumerate(values):
            run = table.cell(i, j).text_frame.paragraphs[0].add_run()
            run.text = str(v)
            _set_font(run, 14, colour=scoring.STATUS_COLOURS[r.status] if j == 3 else None)


def _satisfaction_slide(s: Any, data: MeetingData, pngs: dict[str, bytes]) -> None:
    _title(s, t("meeting.slide_satisfaction", data.lang), data)
    _chart_or_note(s, pngs, "satisfaction", t("overview.no_satisfaction", data.lang))


def _spotlight_slide(s: Any, data: MeetingData, dept_id: int) -> None:
    row = data.ranking[data.ranking["department_id"] == dept_id].iloc[0]
    _title(s, t("meeting.slide_spotlight", data.lang, name=row[data.name_col]), data)
    _textbox(s, 0.8, 1.5, 11.8, 5.0, spotlight_lines(data, dept_id), 28)


def _closing_slide(s: Any, data: MeetingData) -> None:
    closing = [t("meeting.closing", data.lang)]
    _textbox(s, 0.8, 2.6, 11.7, 1.4, closing, 44, bold=True, colour=TITLE_COLOUR)
    _textbox(s, 0.8, 4.0, 11.7, 1.0, [data.title], 24)


# --- shapes --------------------------------------------------------------------------------


def _set_font(run: Any, size: int, bold: bool = False, colour: str | None = None) -> None:
    """Size, weight, colour and the East Asian typeface (Chinese text needs ``a:ea``)."""
    from pptx.dml.color import RGBColor
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = EA_FONT
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour.lstrip("#"))
    rpr = run._r.get_or_add_rPr()
    for tag in ("a:ea", "a:cs"):
        el = rpr.find(qn(tag))
        if el is None:
            el = rpr.makeelement(qn(tag), {})
            rpr.append(el)
        el.set("typeface", EA_FONT)


def _textbox(
    slide: Any,
    left: float,
    top: float,
    width: float,
    height: float,
    lines: list[str],
    size: int,
    bold: bool = False,
    colour: str | None = None,
) -> None:
    """A text box (inches), one paragraph per line."""
    from pptx.util import Inches

    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = para.add_run()
        run.text = line
        _set_font(run, size, bold, colour)


def _title(slide: Any, text: str, data: MeetingData) -> None:
    """The slide's title, and the campaign and month at its foot."""
    _textbox(slide, 0.5, 0.3, 12.3, 0.9, [text], 32, bold=True, colour=TITLE_COLOUR)
    foot = f"{data.title} · {fmt_period(data.ctx.period, data.lang)}"
    _textbox(slide, 0.5, 6.9, 12.3, 0.4, [foot], 12, colour="#607D8B")


def _note(slide: Any, text: str, size: int) -> None:
    """What a slide says when it has nothing to show."""
    _textbox(slide, 0.6, 2.0, 12, 1, [text], size)


def _picture(slide: Any, png: bytes, left: float, top: float, width: float) -> None:
    from pptx.util import Inches

    slide.shapes.add_picture(io.BytesIO(png), Inches(left), Inches(top), width=Inches(width))


def _chart_or_note(slide: Any, pngs: dict[str, bytes], key: str, empty: str) -> None:
    """The chart under the title, or the note saying why there is none."""
    if key in pngs:
        _picture(slide, pngs[key], 0.6, 1.3, 12.1)
    else:
        _note(slide, empty, 24)


# --- charts as pictures ------------------------------------------------------------------


@lru_cache(maxsize=1)
def _fonts_registered() -> bool:
    import vl_convert as vlc

    for folder in FONT_DIRS:
        if Path(folder).is_dir():
            vlc.register_font_directory(folder)
    return True


def chart_png(chart: alt.TopLevelMixin, scale: float = 2.0) -> bytes:
    """Render an Altair chart to PNG offline (vl-convert), with the CJK font."""
    import vl_convert as vlc

    _fonts_registered()
    spec = json.loads(json.dumps(chart.to_dict(), default=str))  # dates as ISO text
    return bytes(vlc.vegalite_to_png(spec, scale=scale))


def _sized(
    chart: alt.TopLevelMixin, width: int, height: int | None = None, step: int | None = None
) -> alt.TopLevelMixin:
    """The chart at slide size, with type large enough to read from the back of a room."""
    return charts.large(chart.properties(width=width), step=step, height=height)


def slide_charts(data: MeetingData) -> dict[str, bytes]:
    """PNG of each chart the deck shows (a key only when there is something to draw)."""
    lang = data.lang
    out: dict[str, bytes] = {}
    phases = views.phase_timeline(data.ctx.header, lang)
    if not phases.empty:
        out["phases"] = chart_png(
            _sized(charts.phase_timeline(phases, data.ctx.today, lang), 1100, step=70)
        )
    if data.numbers.get("tasks"):
        counts = pd.DataFrame(
            {"status": list(scoring.STATUSES), "count": [data.numbers[s] for s in scoring.STATUSES]}
        )
        out["status"] = chart_png(_sized(charts.status_bar(counts, lang), 520, step=40))
    if not data.ranking.empty:
        top = data.ranking.head(15)
        out["ranking"] = chart_png(
            _sized(charts.ranking_bars(top, lang, text_size=20), 1000, step=30)
        )
    if not data.satisfaction.empty:
        sat = data.satisfaction
        trend = sat.assign(
            item=sat[local_col("name", lang)].fillna(sat["name"]),
            value=sat["value"].astype(float),
        )
        target = trend["target"].dropna().max() if trend["target"].notna().any() else None
        out["satisfaction"] = chart_png(
            _sized(charts.trend_with_target(trend, target, lang, t("col.value", lang)), 1000, 380)
        )
    return out
