"""Run-chart and XmR rules: the median, the IHI rules (Perla, Provost & Murray, BMJ Qual
Saf 2011;20:46–51), Anhøj's rules (Anhøj & Olesen, PLoS One 2014) and the XmR limits.

Pure functions over a list of numbers in time order; no pandas, no database. A signal is
data (:class:`Signal`: its kind, the points it covers, its direction and whether that
direction is good for the measure); :func:`describe` words it in Chinese or English
through the i18n catalogue ("连续6个月高于中位数：改进有效").

Rules, as implemented (docs/scoring.md "Run charts"):

- **median** of all points; points exactly on the median neither break nor count in a run.
- **IHI shift**: 6 or more consecutive points on one side of the median.
- **IHI trend**: 5 or more consecutive points all rising or all falling; equal neighbours
  count once (a repeated value neither breaks nor extends the trend).
- **IHI runs**: with 10–60 points off the median, fewer runs than the lower limit or more
  than the upper limit of Perla et al.'s Table 1 (:data:`RUNS_TABLE`).
- **astronomical point**: a single point outside the XmR natural process limits (mean ±
  2.66 × the average moving range) whose neighbours are not beyond the same limit; needs
  at least :data:`MIN_POINTS_XMR` points. The IHI leaves "astronomical" to judgement;
  this is the operational form the product uses.
- **Anhøj** (instead of shift and runs): the longest run longer than round(log2 n) + 3, or
  fewer crossings of the median than the 5% lower binomial quantile of n − 1 at 0.5, with
  n the number of points off the median.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

METHODS = ("ihi", "anhoej")
KINDS = ("shift", "trend", "runs", "astronomical", "crossings")
MIN_POINTS_RUNS = 10  # the runs table starts at 10 useful observations
MIN_POINTS_XMR = 8  # fewer points give limits too wide to mean anything
XMR_FACTOR = 2.66  # 3 / d2 with d2 = 1.128 for moving ranges of two points
SHIFT_LENGTH = 6
TREND_LENGTH = 5

# Perla, Provost & Murray 2011, Table 1: number of points not on the median →
# (lower limit, upper limit) of the number of runs. Fewer runs than the lower limit, or
# more than the upper limit, is a signal of non-random variation.
RUNS_TABLE: dict[int, tuple[int, int]] = {
    10: (3, 9),
    11: (3, 10),
    12: (3, 11),
    13: (4, 11),
    14: (4, 12),
    15: (5, 12),
    16: (5, 13),
    17: (5, 13),
    18: (6, 14),
    19: (6, 15),
    20: (6, 16),
    21: (7, 16),
    22: (7, 17),
    23: (7, 17),
    24: (8, 18),
    25: (8, 18),
    26: (9, 19),
    27: (10, 19),
    28: (10, 20),
    29: (10, 20),
    30: (11, 21),
    31: (11, 22),
    32: (11, 22),
    33: (12, 23),
    34: (12, 23),
    35: (13, 24),
    36: (13, 24),
    37: (13, 25),
    38: (14, 26),
    39: (14, 26),
    40: (15, 27),
    41: (16, 27),
    42: (16, 28),
    43: (17, 28),
    44: (17, 29),
    45: (17, 30),
    46: (17, 30),
    47: (18, 31),
    48: (18, 31),
    49: (19, 32),
    50: (19, 32),
    51: (20, 33),
    52: (20, 33),
    53: (21, 34),
    54: (21, 35),
    55: (22, 35),
    56: (22, 36),
    57: (23, 36),
    58: (23, 37),
    59: (24, 38),
    60: (24, 38),
}

# One colour per signal type, the same on every chart of the product.
SIGNAL_COLOURS = {
    "shift": "#6A1B9A",
    "trend": "#00838F",
    "runs": "#5D4037",
    "crossings": "#5D4037",
    "astronomical": "#D81B60",
}


@dataclass(frozen=True)
class Signal:
    """One signal: ``kind`` (one of :data:`KINDS`), the indices of the points it covers
    (time order, 0-based), ``direction`` ("up", "down" or "" for the runs rules) and
    ``good`` (True when the direction is an improvement for the measure, False when a
    deterioration, None when the rule has no direction)."""

    kind: str
    points: tuple[int, ...]
    direction: str = ""
    good: bool | None = None
    length: int = 0
    detail: dict[str, int] = field(default_factory=dict)

    @property
    def start(self) -> int:
        return self.points[0]

    @property
    def end(self) -> int:
        return self.points[-1]


@dataclass(frozen=True)
class Analysis:
    """The run-chart reading of one series: the centre line, the signals, the XmR
    limits (None when too few points) and the counts the runs rules used."""

    median: float | None
    signals: tuple[Signal, ...]
    method: str
    useful: int = 0
    runs: int = 0
    longest_run: int = 0
    crossings: int = 0
    mean: float | None = None
    lower: float | None = None
    upper: float | None = None

    def kinds(self) -> set[str]:
        return {s.kind for s in self.signals}

    def flagged(self) -> dict[int, str]:
        """Point index → the kind of the first signal covering it (for colouring)."""
        out: dict[int, str] = {}
        for sig in self.signals:
            for i in sig.points:
                out.setdefault(i, sig.kind)
        return out


def median(values: Sequence[float]) -> float | None:
    """The median (mean of the two middle values for an even count); None when empty."""
    data = sorted(float(v) for v in values)
    n = len(data)
    if n == 0:
        return None
    mid = n // 2
    return data[mid] if n % 2 else (data[mid - 1] + data[mid]) / 2


def sides(values: Sequence[float], centre: float) -> list[int]:
    """+1 above the centre, −1 below, 0 on it, per point."""
    return [(v > centre) - (v < centre) for v in values]


def run_lengths(values: Sequence[float], centre: float) -> list[tuple[int, list[int]]]:
    """The runs about the centre: (side, indices of the points off the centre). Points on
    the centre are skipped: they neither break a run nor count in it."""
    runs: list[tuple[int, list[int]]] = []
    for i, side in enumerate(sides(values, centre)):
        if side == 0:
            continue
        if runs and runs[-1][0] == side:
            runs[-1][1].append(i)
        else:
            runs.append((side, [i]))
    return runs


def _good(direction: str, higher_is_better: bool | None) -> bool | None:
    if higher_is_better is None or not direction:
        return None
    return (direction == "up") == higher_is_better


def shifts(
    values: Sequence[float],
    centre: float,
    length: int = SHIFT_LENGTH,
    higher_is_better: bool | None = True,
) -> list[Signal]:
    """Runs of ``length`` or more points on one side of the centre (points on the centre
    skipped). The signal covers the points of the run, from its first to its last."""
    out = []
    for side, idx in run_lengths(values, centre):
        if len(idx) >= length:
            direction = "up" if side > 0 else "down"
            points = tuple(range(idx[0], idx[-1] + 1))
            out.append(
                Signal("shift", points, direction, _good(direction, higher_is_better), len(idx))
            )
    return out


def trends(
    values: Sequence[float],
    length: int = TREND_LENGTH,
    higher_is_better: bool | None = True,
) -> list[Signal]:
    """Stretches of ``length`` or more points all rising or all falling. Equal neighbours
    count once: a repeated value neither breaks the trend nor makes it longer."""
    out: list[Signal] = []
    n = len(values)
    if n < 2:
        return out
    # collapse equal neighbours, keeping the index span each distinct value covers
    distinct: list[tuple[float, int, int]] = []  # value, first index, last index
    for i, v in enumerate(values):
        if distinct and distinct[-1][0] == v:
            distinct[-1] = (v, distinct[-1][1], i)
        else:
            distinct.append((float(v), i, i))
    start = 0
    while start < len(distinct) - 1:
        up = distinct[start + 1][0] > distinct[start][0]
        end = start + 1
        while end + 1 < len(distinct) and (distinct[end + 1][0] > distinct[end][0]) == up:
            end += 1
        count = end - start + 1
        if count >= length:
            direction = "up" if up else "down"
            points = tuple(range(distinct[start][1], distinct[end][1] + 1))
            out.append(
                Signal("trend", points, direction, _good(direction, higher_is_better), count)
            )
        start = end
    return out


def runs_limits(useful: int) -> tuple[int, int] | None:
    """(lower, upper) limits of the number of runs for ``useful`` points off the median
    (Perla et al. Table 1), None outside 10–60 points."""
    return RUNS_TABLE.get(useful)


def binom_lower_quantile(size: int, p: float = 0.5, q: float = 0.05) -> int:
    """The smallest k with P(X ≤ k) ≥ q for X ~ Binomial(size, p) (R's ``qbinom``)."""
    total = 0.0
    for k in range(size + 1):
        total += math.comb(size, k) * p**k * (1 - p) ** (size - k)
        if total >= q - 1e-12:
            return k
    return size


def anhoej_limits(useful: int) -> tuple[int, int]:
    """(longest run allowed, fewest crossings allowed) for ``useful`` points off the
    median: a longer run, or fewer crossings, is a signal."""
    longest = round(math.log2(useful)) + 3 if useful > 0 else 0
    crossings = binom_lower_quantile(useful - 1) if useful > 1 else 0
    return longest, crossings


def xmr_limits(values: Sequence[float]) -> tuple[float, float, float] | None:
    """(mean, lower, upper) of the individuals chart: mean ± 2.66 × the average moving
    range of consecutive points. None with fewer than two points."""
    data = [float(v) for v in values]
    if len(data) < 2:
        return None
    mean = sum(data) / len(data)
    moving = [abs(b - a) for a, b in itertools.pairwise(data)]
    mr_bar = sum(moving) / len(moving)
    return mean, mean - XMR_FACTOR * mr_bar, mean + XMR_FACTOR * mr_bar


def astronomical(
    values: Sequence[float],
    limits: tuple[float, float, float] | None,
    higher_is_better: bool | None = True,
) -> list[Signal]:
    """Single points outside the XmR limits, one signal each: a point beyond a limit
    whose neighbours are not beyond the same limit. (When a process moves to a new level,
    limits worked out over both levels leave whole stretches outside; that is a shift,
    read by the shift rule, not a row of astronomical points.)"""
    if limits is None:
        return []
    _, lower, upper = limits

    def beyond(i: int) -> int:
        if i < 0 or i >= len(values):
            return 0
        return 1 if values[i] > upper else -1 if values[i] < lower else 0

    out = []
    for i in range(len(values)):
        side = beyond(i)
        if side and beyond(i - 1) != side and beyond(i + 1) != side:
            direction = "up" if side > 0 else "down"
            out.append(
                Signal("astronomical", (i,), direction, _good(direction, higher_is_better), 1)
            )
    return out


def analyse(
    values: Sequence[float],
    *,
    method: str = "ihi",
    higher_is_better: bool | None = True,
    xmr: bool = False,
) -> Analysis:
    """Every signal of one series in time order.

    ``method``: "ihi" (shift, trend, runs, and the astronomical point once there are
    enough points for XmR limits) or "anhoej" (the two runs rules, longest run and
    crossings, which replace shift, trend and runs; the astronomical point only with
    ``xmr``). ``higher_is_better``: the direction of improvement of the measure (None:
    unknown). ``xmr``: return the XmR limits with the analysis (for drawing)."""
    if method not in METHODS:
        raise ValueError(f"unknown run-chart method: {method}")
    data = [float(v) for v in values]
    centre = median(data)
    if centre is None:
        return Analysis(None, (), method)
    runs = run_lengths(data, centre)
    useful = sum(len(idx) for _, idx in runs)
    longest = max((len(idx) for _, idx in runs), default=0)
    crossings = max(0, len(runs) - 1)
    limits = xmr_limits(data) if len(data) >= MIN_POINTS_XMR else None
    found: list[Signal] = []
    every = tuple(range(len(data)))
    if method == "ihi":
        found += shifts(data, centre, higher_is_better=higher_is_better)
        found += trends(data, higher_is_better=higher_is_better)
        table = runs_limits(useful)
        if table is not None:
            lower, upper = table
            if len(runs) < lower:
                found.append(Signal("runs", every, "", None, len(runs), {"few": 1}))
            elif len(runs) > upper:
                found.append(Signal("runs", every, "", None, len(runs), {"many": 1}))
        found += astronomical(data, limits, higher_is_better)
    else:
        max_run, min_cross = anhoej_limits(useful)
        for side, idx in runs:
            if useful and len(idx) > max_run:
                direction = "up" if side > 0 else "down"
                found.append(
                    Signal(
                        "shift",
                        tuple(range(idx[0], idx[-1] + 1)),
                        direction,
                        _good(direction, higher_is_better),
                        len(idx),
                    )
                )
        if useful > 1 and crossings < min_cross:
            found.append(Signal("crossings", every, "", None, crossings, {"limit": min_cross}))
        if xmr:
            found += astronomical(data, limits, higher_is_better)
    shown = limits if (xmr and limits is not None) else None
    return Analysis(
        centre,
        tuple(found),
        method,
        useful=useful,
        runs=len(runs),
        longest_run=longest,
        crossings=crossings,
        mean=shown[0] if shown else None,
        lower=shown[1] if shown else None,
        upper=shown[2] if shown else None,
    )


def describe(signal: Signal, lang: str | None = None, unit: str = "month") -> str:
    """The signal in words: "连续6个月高于中位数：改进有效" / "6 months in a row above the
    median: the change is working". ``unit`` "month" or "point"."""
    from lib.i18n import t

    verdict = (
        t("runchart.verdict_good", lang)
        if signal.good is True
        else t("runchart.verdict_bad", lang)
        if signal.good is False
        else t("runchart.verdict_unknown", lang)
    )
    count = signal.length
    units = t(f"runchart.unit_{unit}", lang)
    if signal.kind == "shift":
        key = "runchart.shift_up" if signal.direction == "up" else "runchart.shift_down"
        return t(key, lang, n=count, unit=units, verdict=verdict)
    if signal.kind == "trend":
        key = "runchart.trend_up" if signal.direction == "up" else "runchart.trend_down"
        return t(key, lang, n=count, unit=units, verdict=verdict)
    if signal.kind == "astronomical":
        key = "runchart.astro_up" if signal.direction == "up" else "runchart.astro_down"
        return t(key, lang, point=signal.start + 1, verdict=verdict)
    if signal.kind == "crossings":
        return t("runchart.crossings", lang, n=count, limit=signal.detail.get("limit", 0))
    few = bool(signal.detail.get("few"))
    return t("runchart.runs_few" if few else "runchart.runs_many", lang, n=count)


def describe_at(signal: Signal, labels: Sequence[str], lang: str | None = None) -> str:
    """:func:`describe` with the span of the signal named by its labels (e.g. months):
    "2026年1月–2026年6月：连续6个月高于中位数：改进有效"."""
    text = describe(signal, lang)
    if not labels:
        return text
    first, last = labels[signal.start], labels[signal.end]
    span = first if first == last else f"{first}–{last}"
    return f"{span}：{text}" if (lang or _lang()) == "zh" else f"{span}: {text}"


def _lang() -> str:
    from lib.i18n import current_lang

    return current_lang()
