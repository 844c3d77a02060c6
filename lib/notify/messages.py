"""The digest texts: one message per channel and run, listing every department due a
reminder or escalation (never one message per task). Markdown for the robots (WeCom and
DingTalk read the same subset: headings, bold, lists, links), plain text and HTML for
e-mail. User text (department and task names, titles) is escaped for both."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Required, TypedDict, Unpack

from lib.domain.escalation import COLOURS
from lib.i18n import fmt_date, fmt_period, t
from lib.notify.channels import Message
from lib.read.notifications import Missing

MAX_ITEMS = 15  # items listed per department; the rest are counted
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def md(value: object) -> str:
    """User text on one line with markdown's special characters escaped."""
    text = " ".join(str(value or "").split())
    return _MD_SPECIAL.sub(r"\\\1", text)


@dataclass(frozen=True)
class DepartmentDue:
    """One department's part of a digest."""

    department_id: int
    name: str
    stage: str
    liaisons: tuple[str, ...]
    items: tuple[Missing, ...]


def _item_line(item: Missing, days_late: int, lang: str) -> str:
    if item.kind == "more":
        return t("notify.more_items", lang, count=item.title)
    label = f"{item.code} {item.title}".strip()
    if item.kind == "problem":
        return t("notify.item_problem", lang, task=label, days=item.days_overdue)
    key = "notify.item_returned" if item.kind == "returned" else "notify.item_missing"
    line = t(key, lang, task=label)
    if days_late > 0:
        line += t("notify.days_overdue", lang, days=days_late)
    return line


def digest(
    *,
    campaign: str,
    period: str,
    deadline: dt.date,
    today: dt.date,
    departments: Sequence[DepartmentDue],
    link: str,
    lang: str = "zh",
) -> Message:
    """The reminder / warning / escalation digest of one campaign for one channel."""
    worst = max((d.stage for d in departments), key=_rank)
    colour = COLOURS[worst]
    days_late = (today - deadline).days
    title = t(f"notify.title_{colour}", lang, campaign=campaign, period=fmt_period(period, lang))
    when = (
        t("notify.deadline_past", lang, date=fmt_date(deadline, lang), days=days_late)
        if days_late > 0
        else t("notify.deadline_today", lang, date=fmt_date(deadline, lang))
        if days_late == 0
        else t("notify.deadline_ahead", lang, date=fmt_date(deadline, lang), days=-days_late)
    )
    md_lines = [f"### {md(title)}", "", when, ""]
    text_lines = [title, "", when, ""]
    html_parts = [f"<h3>{html.escape(title)}</h3>", f"<p>{html.escape(when)}</p>"]
    for dept in sorted(departments, key=lambda d: (-_rank(d.stage), d.name)):
        mark = t(f"notify.colour_{COLOURS[dept.stage]}", lang)
        who = (
            t(
                "notify.liaison",
                lang,
                names="、".join(dept.liaisons) if lang == "zh" else ", ".join(dept.liaisons),
            )
            if dept.liaisons
            else t("notify.no_liaison", lang)
        )
        sep = "" if lang == "zh" else " "
        head = f"{mark}{sep}{dept.name}（{who}）" if lang == "zh" else f"{mark} {dept.name} ({who})"
        md_lines.append(
            f"**{md(mark)}{sep}{md(dept.name)}**"
            + (f"（{md(who)}）" if lang == "zh" else f" ({md(who)})")
        )
        text_lines.append(head)
        html_parts.append(
            f"<p><b>{html.escape(mark)}{sep}{html.escape(dept.name)}</b> {html.escape(who)}</p><ul>"
        )
        shown = dept.items[:MAX_ITEMS]
        for item in shown:
            line = _item_line(item, days_late, lang)
            md_lines.append(f"- {md(line)}")
            text_lines.append(f"- {line}")
            html_parts.append(f"<li>{html.escape(line)}</li>")
        if len(dept.items) > MAX_ITEMS:
            more = t("notify.more_items", lang, count=len(dept.items) - MAX_ITEMS)
            md_lines.append(f"- {md(more)}")
            text_lines.append(f"- {more}")
            html_parts.append(f"<li>{html.escape(more)}</li>")
        html_parts.append("</ul>")
        md_lines.append("")
        text_lines.append("")
    action = t("notify.open_link", lang)
    md_lines.append(f"[{md(action)}]({link})")
    text_lines.append(f"{action}: {link}")
    html_parts.append(f'<p><a href="{html.escape(link, quote=True)}">{html.escape(action)}</a></p>')
    return Message(
        title=title,
        markdown="\n".join(md_lines),
        text="\n".join(text_lines),
        html="<html><body>" + "\n".join(html_parts) + "</body></html>",
    )


class DigestFields(TypedDict, total=False):
    """What :func:`digest` takes besides the departments (``lang`` defaults to zh)."""

    campaign: Required[str]
    period: Required[str]
    deadline: Required[dt.date]
    today: Required[dt.date]
    link: Required[str]
    lang: str


def digest_parts(
    *,
    departments: Sequence[DepartmentDue],
    max_bytes: int | None = None,
    **fields: Unpack[DigestFields],
) -> list[tuple[list[DepartmentDue], Message]]:
    """The digest, split by department into as few messages as keep every markdown
    within ``max_bytes`` (a WeCom robot takes 4096 bytes); a department too long on its
    own lists fewer items ("N more")."""

    def build(group: list[DepartmentDue]) -> Message:
        return digest(departments=group, **fields)

    def fits(message: Message) -> bool:
        return max_bytes is None or len(message.markdown.encode("utf-8")) <= max_bytes

    ordered = sorted(departments, key=lambda d: (-_rank(d.stage), d.name))
    parts: list[tuple[list[DepartmentDue], Message]] = []
    group: list[DepartmentDue] = []
    for dept in ordered:
        if group and fits(build([*group, dept])):
            group.append(dept)
            continue
        if group:
            parts.append((group, build(group)))
        group = [_shortened(dept, build, fits)]
    if group:
        parts.append((group, build(group)))
    return parts


def _shortened(dept: DepartmentDue, build, fits) -> DepartmentDue:  # type: ignore[no-untyped-def]
    """The department with as many of its items as fit in one message on its own."""
    keep = len(dept.items)
    while keep > 1 and not fits(build([_with_items(dept, keep)])):
        keep -= 1
    return _with_items(dept, keep)


def _with_items(dept: DepartmentDue, keep: int) -> DepartmentDue:
    if keep >= len(dept.items):
        return dept
    rest = len(dept.items) - keep
    more = Missing("more", "", str(rest))
    return DepartmentDue(
        dept.department_id, dept.name, dept.stage, dept.liaisons, (*dept.items[:keep], more)
    )


def _rank(stage: str) -> int:
    return ("blue_before", "blue_due", "yellow", "red").index(stage)


def test_message(channel: str, link: str, lang: str = "zh") -> Message:
    """What the test button sends."""
    title = t("notify.test_title", lang)
    body = t("notify.test_body", lang, channel=channel)
    return Message(
        title=title,
        markdown=f"### {md(title)}\n\n{md(body)}\n\n[{md(t('notify.open_link', lang))}]({link})",
        text=f"{title}\n\n{body}\n\n{link}",
        html=f"<html><body><h3>{html.escape(title)}</h3><p>{html.escape(body)}</p>"
        f'<p><a href="{html.escape(link, quote=True)}">{html.escape(link)}</a></p></body></html>',
    )


def circular_message(
    *,
    campaign: str,
    period: str,
    circular_md: str,
    docx: bytes | None,
    link: str,
    deck: bytes | None = None,
    lang: str = "zh",
    summary_lines: int = 25,
) -> Message:
    """The monthly circular: on robots a markdown summary (its first lines) with a link,
    by e-mail the whole text with the Word file attached."""
    title = t("notify.circular_title", lang, campaign=campaign, period=fmt_period(period, lang))
    lines = [line for line in circular_md.splitlines()]
    head = lines[:summary_lines]
    more = t("notify.circular_more", lang) if len(lines) > summary_lines else ""
    robot = "\n".join([*head, "", more, f"[{md(t('notify.open_link', lang))}]({link})"])
    body_html = "".join(f"<p>{html.escape(line)}</p>" for line in lines if line.strip())
    files: list[tuple[str, bytes, str]] = []
    if docx is not None:
        files.append(
            (
                f"{t('notify.circular_file', lang)}-{period}.docx",
                docx,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            )
        )
    if deck is not None:
        files.append(
            (
                f"{t('notify.deck_file', lang)}-{period}.pptx",
                deck,
                "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            )
        )
    return Message(
        title=title,
        markdown=robot,
        text=f"{circular_md}\n\n{link}",
        html=f"<html><body>{body_html}"
        f'<p><a href="{html.escape(link, quote=True)}">{html.escape(link)}</a></p></body></html>',
        attachments=tuple(files),
    )
