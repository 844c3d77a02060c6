"""Selection rules of seed 001 (优质服务窗口 / 服务标兵): periods of a round, the criteria a
candidate must meet, and how a round moves on. Pure: no database, no Streamlit.

A criterion is ``{"key": <rule>, "value": <threshold>}`` (the value only where the rule
has one). Data rules are judged from the department's own figures for the round's
months (:class:`Facts`, read by ``lib.read.recognition.facts``); checkbox rules are
confirmed by the campaign office on the nomination.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lib.domain.periods import period_end, period_start

# rule -> has a threshold
DATA_RULES: dict[str, bool] = {
    "satisfaction_min": True,  # every month with figures: lowest satisfaction item >= value
    "evaluation_rate_min": True,  # every month with figures: evaluation rate >= value
    "no_complaints": False,  # complaints in the period: none
    "no_problems": False,  # no complaint or inspection problem registered in the period
    "inspection_min": True,  # every inspection score in the period >= value
    "progress_min": True,  # the department's completion at the period's end >= value
}
CHECK_RULES = ("commitment_published", "no_medical_error", "no_disputes")
RULES = (*DATA_RULES, *CHECK_RULES)

# the indicator codes the rules read (seed 001's template defines them)
EVALUATION_RATE_CODE = "EVAL_RATE"
COMPLAINTS_CODE = "COMPLAINTS"

# seed 001 評选标准: windows with an evaluation device ≥ 90% evaluated and ≥ 90% satisfied
# each month; no complaints or disputes; no errors; the commitments published
SEED001_UNIT_CRITERIA: list[dict[str, Any]] = [
    {"key": "satisfaction_min", "value": 90.0},
    {"key": "evaluation_rate_min", "value": 90.0},
    {"key": "no_complaints"},
    {"key": "no_problems"},
    {"key": "commitment_published"},
    {"key": "no_medical_error"},
]
SEED001_PERSON_CRITERIA: list[dict[str, Any]] = [
    {"key": "satisfaction_min", "value": 90.0},
    {"key": "no_complaints"},
    {"key": "no_disputes"},
    {"key": "no_medical_error"},
]

ROUND_FLOW = ("nominating", "shortlisting", "deciding", "notice", "final")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_YEAR = re.compile(r"^(\d{4})$")


def round_months(period_kind: str, period_key: str) -> tuple[str, str] | None:
    """The first and last month ("YYYY-MM") of a round's period, or None when the key
    does not fit the kind (month 2026-07, quarter 2026-Q3, year 2026)."""
    if period_kind == "month" and _MONTH.match(period_key):
        return period_key, period_key
    if period_kind == "quarter" and (m := _QUARTER.match(period_key)):
        year, q = int(m.group(1)), int(m.group(2))
        return f"{year}-{3 * q - 2:02d}", f"{year}-{3 * q:02d}"
    if period_kind == "year" and (m := _YEAR.match(period_key)):
        return f"{m.group(1)}-01", f"{m.group(1)}-12"
    return None


def period_dates(first_month: str, last_month: str) -> tuple[dt.date, dt.date]:
    return period_start(first_month), period_end(last_month)


def quarter_of(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def check_criteria(criteria: Any) -> str | None:
    """Why a criteria list is not valid (an i18n error key), or None."""
    if not isinstance(criteria, list):
        return "error.recog_criteria_invalid"
    seen: set[str] = set()
    for item in criteria:
        if not isinstance(item, Mapping) or item.get("key") not in RULES:
            return "error.recog_criteria_invalid"
        key = str(item["key"])
        if key in seen:
            return "error.recog_criteria_invalid"
        seen.add(key)
        if DATA_RULES.get(key):
            value = item.get("value")
            if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
                return "error.recog_criteria_invalid"
    return None


@dataclass(frozen=True)
class Facts:
    """A department's figures for a round's months, as the product holds them."""

    satisfaction: Mapping[str, float] = field(default_factory=dict)  # month -> lowest item
    evaluation_rate: Mapping[str, float] = field(default_factory=dict)  # month -> rate
    complaints: float | None = None  # sum over the months with figures; None: none
    problems: int = 0  # complaint / inspection problems registered in the period
    inspections: Mapping[str, float] = field(default_factory=dict)  # month -> score
    progress: float | None = None  # completion (%) at the period's end


@dataclass(frozen=True)
class RuleResult:
    """One criterion judged: passed (True / False), the figure shown and the threshold.
    ``detail`` is an i18n key naming what was found ("no figures", "3 complaints")."""

    key: str
    passed: bool
    shown: str
    threshold: float | None
    detail: str


def _fmt(value: float) -> str:
    return f"{value:g}"


def _monthly_min(
    key: str, values: Mapping[str, float], threshold: float, *, missing_passes: bool
) -> RuleResult:
    if not values:
        detail = "recog.detail_not_applicable" if missing_passes else "recog.detail_no_data"
        return RuleResult(key, missing_passes, "—", threshold, detail)
    low_month = min(values, key=lambda m: (values[m], m))
    low = values[low_month]
    shown = f"{_fmt(low)} ({low_month})" if len(values) > 1 else _fmt(low)
    passed = low >= threshold
    return RuleResult(
        key, passed, shown, threshold, "recog.detail_ok" if passed else "recog.detail_below"
    )


def evaluate(
    criteria: Sequence[Mapping[str, Any]], facts: Facts, confirmed: Mapping[str, Any]
) -> list[RuleResult]:
    """Every criterion of a round judged for one candidate (in the round's order)."""
    results: list[RuleResult] = []
    for item in criteria:
        key = str(item["key"])
        threshold = float(item["value"]) if DATA_RULES.get(key) else None
        if key == "satisfaction_min":
            assert threshold is not None
            results.append(_monthly_min(key, facts.satisfaction, threshold, missing_passes=False))
        elif key == "evaluation_rate_min":
            # only windows with an evaluation device report the rate (seed 001 §三 2)
            assert threshold is not None
            results.append(_monthly_min(key, facts.evaluation_rate, threshold, missing_passes=True))
        elif key == "inspection_min":
            assert threshold is not None
            results.append(_monthly_min(key, facts.inspections, threshold, missing_passes=True))
        elif key == "no_complaints":
            count = facts.complaints or 0.0
            results.append(
                RuleResult(
                    key,
                    count == 0,
                    _fmt(count),
                    None,
                    "recog.detail_ok" if count == 0 else "recog.detail_found",
                )
            )
        elif key == "no_problems":
            results.append(
                RuleResult(
                    key,
                    facts.problems == 0,
                    str(facts.problems),
                    None,
                    "recog.detail_ok" if facts.problems == 0 else "recog.detail_found",
                )
            )
        elif key == "progress_min":
            assert threshold is not None
            if facts.progress is None:
                results.append(RuleResult(key, False, "—", threshold, "recog.detail_no_data"))
            else:
                ok = facts.progress >= threshold
                results.append(
                    RuleResult(
                        key,
                        ok,
                        f"{facts.progress:.1f}",
                        threshold,
                        "recog.detail_ok" if ok else "recog.detail_below",
                    )
                )
        else:  # a checkbox the office confirms
            ok = bool(confirmed.get(key))
            results.append(
                RuleResult(
                    key,
                    ok,
                    "✓" if ok else "✗",
                    None,
                    "recog.detail_confirmed" if ok else "recog.detail_unconfirmed",
                )
            )
    return results


def passes(results: Sequence[RuleResult]) -> bool:
    return all(r.passed for r in results)


def next_state(state: str) -> str | None:
    i = ROUND_FLOW.index(state)
    return ROUND_FLOW[i + 1] if i + 1 < len(ROUND_FLOW) else None


def notice_over(notice_end: dt.date | None, today: dt.date) -> bool:
    """The 公示 has ended (its last day is past)."""
    return notice_end is not None and today > notice_end
