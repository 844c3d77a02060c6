"""Satisfaction statistics (issue 21): Wilson intervals against known values (the
95%-of-20 example), t intervals, the reading of an item against its target on the
evidence, the satisfaction component of the composite score (one rule, the one of
docs/scoring.md), and the satisfaction page's n, intervals and 样本量不足."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from lib.domain import scoring, stats
from tests.conftest import ROOT


def test_ninety_five_percent_of_twenty_is_about_76_to_99() -> None:
    low, high = stats.rate_interval(95, 20)  # type: ignore[misc]
    assert round(low, 1) == 76.4 and round(high, 1) == 99.1
    assert stats.wilson(19, 20) == pytest.approx((0.7639, 0.9911), abs=1e-4)


@pytest.mark.parametrize(
    ("x", "n", "low", "high"),
    [
        (0, 10, 0.0, 0.2775),  # Wilson 1927; Newcombe 1998 Table I
        (5, 10, 0.2366, 0.7634),
        (81, 263, 0.2553, 0.3662),  # Newcombe 1998, example (81/263)
        (15, 148, 0.0624, 0.1605),  # Newcombe 1998, example (15/148)
        (10, 10, 0.7225, 1.0),
    ],
)
def test_wilson_matches_published_values(x: int, n: int, low: float, high: float) -> None:
    assert stats.wilson(x, n) == pytest.approx((low, high), abs=1e-4)


def test_wilson_without_answers_is_none() -> None:
    assert stats.wilson(0, 0) is None
    assert stats.rate_interval(90, None) is None
    assert stats.rate_interval(90, 0) is None


def test_t_quantiles_and_interval() -> None:
    assert stats.t_quantile(1) == 12.706
    assert stats.t_quantile(29) == 2.045
    assert stats.t_quantile(35) == pytest.approx(2.030, abs=0.001)
    assert stats.t_quantile(100) == pytest.approx(1.984, abs=0.002)
    assert stats.t_quantile(10_000) == pytest.approx(1.960, abs=0.001)
    low, high = stats.t_interval(80.0, 10.0, 25)  # type: ignore[misc]
    assert (low, high) == pytest.approx((80 - 2.064 * 2, 80 + 2.064 * 2))
    assert stats.t_interval(80.0, 10.0, 1) is None
    with pytest.raises(ValueError):
        stats.t_quantile(0)


def test_reading_an_item_on_the_evidence() -> None:
    # 86 from 400 answers: 82.3–89.1, wholly under 90
    assert stats.read_item(86, 90, 400, 30).standing == "below"
    # 86 from 80 answers: 76.7–92.0, the target inside
    assert stats.read_item(86, 90, 80, 30).standing == "unclear"
    # 94 from 20 answers: too few, and the target inside the interval
    item = stats.read_item(94, 90, 20, 30)
    assert (item.enough, item.standing) == (False, "unclear")
    assert stats.read_item(97, 90, 500, 30).standing == "above"
    # no sample size: the point estimate decides, the figure counts
    assert stats.read_item(87, 90, None, 30) == stats.ItemReading(
        87, None, None, None, True, "below"
    )
    assert stats.read_item(93, None, 100, 30).standing == "unknown"
    # lower is better (e.g. a waiting time share): above target is the bad side
    assert stats.read_item(20, 10, 500, 30, higher_is_better=False).standing == "below"


def test_satisfaction_component_follows_the_evidence() -> None:
    component = scoring.satisfaction_component
    # the rules of docs/scoring.md, one sentence each
    assert component([(93.0, 90.0, 120)], 30) == pytest.approx(93)
    assert component([(86.0, 90.0, 400)], 30) == pytest.approx(82)
    assert component([(86.0, 90.0, 80)], 30) == pytest.approx(86)
    assert component([(87.0, 90.0)], 30) == pytest.approx(84)
    # an item under the minimum sample is left out; none left: no component
    assert component([(99.0, 90.0, 12), (86.0, 90.0, 400)], 30) == pytest.approx(82)
    assert component([(99.0, 90.0, 12)], 30) is None
    # the old two-value form is unchanged
    assert component([(93.0, 90.0), (87.0, 90.0)]) == pytest.approx(88.5)


def test_docs_state_the_satisfaction_rule_with_its_numbers() -> None:
    text = (ROOT / "docs" / "scoring.md").read_text(encoding="utf-8")
    section = text[text.index("## Satisfaction statistics") :]
    for number in ("76.4", "99.1", "82.3", "89.1", "76.7", "92.0"):
        assert number in section, number
    # each "x from n answers against t counts c" sentence of the docs is what the code says
    pattern = re.compile(r"(\d+) from (\d+) answers against (\d+) counts (\d+)")
    found = pattern.findall(section)
    assert len(found) >= 3
    for value, n, target, counts in found:
        got = scoring.satisfaction_component([(float(value), float(target), int(n))], 30)
        assert got == pytest.approx(float(counts)), (value, n, target)


def test_lowest_items_never_ask_to_rectify_an_item_above_target() -> None:
    from lib.read.satisfaction import lowest_items

    items = pd.DataFrame(
        {
            "indicator_id": [1, 2, 3, 4],
            "name": ["甲", "乙", "丙", "丁"],
            "name_en": ["A", "B", "C", "D"],
            "target": [90.0, 90.0, 90.0, 90.0],
            "direction": ["higher"] * 4,
            "value": [94.0, 86.0, 88.0, 89.5],
            "n": [300, 400, 900, 40],
            "low": [0.0] * 4,
            "high": [0.0] * 4,
            "standing": ["above", "below", "below", "unclear"],
            "previous": [95.0, 85.0, 89.0, None],
            "change": [-1.0, 1.0, -1.0, None],
        }
    )
    chosen = lowest_items(items)
    assert chosen["name"].tolist() == ["乙", "丙"]
    assert chosen["change"].tolist() == [1.0, -1.0]  # the real direction, not always down


def test_department_table_flags_and_leaves_out_small_samples(app_db: str) -> None:
    from sqlalchemy import select

    from lib.db import session_scope
    from lib.models import Campaign
    from lib.read import queries
    from lib.read.satisfaction import department_table

    with session_scope() as s:
        cid = int(s.scalar(select(Campaign.id).order_by(Campaign.id)))  # type: ignore[arg-type]
    period = queries.department_indicators(cid, "2099-12", "patient")["period"].max()
    loose = department_table(cid, period, "patient", 1)
    assert not loose.empty and loose["enough"].all()
    assert loose["rank"].notna().all()
    cut = int(loose["n"].median())
    strict = department_table(cid, period, "patient", cut + 1)
    small = strict[~strict["enough"]]
    assert not small.empty
    assert small["rank"].isna().all()  # kept out of the ranking
    assert (small["n"] <= cut).all()
    ranked = strict[strict["enough"]]
    assert sorted(ranked["rank"].tolist()) == sorted(
        scoring.competition_ranks(ranked["value"].to_numpy()).tolist()
    )
    for r in strict.itertuples():
        low, high = stats.rate_interval(r.value, r.n)  # type: ignore[misc]
        assert (r.low, r.high) == pytest.approx((low, high))
        assert r.low <= r.value <= r.high


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_satisfaction_page_shows_n_intervals_and_small_samples(app_db: str, lang: str) -> None:
    from sqlalchemy import select

    from lib import write
    from lib.db import session_scope
    from lib.domain.permissions import Actor
    from lib.i18n import t
    from lib.models import Campaign
    from lib.ui.nav import PAGES
    from tests.apphelpers import logged_in

    with session_scope() as s:
        for cid in s.scalars(select(Campaign.id)):
            write.update_statistics_settings(
                actor=Actor.system(), session=s, campaign_id=cid, min_sample=150
            )
    at = logged_in("leader")
    at.session_state["lang"] = lang
    at.switch_page(next(p for p in PAGES if p.key == "satisfaction").path).run()
    assert not at.exception, at.exception
    tables = [d.value for d in at.dataframe]
    with_n = [df for df in tables if t("stats.col_n", lang) in df.columns]
    assert len(with_n) >= 2, [list(df.columns) for df in tables]
    departments = next(df for df in with_n if t("stats.col_sample", lang) in df.columns)
    assert (departments[t("stats.col_sample", lang)] == t("stats.insufficient", lang)).any()
    assert departments[t("stats.col_interval", lang)].str.match(r"\d+\.\d–\d+\.\d").any()
    flagged = departments[departments[t("stats.col_sample", lang)] != ""]
    assert (flagged[t("col.rank", lang)] == "—").all()


def test_item_arrow_is_the_change_since_the_month_before_the_latest_figures(app_db: str) -> None:
    from sqlalchemy import select

    from lib.db import session_scope
    from lib.models import Campaign
    from lib.read.satisfaction import item_table

    with session_scope() as s:
        cid = int(s.scalar(select(Campaign.id).order_by(Campaign.id)))  # type: ignore[arg-type]
    # the demo's survey months end in October; looked at in November
    items = item_table(cid, "2026-11", "patient")
    assert not items.empty
    assert (items["change"] == items["value"] - items["previous"]).all()
    assert (items["change"].abs() > 0.005).any()  # not "no change" because November is empty
    october = item_table(cid, "2026-10", "patient")
    assert items["value"].tolist() == pytest.approx(october["value"].tolist())
