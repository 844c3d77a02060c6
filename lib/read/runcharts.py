"""Run-chart reads: the monthly series a run chart is drawn from (a department's
completion, the campaign's overall completion, an indicator's mean value) and their
reading by the rules of :mod:`lib.domain.runchart`, with the campaign's choice of rules
(setting ``runchart_method``: "ihi" or "anhoej").

:func:`campaign_signals` lists every signal of every series of a campaign, and
:func:`new_signals` the ones that reach the month looked at: the meeting deck, the
circular and the meeting mode name them from there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import select

from lib.domain import runchart
from lib.i18n import fmt_period, local_name, t
from lib.models import (
    Assignment,
    Department,
    Indicator,
    IndicatorValue,
    MonthlyUpdate,
)
from lib.read.cache import versioned
from lib.read.frames import frame
from lib.read.queries import completion_column, counted_reports, indicator_means, rounded_frame

SERIES_COLUMNS = ["period", "value"]


def method_of(settings: Any) -> str:
    """The campaign's run-chart rules ("ihi" by default)."""
    method = (settings or {}).get("runchart_method", "ihi")
    return method if method in runchart.METHODS else "ihi"


@versioned
def campaign_history(campaign_id: int, up_to: str) -> pd.DataFrame:
    """The campaign's overall completion month by month: the task-weighted mean of the
    percentages reported (submitted or approved) in each month, over all departments."""
    stmt = counted_reports(
        select(MonthlyUpdate.period, completion_column("value")), campaign_id, up_to
    )
    return rounded_frame(
        stmt.group_by(MonthlyUpdate.period).order_by(MonthlyUpdate.period), "value"
    )


@versioned
def department_histories(campaign_id: int, up_to: str) -> pd.DataFrame:
    """Every department's completion month by month (as ``queries.department_history``,
    all departments in one query): department_id, names, period, value."""
    stmt = counted_reports(
        select(
            Department.id.label("department_id"),
            Department.name.label("department"),
            Department.display_en.label("department_en"),
            MonthlyUpdate.period,
            completion_column("value"),
        ),
        campaign_id,
        up_to,
    ).join(Department, Assignment.department_id == Department.id)
    return rounded_frame(
        stmt.group_by(
            Department.id, Department.name, Department.display_en, MonthlyUpdate.period
        ).order_by(Department.id, MonthlyUpdate.period),
        "value",
    )


@versioned
def indicator_histories(campaign_id: int, up_to: str) -> pd.DataFrame:
    """Every indicator's mean value over the departments, month by month, with the
    answers behind it: indicator_id, code, names, group, unit, target, direction,
    period, value, sample_size."""
    columns = (
        Indicator.code,
        Indicator.name,
        Indicator.name_en,
        Indicator.group,
        Indicator.unit,
        Indicator.target,
        Indicator.direction,
    )
    stmt = indicator_means(campaign_id, up_to, columns, with_id=True)
    df = frame(stmt.order_by(Indicator.seq, Indicator.id, IndicatorValue.period), floats=("value",))
    if not df.empty:
        df["value"] = df["value"].round(2)
    return df


def read_series(
    series: pd.DataFrame,
    *,
    method: str = "ihi",
    higher_is_better: bool | None = True,
    xmr: bool = False,
) -> runchart.Analysis:
    """The run-chart reading of a frame with ``period`` and ``value`` (time order)."""
    ordered = series.sort_values("period")
    return runchart.analyse(
        ordered["value"].astype(float).tolist(),
        method=method,
        higher_is_better=higher_is_better,
        xmr=xmr,
    )


def chart_frame(series: pd.DataFrame, analysis: runchart.Analysis) -> pd.DataFrame:
    """The series with each point's signal kind ("" for none): what the chart draws."""
    ordered = series.sort_values("period").reset_index(drop=True)
    flagged = analysis.flagged()
    return ordered.assign(signal=[flagged.get(i, "") for i in range(len(ordered))])


def signal_texts(
    series: pd.DataFrame, analysis: runchart.Analysis, lang: str | None = None
) -> list[str]:
    """Each signal in words with the months it spans."""
    labels = [fmt_period(p, lang) for p in sorted(series["period"])]
    return [runchart.describe_at(s, labels, lang) for s in analysis.signals]


@dataclass(frozen=True)
class CampaignRun:
    """The campaign's overall completion as a run chart: the series, its reading by
    the campaign's rules, the rules' key ("ihi", "anhoej") and each signal in words."""

    series: pd.DataFrame
    analysis: runchart.Analysis
    method: str
    texts: list[str]

    @property
    def frame(self) -> pd.DataFrame:
        """What the chart draws (:func:`chart_frame`)."""
        return chart_frame(self.series, self.analysis)


def campaign_run(
    campaign_id: int, up_to: str, settings: Any, lang: str | None = None
) -> CampaignRun | None:
    """The run chart of the campaign's overall completion up to ``up_to`` as the
    progress page reads it (same series, same rules, no XmR limits, the same
    :func:`signal_texts`): what the meeting mode and the deck show. None without data."""
    series = campaign_history(campaign_id, up_to)
    if series.empty:
        return None
    method = method_of(settings)
    analysis = read_series(series, method=method)
    return CampaignRun(series, analysis, method, signal_texts(series, analysis, lang))


def quiet_text(points: int, lang: str | None = None) -> str:
    """What a run chart without signals says under it: too few points for the runs
    rules, or no signal of non-random variation (the progress page says the same)."""
    if points < runchart.MIN_POINTS_RUNS:
        return t("runchart.too_few_points", lang, n=runchart.MIN_POINTS_RUNS)
    return t("runchart.no_signals", lang)


def higher_is_better(direction: str | None) -> bool:
    return (direction or "higher") != "lower"


def _signal_rows(
    subject: str,
    subject_kind: str,
    periods: Sequence[str],
    analysis: runchart.Analysis,
    lang: str | None,
) -> list[dict[str, Any]]:
    labels = [fmt_period(p, lang) for p in periods]
    return [
        {
            "subject": subject,
            "subject_kind": subject_kind,
            "kind": s.kind,
            "direction": s.direction,
            "good": s.good,
            "start": periods[s.start],
            "end": periods[s.end],
            "text": runchart.describe_at(s, labels, lang),
        }
        for s in analysis.signals
    ]


def campaign_signals(
    campaign_id: int, up_to: str, settings: Any, lang: str | None = None
) -> pd.DataFrame:
    """Every signal of the campaign's series up to ``up_to``: the overall completion,
    each department's completion and each indicator (mean over departments). Columns:
    subject, subject_kind ("campaign", "department", "indicator"), kind, direction,
    good, start, end (months), text (the signal in words, in ``lang``)."""
    method = method_of(settings)
    rows: list[dict[str, Any]] = []
    overall = campaign_history(campaign_id, up_to)
    if not overall.empty:
        rows += _signal_rows(
            "", "campaign", overall["period"].tolist(), read_series(overall, method=method), lang
        )
    depts = department_histories(campaign_id, up_to)
    for _, one in [] if depts.empty else depts.groupby("department_id", sort=False):
        name = local_name(one["department"].iloc[0], one["department_en"].iloc[0], lang)
        rows += _signal_rows(
            name, "department", one["period"].tolist(), read_series(one, method=method), lang
        )
    items = indicator_histories(campaign_id, up_to)
    for _, one in [] if items.empty else items.groupby("indicator_id", sort=False):
        name = local_name(one["name"].iloc[0], one["name_en"].iloc[0], lang)
        analysis = read_series(
            one, method=method, higher_is_better=higher_is_better(one["direction"].iloc[0])
        )
        rows += _signal_rows(name, "indicator", one["period"].tolist(), analysis, lang)
    columns = ["subject", "subject_kind", "kind", "direction", "good", "start", "end", "text"]
    return pd.DataFrame(rows, columns=columns)


def new_signals(
    campaign_id: int, period: str, settings: Any, lang: str | None = None
) -> pd.DataFrame:
    """The signals that reach ``period`` (their last month is the month looked at):
    what a circular or a meeting names as new this month."""
    every = campaign_signals(campaign_id, period, settings, lang)
    return every[every["end"] == period].reset_index(drop=True)
