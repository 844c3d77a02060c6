"""Documents of a selection round (issue 20): the 公示 notice in the layout of an
official document (GB/T 9704-like: A4, margins 37/35/28/26 mm, title in 小标宋 22 pt,
body in 仿宋 16 pt at a fixed 28.95 pt line pitch, two-character first-line indent, the
issuing body and the date at the right), and the certificates (奖状), one page each.

Inputs are the plain records of :mod:`lib.read.recognition` (``round_info``,
``nominations``) so that the documents can be made from a page, the CLI or a test.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from lib.domain.clock import local_today
from lib.i18n import fmt_date, t
from lib.read.recognition import candidate_name

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"


def _period_label(info: dict[str, Any], lang: str) -> str:
    key = str(info["period_key"])
    if info["period_kind"] == "quarter":
        year, q = key.split("-Q")
        if lang == "zh":
            return f"{year}年第{'一二三四'[int(q) - 1]}季度"
        return f"Q{q} {year}"
    if info["period_kind"] == "year":
        return f"{key}年度" if lang == "zh" else key
    year, month = key.split("-")
    return f"{year}年{int(month)}月" if lang == "zh" else f"{year}-{month}"


def period_label(info: dict[str, Any], lang: str) -> str:
    """A round's period as people say it: 2026年第三季度 / Q3 2026."""
    return _period_label(info, lang)


def _setup(doc: Any, *, landscape: bool = False) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin = section.bottom_margin = Mm(25)
        section.left_margin = section.right_margin = Mm(30)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
    style = doc.styles["Normal"]
    style.font.name = LATIN_FONT
    style.font.size = Pt(16)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    fmt = style.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(28.95)


def _run(
    paragraph: Any,
    text: str,
    *,
    font: str | None = None,
    size: float | None = None,
    bold: bool = False,
) -> Any:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run = paragraph.add_run(text)
    if font:
        run.font.name = LATIN_FONT
        run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    if size:
        run.font.size = Pt(size)
    run.bold = bold
    return run


def _para(
    doc: Any, text: str = "", *, indent: bool = True, align: str | None = None, **run: Any
) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(32)  # two characters of 16 pt
    if align == "center":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif align == "right":
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if text:
        _run(p, text, **run)
    return p


def _date_zh(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _save(doc: Any) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def winners(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in rows if r.get("outcome") == "won"]


def notice_docx(
    info: dict[str, Any],
    rows: list[dict[str, Any]],
    *,
    campaign: str,
    issuer: str,
    lang: str = "zh",
    addressee: str | None = None,
) -> bytes:
    """The 公示 notice of a round: title, addressee, what was decided and how, the list of
    winners with their reasons, the notice period and where to object, issuer and date."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    _setup(doc)
    kind = t(f"recog.kind_{info['kind']}", lang)
    title = (
        f"{_period_label(info, lang)}{kind}"
        if lang == "zh"
        else f"{_period_label(info, lang)} {kind}"
    )
    chosen = winners(rows)
    head = _para(doc, indent=False, align="center")
    _run(head, t("doc.notice_title", lang, title=title), font=TITLE_FONT, size=22)
    head.paragraph_format.line_spacing = Pt(36)
    _para(doc, indent=False)  # one blank line under the title (GB/T 9704 7.3.3)
    _para(
        doc,
        addressee or ("各科室、各支部：" if lang == "zh" else "To all departments:"),
        indent=False,
    )
    _para(doc, t("doc.notice_body", lang, campaign=campaign, title=title, count=len(chosen)))
    _para(doc, t("doc.notice_list", lang))
    for i, row in enumerate(chosen, start=1):
        name = candidate_name(row, lang)
        sep = "：" if lang == "zh" else ": "
        p = _para(doc)
        _run(p, f"{i}. {name}", font=HEADING_FONT)
        _run(p, sep + str(row.get("reasons") or ""))
    start, end = info.get("notice_start"), info.get("notice_end")
    if start and end:
        fmt = _date_zh if lang == "zh" else (lambda d: fmt_date(d, lang))
        _para(doc, t("doc.notice_period", lang, start=fmt(start), end=fmt(end)))
    _signature(doc, issuer, start or local_today(), lang)
    return _save(doc)


def _signature(doc: Any, issuer: str, issued: dt.date, lang: str, **style: Any) -> Any:
    """The issuer and the date (成文日期) at the right, two blank lines under the text;
    the date's paragraph."""
    for _ in range(2):
        _para(doc, indent=False)
    _para(doc, issuer, indent=False, align="right", **style)
    when = _date_zh(issued) if lang == "zh" else fmt_date(issued, lang)
    return _para(doc, when, indent=False, align="right", **style)


def certificates_docx(
    info: dict[str, Any],
    rows: list[dict[str, Any]],
    *,
    campaign: str,
    issuer: str,
    lang: str = "zh",
    only: int | None = None,
) -> bytes:
    """Certificates (奖状) of a round's winners, one landscape page each (``only``: the
    one of that nomination)."""
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.shared import Pt

    doc = Document()
    _setup(doc, landscape=True)
    kind = t(f"recog.kind_{info['kind']}", lang)
    chosen = [r for r in winners(rows) if only is None or r["id"] == only]
    for i, row in enumerate(chosen):
        head = _para(doc, indent=False, align="center")
        head.paragraph_format.space_before = Pt(48)
        head.paragraph_format.line_spacing = Pt(80)
        _run(head, t("doc.certificate_title", lang), font=TITLE_FONT, size=48, bold=True)
        _para(doc, indent=False)
        name, body = t(
            "doc.certificate_body",
            lang,
            name=candidate_name(row, lang),
            campaign=campaign,
            period=_period_label(info, lang),
            kind=kind,
        ).split("\n", 1)
        _para(doc, name, indent=False, size=26, font=BODY_FONT).paragraph_format.line_spacing = Pt(
            44
        )
        _para(doc, body, size=26, font=BODY_FONT).paragraph_format.line_spacing = Pt(44)
        issued = info.get("notice_end") or info.get("notice_start") or local_today()
        last = _signature(doc, issuer, issued, lang, size=22, font=BODY_FONT)
        if i + 1 < len(chosen):
            last.add_run().add_break(WD_BREAK.PAGE)
    return _save(doc)


# --- the 光荣榜 as one slide (meeting mode and the deck) -----------------------------------


def honours_slide(
    campaign_id: int, lang: str, limit: int = 12, up_to: str | None = None
) -> dict[str, Any] | None:
    """The campaign's latest final results as one slide for the meeting mode and the
    PowerPoint deck: ``{"title", "subtitle", "lines": [(name, reasons)]}``, the newest
    period's rounds first, at most ``limit`` winners; None when nothing is final yet."""
    from lib.read import recognition

    rolls = recognition.honours(campaign_id)
    if up_to is not None:  # a meeting frozen to a month shows what was final by then
        rolls = [r for r in rolls if str(r["last_month"]) <= up_to]
    if not rolls:
        return None
    latest = rolls[0]["last_month"]
    current = [r for r in rolls if r["last_month"] == latest]
    lines: list[tuple[str, str]] = []
    for roll in current:
        for winner in roll["winners"]:
            lines.append((candidate_name(winner, lang), str(winner.get("reasons") or "")))
    sep = "、" if lang == "zh" else ", "
    return {
        "title": t("page.honours", lang),
        "subtitle": sep.join(str(r["title"]) for r in current)
        + (" · " if current else "")
        + _period_label(current[0], lang),
        "lines": lines[:limit],
    }
