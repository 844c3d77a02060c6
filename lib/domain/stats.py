"""Honest satisfaction statistics (issue 21): the Wilson 95% interval of a rate, the t
interval of a mean, the minimum sample, and whether an item is below its target on the
evidence (its interval) rather than on its point estimate.

A satisfaction figure is stored as a value on the 0–100 scale with the number of answers
behind it (``sample_size``). For a rate (满意率, the share of satisfied answers) the
Wilson interval of value/100 is exact in the usual sense. For a mean score on a bounded
0–100 scale without the individual answers, the variance of the answers is at most
(100 − mean) × mean (Bhatia–Davis), so the same interval is a conservative one for the
mean; with the individual answers (their standard deviation), :func:`t_interval` gives
the t interval. Pure functions, no pandas.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.959963984540054

# two-sided 95% t quantiles t(0.975, df) for df 1–30, then 40, 60, 120 (∞: Z95)
_T975 = {
    1: 12.706,
    2: 4.303,
    3: 3.182,
    4: 2.776,
    5: 2.571,
    6: 2.447,
    7: 2.365,
    8: 2.306,
    9: 2.262,
    10: 2.228,
    11: 2.201,
    12: 2.179,
    13: 2.160,
    14: 2.145,
    15: 2.131,
    16: 2.120,
    17: 2.110,
    18: 2.101,
    19: 2.093,
    20: 2.086,
    21: 2.080,
    22: 2.074,
    23: 2.069,
    24: 2.064,
    25: 2.060,
    26: 2.056,
    27: 2.052,
    28: 2.048,
    29: 2.045,
    30: 2.042,
    40: 2.021,
    60: 2.000,
    120: 1.980,
}


def wilson(successes: float, n: float, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion ``successes``/``n`` (0–1); None for
    n ≤ 0. 19 of 20 gives (0.764, 0.991)."""
    if n is None or n <= 0:
        return None
    p = min(1.0, max(0.0, successes / n))
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def rate_interval(value: float, n: int | None, scale: float = 100.0) -> tuple[float, float] | None:
    """The Wilson 95% interval of a value on the 0–``scale`` scale from ``n`` answers,
    on the same scale (95 from 20 answers: about 76.4–99.1); None without a sample."""
    if n is None or n <= 0 or value is None or value != value:
        return None
    bounds = wilson(value / scale * n, n)
    return None if bounds is None else (bounds[0] * scale, bounds[1] * scale)


def t_quantile(df: int) -> float:
    """t(0.975, df): the table value, interpolated in 1/df between tabled rows."""
    if df < 1:
        raise ValueError("degrees of freedom must be at least 1")
    if df in _T975:
        return _T975[df]
    keys = sorted(_T975)
    if df > keys[-1]:
        lo_df, lo_q, hi_inv, hi_q = keys[-1], _T975[keys[-1]], 0.0, Z95
    else:
        lo_df = max(k for k in keys if k < df)
        hi_df = min(k for k in keys if k > df)
        lo_q, hi_q, hi_inv = _T975[lo_df], _T975[hi_df], 1 / hi_df
    lo_inv = 1 / lo_df
    share = (lo_inv - 1 / df) / (lo_inv - hi_inv)
    return lo_q + share * (hi_q - lo_q)


def t_interval(mean: float, sd: float, n: int) -> tuple[float, float] | None:
    """The 95% t interval of a mean from ``n`` answers with standard deviation ``sd``;
    None for fewer than two answers."""
    if n is None or n < 2 or sd is None or sd != sd:
        return None
    half = t_quantile(n - 1) * sd / math.sqrt(n)
    return mean - half, mean + half


@dataclass(frozen=True)
class ItemReading:
    """One satisfaction figure read honestly: its value, its answers, its interval (None
    without a sample size), whether the sample is enough, and its standing against the
    target on the evidence: "below" (the whole interval under the target), "above" (the
    whole interval at or over it), "unclear" (the target inside the interval), or
    "unknown" (no target, or no sample size)."""

    value: float
    n: int | None
    low: float | None
    high: float | None
    enough: bool
    standing: str


def read_item(
    value: float,
    target: float | None,
    n: int | None,
    min_sample: int,
    higher_is_better: bool = True,
) -> ItemReading:
    """The reading of one figure (0–100 scale) against its target and the minimum
    sample. Without a sample size the figure counts as enough (nothing to judge it by)
    and its standing falls back to the point estimate ("below" when under target)."""
    size = int(n) if n is not None and n == n else None
    bounds = rate_interval(value, size) if size else None
    enough = size is None or size >= min_sample
    if target is None:
        standing = "unknown"
    elif bounds is None:
        worse = value < target if higher_is_better else value > target
        standing = "below" if worse else "unknown"
    else:
        low, high = bounds
        if higher_is_better:
            standing = "below" if high < target else "above" if low >= target else "unclear"
        else:
            standing = "below" if low > target else "above" if high <= target else "unclear"
    return ItemReading(
        float(value),
        size,
        bounds[0] if bounds else None,
        bounds[1] if bounds else None,
        enough,
        standing,
    )
