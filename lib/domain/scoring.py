"""Pure scoring and status rules: expected progress, status of a piece of work, the
composite score and the ranking (the rules of docs/scoring.md, in one place).

No database and no Streamlit here; every function is unit-tested with hand-computed
cases, and the worked example of docs/scoring.md is tested through the ranking page's
own call (tests/test_leadership.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# The seven statuses, in display order (worst last for "not reported" handling).
STATUSES = (
    "done",
    "on_track",
    "behind",
    "at_risk",
    "overdue",
    "not_reported",
    "not_started",
)

# Reports that count (progress, timeliness, scores): drafts and returned reports do not.
COUNTED_STATES = ("submitted", "approved")

# One colour per status, everywhere (DESIGN.md).
STATUS_COLOURS = {
    "done": "#2E7D32",
    "on_track": "#81C784",
    "behind": "#F9A825",
    "at_risk": "#EF6C00",
    "overdue": "#C62828",
    "not_reported": "#9E9E9E",
    "not_started": "#CFD8DC",
}

DEFAULT_SETTINGS: dict[str, Any] = {
    # on track when progress >= 95% of expected; behind from 85% to 95%; at risk below
    "thresholds": {"on_track": 0.95, "behind": 0.85},
    # composite score weights (percent); used by the ranking (leadership views)
    "weights": {
        "completion": 40,
        "timeliness": 20,
        "satisfaction": 20,
        "inspection": 20,
    },
    # points taken off the composite: per complaint, per overdue assignment, at most
    "deductions": {"per_complaint": 0.5, "per_overdue": 1.0, "max": 20.0},
    "commend_count": 3,
    "laggard_count": 3,
    # liaisons report by this day of the month (late after it)
    "report_day": 25,
    # the circular (通报) as a 公文: issuing office (empty: the organiser) and the prefix of
    # its document number, e.g. "服务办" gives 服务办〔2026〕3号
    "circular": {"issuer": "", "prefix": ""},
    # run-chart rules: "ihi" (Perla, Provost & Murray) or "anhoej" (lib/domain/runchart.py)
    "runchart_method": "ihi",
    # fewest answers behind a satisfaction figure for it to count (样本量不足 below)
    "min_sample": 30,
    # days after an inspection score or a month's complaints within which a department
    # may appeal it
    "appeal_days": 10,
}


def campaign_settings(stored: Mapping[str, Any] | None) -> dict[str, Any]:
    """Stored campaign settings merged over the defaults (one level deep)."""
    merged: dict[str, Any] = {}
    stored = stored or {}
    for key, default in DEFAULT_SETTINGS.items():
        value = stored.get(key, default)
        if isinstance(default, dict) and isinstance(value, Mapping):
            merged[key] = {**default, **value}
        else:
            merged[key] = value
    return merged


def expected_progress(start: dt.date, due: dt.date, at: dt.date) -> float:
    """Share of the work (0–100) that should be done at ``at``, linear from start to due."""
    if at <= start:
        return 0.0
    if at >= due or due <= start:
        return 100.0
    return 100.0 * (at - start).days / (due - start).days


def expected_share(start: dt.date, due: dt.date, at: dt.date) -> float:
    """:func:`expected_progress` to four decimals, as a department's expected progress
    is summed from it (the same from the summary table and from SQL)."""
    return round(expected_progress(start, due, at), 4)


@dataclass(frozen=True)
class Thresholds:
    on_track: float = 0.95
    behind: float = 0.85

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> Thresholds:
        th = campaign_settings(settings)["thresholds"]
        return cls(on_track=float(th["on_track"]), behind=float(th["behind"]))


def work_status(
    percent: float | None,
    expected: float,
    due: dt.date | None,
    at: dt.date,
    *,
    reported: bool = True,
    started: bool = True,
    thresholds: Thresholds = Thresholds(),
) -> str:
    """Status of an assignment or task.

    Order of the rules: done (100%) wins; then overdue (past due, not done); then not
    reported (no report for the current period); then not started (before its start);
    then progress against expected: on track, behind, at risk.
    """
    pct = percent or 0.0
    if pct >= 100:
        return "done"
    if due is not None and at > due:
        return "overdue"
    if not reported:
        return "not_reported"
    if not started:
        return "not_started"
    if expected <= 0:
        return "on_track"
    ratio = pct / expected
    if ratio >= thresholds.on_track:
        return "on_track"
    if ratio >= thresholds.behind:
        return "behind"
    return "at_risk"


def round2(values: Any) -> Any:
    """``round(x, 2)`` of every value of a float array, exactly as Python rounds (the
    decimal value of the double, ties to even), without a Python call per value except
    for the rare value within a hair of a tie, where ``x * 100`` in floating point may
    land on the other side of it."""
    import numpy as np

    values = np.asarray(values, dtype="float64")
    scaled = values * 100.0
    out = np.rint(scaled) / 100.0
    near = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
    if near.any():
        out[near] = [round(v, 2) for v in values[near].tolist()]
    return out


def weighted_completion(items: list[tuple[float, float]]) -> float:
    """Weighted mean of (percent, weight) pairs; 0 for no items."""
    total_w = sum(w for _, w in items if w > 0)
    if total_w <= 0:
        return 0.0
    return sum(p * w for p, w in items if w > 0) / total_w


# --- progress frames (pandas; no database) ------------------------------------------------


def _add_status(
    df: Any,
    *,
    today: dt.date,
    campaign_start: dt.date,
    campaign_end: dt.date,
    thresholds: Thresholds,
    reported_col: str,
) -> Any:
    """Add ``expected`` and ``status`` columns to a frame with percent/start/due.

    A province task table has 135 000 rows but only a few dozen task date spans and a
    hundred percentages: each distinct case is worked out once."""
    expected, status = [], []
    spans: dict[tuple[Any, Any], float] = {}
    cases: dict[tuple[Any, ...], str] = {}
    for pct, start_date, due_date, reported in zip(
        df["percent"].tolist(),
        df["start_date"].tolist(),
        df["due_date"].tolist(),
        df[reported_col].tolist(),
        strict=True,
    ):
        start = start_date or campaign_start
        due = due_date or campaign_end
        exp = spans.get((start, due))
        if exp is None:
            exp = spans[(start, due)] = expected_progress(start, due, today)
        expected.append(exp)
        case = (pct, start, due, bool(reported))
        label = cases.get(case)
        if label is None:
            label = cases[case] = work_status(
                pct,
                exp,
                due,
                today,
                reported=bool(reported),
                started=today >= start,
                thresholds=thresholds,
            )
        status.append(label)
    out = df.copy()
    out["expected"] = expected
    out["status"] = status
    return out


def assignment_statuses(
    progress: Any,
    *,
    today: dt.date,
    period: str,
    campaign_start: dt.date,
    campaign_end: dt.date,
    thresholds: Thresholds,
    report_day: int = 25,
) -> Any:
    """Status per assignment. Until the month's report day, last month's report still
    counts as reported (liaisons are not late before the deadline)."""
    from lib.domain.periods import period_of, report_deadline, shift_period

    df = progress.copy()
    df["percent"] = df["percent"].fillna(0.0)
    grace = period_of(today) == period and today <= report_deadline(period, report_day)
    previous = shift_period(period, -1)
    df["reported_ok"] = df["reported"] | (
        grace & (df["latest_period"] == previous) if grace else df["reported"]
    )
    # nothing to report before the campaign's first month ends
    if period == period_of(campaign_start) and grace:
        df["reported_ok"] = True
    return _add_status(
        df,
        today=today,
        campaign_start=campaign_start,
        campaign_end=campaign_end,
        thresholds=thresholds,
        reported_col="reported_ok",
    )


def task_statuses(
    assignments: Any,
    *,
    today: dt.date,
    campaign_start: dt.date,
    campaign_end: dt.date,
    thresholds: Thresholds,
) -> Any:
    """One row per task: mean progress of its departments, expected progress and status.

    A task counts as not reported only when none of its departments has reported.
    """
    import pandas as pd

    if assignments.empty:
        return pd.DataFrame(
            columns=[
                "task_id",
                "code",
                "title",
                "area",
                "weight",
                "percent",
                "expected",
                "status",
                "departments",
                "due_date",
            ]
        )
    grouped = (
        assignments.groupby("task_id", sort=False)
        .agg(
            code=("code", "first"),
            title=("title", "first"),
            seq=("seq", "first"),
            area=("area", "first"),
            weight=("weight", "first"),
            start_date=("start_date", "first"),
            due_date=("due_date", "first"),
            percent=("percent", "mean"),
            reported_ok=("reported_ok", "any"),
            departments=("department", lambda s: _name_list(_head(s), "zh", len(s))),
            departments_en=(
                "department_en",
                lambda s: _name_list([x or "" for x in _head(s)], "en", len(s)),
            ),
        )
        .reset_index()
        .sort_values("seq")
    )
    return _add_status(
        grouped,
        today=today,
        campaign_start=campaign_start,
        campaign_end=campaign_end,
        thresholds=thresholds,
        reported_col="reported_ok",
    )


NAME_LIST_MAX = 12


def _head(names: Any) -> list[str]:
    """The names a cell can show (all up to ``NAME_LIST_MAX``, else the first ten),
    without turning a province task's 3 000 names into a list."""
    return names.iloc[: NAME_LIST_MAX if len(names) <= NAME_LIST_MAX else 10].tolist()  # type: ignore[no-any-return]


def _name_list(names: list[str], lang: str, total: int | None = None) -> str:
    """Departments of a task for a table cell: all of them up to ``NAME_LIST_MAX``;
    a province task shared by thousands of units shows the first ten and the count.
    ``total``: how many there are when ``names`` holds only the first ones."""
    from lib.i18n import t

    total = len(names) if total is None else total
    sep = "、" if lang == "zh" else ", "
    if total <= NAME_LIST_MAX:
        return sep.join(names)
    return sep.join(names[:10]) + t("list.more", lang, total=total)


def report_rate(assignments: Any) -> tuple[int, int]:
    """(reports counted for the period, assignments expected to report)."""
    if assignments.empty:
        return 0, 0
    return int(assignments["reported"].sum()), len(assignments)


# --- composite score and ranking (leadership views) -----------------------------------
#
# One implementation, column-wise over numpy arrays (a province ranks 3 000 units, its
# rank history 24 months of them): the ranking page, the meeting deck, the circular and
# the benchmarks all get their numbers from :func:`score_columns` and
# :func:`competition_ranks`. The one-department forms below (``composite_score``,
# ``deduction_points``, ``timeliness_component``, ``rank_with_ties``) call the same code
# on one value; docs/scoring.md describes these rules.

COMPONENTS = ("completion", "timeliness", "satisfaction", "inspection")


def satisfaction_component(
    values: Sequence[tuple[float, float | None] | tuple[float, float | None, int | None]],
    min_sample: int = 0,
) -> float | None:
    """The satisfaction component (100 scale) of one department: the mean over its
    satisfaction items of the score, minus the shortfall again where the item is below
    its target **on the evidence** (:func:`lib.domain.stats.read_item`: the whole Wilson
    95% interval under the target; without a sample size, the point estimate under it).
    Items from fewer than ``min_sample`` answers are left out (样本量不足); None when no
    item is left (the component is then left out of the composite and the other weights
    rescaled).

    ``values`` holds (score, target) or (score, target, answers). 93 against 90 counts
    93; 87 against 90 without a sample size counts 84; 86 against 90 from 400 answers
    (interval 82.3–89.1) counts 82; 86 against 90 from 80 answers (76.7–92.0) counts 86."""
    from lib.domain.stats import read_item

    parts = []
    for item in values:
        value, target = float(item[0]), item[1]
        answers = item[2] if len(item) > 2 else None  # type: ignore[misc]
        reading = read_item(value, target, answers, min_sample)
        if not reading.enough:
            continue
        shortfall = (
            float(target) - value if reading.standing == "below" and target is not None else 0.0
        )
        parts.append(max(0.0, value - max(0.0, shortfall)))
    return sum(parts) / len(parts) if parts else None


def timeliness(reports_on_time: Any, reports: Any, done_on_time: Any, due_tasks: Any) -> Any:
    """Share (0–100) of reports on time and of due tasks finished in their due month,
    per department; NaN where there is no figure (no report due yet, or ``reports``
    unknown)."""
    import numpy as np

    reports, due_tasks = _floats(reports), _floats(due_tasks)
    denominator = reports + due_tasks
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(
            ~np.isnan(reports) & (denominator > 0),
            100.0 * (_floats(reports_on_time) + _floats(done_on_time)) / denominator,
            np.nan,
        )


def deductions(complaints: Any, overdue: Any, rules: Mapping[str, float]) -> Any:
    """Points taken off the composite per department: per complaint and per overdue
    assignment, at most ``rules["max"]`` (complaints: 0 where unknown)."""
    import numpy as np

    complaints = np.nan_to_num(_floats(complaints), nan=0.0)
    return np.minimum(
        float(rules["max"]),
        rules["per_complaint"] * np.maximum(complaints, 0.0)
        + rules["per_overdue"] * np.maximum(_floats(overdue), 0),
    )


def composite(
    components: Mapping[str, Any], weights: Mapping[str, float], deducted: Any = 0.0
) -> Any:
    """Weighted mean of the available components minus deductions, never below 0, per
    department (not rounded).

    A component a department has no data for (NaN; e.g. no satisfaction survey for a
    back office) is left out and the remaining weights are rescaled, so nobody is
    punished for what is not measured."""
    import numpy as np

    size = len(next(iter(components.values()))) if components else 0
    num = np.zeros(size)
    den = np.zeros(size)
    for name in COMPONENTS:
        weight = float(weights.get(name, 0))
        if name not in components or weight <= 0:
            continue
        value = _floats(components[name])
        present = ~np.isnan(value)
        num = num + np.where(present, weight * value, 0.0)
        den = den + np.where(present, weight, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, np.maximum(0.0, num / den - deducted), 0.0)


def score_columns(inputs: Any, settings: Mapping[str, Any]) -> dict[str, Any]:
    """The composite score of every row of a score-inputs frame (columns as
    ``views.INPUT_COLUMNS``) by the campaign's weights and deduction rules: complaints
    (0 where unknown), deductions, the four components and the composite, rounded to
    two decimals as Python rounds. Arrays in that order, one value per row."""
    import numpy as np

    parts = {
        "completion": _floats(inputs["completion"]),
        "timeliness": timeliness(
            inputs["reports_on_time"],
            inputs["reports"],
            inputs["done_on_time"],
            inputs["due_tasks"],
        ),
        "satisfaction": _floats(inputs["satisfaction"]),
        "inspection": _floats(inputs["inspection"]),
    }
    deducted = deductions(inputs["complaints"], inputs["overdue"], settings["deductions"])
    return {
        "complaints": np.nan_to_num(_floats(inputs["complaints"]), nan=0.0),
        "deductions": deducted,
        **parts,
        "composite": round2(composite(parts, settings["weights"], deducted)),
    }


def competition_ranks(scores: Any, groups: Any = None) -> Any:
    """Competition ranks (1, 2, 2, 4) of scores, highest first: scores equal to two
    decimals share a rank. With ``groups`` (one label per score), ranked within each
    group. An int64 array in the order of ``scores``."""
    import pandas as pd

    rounded = pd.Series(round2(scores))
    if groups is not None:
        ranked = rounded.groupby(pd.Series(groups).to_numpy()).rank(method="min", ascending=False)
    else:
        ranked = rounded.rank(method="min", ascending=False)
    return ranked.to_numpy(dtype="int64")


def _floats(values: Any) -> Any:
    """Values as a float64 array, missing or non-numeric ones NaN."""
    import numpy as np
    import pandas as pd

    if not isinstance(values, pd.Series | pd.Index):
        array = np.asarray(values)
        if array.dtype.kind in "fiub":
            return array.astype("float64")
        values = pd.Series(array, dtype=object)
    return pd.to_numeric(values, errors="coerce").astype("float64").to_numpy()


# one department at a time: the same functions on one value


def _one(value: Any) -> float | None:
    number = float(value[0])
    return None if number != number else number


def timeliness_component(
    reports_on_time: int, reports_due: int, done_on_time: int, tasks_due: int
) -> float | None:
    """Share of reports on time and of due tasks finished in their due month (0–100)."""
    return _one(timeliness([reports_on_time], [reports_due], [done_on_time], [tasks_due]))


def deduction_points(complaints: float, overdue: int, rules: Mapping[str, float]) -> float:
    return float(deductions([complaints], [overdue], rules)[0])


def composite_score(
    components: Mapping[str, float | None],
    weights: Mapping[str, float],
    deductions: float = 0.0,
) -> float:
    """:func:`composite` of one department (components None where there is no data)."""
    one = {name: [components.get(name)] for name in COMPONENTS}
    return float(composite(one, weights, deductions)[0])


def rank_with_ties(scores: list[float]) -> list[int]:
    """Competition ranking (1, 2, 2, 4): equal scores (to two decimals) share a rank."""
    return [int(r) for r in competition_ranks(scores)] if len(scores) else []


def movement(rank_now: int | None, rank_before: int | None) -> int | None:
    """Places gained (+) or lost (−) since the previous period; None if new."""
    if rank_now is None or rank_before is None:
        return None
    return rank_before - rank_now


def commend_and_laggard(
    ranked: list[tuple[Any, float]], commend: int, laggard: int
) -> tuple[list[Any], list[Any]]:
    """(commend list, laggard list) of department ids from (id, score) pairs.

    Ties at the cut are all included (a shared rank is never split). The two lists never
    overlap: with few departments the laggard list shrinks."""
    if not ranked:
        return [], []
    ordered = sorted(ranked, key=lambda x: -x[1])
    scores = [s for _, s in ordered]
    ranks = competition_ranks(scores)
    top = [d for (d, _), r in zip(ordered, ranks, strict=True) if r <= commend]
    in_top = set(top)
    bottom_ranks = competition_ranks([-s for s in scores])
    bottom = [
        d
        for (d, _), r in zip(ordered, bottom_ranks, strict=True)
        if r <= laggard and d not in in_top
    ]
    return top, bottom[::-1]  # worst first
