"""Meeting material from the same numbers as the dashboard: the PowerPoint deck, the
monthly circular (通报) and the Excel report. No Streamlit here; the meeting page and the
CLI both call these."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from lib.domain import scoring
from lib.i18n import (
    each,
    fmt_date,
    fmt_pct,
    fmt_period,
    join_list,
    local_name,
    phase_label,
    status_label,
    t,
)
from lib.read import queries, views
from lib.read.cache import versioned
from lib.ui import charts

EA_FONT = "Microsoft YaHei"  # what Chinese Windows/WPS machines have; others substitute
FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto")


@dataclass
class MeetingData:
    """Everything a meeting shows for one campaign and one (frozen) period."""

    ctx: views.CampaignContext
    lang: str
    title: str
    numbers: dict[str, Any]
    ranking: pd.DataFrame
    commend: pd.DataFrame
    laggard: pd.DataFrame
    lagging: pd.DataFrame
    satisfaction: pd.DataFrame
    history: pd.DataFrame
    problems: dict[str, int] = field(default_factory=dict)

    @property
    def name_col(self) -> str:
        return "department" if self.lang == "zh" else "department_en"


def meeting_data(ctx: views.CampaignContext, lang: str) -> MeetingData:
    numbers = views.overview_numbers(ctx)
    ranked = views.ranking(ctx)
    commend, laggard = views.honour_lists(ctx, ranked)
    tasks = numbers.get("task_frame", pd.DataFrame())
    lagging = (
        tasks[tasks["status"].isin(["overdue", "at_risk", "behind"])]
        .assign(_o=lambda d: d["status"].map({"overdue": 0, "at_risk": 1, "behind": 2}))
        .sort_values(["_o", "percent"])
        if not tasks.empty
        else tasks
    )
    trend = queries.indicator_trend(ctx.campaign_id, "patient", ctx.period)
    if not trend.empty:
        trend = trend[trend["unit"] != "件"]
    return MeetingData(
        ctx=ctx,
        lang=lang,
        title=local_name(ctx.header.name, ctx.header.name_en, lang),
        numbers=numbers,
        ranking=ranked,
        commend=commend,
        laggard=laggard,
        lagging=lagging,
        satisfaction=trend,
        history=views.rank_history(ctx) if not ranked.empty else pd.DataFrame(),
        problems=queries.problem_counts(ctx.campaign_id),
    )


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
    import json

    spec = json.loads(json.dumps(chart.to_dict(), default=str))  # dates as ISO text
    return bytes(vlc.vegalite_to_png(spec, scale=scale))


def _sized(
    chart: alt.TopLevelMixin, width: int, height: int | None = None, step: int | None = None
) -> alt.TopLevelMixin:
    """The chart at slide size, with type large enough to read from the back of a room."""
    return charts.large(chart.properties(width=width), step=step, height=height)


def slide_charts(data: MeetingData) -> dict[str, bytes]:
    """PNG of each chart the deck shows."""
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
        item_col = "name" if lang == "zh" else "name_en"
        trend = data.satisfaction.assign(
            item=data.satisfaction[item_col].fillna(data.satisfaction["name"]),
            value=data.satisfaction["value"].astype(float),
        )
        target = trend["target"].dropna().max() if trend["target"].notna().any() else None
        out["satisfaction"] = chart_png(
            _sized(charts.trend_with_target(trend, target, lang, t("col.value", lang)), 1000, 380)
        )
    return out


# --- headline sentences shared by the deck, the meeting page and the circular -------------


def headline(data: MeetingData) -> list[tuple[str, str]]:
    """(label, value) pairs for the headline slide."""
    n, lang = data.numbers, data.lang
    if not n.get("tasks"):
        return []
    return [
        (t("overview.completion", lang), fmt_pct(n["completion"])),
        (t("col.expected", lang), fmt_pct(n["expected"])),
        (t("overview.tasks_done", lang), f"{n['done']} / {n['tasks']}"),
        (t("overview.tasks_behind", lang), str(n["behind_or_at_risk"])),
        (t("overview.tasks_overdue", lang), str(n["overdue"])),
        (t("overview.report_rate", lang), fmt_pct(n["report_rate"])),
    ]


def days_text(ctx: views.CampaignContext, lang: str) -> str:
    if ctx.today < ctx.start:
        return t("overview.not_started_yet", lang, days=(ctx.start - ctx.today).days)
    if ctx.today > ctx.end:
        return t("overview.ended", lang, date=fmt_date(ctx.end, lang))
    total = (ctx.end - ctx.start).days + 1
    day = (ctx.today - ctx.start).days + 1
    return (
        t("overview.day_of", lang, day=day, total=total)
        + " · "
        + t("overview.days_left", lang, days=(ctx.end - ctx.today).days)
    )


def current_phase_name(ctx: views.CampaignContext, lang: str) -> str:
    phase = ctx.header.phase_at(ctx.today)
    return phase_label(phase.name, phase.kind, lang) if phase else t("overview.no_phase", lang)


def spotlight_lines(data: MeetingData, department_id: int) -> list[str]:
    """What a department spotlight slide says."""
    lang = data.lang
    row = data.ranking[data.ranking["department_id"] == department_id].iloc[0]
    lines = [
        t(
            "meeting.spot_rank",
            lang,
            rank=int(row["rank"]),
            total=len(data.ranking),
            score=f"{row['composite']:.2f}",
        ),
        t(
            "meeting.spot_completion",
            lang,
            value=fmt_pct(row["completion"]),
            expected=fmt_pct(row["expected"]),
        ),
        t(
            "meeting.spot_tasks",
            lang,
            done=int(row["done"]),
            total=int(row["assignments"]),
            overdue=int(row["overdue"]),
        ),
    ]
    if pd.notna(row.get("satisfaction")):
        lines.append(t("meeting.spot_satisfaction", lang, value=f"{row['satisfaction']:.1f}"))
    if pd.notna(row.get("inspection")):
        lines.append(t("meeting.spot_inspection", lang, value=f"{row['inspection']:.1f}"))
    return lines


def spotlight_departments(data: MeetingData) -> list[int]:
    """Departments the meeting puts in the spotlight: the commend list, then the laggards."""
    ids = list(data.commend["department_id"]) if not data.commend.empty else []
    ids += [
        i for i in (data.laggard["department_id"] if not data.laggard.empty else []) if i not in ids
    ]
    return [int(i) for i in ids]


# --- the PowerPoint deck -------------------------------------------------------------------


def _set_font(run: Any, size: int, bold: bool = False, colour: str | None = None) -> None:
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


def _text(
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
    _text(slide, 0.5, 0.3, 12.3, 0.9, [text], 32, bold=True, colour="#0D47A1")
    _text(
        slide,
        0.5,
        6.9,
        12.3,
        0.4,
        [f"{data.title} · {fmt_period(data.ctx.period, data.lang)}"],
        12,
        colour="#607D8B",
    )


def _picture(slide: Any, png: bytes, left: float, top: float, width: float) -> None:
    from pptx.util import Inches

    slide.shapes.add_picture(io.BytesIO(png), Inches(left), Inches(top), width=Inches(width))


def build_deck(data: MeetingData) -> bytes:
    """A native, editable 16:9 deck: titles and numbers as text, charts as pictures."""
    from pptx import Presentation
    from pptx.util import Inches

    lang = data.lang
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    blank = prs.slide_layouts[6]
    pngs = slide_charts(data)
    ctx = data.ctx

    s = prs.slides.add_slide(blank)  # title slide
    _text(s, 0.8, 2.0, 11.7, 1.6, [data.title], 40, bold=True, colour="#0D47A1")
    _text(
        s,
        0.8,
        3.8,
        11.7,
        1.6,
        [
            t("meeting.title_period", lang, period=fmt_period(ctx.period, lang)),
            t("meeting.title_date", lang, date=fmt_date(ctx.today, lang)),
            ctx.header.organiser or "",
        ],
        24,
    )

    s = prs.slides.add_slide(blank)  # headline numbers
    _title(s, t("meeting.slide_headline", lang), data)
    pairs = headline(data)
    for i, (label, value) in enumerate(pairs):
        col, row = i % 3, i // 3
        _text(s, 0.6 + col * 4.2, 1.5 + row * 2.4, 4.0, 0.6, [label], 20, colour="#455A64")
        _text(s, 0.6 + col * 4.2, 2.1 + row * 2.4, 4.0, 1.2, [value], 54, bold=True)
    if not pairs:
        _text(s, 0.6, 2.0, 12, 1, [t("overview.no_tasks", lang)], 24)

    s = prs.slides.add_slide(blank)  # phases and days left
    _title(s, t("meeting.slide_phases", lang), data)
    _text(
        s,
        0.6,
        1.3,
        12,
        0.8,
        [f"{current_phase_name(ctx, lang)} · {days_text(ctx, lang)}"],
        28,
        bold=True,
    )
    if "phases" in pngs:
        _picture(s, pngs["phases"], 0.6, 2.4, 12.1)

    s = prs.slides.add_slide(blank)  # ranking with movement
    _title(s, t("meeting.slide_ranking", lang), data)
    if "ranking" in pngs:
        _picture(s, pngs["ranking"], 0.6, 1.3, 12.1)
    else:
        _text(s, 0.6, 2.0, 12, 1, [t("overview.no_tasks", lang)], 24)

    s = prs.slides.add_slide(blank)  # 红黑榜
    _title(s, t("meeting.slide_honours", lang), data)
    for col, (frame, key, colour) in enumerate(
        ((data.commend, "ranking.commend", "#2E7D32"), (data.laggard, "ranking.laggard", "#C62828"))
    ):
        count = int(ctx.settings["commend_count" if col == 0 else "laggard_count"])
        lines = [
            f"{i}. {getattr(r, data.name_col)}  {r.composite:.2f}"
            for i, r in enumerate(frame.itertuples(index=False), start=1)
        ] or ["—"]
        _text(s, 0.6 + col * 6.3, 1.4, 6.0, 0.8, [t(key, lang, count=count)], 28, True, colour)
        _text(s, 0.6 + col * 6.3, 2.3, 6.0, 4.2, lines, 26)

    s = prs.slides.add_slide(blank)  # lagging tasks
    _title(s, t("meeting.slide_lagging", lang), data)
    rows = data.lagging.head(8)
    if rows.empty:
        _text(s, 0.6, 2.0, 12, 1, [t("overview.no_lagging", lang)], 28)
    else:
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
        for i, r in enumerate(rows.itertuples(index=False), start=1):
            depts = r.departments if lang == "zh" else r.departments_en
            values = [
                f"{r.code} {r.title}",
                depts,
                f"{r.percent:.0f}%",
                status_label(r.status, lang),
            ]
            for j, v in enumerate(values):
                cell = table.cell(i, j)
                run = cell.text_frame.paragraphs[0].add_run()
                run.text = str(v)
                _set_font(run, 14, colour=scoring.STATUS_COLOURS[r.status] if j == 3 else None)

    s = prs.slides.add_slide(blank)  # satisfaction against target
    _title(s, t("meeting.slide_satisfaction", lang), data)
    if "satisfaction" in pngs:
        _picture(s, pngs["satisfaction"], 0.6, 1.3, 12.1)
    else:
        _text(s, 0.6, 2.0, 12, 1, [t("overview.no_satisfaction", lang)], 24)

    for dept_id in spotlight_departments(data):  # department spotlights
        s = prs.slides.add_slide(blank)
        row = data.ranking[data.ranking["department_id"] == dept_id].iloc[0]
        _title(s, t("meeting.slide_spotlight", lang, name=row[data.name_col]), data)
        _text(s, 0.8, 1.5, 11.8, 5.0, spotlight_lines(data, dept_id), 28)

    s = prs.slides.add_slide(blank)  # closing slide
    _text(s, 0.8, 2.6, 11.7, 1.4, [t("meeting.closing", lang)], 44, bold=True, colour="#0D47A1")
    _text(s, 0.8, 4.0, 11.7, 1.0, [data.title], 24)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


# --- the monthly circular (月度通报) ------------------------------------------------------


def circular_text(data: MeetingData) -> str:
    """A draft circular in Markdown, from the data; the office edits it before sending."""
    lang, ctx, n = data.lang, data.ctx, data.numbers
    name = data.name_col
    period = fmt_period(ctx.period, lang)
    parts = [f"# {t('circular.heading', lang, title=data.title, period=period)}", ""]
    if not n.get("tasks"):
        return "\n".join([*parts, t("overview.no_tasks", lang)])
    assignments, _ = views.task_table(ctx)
    reported_any = assignments.groupby(name)["reported"].any()
    missing = sorted(reported_any[~reported_any].index)  # departments with no report at all
    parts += [
        f"## {t('circular.s_reporting', lang)}",
        t(
            "circular.reporting",
            lang,
            rate=fmt_pct(n["report_rate"]),
            done=n["reported"],
            total=n["reports_due"],
        ),
        t("circular.missing", lang, names=join_list(missing, lang))
        if missing
        else t("circular.none_missing", lang),
        "",
    ]
    before_ctx = views.week_ago(ctx)
    change = ""
    if before_ctx is not None:
        before = views.overview_numbers(
            before_ctx, dt.datetime.combine(before_ctx.today, dt.time.max)
        )
        if before.get("tasks"):
            change = t(
                "circular.change", lang, value=f"{n['completion'] - before['completion']:+.1f}"
            )
    parts += [
        f"## {t('circular.s_progress', lang)}",
        t(
            "circular.progress",
            lang,
            completion=fmt_pct(n["completion"]),
            expected=fmt_pct(n["expected"]),
            done=n["done"],
            total=n["tasks"],
            overdue=n["overdue"],
            behind=n["behind_or_at_risk"],
        )
        + change,
        "",
    ]
    if not data.ranking.empty:
        top = join_list(
            [
                f"{getattr(r, name)}（{r.composite:.2f}）"
                if lang == "zh"
                else f"{getattr(r, name)} ({r.composite:.2f})"
                for r in data.commend.itertuples(index=False)
            ],
            lang,
        )
        bottom = join_list(
            [
                f"{getattr(r, name)}（{r.composite:.2f}）"
                if lang == "zh"
                else f"{getattr(r, name)} ({r.composite:.2f})"
                for r in data.laggard.itertuples(index=False)
            ],
            lang,
        )
        parts += [
            f"## {t('circular.s_ranking', lang)}",
            t("circular.top", lang, names=top),
            t("circular.bottom", lang, names=bottom or "—"),
            "",
        ]
    if not data.lagging.empty:
        parts.append(f"## {t('circular.s_lagging', lang)}")
        for r in data.lagging.head(10).itertuples(index=False):
            depts = r.departments if lang == "zh" else r.departments_en
            parts.append(
                f"- {r.code} {r.title}（{depts}）：{r.percent:.0f}%，{status_label(r.status, lang)}"
                if lang == "zh"
                else f"- {r.code} {r.title} ({depts}): {r.percent:.0f}%, {status_label(r.status, lang)}"
            )
        parts.append("")
    if not data.satisfaction.empty:
        sat = data.satisfaction
        latest = sat[sat["period"] == sat["period"].max()]
        item_col = "name" if lang == "zh" else "name_en"
        lowest = latest.sort_values("value").head(2)
        prev = sat[sat["period"] < sat["period"].max()]
        delta = ""
        if not prev.empty:
            d = float(latest["value"].mean()) - float(
                prev[prev["period"] == prev["period"].max()]["value"].mean()
            )
            delta = t("circular.sat_change", lang, value=f"{d:+.2f}")
        parts += [
            f"## {t('circular.s_satisfaction', lang)}",
            t(
                "circular.satisfaction",
                lang,
                value=f"{float(latest['value'].mean()):.2f}",
                period=fmt_period(latest["period"].iloc[0], lang),
                target=f"{ctx.header.target_satisfaction or 0:g}",
            )
            + delta,
            t(
                "circular.lowest",
                lang,
                items=join_list(
                    [
                        f"{getattr(r, item_col) or r.name} {float(r.value):.2f}"
                        for r in lowest.itertuples(index=False)
                    ],
                    lang,
                ),
            ),
            "",
        ]
    if data.problems:
        parts += [
            f"## {t('circular.s_problems', lang)}",
            t(
                "circular.problems",
                lang,
                closed=data.problems.get("closed", 0),
                open=data.problems.get("open", 0),
            ),
            "",
        ]
    upcoming = queries.upcoming_deadlines(
        ctx.campaign_id, ctx.today, ctx.today + dt.timedelta(days=45)
    )
    parts.append(f"## {t('circular.s_next', lang)}")
    if upcoming.empty:
        parts.append(t("circular.no_deadlines", lang))
    for r in upcoming.itertuples(index=False):
        parts.append(
            f"- {fmt_date(r.due_date, lang)}：{r.code} {r.title}"
            if lang == "zh"
            else f"- {fmt_date(r.due_date, lang)}: {r.code} {r.title}"
        )
    parts += [
        "",
        t(
            "circular.sign",
            lang,
            organiser=ctx.header.organiser or "",
            date=fmt_date(ctx.today, lang),
        ),
    ]
    return "\n".join(parts)


def circular_docx(markdown: str) -> bytes:
    """The (edited) circular as a Word document: headings, bullets and paragraphs."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = EA_FONT
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), EA_FONT)
    for line in markdown.splitlines():
        text = line.strip()
        if not text:
            continue
        if text.startswith("# "):
            doc.add_heading(text[2:], level=0)
        elif text.startswith("## "):
            doc.add_heading(text[3:], level=1)
        elif text.startswith("- "):
            doc.add_paragraph(text[2:], style="List Bullet")
        else:
            doc.add_paragraph(text)
    for style_name in ("Title", "Heading 1"):
        st_ = doc.styles[style_name]
        st_.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), EA_FONT)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --- the Excel report ------------------------------------------------------------------------


def excel_report(data: MeetingData) -> bytes:
    """One workbook for the period: summary, ranking, a sheet per department."""
    from openpyxl.utils import get_column_letter

    from lib.io.safe_cells import neutralise

    lang, ctx = data.lang, data.ctx
    sheets: dict[str, pd.DataFrame] = {}
    sheets[t("report.sheet_summary", lang)] = pd.DataFrame(
        [
            (t("report.campaign", lang), data.title),
            (t("overview.period", lang), fmt_period(ctx.period, lang)),
            (t("report.generated", lang), fmt_date(ctx.today, lang)),
            *headline(data),
        ],
        columns=[t("report.item", lang), t("col.value", lang)],
    )
    if not data.ranking.empty:
        r = data.ranking
        sheets[t("page.ranking", lang)] = pd.DataFrame(
            {
                t("col.rank", lang): r["rank"],
                t("col.department", lang): r[data.name_col],
                t("col.composite", lang): r["composite"],
                t("component.completion", lang): r["completion"].round(2),
                t("component.timeliness", lang): r["timeliness"].astype(float).round(2),
                t("component.satisfaction", lang): r["satisfaction"].astype(float).round(2),
                t("component.inspection", lang): r["inspection"].astype(float).round(2),
                t("col.deductions", lang): r["deductions"],
            }
        )
    assignments, _ = views.task_table(ctx)
    if not assignments.empty:
        dept_col = "department" if lang == "zh" else "department_en"
        for dept, frame in assignments.groupby(dept_col, sort=False):
            name = str(dept)[:28] if dept else "—"
            sheets[name] = pd.DataFrame(
                {
                    t("col.code", lang): frame["code"],
                    t("col.task", lang): frame["title"],
                    t("col.progress", lang): frame["percent"].round(0),
                    t("col.expected", lang): frame["expected"].round(0),
                    t("col.due", lang): frame["due_date"],
                    t("col.last_report", lang): frame["latest_period"],
                    t("col.status", lang): each(status_label, frame["status"], lang),
                }
            )
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        used: set[str] = set()
        for name, frame in sheets.items():
            safe_name = "".join(c for c in name if c not in "[]:*?/\\")[:31] or "Sheet"
            while safe_name in used:
                safe_name = safe_name[:29] + "_" + str(len(used))
            used.add(safe_name)
            frame = frame.map(neutralise)
            frame.to_excel(writer, index=False, sheet_name=safe_name)
            ws = writer.sheets[safe_name]
            ws.freeze_panes = "A2"
            for i, col in enumerate(frame.columns, start=1):
                width = max([len(str(col))] + [len(str(v)) for v in frame[col].head(200)])
                ws.column_dimensions[get_column_letter(i)].width = min(60, 4 + width * 1.5)
    return buf.getvalue()


def _context_for(campaign_id: int, period: str, today: dt.date) -> views.CampaignContext:
    ctx = views.context(campaign_id, today, period)
    if ctx is None:
        raise KeyError(f"no campaign {campaign_id}")
    return ctx


@versioned
def deck_bytes(campaign_id: int, period: str, lang: str, today: dt.date) -> bytes:
    """The deck, built once per data version (building renders every chart)."""
    return build_deck(meeting_data(_context_for(campaign_id, period, today), lang))
