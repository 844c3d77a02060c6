"""The monthly circular (月度通报): a Markdown draft from
:class:`lib.io.meeting.MeetingData`, section by section, which the office edits before
sending; and the (edited) text as a Word document."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pandas as pd

from lib.i18n import fmt_date, fmt_pct, fmt_period, join_list, local_col, status_label, t
from lib.io.meeting import MeetingData, progress_figures
from lib.read import queries, views

# the line shapes that differ between the languages (full-width punctuation in Chinese)
_LINES = {
    "zh": {
        "scored": "{name}（{score:.2f}）",
        "lagging": "- {code} {title}（{depts}）：{percent:.0f}%，{status}",
        "deadline": "- {date}：{code} {title}",
    },
    "en": {
        "scored": "{name} ({score:.2f})",
        "lagging": "- {code} {title} ({depts}): {percent:.0f}%, {status}",
        "deadline": "- {date}: {code} {title}",
    },
}


@dataclass(frozen=True)
class CircularHead:
    """The 版头 and 落款 of the circular as a 公文: issuing office (发文机关), document
    number (发文字号, e.g. 服务办〔2026〕3号) and date (成文日期)."""

    issuer: str
    number: str
    date: dt.date
    lang: str = "zh"


def circular_head(
    data: MeetingData,
    issuer: str | None = None,
    prefix: str | None = None,
    number: int | None = None,
) -> CircularHead:
    """The head from the campaign's settings (``circular.issuer`` / ``circular.prefix``),
    overridden by the arguments. The issuer defaults to the campaign's organiser; the
    number to the month's place in the campaign (its first month is 1号)."""
    ctx, lang = data.ctx, data.lang
    conf = ctx.settings.get("circular") or {}
    issuer = (issuer or conf.get("issuer") or ctx.header.organiser or "").strip() or t(
        "circular.issuer_default", lang
    )
    prefix = (prefix if prefix is not None else conf.get("prefix") or "").strip()
    periods = ctx.header.periods
    n = number or (periods.index(ctx.period) + 1 if ctx.period in periods else 1)
    year = int(ctx.period[:4])
    text = t("circular.doc_number", lang, prefix=prefix, year=year, n=n).strip()
    return CircularHead(issuer=issuer, number=text, date=ctx.today, lang=lang)


def circular_text(data: MeetingData, head: CircularHead | None = None) -> str:
    """A draft circular in Markdown, from the data; the office edits it before sending.
    Sections without content are left out and the others numbered consecutively; every
    sentence is made from the numbers the pages show (``MeetingData``)."""
    lang, ctx = data.lang, data.ctx
    head = head or circular_head(data)
    period = fmt_period(ctx.period, lang)
    parts = [f"# {t('circular.title', lang, title=data.title, period=period)}", ""]
    parts += [t("circular.addressee", lang), ""]
    if not data.numbers.get("tasks"):
        parts += [t("overview.no_tasks", lang), ""]
    else:
        parts += [t("circular.opening", lang, title=data.title, period=period), ""]
        sections = [
            section(data)
            for section in (
                _reporting,
                _progress,
                _ranking,
                _lagging,
                _satisfaction,
                _signals,
                _problems,
                _appeals,
                _next_deadlines,
            )
        ]
        number = 0
        for section in sections:
            if not section:
                continue
            number += 1
            heading, body = section[0], section[1:]
            parts += [f"## {section_number(number, 1, lang)}{heading}", ""]
            sub = 0
            for line in body:
                if line.startswith("### "):
                    sub += 1
                    parts += [f"### {section_number(sub, 2, lang)}{line[4:]}", ""]
                else:
                    parts += [line, ""] if not line.startswith("- ") else [line]
            if parts[-1] != "":
                parts.append("")
    parts += [t("circular.closing", lang), "", head.issuer, date_text(head.date, lang)]
    return "\n".join(parts)


CN_DIGITS = "〇一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (section numbers)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def section_number(n: int, level: int, lang: str) -> str:
    """The 公文 numbering: 一、 for the first level, （一） for the second; 1. / (1) in English."""
    if lang == "zh":
        return f"{chinese_number(n)}、" if level == 1 else f"（{chinese_number(n)}）"
    return f"{n}. " if level == 1 else f"({n}) "


def date_text(day: dt.date, lang: str) -> str:
    """成文日期 as GB/T 9704-2012 writes it: Arabic numerals, the year in full, no leading
    zeros (2026年3月1日)."""
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return fmt_date(day, lang)


def _line(lang: str, shape: str, **values: object) -> str:
    return _LINES["zh" if lang == "zh" else "en"][shape].format(**values)


# --- the sections (heading first, then its lines; "### " opens a subsection; [] = none) -----


def reporting_gaps(data: MeetingData) -> dict[str, int]:
    """Department → reports still missing this month (the same assignments the report
    rate counts, so the dict is empty exactly when the rate is 100%)."""
    assignments, _ = views.task_table(data.ctx)
    if assignments.empty:
        return {}
    missing = (~assignments["reported"].astype(bool)).groupby(assignments[data.name_col]).sum()
    return {str(k): int(v) for k, v in missing.items() if v > 0}


def _reporting(data: MeetingData) -> list[str]:
    """Reports due and submitted this month, and the departments with reports missing."""
    lang, n = data.lang, data.numbers
    rate = t(
        "circular.reporting",
        lang,
        rate=fmt_pct(n["report_rate"]),
        done=n["reported"],
        total=n["reports_due"],
    )
    gaps = reporting_gaps(data)
    if gaps:
        names = [t("circular.gap", lang, name=k, count=v) for k, v in sorted(gaps.items())]
        rest = t("circular.reported_gaps", lang, names=join_list(names, lang))
    else:
        rest = t("circular.reported_all", lang)
    sep = "" if lang == "zh" else " "
    return [t("circular.h_reporting", lang), rate + sep + rest]


def previous_numbers(data: MeetingData) -> tuple[str, dict[str, object]] | None:
    """(previous month, its overview numbers as of that month's end): the comparison a
    monthly circular makes; None in the campaign's first month."""
    ctx = data.ctx
    periods = ctx.header.periods
    if ctx.period not in periods or periods.index(ctx.period) == 0:
        return None
    prev = periods[periods.index(ctx.period) - 1]
    prev_ctx = views.context(ctx.campaign_id, ctx.today, prev)
    if prev_ctx is None:
        return None
    numbers = views.overview_numbers(prev_ctx)
    return (prev, numbers) if numbers.get("tasks") else None


def _progress(data: MeetingData) -> list[str]:
    """Completion against what is expected by now, and the change since last month's end."""
    progress = t("circular.progress", data.lang, **progress_figures(data))
    return [t("circular.h_progress", data.lang), progress + _monthly_change(data)]


def _monthly_change(data: MeetingData) -> str:
    before = previous_numbers(data)
    if before is None:
        return ""
    prev, numbers = before
    change = round(float(data.numbers["completion"]) - float(numbers["completion"]), 1)  # type: ignore[arg-type]
    period = fmt_period(prev, data.lang)
    if change == 0:
        return t("circular.month_flat", data.lang, period=period)
    key = "circular.month_up" if change > 0 else "circular.month_down"
    return t(key, data.lang, value=f"{abs(change):.1f}", period=period)


def _ranking(data: MeetingData) -> list[str]:
    """The commended departments and the laggards, with their composite scores."""
    if data.ranking.empty:
        return []
    lang = data.lang
    lines = [t("circular.h_ranking", lang)]
    if not data.commend.empty:
        lines += [
            f"### {t('circular.h_commend', lang)}",
            t("circular.commend_line", lang, names=_scored_names(data, data.commend)),
        ]
    lines += [f"### {t('circular.h_laggard', lang)}"]
    if data.laggard.empty:
        lines.append(t("circular.no_laggard", lang))
    else:
        lines.append(t("circular.laggard_line", lang, names=_scored_names(data, data.laggard)))
    return lines


def _scored_names(data: MeetingData, frame: pd.DataFrame) -> str:
    names = [
        _line(data.lang, "scored", name=getattr(r, data.name_col), score=r.composite)
        for r in frame.itertuples(index=False)
    ]
    return join_list(names, data.lang)


def _lagging(data: MeetingData) -> list[str]:
    """The first ten tasks behind or overdue (overdue first), and how many more."""
    if data.lagging.empty:
        return []
    from lib.read.notifications import task_reasons

    lang = data.lang
    depts_col = local_col("departments", lang)
    reasons = task_reasons(data.ctx.campaign_id, data.ctx.period)
    lines = []
    for r in data.lagging.head(10).itertuples(index=False):
        lines.append(
            _line(
                lang,
                "lagging",
                code=r.code,
                title=r.title,
                depts=getattr(r, depts_col),
                percent=r.percent,
                status=status_label(r.status, lang),
            )
        )
        # "red needs a reason" (issue 22): what each department gave as its problems and
        # next steps, under the task
        for dept, problems, next_steps in reasons.get(int(r.task_id), [])[:3]:
            lines.append(
                "  - "
                + t(
                    "notify.circular_reason",
                    lang,
                    department=dept,
                    problems=_clause(problems),
                    next_steps=_clause(next_steps),
                )
            )
    more = len(data.lagging) - 10
    tail = [t("circular.lagging_more", lang, count=more)] if more > 0 else []
    return [t("circular.h_lagging", lang), *lines, *tail]


def _clause(text: str) -> str:
    """A reason on one line, without its closing full stop (the line adds its own)."""
    return " ".join(text.split()).rstrip("。.;； ") or "—"


def _satisfaction(data: MeetingData) -> list[str]:
    """The latest month's patient satisfaction against the target, its change from the
    month before, and the two lowest items."""
    if data.satisfaction.empty:
        return []
    lang, sat = data.lang, data.satisfaction
    latest = sat[sat["period"] == sat["period"].max()]
    item_col = local_col("name", lang)
    lowest = latest.sort_values("value").head(2)
    prev = sat[sat["period"] < sat["period"].max()]
    mean = round(float(latest["value"].mean()), 2)
    target = data.ctx.header.target_satisfaction
    tail = ""
    if target:
        gap = round(float(target) - mean, 2)
        tail += (
            t("circular.sat_meets", lang)
            if gap <= 0
            else t("circular.sat_below", lang, value=f"{gap:.2f}")
        )
    if not prev.empty:
        d = round(mean - float(prev[prev["period"] == prev["period"].max()]["value"].mean()), 2)
        if d == 0:
            tail += t("circular.sat_flat", lang)
        else:
            key = "circular.sat_up" if d > 0 else "circular.sat_down"
            tail += t(key, lang, value=f"{abs(d):.2f}")
    average = t(
        "circular.satisfaction",
        lang,
        value=f"{mean:.2f}",
        period=fmt_period(latest["period"].iloc[0], lang),
        target=f"{target or 0:g}",
    )
    items = [
        f"{getattr(r, item_col) or r.name} {float(r.value):.2f}"
        for r in lowest.itertuples(index=False)
    ]
    return [
        t("circular.h_satisfaction", lang),
        average + tail,
        t("circular.lowest", lang, items=join_list(items, lang)),
    ]


def _problems(data: MeetingData) -> list[str]:
    """Problems closed and still open in the problem ledger."""
    closed, still_open = data.problems.get("closed", 0), data.problems.get("open", 0)
    if not closed and not still_open:
        return []
    return [
        t("circular.h_problems", data.lang),
        t("circular.problems", data.lang, closed=closed, open=still_open),
    ]


def _signals(data: MeetingData) -> list[str]:
    """Run-chart signals whose last month is this month (issue 21): the same rules and
    words as the progress and satisfaction pages (lib/read/runcharts.py)."""
    from lib.read.runcharts import new_signals

    ctx = data.ctx
    found = new_signals(ctx.campaign_id, ctx.period, ctx.settings, data.lang)
    if found.empty:
        return []
    return [
        t("circular.h_signals", data.lang),
        t("circular.signals", data.lang, count=len(found)),
        *(f"- {text}" for text in found["text"]),
    ]


def _appeals(data: MeetingData) -> list[str]:
    """Appeals about this month's figures (issue 21): open, upheld, rejected."""
    from lib.read.appeals import counts

    c = counts(data.ctx.campaign_id, data.ctx.period)
    if not c["total"]:
        return []
    return [
        t("circular.h_appeals", data.lang),
        t(
            "circular.appeals",
            data.lang,
            total=c["total"],
            upheld=c["upheld"],
            rejected=c["rejected"],
            open=c["open"],
        ),
    ]


def _next_deadlines(data: MeetingData) -> list[str]:
    """Task deadlines in the next 45 days."""
    lang, ctx = data.lang, data.ctx
    upcoming = queries.upcoming_deadlines(
        ctx.campaign_id, ctx.today, ctx.today + dt.timedelta(days=45)
    )
    lines = [
        _line(lang, "deadline", date=fmt_date(r.due_date, lang), code=r.code, title=r.title)
        for r in upcoming.itertuples(index=False)
    ]
    if upcoming.empty:
        lines = [t("circular.no_deadlines", lang)]
    return [t("circular.h_next", lang), *lines]


# --- Word: a 公文 after GB/T 9704-2012 ---------------------------------------------------


@dataclass(frozen=True)
class Typefaces:
    """The typefaces of a 公文 by role."""

    body: str  # 仿宋: the body, 三号
    title: str  # 小标宋: the issuer mark and the title
    h1: str  # 黑体: first-level headings (一、)
    h2: str  # 楷体: second-level headings (（一）)
    page: str  # 宋体: page numbers, 四号
    bold_title: bool = False  # a regular serif stands in for 小标宋 only in bold


# the names the standard uses, as Chinese government machines have them (the .docx
# download); Word substitutes the alternative (w:altName in the font table) where one is
# missing
GB_FONTS = Typefaces(
    body="仿宋_GB2312", title="方正小标宋简体", h1="黑体", h2="楷体_GB2312", page="宋体"
)
# what a Linux server has (fonts-noto-cjk): the PDF made on the server
NOTO_FONTS = Typefaces(
    body="Noto Serif CJK SC",
    title="Noto Serif CJK SC",
    h1="Noto Sans CJK SC",
    h2="Noto Serif CJK SC",
    page="Noto Serif CJK SC",
    bold_title=True,
)
FONT_BODY, FONT_TITLE, FONT_H1, FONT_H2 = GB_FONTS.body, GB_FONTS.title, GB_FONTS.h1, GB_FONTS.h2
ALT_NAMES = {
    "仿宋_GB2312": "仿宋",
    "方正小标宋简体": "华文中宋",
    "黑体": "SimHei",
    "楷体_GB2312": "楷体",
    "宋体": "SimSun",
}
RED = "FF0000"
SIZE_3 = 16.0  # 三号
SIZE_2 = 22.0  # 二号
SIZE_4 = 14.0  # 四号
LINE_PT = 28.95  # 22 lines in the 225 mm text block
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}  # text block 156 × 225 mm


def circular_docx(
    markdown: str, head: CircularHead | None = None, fonts: Typefaces = GB_FONTS
) -> bytes:
    """The (edited) circular as a 公文 (GB/T 9704-2012): A4 with the standard margins; the
    issuer mark in red 小标宋, the document number and the red separator (with ``head``);
    the title in 二号 小标宋; the addressee flush left; the body in 三号 仿宋 on a 28.95 pt
    grid with two-character indents, 一、 headings in 黑体 and （一） in 楷体; after the
    closing (特此通报。) the issuer and the date to the right; page numbers “— N —” in
    四号, right on odd pages and left on even ones."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance, section.footer_distance = Mm(15), Mm(24)
    _base_style(doc, fonts)
    _font_table(doc)

    lines = [line.strip() for line in markdown.splitlines()]
    title = next((x[2:].strip() for x in lines if x.startswith("# ")), "")
    body = [x for x in lines if x and not x.startswith("# ")]
    closing_at = next(
        (i for i, x in enumerate(body) if x in _CLOSINGS or x.startswith("特此")), None
    )
    sign = body[closing_at + 1 :] if closing_at is not None else []
    body = body[: closing_at + 1] if closing_at is not None else body

    if head is not None:
        _issuer_mark(doc, head.issuer if head.lang != "zh" else f"{head.issuer}文件", fonts)
        _blank(doc, 2 if head.lang == "zh" else 1, fonts)
        number = _para(doc, head.number, fonts.body, SIZE_3, WD_ALIGN_PARAGRAPH.CENTER)
        _red_rule(number)
        _blank(doc, 2, fonts)
    if title:
        _para(
            doc,
            title,
            fonts.title,
            SIZE_2,
            WD_ALIGN_PARAGRAPH.CENTER,
            line=Pt(35),
            bold=fonts.bold_title,
        )
        _blank(doc, 1, fonts)
    # justified Chinese; English ragged right (justified Latin text opens wide gaps)
    english = head is not None and head.lang != "zh"
    body_align = WD_ALIGN_PARAGRAPH.LEFT if english else WD_ALIGN_PARAGRAPH.JUSTIFY
    first = True
    for text in body:
        if first and not text.startswith("#") and text.endswith(("：", ":")) and len(text) <= 40:
            _para(doc, text, fonts.body, SIZE_3, WD_ALIGN_PARAGRAPH.LEFT)  # 主送机关, flush left
            first = False
            continue
        first = False
        if text.startswith("## "):
            _para(doc, text[3:], fonts.h1, SIZE_3, indent=True, keep_next=True)
        elif text.startswith("### "):
            _para(doc, text[4:], fonts.h2, SIZE_3, indent=True, keep_next=True)
        else:
            body_text = text.removeprefix("- ")
            _para(doc, body_text, fonts.body, SIZE_3, body_align, True)
    if sign:
        _blank(doc, 1, fonts)
        _signature(doc, sign, fonts)
    _page_numbers(doc, fonts)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


_CLOSINGS = {"特此通报。", "For your information and action."}


def circular_pdf(markdown: str, head: CircularHead | None = None) -> bytes:
    """The circular as PDF, converted by LibreOffice on this machine (RuntimeError where
    it is not installed) in the typefaces the machine has (Noto CJK)."""
    from lib.io import office

    return office.to_pdf(circular_docx(markdown, head, NOTO_FONTS), ".docx")


def _set_fonts(run_or_style_rpr: object, font: str) -> None:
    """All four font slots, the East Asian one (w:eastAsia) included."""
    from docx.oxml.ns import qn

    rpr = run_or_style_rpr
    fonts = rpr.get_or_add_rFonts()  # type: ignore[attr-defined]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)


def _base_style(doc: object, fonts: Typefaces) -> None:
    from docx.shared import Pt

    normal = doc.styles["Normal"]  # type: ignore[attr-defined]
    normal.font.name = fonts.body
    normal.font.size = Pt(SIZE_3)
    _set_fonts(normal.element.get_or_add_rPr(), fonts.body)
    fmt = normal.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(LINE_PT)


def _font_table(doc: object) -> None:
    """Declare the typefaces with their alternatives (w:altName) in the font table."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    part = doc.part  # type: ignore[attr-defined]
    try:
        table = part.part_related_by(RT.FONT_TABLE)
    except KeyError:
        return
    root = parse_xml(table.blob)
    for name, alt in ALT_NAMES.items():
        root.append(
            parse_xml(
                f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alt}"/>'
                '<w:charset w:val="86"/><w:family w:val="roman"/><w:pitch w:val="variable"/>'
                "</w:font>"
            )
        )
    from lxml import etree

    table._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _para(
    doc: object,
    text: str,
    font: str,
    size: float,
    align: object = None,
    indent: bool = False,
    *,
    colour: str | None = None,
    line: object = None,
    keep_next: bool = False,
    bold: bool = False,
) -> object:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    para = doc.add_paragraph()  # type: ignore[attr-defined]
    fmt = para.paragraph_format
    fmt.alignment = align if align is not None else WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.line_spacing = line or Pt(LINE_PT)
    fmt.keep_with_next = keep_next
    fmt.widow_control = True
    if indent:  # 左空二字: two characters of the paragraph's own size
        fmt.first_line_indent = Pt(2 * size)
        ind = para._p.get_or_add_pPr().find(qn("w:ind"))
        if ind is not None:
            ind.set(qn("w:firstLineChars"), "200")
    run = para.add_run(text)
    run.font.size = Pt(size)
    run.font.name = font
    if bold:
        run.font.bold = True
    _set_fonts(run._r.get_or_add_rPr(), font)
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour)
    return para


def _blank(doc: object, n: int, fonts: Typefaces) -> None:
    for _ in range(n):
        _para(doc, "", fonts.body, SIZE_3)


def _issuer_mark(doc: object, text: str, fonts: Typefaces) -> None:
    """发文机关标志: red 小标宋, centred, as large as fits the 156 mm line (at most 小初)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    width_pt = (PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]) / 25.4 * 72
    size = min(36.0, round(width_pt * 0.92 / max(_width_chars(text), 1), 1))
    _para(
        doc,
        text,
        fonts.title,
        size,
        WD_ALIGN_PARAGRAPH.CENTER,
        colour=RED,
        line=Pt(size * 1.3),
        bold=fonts.bold_title,
    )


def _width_chars(text: str) -> float:
    """Width in full-width characters (Latin letters and digits count half)."""
    return sum(0.5 if ord(c) < 0x2E80 else 1.0 for c in text)


def _red_rule(para: object) -> None:
    """The red separator under the document number, as wide as the text block, 4 mm below."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    ppr = para._p.get_or_add_pPr()  # type: ignore[attr-defined]
    ppr.append(
        parse_xml(
            f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="12" w:space="11" '
            f'w:color="{RED}"/></w:pBdr>'
        )
    )


def _signature(doc: object, lines: list[str], fonts: Typefaces) -> None:
    """落款: the issuer, and on the next line the date, to the right; the date two
    characters in from the right, its first character two to the right of the issuer's."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    issuer, date = [*lines, "", ""][:2]
    wi, wd = _width_chars(issuer), _width_chars(date)
    right_date, right_issuer = (2.0, wd - wi + 4) if wd + 2 >= wi else (wi - wd, 2.0)
    for text, right in ((issuer, right_issuer), (date, right_date)):
        if not text:
            continue
        para = _para(doc, text, fonts.body, SIZE_3, WD_ALIGN_PARAGRAPH.RIGHT)
        para.paragraph_format.right_indent = Pt(right * SIZE_3)  # type: ignore[attr-defined]
    for extra in lines[2:]:
        _para(doc, extra, fonts.body, SIZE_3, indent=True)


def _page_numbers(doc: object, fonts: Typefaces) -> None:
    """“— N —” in 四号 宋体: odd pages on the right, even pages on the left, one
    character in from the edge of the text block."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Pt

    doc.settings.odd_and_even_pages_header_footer = True  # type: ignore[attr-defined]
    section = doc.sections[0]  # type: ignore[attr-defined]
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        para = footer.paragraphs[0]
        fmt = para.paragraph_format
        fmt.alignment = align
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            fmt.right_indent = Pt(SIZE_4)
        else:
            fmt.left_indent = Pt(SIZE_4)
        pieces: list[tuple[str, str | None]] = [
            ("text", "— "),
            ("begin", None),
            ("instr", " PAGE "),
            ("separate", None),
            ("text", "1"),
            ("end", None),
            ("text", " —"),
        ]
        for kind, value in pieces:
            run = para.add_run()
            run.font.size = Pt(SIZE_4)
            _set_fonts(run._r.get_or_add_rPr(), fonts.page)
            if kind == "text":
                run.text = value or ""
            elif kind == "instr":
                run._r.append(
                    parse_xml(
                        f'<w:instrText {nsdecls("w")} xml:space="preserve">{value}</w:instrText>'
                    )
                )
            else:
                run._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="{kind}"/>'))
