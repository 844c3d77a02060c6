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

from lib.domain import scoring
from lib.i18n import fmt_date, fmt_pct, fmt_period, local_col, status_label, t
from lib.io.meeting import (
    EA_FONT,
    RANK_ROWS,
    MeetingData,
    current_phase_name,
    days_text,
    department_statuses,
    headline,
    meeting_data,
    progress_figures,
    ranking_pages,
    run_lines,
    slide_plan,
    spotlight_figures,
    spotlight_tasks,
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


SLIDE_W, SLIDE_H = 13.333, 7.5  # inches, 16:9
# the content box under the title (inches): charts are rendered at exactly this size, so
# a chart's type sizes in px are points on the slide
BOX_LEFT, BOX_TOP, BOX_W, BOX_H = 0.6, 1.3, 12.13, 5.45
CHART_SCALE = 3  # PNG pixels per point: sharp on a 1920 × 1080 projector
CHART_FONT = 20  # axis labels, legend and mark labels (pt on the slide)
CHART_TITLE_FONT = 22
MARKER_FONT = 22  # the "today" marker of the phase timeline
LAGGING_ROWS = 7  # tasks on the lagging slide (the task ledger has them all)


def build_deck(data: MeetingData) -> bytes:
    """The slides of :func:`lib.io.meeting.slide_plan` (the meeting screen shows the same
    list), each with speaker notes carrying its numbers."""
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
    blank = prs.slide_layouts[6]
    pngs = slide_charts(data)
    for key in slide_plan(data):
        slide = prs.slides.add_slide(blank)
        notes = _draw(slide, key, data, pngs)
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def _draw(s: Any, key: str, data: MeetingData, pngs: dict[str, bytes]) -> str:
    """Draw one slide; its speaker notes."""
    if key.startswith("ranking:"):
        return _ranking_slide(s, data, int(key.split(":", 1)[1]))
    if key.startswith("spot:"):
        return _spotlight_slide(s, data, int(key.split(":", 1)[1]))
    draw = {
        "title": _title_slide,
        "headline": _headline_slide,
        "phases": _phases_slide,
        "runchart": _runchart_slide,
        "honours": _honours_slide,
        "roll": _roll_slide,
        "lagging": _lagging_slide,
        "satisfaction": _satisfaction_slide,
        "closing": _closing_slide,
    }[key]
    return draw(s, data, pngs)


# --- the slides (each returns its speaker notes) ------------------------------------------


def _title_slide(s: Any, data: MeetingData, _pngs: dict[str, bytes]) -> str:
    lang, ctx = data.lang, data.ctx
    _textbox(s, 0.8, 2.0, 11.7, 1.6, [data.title], 44, bold=True, colour=TITLE_COLOUR)
    lines = [
        t("meeting.title_period", lang, period=fmt_period(ctx.period, lang)),
        t("meeting.as_of", lang, date=fmt_date(ctx.at, lang)),
        ctx.header.organiser or "",
    ]
    _textbox(s, 0.8, 3.8, 11.7, 2.0, [x for x in lines if x], 28)
    return "\n".join(x for x in lines if x)


def _headline_slide(s: Any, data: MeetingData, _pngs: dict[str, bytes]) -> str:
    lang = data.lang
    _title(s, t("meeting.slide_headline", lang), data)
    pairs = headline(data)
    for i, (label, value) in enumerate(pairs):
        col, row = i % 3, i // 3
        _textbox(s, 0.6 + col * 4.2, 1.5 + row * 2.6, 4.0, 0.7, [label], 24, colour="#455A64")
        _textbox(s, 0.6 + col * 4.2, 2.2 + row * 2.6, 4.0, 1.4, [value], 60, bold=True)
    if not pairs:
        _note(s, t("overview.no_tasks", lang), 28)
        return ""
    return t("meeting.notes_headline", lang, **progress_figures(data))


def _phases_slide(s: Any, data: MeetingData, pngs: dict[str, bytes]) -> str:
    lang, ctx = data.lang, data.ctx
    _title(s, t("meeting.slide_phases", lang), data)
    phase, days = current_phase_name(ctx, lang), days_text(ctx, lang)
    _textbox(s, BOX_LEFT, BOX_TOP, BOX_W, 0.8, [f"{phase} · {days}"], 32, bold=True)
    if "phases" in pngs:
        _picture(s, pngs["phases"], BOX_LEFT, BOX_TOP + 1.0, BOX_W, BOX_H - 1.0)
    return t("meeting.notes_phases", lang, date=fmt_date(ctx.at, lang), phase=phase, days=days)


RUN_CHART_W = 8.0  # inches: the run chart on the left, its signals in words on the right


def _runchart_slide(s: Any, data: MeetingData, pngs: dict[str, bytes]) -> str:
    """The campaign's overall completion as a run chart (median line, signal points in
    their colours), with its signals listed in words on the right: the progress page's
    own sentences (:func:`lib.io.meeting.run_lines`)."""
    lang = data.lang
    _title(s, t("meeting.slide_runchart", lang), data)
    lines = run_lines(data)
    if "runchart" not in pngs:
        _note(s, lines[0], 28)
        return lines[0]
    _picture(s, pngs["runchart"], BOX_LEFT, BOX_TOP, RUN_CHART_W, BOX_H)
    assert data.run is not None
    method = t(f"runchart.method_{data.run.method}", lang)
    left = BOX_LEFT + RUN_CHART_W + 0.3
    width = SLIDE_W - left - 0.5
    heading = t("meeting.runchart_signals", lang, method=method)
    _textbox(s, left, BOX_TOP, width, 0.6, [heading], 24, True, TITLE_COLOUR)
    size = 20 if len(lines) <= 4 else 18  # projector size: body text never under 18 pt
    bullets = [f"• {line}" for line in lines]
    _textbox(s, left, BOX_TOP + 0.7, width, BOX_H - 0.7, bullets, size, space_after=14)
    median = data.run.analysis.median
    return t(
        "meeting.notes_runchart",
        lang,
        median="—" if median is None else fmt_pct(median),
        signals="；".join(lines) if lang == "zh" else "; ".join(lines),
    )


def _ranking_slide(s: Any, data: MeetingData, page: int) -> str:
    """Every department with its rank, score, completion and status (its colour, as on
    the screen), RANK_ROWS a slide, as a native table."""
    from pptx.util import Inches

    lang = data.lang
    pages = ranking_pages(data)
    title = (
        t("meeting.ranking_page", lang, page=page + 1, pages=pages)
        if pages > 1
        else t("meeting.slide_ranking", lang)
    )
    _title(s, title, data)
    if data.ranking.empty:
        _note(s, t("meeting.no_ranking", lang), 28)
        return ""
    ranked = data.ranking.assign(dept_status=department_statuses(data))
    rows = ranked.iloc[page * RANK_ROWS : (page + 1) * RANK_ROWS]
    heads = [
        t("meeting.col_rank", lang),
        t("col.department", lang),
        t("meeting.col_score", lang),
        t("meeting.col_completion", lang),
        t("col.expected", lang),
        t("meeting.col_status", lang),
    ]
    widths = [1.1, 3.83, 1.5, 2.1, 2.0, 1.6]
    row_h = min(0.42, BOX_H / (RANK_ROWS + 1))
    shape = s.shapes.add_table(
        len(rows) + 1,
        len(heads),
        Inches(BOX_LEFT),
        Inches(BOX_TOP),
        Inches(BOX_W),
        Inches(row_h * (len(rows) + 1)),
    )
    table = shape.table
    for j, (h, w) in enumerate(zip(heads, widths, strict=True)):
        table.columns[j].width = Inches(w)
        _cell(table.cell(0, j), h, 20, bold=True, align="left" if j == 1 else "center")
    for i, r in enumerate(rows.itertuples(index=False), start=1):
        table.rows[i].height = Inches(row_h)
        values = [
            str(int(r.rank)),
            str(getattr(r, data.name_col)),
            f"{r.composite:.2f}",
            fmt_pct(r.completion),
            fmt_pct(r.expected),
            status_label(r.dept_status, lang),
        ]
        for j, v in enumerate(values):
            fill = scoring.STATUS_COLOURS[r.dept_status] if j == 5 else None
            _cell(
                table.cell(i, j),
                v,
                20,
                bold=j == 2,
                align="left" if j == 1 else "center",
                fill=fill,
            )
    table.rows[0].height = Inches(row_h)
    first, last = data.ranking.iloc[0], data.ranking.iloc[-1]
    return t(
        "meeting.notes_ranking",
        lang,
        first=first[data.name_col],
        first_score=f"{first['composite']:.2f}",
        last=last[data.name_col],
        last_score=f"{last['composite']:.2f}",
        total=len(data.ranking),
    )


def _honours_slide(s: Any, data: MeetingData, _pngs: dict[str, bytes]) -> str:
    """红黑榜: the commend list on the left, the laggards on the right."""
    lang = data.lang
    _title(s, t("meeting.slide_honours", lang), data)
    notes = []
    for col, (frame, key, colour) in enumerate(
        ((data.commend, "ranking.commend", "#2E7D32"), (data.laggard, "ranking.laggard", "#C62828"))
    ):
        count = int(data.ctx.settings["commend_count" if col == 0 else "laggard_count"])
        lines = [
            f"{i}. {getattr(r, data.name_col)}  {r.composite:.2f}"
            for i, r in enumerate(frame.itertuples(index=False), start=1)
        ] or ["—"]
        heading = t(key, lang, count=count)
        _textbox(s, 0.6 + col * 6.3, 1.4, 6.0, 0.8, [heading], 32, True, colour)
        _textbox(s, 0.6 + col * 6.3, 2.4, 6.0, 4.3, lines, 32)
        notes.append(heading + "：" + "；".join(lines))
    return "\n".join(notes)


def _roll_slide(s: Any, data: MeetingData, _pngs: dict[str, bytes]) -> str:
    """光荣榜 (issue 20): the winners of the latest final selection rounds and why."""
    roll = data.roll or {"title": "", "subtitle": "", "lines": []}
    _title(s, str(roll["title"]), data)
    _textbox(s, 0.6, 1.3, 12.1, 0.7, [str(roll["subtitle"])], 24, colour="#455A64")
    sep = "：" if data.lang == "zh" else ": "
    lines = [f"{name}{sep}{reasons}" if reasons else name for name, reasons in roll["lines"]]
    half = (len(lines) + 1) // 2 if len(lines) > 6 else len(lines)
    _textbox(s, 0.6, 2.2, 6.0 if half < len(lines) else 12.1, 4.6, lines[:half] or ["—"], 22)
    if half < len(lines):
        _textbox(s, 6.8, 2.2, 6.0, 4.6, lines[half:], 22)
    return "\n".join([str(roll["subtitle"]), *lines])


def _lagging_slide(s: Any, data: MeetingData, _pngs: dict[str, bytes]) -> str:
    """The first LAGGING_ROWS lagging tasks as a table, the status in its colour."""
    from pptx.util import Inches

    lang = data.lang
    _title(s, t("meeting.slide_lagging", lang), data)
    rows = data.lagging.head(LAGGING_ROWS)
    if rows.empty:
        _note(s, t("overview.no_lagging", lang), 32)
        return t("overview.no_lagging", lang)
    row_h = 0.6
    table = s.shapes.add_table(
        len(rows) + 1,
        4,
        Inches(BOX_LEFT),
        Inches(BOX_TOP),
        Inches(BOX_W),
        Inches(row_h * (len(rows) + 1)),
    ).table
    heads = [
        t("col.task", lang),
        t("col.departments", lang),
        t("col.progress", lang),
        t("col.status", lang),
    ]
    widths = [5.3, 3.63, 1.7, 1.5]
    for j, (h, w) in enumerate(zip(heads, widths, strict=True)):
        table.columns[j].width = Inches(w)
        _cell(table.cell(0, j), h, 20, bold=True, align="left" if j < 2 else "center")
    depts_col = local_col("departments", lang)
    for i, r in enumerate(rows.itertuples(index=False), start=1):
        values = [
            f"{r.code} {r.title}",
            _short_names(str(getattr(r, depts_col)), lang),
            f"{r.percent:.0f}%",
            status_label(r.status, lang),
        ]
        for j, v in enumerate(values):
            fill = scoring.STATUS_COLOURS[r.status] if j == 3 else None
            _cell(table.cell(i, j), str(v), 18, align="left" if j < 2 else "center", fill=fill)
    return t("meeting.notes_lagging", lang, count=len(data.lagging), shown=len(rows))


def _short_names(names: str, lang: str, keep: int = 2) -> str:
    """A task's departments for a table cell on a slide: the first two and the count."""
    sep = "、" if lang == "zh" else ", "
    parts = [p for p in names.split(sep) if p]
    if len(parts) <= keep:
        return names
    return sep.join(parts[:keep]) + t("list.more", lang, total=len(parts))


def _satisfaction_slide(s: Any, data: MeetingData, pngs: dict[str, bytes]) -> str:
    lang = data.lang
    _title(s, t("meeting.slide_satisfaction", lang), data)
    _chart_or_note(s, pngs, "satisfaction", t("overview.no_satisfaction", lang))
    sat = data.satisfaction
    if sat.empty:
        return ""
    latest = sat[sat["period"] == sat["period"].max()]
    return t(
        "meeting.notes_satisfaction",
        lang,
        period=fmt_period(str(latest["period"].iloc[0]), lang),
        value=f"{float(latest['value'].astype(float).mean()):.2f}",
        target=f"{data.ctx.header.target_satisfaction or 0:g}",
    )


def _spotlight_slide(s: Any, data: MeetingData, dept_id: int) -> str:
    """One department: its figures as large numbers on the left, its tasks behind or
    overdue on the right (or a line saying there are none)."""
    lang = data.lang
    row = data.ranking[data.ranking["department_id"] == dept_id].iloc[0]
    _title(s, t("meeting.slide_spotlight", lang, name=row[data.name_col]), data)
    figures = spotlight_figures(data, dept_id)
    for i, (label, value) in enumerate(figures[:8]):
        col, line = i % 2, i // 2
        left, top = BOX_LEFT + col * 3.3, BOX_TOP + line * 1.35
        _textbox(s, left, top, 3.2, 0.5, [label], 20, colour="#455A64")
        _textbox(s, left, top + 0.45, 3.2, 0.8, [value], 40, bold=True)
    tasks = spotlight_tasks(data, dept_id)
    right = BOX_LEFT + 6.8
    _textbox(
        s, right, BOX_TOP, 5.3, 0.6, [t("meeting.slide_lagging", lang)], 24, True, TITLE_COLOUR
    )
    lines = [
        f"{r.code} {r.title} · {r.percent:.0f}% · {status_label(r.status, lang)}"
        for r in tasks.itertuples(index=False)
    ] or [t("overview.no_lagging", lang)]
    _textbox(s, right, BOX_TOP + 0.7, 5.3, BOX_H - 0.7, lines, 20)
    return "；".join(f"{k} {v}" for k, v in figures) + "\n" + "\n".join(lines)


def _closing_slide(s: Any, data: MeetingData, _pngs: dict[str, bytes]) -> str:
    closing = [t("meeting.closing", data.lang)]
    _textbox(s, 0.8, 2.6, 11.7, 1.4, closing, 48, bold=True, colour=TITLE_COLOUR)
    _textbox(s, 0.8, 4.0, 11.7, 1.0, [data.title], 28)
    return ""


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
    space_after: int = 0,
) -> None:
    """A text box (inches), one paragraph per line (``space_after`` points between)."""
    from pptx.util import Inches, Pt

    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        if space_after:
            para.space_after = Pt(space_after)
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


def _picture(slide: Any, png: bytes, left: float, top: float, width: float, height: float) -> None:
    """The chart at the box it was rendered for (no stretching: the PNG has its shape)."""
    from pptx.util import Inches

    slide.shapes.add_picture(
        io.BytesIO(png), Inches(left), Inches(top), width=Inches(width), height=Inches(height)
    )


def _chart_or_note(slide: Any, pngs: dict[str, bytes], key: str, empty: str) -> None:
    """The chart filling the content box, or the note saying why there is none."""
    if key in pngs:
        _picture(slide, pngs[key], BOX_LEFT, BOX_TOP, BOX_W, BOX_H)
    else:
        _note(slide, empty, 28)


def _cell(
    cell: Any,
    text: str,
    size: int,
    *,
    bold: bool = False,
    align: str = "left",
    fill: str | None = None,
) -> None:
    """A table cell's text (East Asian typeface), alignment and fill; white text on the
    dark status colours."""
    from pptx.dml.color import RGBColor
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
    from pptx.util import Inches

    cell.text = ""
    cell.margin_left = cell.margin_right = Inches(0.06)
    cell.margin_top = cell.margin_bottom = Inches(0.03)
    para = cell.text_frame.paragraphs[0]
    para.alignment = {"left": PP_ALIGN.LEFT, "center": PP_ALIGN.CENTER}[align]
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    run = para.add_run()
    run.text = text
    colour = None
    if fill:
        cell.fill.solid()
        cell.fill.fore_color.rgb = RGBColor.from_string(fill.lstrip("#"))
        colour = "#FFFFFF" if fill.upper() in DARK_FILLS else "#212121"
    _set_font(run, size, bold, colour)


DARK_FILLS = {"#2E7D32", "#EF6C00", "#C62828", "#9E9E9E"}


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


def fit_to_box(chart: alt.TopLevelMixin, width_in: float, height_in: float) -> alt.TopLevelMixin:
    """The chart drawn for a box of the slide: the whole chart (axes and legend included)
    exactly the box's size in points, so its font sizes (px) are points on the slide."""
    return (
        chart.properties(
            width=round(width_in * 72),
            height=round(height_in * 72),
            autosize=alt.AutoSizeParams(type="fit", contains="padding"),
        )
        .configure_axis(
            labelFontSize=CHART_FONT, titleFontSize=CHART_TITLE_FONT, labelLimit=360, grid=False
        )
        .configure_legend(
            labelFontSize=CHART_FONT,
            titleFontSize=CHART_FONT,
            symbolSize=260,
            labelLimit=360,
            orient="bottom",
        )
        .configure_axisX(labelOverlap=True)
        .configure_text(fontSize=CHART_FONT)
        .configure_view(stroke=None)
    )


def chart_specs(data: MeetingData) -> dict[str, alt.TopLevelMixin]:
    """The deck's charts, sized for their boxes (a key only when there is something to
    draw): the phase timeline (its "today" at the day the month is judged at), the run
    chart of the overall completion and the satisfaction trend."""
    lang = data.lang
    out: dict[str, alt.TopLevelMixin] = {}
    phases = views.phase_timeline(data.ctx.header, lang)
    if not phases.empty:
        timeline = charts.phase_timeline(
            phases, data.ctx.at, lang, marker_size=MARKER_FONT, bar_height=44
        )
        out["phases"] = fit_to_box(timeline, BOX_W, BOX_H - 1.0)
    if data.run is not None:
        chart = charts.run_chart(
            data.run.frame, data.run.analysis, lang, y_title=t("overview.completion", lang)
        )
        out["runchart"] = fit_to_box(chart, RUN_CHART_W, BOX_H)
    if not data.satisfaction.empty:
        sat = data.satisfaction
        trend = sat.assign(
            item=sat[local_col("name", lang)].fillna(sat["name"]),
            value=sat["value"].astype(float),
        )
        target = trend["target"].dropna().max() if trend["target"].notna().any() else None
        chart = charts.trend_with_target(trend, target, lang, t("col.value", lang))
        out["satisfaction"] = fit_to_box(chart, BOX_W, BOX_H)
    return out


def slide_charts(data: MeetingData) -> dict[str, bytes]:
    """PNG of each chart the deck shows, CHART_SCALE pixels per point of its box."""
    return {key: chart_png(chart, CHART_SCALE) for key, chart in chart_specs(data).items()}
