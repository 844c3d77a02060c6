"""Run-chart rules (lib/domain/runchart.py): the IHI rules of Perla, Provost & Murray
(2011), Anhøj's rules and the XmR limits against published figures and worked cases, and
property tests (hypothesis) for the edge cases: points on the median, equal neighbours."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.domain import runchart as rc


def test_median_of_odd_even_and_empty() -> None:
    assert rc.median([3, 1, 2]) == 2
    assert rc.median([4, 1, 3, 2]) == 2.5
    assert rc.median([]) is None


def test_shift_of_six_above_the_median_is_an_improvement_where_higher_is_better() -> None:
    # twelve months: six low then six high; median 56
    values = [50, 52, 51, 53, 50, 52, 60, 61, 59, 62, 60, 63]
    result = rc.analyse(values)
    assert result.median == 56
    shifts = [s for s in result.signals if s.kind == "shift"]
    assert [(s.direction, s.points, s.good) for s in shifts] == [
        ("down", (0, 1, 2, 3, 4, 5), False),
        ("up", (6, 7, 8, 9, 10, 11), True),
    ]
    assert rc.describe(shifts[1], "zh") == "连续6个月高于中位数：改进有效"
    assert (
        rc.describe(shifts[1], "en") == "6 months in a row above the median: the change is working"
    )
    assert rc.describe(shifts[0], "zh") == "连续6个月低于中位数：需要关注"


def test_direction_follows_the_measure_lower_is_better() -> None:
    values = [50, 52, 51, 53, 50, 52, 60, 61, 59, 62, 60, 63]  # e.g. complaints
    shifts = [s for s in rc.analyse(values, higher_is_better=False).signals if s.kind == "shift"]
    assert [s.good for s in shifts] == [True, False]
    assert rc.describe(shifts[1], "zh") == "连续6个月高于中位数：需要关注"


def test_five_points_on_one_side_is_not_a_shift() -> None:
    values = [1, 1, 1, 1, 1, 9, 9, 9, 9, 9, 1]
    assert "shift" not in rc.analyse(values).kinds()


def test_points_on_the_median_neither_break_nor_count() -> None:
    # median 5; the 5s sit on the median: 3 + 3 points above with a 5 between = a shift of 6
    values = [1, 2, 1, 6, 7, 8, 5, 6, 7, 9, 2, 1, 5]
    centre = rc.median(values)
    assert centre == 5
    shift = [s for s in rc.shifts(values, centre)]
    assert len(shift) == 1 and shift[0].length == 6 and shift[0].points == tuple(range(3, 10))
    # five above plus one on the median is not a shift
    assert rc.shifts([6, 7, 8, 5, 6, 7], 5) == []


def test_trend_of_five_rising_with_equal_neighbours_counted_once() -> None:
    # 1, 2, 2, 3, 4 rises over four distinct values only: no trend (needs five)
    assert rc.trends([1, 2, 2, 3, 4]) == []
    # 1, 2, 2, 3, 4, 5: five distinct rising values, six points
    (trend,) = rc.trends([1, 2, 2, 3, 4, 5])
    assert (trend.direction, trend.length, trend.points) == ("up", 5, (0, 1, 2, 3, 4, 5))
    (down,) = rc.trends([9, 8, 7, 6, 5, 6], higher_is_better=True)
    assert (down.direction, down.length, down.good) == ("down", 5, False)
    assert rc.describe(down, "zh") == "连续5个月持续下降：需要关注"


def test_four_rising_points_is_not_a_trend() -> None:
    assert rc.trends([1, 2, 3, 4, 1, 2, 3, 4]) == []


def test_runs_table_of_perla_et_al_and_its_use() -> None:
    # rows of Perla, Provost & Murray 2011, Table 1
    assert rc.runs_limits(10) == (3, 9)
    assert rc.runs_limits(20) == (6, 16)
    assert rc.runs_limits(30) == (11, 21)
    assert rc.runs_limits(60) == (24, 38)
    assert rc.runs_limits(9) is None and rc.runs_limits(61) is None
    # 20 points alternating about the median: 20 runs, more than 16
    alternating = [1, 9] * 10
    result = rc.analyse(alternating)
    assert result.runs == 20
    (runs,) = [s for s in result.signals if s.kind == "runs"]
    assert runs.detail == {"many": 1}
    assert rc.describe(runs, "zh") == "游程过多（20个）：数据非随机变化"


def _runs_pmf(n1: int, n2: int) -> dict[int, float]:
    total = math.comb(n1 + n2, n1)
    out = {}
    for r in range(2, n1 + n2 + 1):
        k = r // 2
        if r % 2 == 0:
            count = 2 * math.comb(n1 - 1, k - 1) * math.comb(n2 - 1, k - 1)
        else:
            count = math.comb(n1 - 1, k) * math.comb(n2 - 1, k - 1) + math.comb(
                n1 - 1, k - 1
            ) * math.comb(n2 - 1, k)
        out[r] = count / total
    return out


@pytest.mark.parametrize("n", range(10, 61))
def test_runs_table_is_near_the_swed_eisenhart_tails(n: int) -> None:
    """Every row of the table lies within one run of the exact 2.5% tails of the number
    of runs (Swed & Eisenhart 1943, half the points on each side), and keeps a false
    alarm rate under 5% each side."""
    pmf = _runs_pmf(n // 2, n - n // 2)
    lower, upper = rc.RUNS_TABLE[n]
    below = sum(p for r, p in pmf.items() if r < lower)
    above = sum(p for r, p in pmf.items() if r > upper)
    assert below < 0.05 and above < 0.05


def test_anhoej_limits_match_the_published_table() -> None:
    # Anhøj & Olesen 2014, Table 1: (longest run, fewest crossings)
    assert rc.anhoej_limits(10) == (6, 2)
    assert rc.anhoej_limits(12) == (7, 3)
    assert rc.anhoej_limits(20) == (7, 6)
    assert rc.anhoej_limits(24) == (8, 8)
    assert rc.anhoej_limits(30) == (8, 10)
    assert rc.anhoej_limits(60) == (9, 23)
    assert rc.anhoej_limits(100) == (10, 41)


def test_binomial_quantile_is_rs_qbinom() -> None:
    assert rc.binom_lower_quantile(9) == 2  # P(X<=1)=0.0195, P(X<=2)=0.0898
    assert rc.binom_lower_quantile(23) == 8


def test_anhoej_flags_a_long_run_and_few_crossings() -> None:
    values = [1, 2, 1, 2, 1, 2, 1, 2, 9, 8, 9, 8, 9, 8, 9, 8]  # 16 points, one crossing
    result = rc.analyse(values, method="anhoej")
    assert result.longest_run == 8 and result.crossings == 1
    assert result.kinds() == {"shift", "crossings"}
    crossing = next(s for s in result.signals if s.kind == "crossings")
    assert rc.describe(crossing, "en").startswith("Too few median crossings (1, at least 4")
    # a random-looking series of the same length: nothing
    calm = [5, 7, 4, 8, 6, 3, 7, 5, 8, 4, 6, 7, 3, 8, 5, 6]
    assert rc.analyse(calm, method="anhoej").signals == ()


def test_xmr_limits_are_mean_plus_minus_2_66_average_moving_range() -> None:
    values = [10, 12, 11, 13, 12, 11, 10, 12]
    mean, lower, upper = rc.xmr_limits(values)  # type: ignore[misc]
    mr = (2 + 1 + 2 + 1 + 1 + 1 + 2) / 7
    assert mean == pytest.approx(11.375)
    assert lower == pytest.approx(11.375 - 2.66 * mr)
    assert upper == pytest.approx(11.375 + 2.66 * mr)
    assert rc.xmr_limits([1]) is None


def test_astronomical_point_outside_the_limits() -> None:
    values = [50, 51, 49, 50, 52, 50, 49, 51, 50, 90, 50, 51]
    result = rc.analyse(values, xmr=True)
    astro = [s for s in result.signals if s.kind == "astronomical"]
    assert [(s.points, s.direction) for s in astro] == [((9,), "up")]
    assert result.upper is not None and result.upper < 90
    assert rc.describe(astro[0], "zh") == "第10个点异常偏高（超出控制限）：改进有效"


def test_a_level_change_is_a_shift_not_a_row_of_astronomical_points() -> None:
    values = [82, 81.8, 82.1, 81.9, 81.8, 82.0, 81.9, 81.8, 89.4, 89.8, 90, 91.2, 91, 92.3]
    result = rc.analyse(values, xmr=True)
    assert "astronomical" not in result.kinds()
    assert "shift" in result.kinds()


def test_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError):
        rc.analyse([1, 2, 3], method="nelson")


def test_describe_at_names_the_months() -> None:
    values = [50, 52, 51, 53, 50, 52, 60, 61, 59, 62, 60, 63]
    labels = [f"2026年{m}月" for m in range(1, 13)]
    up = next(s for s in rc.analyse(values).signals if s.direction == "up")
    assert rc.describe_at(up, labels, "zh") == "2026年7月–2026年12月：连续6个月高于中位数：改进有效"


# --- properties -------------------------------------------------------------------------

small = st.integers(min_value=0, max_value=6)
series = st.lists(small, min_size=1, max_size=30)


def _brute_shifts(values: list[int], centre: float) -> list[int]:
    """Lengths of the runs of 6+ by a direct reading: drop the points on the median, then
    count consecutive equal sides."""
    off = [v > centre for v in values if v != centre]
    lengths, current = [], 0
    for i, side in enumerate(off):
        current = current + 1 if i and side == off[i - 1] else 1
        if i == len(off) - 1 or off[i + 1] != side:
            lengths.append(current)
    return [n for n in lengths if n >= 6]


@settings(max_examples=300, deadline=None)
@given(series)
def test_shifts_match_a_direct_reading(values: list[int]) -> None:
    centre = rc.median(values)
    assert centre is not None
    assert [s.length for s in rc.shifts(values, centre)] == _brute_shifts(values, centre)


@settings(max_examples=300, deadline=None)
@given(series, st.lists(st.integers(min_value=0, max_value=30), max_size=8))
def test_points_on_the_median_change_no_shift(values: list[int], where: list[int]) -> None:
    """Inserting points exactly on the median keeps the median and every shift's length
    and direction."""
    centre = rc.median(values)
    assert centre is not None
    grown: list[float] = [float(v) for v in values]
    for w in where:
        grown.insert(min(w, len(grown)), centre)
    assert rc.median(grown) == centre
    before = [(s.length, s.direction) for s in rc.shifts(values, centre)]
    after = [(s.length, s.direction) for s in rc.shifts(grown, centre)]
    assert after == before


@settings(max_examples=300, deadline=None)
@given(series, st.lists(st.integers(min_value=0, max_value=30), max_size=8))
def test_equal_neighbours_change_no_trend(values: list[int], where: list[int]) -> None:
    """Repeating a point next to itself keeps every trend's length and direction."""
    grown = list(values)
    for w in where:
        i = min(w, len(grown) - 1)
        grown.insert(i, grown[i])
    before = [(s.length, s.direction) for s in rc.trends(values)]
    after = [(s.length, s.direction) for s in rc.trends(grown)]
    assert after == before


@settings(max_examples=200, deadline=None)
@given(series)
def test_mirroring_the_series_swaps_directions(values: list[int]) -> None:
    mirrored = [-v for v in values]
    flip = {"up": "down", "down": "up", "": ""}
    original = rc.analyse(values)
    turned = rc.analyse(mirrored)
    assert [(s.kind, flip[s.direction], s.points) for s in original.signals] == [
        (s.kind, s.direction, s.points) for s in turned.signals
    ]


@settings(max_examples=200, deadline=None)
@given(st.lists(small, min_size=2, max_size=30))
def test_trend_signals_really_rise_or_fall(values: list[int]) -> None:
    for sig in rc.trends(values):
        span = [values[i] for i in sig.points]
        distinct = [v for i, v in enumerate(span) if i == 0 or v != span[i - 1]]
        assert len(distinct) == sig.length >= 5
        steps = [b - a for a, b in itertools.pairwise(distinct)]
        assert all(s > 0 for s in steps) or all(s < 0 for s in steps)
