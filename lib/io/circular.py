"""The monthly circular (月度通报): a Markdown draft from
:class:`lib.io.meeting.MeetingData`, section by section, which the office edits before
sending; and the (edited) text as a Word document."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd

from lib.i18n import fmt_date, fmt_pct, fmt_period, join_list, local_col, status_label, t
from lib.io.meeting import EA_FONT, MeetingData
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


def circular_text(data: MeetingData) -> str:
    """A draft circular in Markdown, from the data; the office edits it before sending."""
    lang, ctx = data.lang, data.ctx
    period = fmt_period(ctx.period, lang)
    parts = [f"# {t('circular.heading', lang, title=data.title, period=period)}", ""]
    if not data.numbers.get("tasks"):
        return "\n".join([*parts, t("overview.no_tasks", lang)])
    for section in (
        _reporting,
        _progress,
        _ranking,
        _lagging,
        _satisfaction,
        _problems,
        _next_deadlines,
    ):
        parts += section(data)
    organiser = ctx.header.organiser or ""
    parts += ["", t("circular.sign", lang, organiser=organiser, date=fmt_date(ctx.today, lang))]
    return "\n".join(parts)


def _line(lang: str, shape: str, **values: object) -> str:
    return _LINES["zh" if lang == "zh" else "en"][shape].format(**values)


# --- the sections (each a heading, its lines and a blank line, or nothing) -----------------


def _reporting(data: MeetingData) -> list[str]:
    """Reports due and submitted this month, and the departments that sent none."""
    lang, n = data.lang, data.numbers
    assignments, _ = views.task_table(data.ctx)
    reported_any = assignments.groupby(data.name_col)["reported"].any()
    missing = sorted(reported_any[~reported_any].index)  # departments with no report at all
    rate = t(
        "circular.reporting",
        lang,
        rate=fmt_pct(n["report_rate"]),
        done=n["reported"],
        total=n["reports_due"],
    )
    late = (
        t("circular.missing", lang, names=join_list(missing, lang))
        if missing
        else t("circular.none_missing", lang)
    )
    return [f"## {t('circular.s_reporting', lang)}", rate, late, ""]


def _progress(data: MeetingData) -> list[str]:
    """Completion against what is expected by now, and the change since a week ago."""
    lang, n = data.lang, data.numbers
    progress = t(
        "circular.progress",
        lang,
        completion=fmt_pct(n["completion"]),
        expected=fmt_pct(n["expected"]),
        done=n["done"],
        total=n["tasks"],
        overdue=n["overdue"],
        behind=n["behind_or_at_risk"],
    )
    return [f"## {t('circular.s_progress', lang)}", progress + _weekly_change(data), ""]


def _weekly_change(data: MeetingData) -> str:
    before_ctx = views.week_ago(data.ctx)
    if before_ctx is None:
        return ""
    before = views.overview_numbers(before_ctx, dt.datetime.combine(before_ctx.today, dt.time.max))
    if not before.get("tasks"):
        return ""
    change = data.numbers["completion"] - before["completion"]
    return t("circular.change", data.lang, value=f"{change:+.1f}")


def _ranking(data: MeetingData) -> list[str]:
    """The commended departments and the laggards, with their composite scores."""
    if data.ranking.empty:
        return []
    lang = data.lang
    return [
        f"## {t('circular.s_ranking', lang)}",
        t("circular.top", lang, names=_scored_names(data, data.commend)),
        t("circular.bottom", lang, names=_scored_names(data, data.laggard) or "—"),
        "",
    ]


def _scored_names(data: MeetingData, frame: pd.DataFrame) -> str:
    names = [
        _line(data.lang, "scored", name=getattr(r, data.name_col), score=r.composite)
        for r in frame.itertuples(index=False)
    ]
    return join_list(names, data.lang)


def _lagging(data: MeetingData) -> list[str]:
    """The first ten tasks behind or overdue, with their departments and progress."""
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
    return [f"## {t('circular.s_lagging', lang)}", *lines, ""]


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
    delta = ""
    if not prev.empty:
        d = float(latest["value"].mean()) - float(
            prev[prev["period"] == prev["period"].max()]["value"].mean()
        )
        delta = t("circular.sat_change", lang, value=f"{d:+.2f}")
    average = t(
        "circular.satisfaction",
        lang,
        value=f"{float(latest['value'].mean()):.2f}",
        period=fmt_period(latest["period"].iloc[0], lang),
        target=f"{data.ctx.header.target_satisfaction or 0:g}",
    )
    items = [
        f"{getattr(r, item_col) or r.name} {float(r.value):.2f}"
        for r in lowest.itertuples(index=False)
    ]
    return [
        f"## {t('circular.s_satisfaction', lang)}",
        average + delta,
        t("circular.lowest", lang, items=join_list(items, lang)),
        "",
    ]


def _problems(data: MeetingData) -> list[str]:
    """Problems closed and still open in the problem ledger."""
    if not data.problems:
        return []
    closed, still_open = data.problems.get("closed", 0), data.problems.get("open", 0)
    return [
        f"## {t('circular.s_problems', data.lang)}",
        t("circular.problems", data.lang, closed=closed, open=still_open),
        "",
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
    return [f"## {t('circular.s_next', lang)}", *lines]


# --- Word --------------------------------------------------------------------------------


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
