"""View models: the numbers each leadership page shows, from the summary table
(:mod:`lib.read.summary`) or SQL aggregates (:mod:`lib.read.aggregates`,
:mod:`lib.read.queries`) put through the rules of :mod:`lib.domain.scoring`. No
Streamlit here; pages, the meeting deck and the circular all use these so they always
agree."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec, TypeVar

import pandas as pd

from lib.domain import scoring
from lib.domain.periods import (
    period_end,
    period_of,
    period_start,
    periods_between,
    report_cutoff,
    report_deadline,
    reporting_period,
)
from lib.i18n import fmt_period, phase_label, t
from lib.read import aggregates, campaigns, queries, summary
from lib.read.cache import versioned
from lib.read.campaigns import CampaignRecord

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class CampaignContext:
    """A campaign looked at for one period on one day."""

    campaign_id: int
    header: CampaignRecord
    period: str
    today: dt.date
    settings: Mapping[str, Any]
    thresholds: scoring.Thresholds

    @property
    def start(self) -> dt.date:
        return self.header.start_date

    @property
    def end(self) -> dt.date:
        return self.header.end_date

    @property
    def at(self) -> dt.date:
        """The day the period is judged at: today, or the period's last day if past."""
        return min(self.today, period_end(self.period))

    @property
    def report_day(self) -> int:
        return int(self.settings["report_day"])


def context(campaign_id: int, today: dt.date, period: str | None = None) -> CampaignContext | None:
    campaign = campaigns.record(campaign_id)
    if campaign is None:
        return None
    current = reporting_period(campaign.start_date, campaign.end_date, today)
    chosen = period if period and period <= current else current
    return CampaignContext(
        campaign_id=campaign_id,
        header=campaign,
        period=chosen,
        today=today,
        settings=campaign.settings,
        thresholds=campaign.thresholds,
    )


def per_context(fn: Callable[Concatenate[CampaignContext, P], R]) -> Callable[
    Concatenate[CampaignContext, P], R
]:  # fmt: skip
    """Cache ``fn(ctx, ...)`` per data version by what the context is made of (campaign,
    day, period) and the other arguments; the cached call rebuilds the context."""
    compute: Callable[..., R] = fn

    @functools.wraps(fn)
    def by_key(campaign_id: int, today: dt.date, period: str, *args: Any) -> R:
        ctx = context(campaign_id, today, period)
        assert ctx is not None
        return compute(ctx, *args)

    cached = versioned(by_key)

    @functools.wraps(fn)
    def wrapper(ctx: CampaignContext, *args: P.args, **kwargs: P.kwargs) -> R:
        assert not kwargs, "positional arguments only (they are the cache key)"
        return cached(ctx.campaign_id, ctx.today, ctx.period, *args)

    return wrapper


def phase_timeline(campaign: CampaignRecord, lang: str) -> pd.DataFrame:
    """The phase timeline chart's data: each phase's name (in English numbered, by its
    kind), start and end; empty without phases."""
    return pd.DataFrame(
        [
            {
                "name": p.name if lang == "zh" else f"{p.seq}. {phase_label(p.name, p.kind, lang)}",
                "start": p.start_date,
                "end": p.end_date,
            }
            for p in campaign.phases
        ],
        columns=["name", "start", "end"],
    )


def campaign_periods(ctx: CampaignContext) -> list[str]:
    """Periods of the campaign up to the current one (newest last)."""
    current = reporting_period(ctx.start, ctx.end, ctx.today)
    return [p for p in periods_between(ctx.start, ctx.end) if p <= current]


def task_expected(ctx: CampaignContext, at: dt.date | None = None) -> tuple[tuple[int, float], ...]:
    tasks = queries.task_dates(ctx.campaign_id)
    at = at or ctx.at
    if tasks.empty:
        return ()
    return tuple(
        (
            int(r.task_id),
            scoring.expected_share(r.start_date or ctx.start, r.due_date or ctx.end, at),
        )
        for r in tasks.itertuples(index=False)
    )


def _due_periods(
    ctx: CampaignContext, period: str
) -> tuple[tuple[str, ...], tuple[dt.datetime, ...]]:
    """Periods whose reports were due by ``period`` and each one's deadline."""
    periods = [p for p in campaign_periods(ctx) if p <= period]
    cutoffs = []
    kept = []
    for p in periods:
        deadline = report_cutoff(p, ctx.report_day)
        if report_deadline(p, ctx.report_day) >= ctx.today and p == period_of(ctx.today):
            continue  # this month's deadline has not come yet
        kept.append(p)
        cutoffs.append(deadline)
    return tuple(kept), tuple(cutoffs)


def _first_by_department(df: pd.DataFrame, column: str) -> dict[Any, Any]:
    """department_id -> the column's value in the department's first row."""
    out: dict[Any, Any] = {}
    if df.empty:
        return out
    for did, value in zip(df["department_id"], df[column], strict=True):
        out.setdefault(did, value)
    return out


def distinct_names(df: pd.DataFrame) -> pd.DataFrame:
    """Department names as charts and lists show them: a name that several units in
    ``df`` share gets each unit's code ("财务科（CW01）", "Finance (CW01)"), so a chart
    never draws two units as one and a list never shows two identical names."""
    out = df
    codes: dict[Any, Any] | None = None
    for col, template in (("department", "{}（{}）"), ("department_en", "{} ({})")):
        if df.empty or col not in df:
            continue
        pairs = df[["department_id", col]].drop_duplicates()
        shared = set(pairs.loc[pairs[col].duplicated(keep=False), col])
        if not shared:
            continue
        if codes is None:  # the frame's own codes, else every department's
            known = df if "code" in df else queries.department_names()
            codes = dict(zip(known["department_id"], known["code"], strict=False))
        out = out.copy() if out is df else out
        mask = out[col].isin(shared)
        out.loc[mask, col] = [
            template.format(name, codes.get(did, did))
            for name, did in zip(out.loc[mask, col], out.loc[mask, "department_id"], strict=True)
        ]
    return out


def department_scores(ctx: CampaignContext, period: str | None = None) -> pd.DataFrame:
    """Composite score, its components and rank for every department, for one period
    (cached per process by the data-version stamp)."""
    return _department_scores(ctx, period or ctx.period)


@per_context
def _department_scores(ctx: CampaignContext, period: str) -> pd.DataFrame:
    return _scores_from_inputs(ctx, department_inputs(ctx, period))


def department_inputs(
    ctx: CampaignContext, period: str, source: str = "summary", frame: pd.DataFrame | None = None
) -> pd.DataFrame:
    """What the composite score of each department is made of, for one period.

    ``source="summary"`` reads the pre-aggregated ``department_months`` table
    (:mod:`lib.read.summary`); ``"sql"`` computes the same figures from the report tables
    (the reference the summary is tested against, and the path for a period judged
    before it began)."""
    at = min(ctx.today, period_end(period))
    periods, cutoffs = _due_periods(ctx, period)
    if source == "summary" and at >= period_start(period):
        df = summary.department_inputs(ctx.campaign_id, period, at, periods, frame)
        if df is not None:
            if not df.empty and at < period_end(period):
                live = aggregates.department_expected(ctx.campaign_id, task_expected(ctx, at))
                df["expected"] = df["department_id"].map(live).fillna(0.0).astype("float64")
            return df
    return _department_inputs_sql(ctx, period, at, periods, cutoffs)


INPUT_COLUMNS = [
    "department_id",
    "code",
    "name",
    "name_en",
    "assignments",
    "completion",
    "expected",
    "done",
    "overdue",
    "reported",
    "reports_on_time",
    "reports",
    "done_on_time",
    "due_tasks",
    "satisfaction",
    "inspection",
    "complaints",
]


def _department_inputs_sql(
    ctx: CampaignContext,
    period: str,
    at: dt.date,
    periods: tuple[str, ...],
    cutoffs: tuple[dt.datetime, ...],
) -> pd.DataFrame:
    progress = aggregates.department_progress(ctx.campaign_id, period, at, task_expected(ctx, at))
    if progress.empty:
        return pd.DataFrame(columns=INPUT_COLUMNS)
    timely = aggregates.department_timeliness(ctx.campaign_id, periods, cutoffs, at)
    indicators = queries.department_indicators(ctx.campaign_id, period, "patient")
    inspection = aggregates.inspection_latest(ctx.campaign_id, period)
    complaints_df = aggregates.complaints(ctx.campaign_id, period)
    # one pass over each frame instead of one filter per department (thousands of units)
    timely_by: dict[Any, tuple[int, int, int, int]] = {}
    if not timely.empty:
        for did, on_time, due, done, due_tasks in zip(
            timely["department_id"],
            timely["reports_on_time"],
            timely["reports"],
            timely["done_on_time"],
            timely["due_tasks"],
            strict=True,
        ):
            timely_by.setdefault(did, (int(on_time), int(due), int(done), int(due_tasks)))
    sat_by: dict[Any, list[tuple[float, Any, Any]]] = {}
    min_sample = int(ctx.settings["min_sample"])
    if not indicators.empty:
        sat = indicators[indicators["scale"].fillna(100) <= 100]
        for did, v, tg, n in zip(
            sat["department_id"], sat["value"], sat["target"], sat["sample_size"], strict=True
        ):
            size = None if n is None or pd.isna(n) else int(n)
            tgt = None if tg is None or pd.isna(tg) else float(tg)
            sat_by.setdefault(did, []).append((float(v), tgt, size))
    insp_by = _first_by_department(inspection, "inspection")
    comp_by = _first_by_department(complaints_df, "complaints")
    rows = []
    for r in progress.itertuples(index=False):
        t = timely_by.get(r.department_id)
        insp = insp_by.get(r.department_id)
        comp = comp_by.get(r.department_id)
        rows.append(
            {
                "department_id": r.department_id,
                "code": r.code,
                "name": r.name,
                "name_en": r.name_en,
                "assignments": int(r.assignments),
                "completion": float(r.completion or 0.0),
                "expected": float(r.expected or 0.0),
                "done": int(r.done),
                "overdue": int(r.overdue or 0),
                "reported": int(r.reported),
                "reports_on_time": t[0] if t else None,
                "reports": t[1] if t else None,
                "done_on_time": t[2] if t else None,
                "due_tasks": t[3] if t else None,
                "satisfaction": scoring.satisfaction_component(
                    sat_by.get(r.department_id, []), min_sample
                ),
                "inspection": float(insp) if insp is not None else None,
                "complaints": float(comp) if comp is not None else None,
            }
        )
    return pd.DataFrame(rows, columns=INPUT_COLUMNS)


def _scores_from_inputs(ctx: CampaignContext, inputs: pd.DataFrame) -> pd.DataFrame:
    """Components, deductions, composite and rank from the inputs by the rules of
    :mod:`lib.domain.scoring` (:func:`~lib.domain.scoring.score_columns`), with each
    department's names and counts. Inputs with a ``period`` column are ranked within
    each period."""
    if inputs.empty:
        return pd.DataFrame()

    def col(name: str) -> Any:
        return pd.to_numeric(inputs[name], errors="coerce").astype("float64").to_numpy()

    df = pd.DataFrame(
        {
            "department_id": inputs["department_id"].to_numpy(),
            "code": inputs["code"].array,
            "department": inputs["name"].array,
            "department_en": inputs["name_en"].array,  # Department.display_en: never empty
            "assignments": col("assignments").astype("int64"),
            "expected": col("expected"),
            "done": col("done").astype("int64"),
            "overdue": col("overdue").astype("int64"),
            "reported": col("reported").astype("int64"),
            **scoring.score_columns(inputs, ctx.settings),
        }
    )
    df = distinct_names(df)
    if "period" in inputs:  # many periods stacked: ranked within each
        df["period"] = inputs["period"].to_numpy()
        df["rank"] = scoring.competition_ranks(df["composite"], groups=df["period"])
        return df.sort_values(["period", "rank", "department"]).reset_index(drop=True)
    df["rank"] = scoring.competition_ranks(df["composite"])
    return df.sort_values(["rank", "department"]).reset_index(drop=True)


@per_context
def ranking(ctx: CampaignContext) -> pd.DataFrame:
    """This period's scores with movement against the previous period."""
    now = department_scores(ctx)
    if now.empty:
        return now
    periods = campaign_periods(ctx)
    idx = periods.index(ctx.period) if ctx.period in periods else len(periods) - 1
    if idx > 0:
        before = department_scores(ctx, periods[idx - 1])[["department_id", "rank"]]
        now = now.merge(
            before.rename(columns={"rank": "previous_rank"}), on="department_id", how="left"
        )
    else:
        now["previous_rank"] = None
    now["movement"] = [
        scoring.movement(int(r), int(p) if pd.notna(p) else None)
        for r, p in zip(now["rank"], now["previous_rank"], strict=True)
    ]
    return now


@per_context
def rank_history(ctx: CampaignContext) -> pd.DataFrame:
    """Rank and composite of every department for every period so far (bump chart)."""
    columns = ["department_id", "department", "department_en", "composite", "rank", "period"]
    periods = [p for p in campaign_periods(ctx) if p <= ctx.period]
    summary_rows = summary.campaign_frame(ctx.campaign_id)  # read once for every month
    # closed months (judged at their last day) scored together from the summary
    closed = {p: _due_periods(ctx, p)[0] for p in periods if period_end(p) <= ctx.today}
    stacked = summary.history_inputs(summary_rows, closed) if closed else None
    frames = []
    if stacked is not None and not stacked.empty:
        frames.append(_scores_from_inputs(ctx, stacked)[columns])
        scored = set(stacked["period"].unique())
    else:
        scored = set()
    # the running month (its scores as the ranking has them, cached), and any month the
    # summary has no rows for, one at a time
    for p in periods:
        if p in scored:
            continue
        if p == ctx.period:
            df = department_scores(ctx)
        else:
            df = _scores_from_inputs(ctx, department_inputs(ctx, p, frame=summary_rows))
        if not df.empty:
            frames.append(df.assign(period=p)[columns])
    if not frames:
        return pd.DataFrame()
    history = pd.concat(frames, ignore_index=True)
    return history.sort_values(["period", "rank", "department"], kind="stable").reset_index(
        drop=True
    )


CHART_DEPARTMENTS = 40  # more than this: charts draw the best and worst 20 (and your own)


def chart_focus(
    df: pd.DataFrame,
    order_by: str,
    *,
    ascending: bool = False,
    keep_id: Any = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """The departments a chart draws: all of them up to ``limit``; beyond that (a city or
    a province has hundreds or thousands of units, which no chart can show legibly) the
    best and the worst ``limit // 2`` by ``order_by`` plus ``keep_id``'s row. The page
    says so (:func:`lib.ui.page.focus_note`) and keeps every unit in the data table."""
    limit = CHART_DEPARTMENTS if limit is None else limit
    if len(df) <= limit:
        return df
    half = limit // 2
    ordered = df.sort_values(order_by, ascending=ascending, kind="stable")
    keep = pd.concat([ordered.head(half), ordered.tail(half)])
    if keep_id is not None and keep_id not in set(keep["department_id"]):
        keep = pd.concat([keep, df[df["department_id"] == keep_id]])
    return keep


def department_grid(
    df: pd.DataFrame,
    name_col: str,
    columns: str,
    values: str,
    *,
    label: str,
    order: Any = None,
    column_order: Any = None,
) -> pd.DataFrame:
    """A chart's data table: one row per department (by id, so two units with the same
    name stay two rows), one column per ``columns`` value, the department's name first
    under the header ``label``; a department or column without any value stays, empty.
    Rows in ``order`` (department ids) first when given, the others as they first
    appear; columns in ``column_order`` when given, else sorted."""
    if df.empty:
        return pd.DataFrame(columns=[label])
    if df.duplicated(["department_id", columns]).any():  # several values: their mean
        grid = df.pivot_table(
            index="department_id", columns=columns, values=values, sort=False, dropna=False
        )
    else:  # one value per cell: no grouping (a province's rank history is 72 000 cells)
        grid = df.pivot(index="department_id", columns=columns, values=values)
    ids = pd.Index(df["department_id"].unique())
    if order is not None:  # the given order first, any other department after it
        first = pd.Index(order)
        ids = first[first.isin(ids)].append(ids[~ids.isin(first)])
    grid = grid.reindex(ids)
    wanted = sorted(grid.columns) if column_order is None else list(column_order)
    grid = grid[[c for c in wanted if c in grid.columns]]
    names = df.drop_duplicates("department_id").set_index("department_id")[name_col]
    grid.insert(0, label, names.reindex(grid.index).to_numpy())
    grid.columns.name = None
    return grid.reset_index(drop=True)


def indicator_grid(
    campaign_id: int, period: str, group: str, lang: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The satisfaction heat map of one indicator group (scores out of 100, not counts):
    every unit's latest value per item (``item`` named in ``lang``, units that share a
    name told apart), its data table (one row per unit, one column per item), each
    unit's mean value and each item's mean over the units, lowest first. Cached per process by the data-version stamp: at province scale
    this shaping was a fifth of every rerun of the page."""
    return _indicator_grid(campaign_id, period, group, lang)


@versioned
def _indicator_grid(
    campaign_id: int, period: str, group: str, lang: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    values = queries.department_indicators(campaign_id, period, group)
    values = values[(values["scale"].fillna(100) <= 100) & (values["unit"] != "件")]
    if values.empty:
        return values, pd.DataFrame(), pd.DataFrame(), pd.DataFrame()
    item_col = "name" if lang == "zh" else "name_en"
    name_col = "department" if lang == "zh" else "department_en"
    values = distinct_names(values.assign(item=values[item_col].fillna(values["name"])))
    grid = department_grid(
        values, name_col, "item", "value", label=t("col.department", lang)
    ).round(2)
    means = values.groupby("department_id", as_index=False)["value"].mean()
    items = (
        values.groupby(["indicator_id", "item", "target"], dropna=False)["value"]
        .mean()
        .reset_index()
        .sort_values("value")
    )
    return values, grid, means, items


@per_context
def rank_history_table(ctx: CampaignContext, name_col: str, label: str, lang: str) -> pd.DataFrame:
    """The rank-by-month chart's data table: a row per unit in this month's rank order, a
    column per month (its rank); cached per data version and language (a province's
    3 000 units × 24 months were pivoted on every rerun)."""
    grid = department_grid(
        rank_history(ctx), name_col, "period", "rank", label=label,
        order=ranking(ctx)["department_id"],
    )  # fmt: skip
    months = list(grid.columns[1:])
    grid[months] = grid[months].round().astype("Int64")
    grid.columns = [grid.columns[0], *(fmt_period(c, lang) for c in months)]
    return grid


def honour_lists(ctx: CampaignContext, ranked: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """红榜 and 黑榜 by the campaign's rules (list sizes in the campaign settings)."""
    if ranked.empty:
        return ranked, ranked
    top, bottom = scoring.commend_and_laggard(
        list(zip(ranked["department_id"], ranked["composite"], strict=True)),
        int(ctx.settings["commend_count"]),
        int(ctx.settings["laggard_count"]),
    )
    by_id = ranked.set_index("department_id")
    return by_id.loc[top].reset_index(), by_id.loc[bottom].reset_index()


def task_table(
    ctx: CampaignContext, as_of: dt.datetime | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(assignments with status, tasks with status) for the context's period (cached per
    process by the data-version stamp)."""
    return _task_table(ctx, as_of)


@per_context
def _task_table(
    ctx: CampaignContext, as_of: dt.datetime | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    # uncached: the task table itself is cached, one copy of 135 000 rows is enough
    progress = queries.assignment_progress.uncached(ctx.campaign_id, ctx.period, as_of)  # type: ignore[attr-defined]
    if progress.empty:
        return progress, progress
    assignments = _assignment_statuses(ctx, progress)
    tasks = scoring.task_statuses(
        assignments,
        today=ctx.at,
        campaign_start=ctx.start,
        campaign_end=ctx.end,
        thresholds=ctx.thresholds,
    )
    return assignments, tasks


@per_context
def department_tasks(ctx: CampaignContext, department_id: int) -> pd.DataFrame:
    """One department's assignments with status (the same rows as ``task_table``'s
    for that department, without computing every department's)."""
    progress = queries.assignment_progress(ctx.campaign_id, ctx.period, department_id=department_id)
    if progress.empty:
        return progress
    return _assignment_statuses(ctx, progress)


def _assignment_statuses(ctx: CampaignContext, progress: pd.DataFrame) -> pd.DataFrame:
    """Status per assignment as judged for the context's period and day."""
    return scoring.assignment_statuses(  # type: ignore[no-any-return]
        progress,
        today=ctx.at,
        period=ctx.period,
        campaign_start=ctx.start,
        campaign_end=ctx.end,
        thresholds=ctx.thresholds,
        report_day=ctx.report_day,
    )


@per_context
def area_heatmap(ctx: CampaignContext) -> pd.DataFrame:
    """Task-weighted completion per department × task area (from the summary; the SQL
    aggregate for a period judged before it began). Cached by the data version."""
    if ctx.at >= period_start(ctx.period):
        df = summary.area_cells(ctx.campaign_id, ctx.period)
        if df is not None:
            if df.empty:
                return df
            areas = queries.task_dates(ctx.campaign_id)
            areas = areas.dropna(subset=["area_id"]).drop_duplicates("area_id")
            seq = dict(zip(areas["area_id"].astype(int), areas["area_seq"], strict=True))
            title = dict(zip(areas["area_id"].astype(int), areas["area"], strict=True))
            df = df[df["area_id"].isin(seq)]
            return _area_labelled(
                distinct_names(
                    df.assign(area_seq=df["area_id"].map(seq), area=df["area_id"].map(title)).drop(
                        columns="area_id"
                    )
                )
            )
    return _area_labelled(distinct_names(aggregates.area_heatmap(ctx.campaign_id, ctx.period)))


def _area_labelled(df: pd.DataFrame) -> pd.DataFrame:
    """Adds ``area_label`` ("3. 环境改善"), worked out once per area, not per cell (a
    province's grid has 27 000 cells)."""
    if df.empty:
        return df.assign(area_label=pd.Series(dtype=object))
    pairs = df[["area_seq", "area"]].drop_duplicates()
    pairs = pairs.assign(
        area_label=[f"{s}. {a}" for s, a in zip(pairs["area_seq"], pairs["area"], strict=True)]
    )
    return df.merge(pairs, on=["area_seq", "area"], how="left")


def week_ago(ctx: CampaignContext) -> CampaignContext | None:
    """The same campaign as it looked seven days earlier (reports submitted by then)."""
    earlier = ctx.today - dt.timedelta(days=7)
    if earlier < ctx.start:
        return None
    return context(ctx.campaign_id, earlier)


def overview_numbers(ctx: CampaignContext, as_of: dt.datetime | None = None) -> dict[str, Any]:
    """The overview's headline numbers for one context."""
    assignments, tasks = task_table(ctx, as_of)
    if tasks.empty:
        return {"tasks": 0}
    counts = tasks["status"].value_counts()
    reported, due = scoring.report_rate(assignments)
    return {
        "tasks": len(tasks),
        "completion": scoring.weighted_completion(
            list(zip(tasks["percent"], tasks["weight"], strict=True))
        ),
        "expected": scoring.weighted_completion(
            list(zip(tasks["expected"], tasks["weight"], strict=True))
        ),
        **{s: int(counts.get(s, 0)) for s in scoring.STATUSES},
        "behind_or_at_risk": int(counts.get("behind", 0) + counts.get("at_risk", 0)),
        "reported": reported,
        "reports_due": due,
        "report_rate": 100.0 * reported / due if due else None,
        "task_frame": tasks,
    }


def changes_since(
    now: pd.DataFrame, before: pd.DataFrame, big_move: float = 20.0
) -> dict[str, pd.DataFrame]:
    """Tasks newly done, newly overdue, and with big progress moves between two frames."""
    if now.empty or before.empty:
        empty = now.iloc[0:0] if not now.empty else now
        return {"done": empty, "overdue": empty, "moves": empty}
    merged = now.merge(
        before[["task_id", "status", "percent"]], on="task_id", how="left", suffixes=("", "_before")
    )
    merged["delta"] = merged["percent"] - merged["percent_before"].fillna(0)
    return {
        "done": merged[(merged["status"] == "done") & (merged["status_before"] != "done")],
        "overdue": merged[(merged["status"] == "overdue") & (merged["status_before"] != "overdue")],
        "moves": merged[(merged["delta"] >= big_move) & (merged["status"] != "done")],
    }
