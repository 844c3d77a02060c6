"""What a meeting shows for one campaign and one (frozen) period, from the same numbers as
the dashboard, and the headline sentences the meeting page and the material share. The
material itself: the PowerPoint deck (:mod:`lib.io.deck`), the monthly circular
(:mod:`lib.io.circular`) and the Excel report (:mod:`lib.io.report_xlsx`). No Streamlit
here; the meeting and reports pages and the CLI call these."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from lib.domain import scoring
from lib.i18n import fmt_date, fmt_pct, local_col, local_name, phase_label, t
from lib.io.honours_docs import honours_slide
from lib.read import queries, runcharts, views

EA_FONT = "Microsoft YaHei"  # what Chinese Windows/WPS machines have; others substitute


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
    # the 光荣榜 of the campaign's selection rounds final by the month (issue 20), or None
    roll: dict[str, Any] | None = None
    # the run chart of the campaign's overall completion, read as the progress page
    # reads it (issue 21), or None without reports
    run: runcharts.CampaignRun | None = None

    @property
    def name_col(self) -> str:
        return local_col("department", self.lang)


def meeting_data(ctx: views.CampaignContext, lang: str) -> MeetingData:
    """The numbers, ranking, honour lists, lagging tasks (overdue first), patient
    satisfaction trend and problem counts for the context's period."""
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
        roll=honours_slide(ctx.campaign_id, lang, up_to=ctx.period),
        run=runcharts.campaign_run(ctx.campaign_id, ctx.period, ctx.settings, lang),
    )


# --- headline sentences shared by the deck, the meeting page and the circular -------------
def run_lines(data: MeetingData) -> list[str]:
    """The signals of the campaign's run chart in words — the progress page's own
    sentences (:func:`lib.read.runcharts.signal_texts`) — or, without any, what the
    progress page says instead."""
    run = data.run
    if run is None:
        return [t("runchart.no_data", data.lang)]
    return run.texts or [runcharts.quiet_text(len(run.series), data.lang)]


def progress_figures(data: MeetingData) -> dict[str, object]:
    """The overview's progress figures by the names the sentences use (completion,
    expected, done, total, behind, overdue, rate), shown as the headline shows them."""
    n = data.numbers
    return {
        "completion": fmt_pct(n["completion"]),
        "expected": fmt_pct(n["expected"]),
        "done": n["done"],
        "total": n["tasks"],
        "behind": n["behind_or_at_risk"],
        "overdue": n["overdue"],
        "rate": fmt_pct(n["report_rate"]),
    }


def headline(data: MeetingData) -> list[tuple[str, str]]:
    """(label, value) pairs for the headline slide."""
    lang = data.lang
    if not data.numbers.get("tasks"):
        return []
    f = progress_figures(data)
    return [
        (t("overview.completion", lang), str(f["completion"])),
        (t("col.expected", lang), str(f["expected"])),
        (t("overview.tasks_done", lang), f"{f['done']} / {f['total']}"),
        (t("overview.tasks_behind", lang), str(f["behind"])),
        (t("overview.tasks_overdue", lang), str(f["overdue"])),
        (t("overview.report_rate", lang), str(f["rate"])),
    ]


def days_text(ctx: views.CampaignContext, lang: str) -> str:
    """第N天/共M天 · 剩余K天 on the day the period is judged at (``ctx.at``): today, or the
    month's last day for a past month, so a deck for October says what October's end said."""
    at = ctx.at
    if at < ctx.start:
        return t("overview.not_started_yet", lang, days=(ctx.start - at).days)
    if at > ctx.end:
        return t("overview.ended", lang, date=fmt_date(ctx.end, lang))
    total = (ctx.end - ctx.start).days + 1
    day = (at - ctx.start).days + 1
    return (
        t("overview.day_of", lang, day=day, total=total)
        + " · "
        + t("overview.days_left", lang, days=(ctx.end - at).days)
    )


def current_phase_name(ctx: views.CampaignContext, lang: str) -> str:
    """The phase running on the day the period is judged at (``ctx.at``)."""
    phase = ctx.header.phase_at(ctx.at)
    return phase_label(phase.name, phase.kind, lang) if phase else t("overview.no_phase", lang)


def department_statuses(data: MeetingData) -> list[str]:
    """Each ranked department's status (completion against expected), as the progress
    page judges it; in the ranking's order."""
    at, thresholds = data.ctx.at, data.ctx.thresholds
    return [
        scoring.work_status(c, e, None, at, thresholds=thresholds)
        for c, e in zip(data.ranking["completion"], data.ranking["expected"], strict=True)
    ]


def spotlight_figures(data: MeetingData, department_id: int) -> list[tuple[str, str]]:
    """(label, value) pairs of a department spotlight: score, rank, completion against
    expected, tasks done and overdue, and the satisfaction and inspection components."""
    lang = data.lang
    row = data.ranking[data.ranking["department_id"] == department_id].iloc[0]
    pairs = [
        (t("col.composite", lang), f"{row['composite']:.2f}"),
        (t("col.rank", lang), f"{int(row['rank'])} / {len(data.ranking)}"),
        (t("overview.completion", lang), fmt_pct(row["completion"])),
        (t("col.expected", lang), fmt_pct(row["expected"])),
        (t("overview.tasks_done", lang), f"{int(row['done'])} / {int(row['assignments'])}"),
        (t("overview.tasks_overdue", lang), str(int(row["overdue"]))),
    ]
    if pd.notna(row.get("satisfaction")):
        pairs.append((t("component.satisfaction", lang), f"{float(row['satisfaction']):.1f}"))
    if pd.notna(row.get("inspection")):
        pairs.append((t("component.inspection", lang), f"{float(row['inspection']):.1f}"))
    return pairs


def spotlight_tasks(data: MeetingData, department_id: int, limit: int = 6) -> pd.DataFrame:
    """The department's assignments behind, at risk or overdue (overdue first), from the
    same statuses as the progress page."""
    tasks = views.department_tasks(data.ctx, department_id)
    if tasks.empty:
        return tasks
    order = {"overdue": 0, "at_risk": 1, "behind": 2}
    late = tasks[tasks["status"].isin(list(order))]
    return late.assign(_o=late["status"].map(order)).sort_values(["_o", "percent"]).head(limit)


RANK_ROWS = 12  # departments per ranking slide (a table readable from the back of a room)


def ranking_pages(data: MeetingData) -> int:
    """How many slides the ranking takes (every department, RANK_ROWS a slide)."""
    return max(1, -(-len(data.ranking) // RANK_ROWS)) if not data.ranking.empty else 1


def slide_plan(data: MeetingData) -> list[str]:
    """The slides, in order, the deck and the meeting screen share: title, headline,
    phases, the run chart of the overall completion, the ranking (one key per page, ``ranking:N``), 红黑榜, lagging tasks,
    satisfaction, a spotlight per department (``spot:<id>``), closing."""
    return [
        "title",
        "headline",
        "phases",
        "runchart",
        *[f"ranking:{i}" for i in range(ranking_pages(data))],
        "honours",
        *(["roll"] if data.roll else []),
        "lagging",
        "satisfaction",
        *[f"spot:{d}" for d in spotlight_departments(data)],
        "closing",
    ]


def spotlight_departments(data: MeetingData) -> list[int]:
    """Departments the meeting puts in the spotlight: the commend list, then the laggards."""
    ids = list(data.commend["department_id"]) if not data.commend.empty else []
    ids += [
        i for i in (data.laggard["department_id"] if not data.laggard.empty else []) if i not in ids
    ]
    return [int(i) for i in ids]
