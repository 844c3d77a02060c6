"""Every chart the leadership and meeting pages draw is valid Vega-Lite: pages send
charts without Altair's schema validation (lib/ui/page.py, for speed), so it is done here on
the charts of the demo, in both languages, including the province-size focus."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import pytest
import streamlit as st
from altair.utils import schemapi

from lib.read import queries, views
from lib.ui.nav import PAGES
from tests.apphelpers import logged_in

PAGES_WITH_CHARTS = ["overview", "progress", "ranking", "satisfaction", "meeting"]


def _keep_drawn_charts(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The Altair charts the pages draw from now on, in order."""
    drawn: list[Any] = []
    original = st.altair_chart

    def keep(chart: Any, *args: Any, **kwargs: Any) -> Any:
        drawn.append(chart)
        return original(chart, *args, **kwargs)

    monkeypatch.setattr(st, "altair_chart", keep)
    return drawn


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_drawn_chart_validates(
    app_db: str, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    drawn = _keep_drawn_charts(monkeypatch)
    # channels given as strings or condition dicts make Altair search its whole schema
    # for their class (about 2 ms each, on every run): the builders give channel objects
    searches: list[str] = []
    search = schemapi._FromDict.__init__

    def counted(self: Any, *args: Any) -> None:
        searches.append(key)
        search(self, *args)

    monkeypatch.setattr(schemapi._FromDict, "__init__", counted)
    for key in PAGES_WITH_CHARTS:
        at = logged_in("leader")  # a fresh session per page, as test_pages does
        at.session_state["lang"] = lang
        spec = next(p for p in PAGES if p.key == key)
        at.switch_page(spec.path).run()
        assert not at.exception, (key, at.exception)
        assert searches == [], key
    assert len(drawn) >= 12
    for chart in drawn:
        assert isinstance(chart, alt.TopLevelMixin)
        spec = type(chart).to_dict(chart)  # the class method: validates (raises if not)
        assert spec.get("$schema", "").startswith("https://vega.github.io/schema/vega-lite/")


def test_chart_focus_keeps_best_worst_and_own() -> None:
    df = pd.DataFrame({"department_id": range(100), "score": [float(i) for i in range(100)]})
    kept = views.chart_focus(df, "score", keep_id=50)
    assert len(kept) == views.CHART_DEPARTMENTS + 1
    ids = set(kept["department_id"])
    assert set(range(80, 100)) <= ids and set(range(20)) <= ids and 50 in ids
    assert len(views.chart_focus(df.head(30), "score")) == 30  # small: everything drawn


def _labelled(chart: Any) -> list[str]:
    """The names the bump chart writes at the end of its lines, one text per rank."""
    spec = chart.to_dict()
    for rows in spec["datasets"].values():
        if rows and "label" in rows[0]:
            return sorted(r["label"] for r in rows)
    return []


def _three_units_two_months(ranks: list[int]) -> pd.DataFrame:
    """A rank history: units 甲科, 乙科, 丙科 in January and February 2026."""
    return pd.DataFrame(
        {
            "department_id": [1, 2, 3] * 2,
            "department": ["甲科", "乙科", "丙科"] * 2,
            "department_en": ["A", "B", "C"] * 2,
            "period": ["2026-01"] * 3 + ["2026-02"] * 3,
            "rank": ranks,
        }
    )


def test_bump_chart_names_lines_only_where_they_can_be_read() -> None:
    from lib.ui import charts

    history = _three_units_two_months([1, 2, 3, 2, 1, 3])
    every = charts.bump_chart(history, "zh")
    assert _labelled(every) == ["丙科", "乙科", "甲科"]  # once each, at the latest month
    # units tied on a rank share one label instead of printing over each other
    tied = history.assign(rank=[1, 2, 3, 1, 1, 3])
    assert _labelled(charts.bump_chart(tied, "zh")) == ["丙科", "甲科、乙科"]
    assert _labelled(charts.bump_chart(tied, "en")) == ["A, B", "C"]


def test_rank_grid_colours_each_rank_by_its_standing_among_all_units() -> None:
    from lib.ui import charts

    history = _three_units_two_months([1, 51, 101, 2, 60, 101])
    chart = charts.rank_grid(history, 101, "zh", highlight="乙科", order=["甲科", "乙科", "丙科"])
    spec = type(chart).to_dict(chart)  # validates
    (rows,) = spec["datasets"].values()
    standing = {(r["department"], r["month"]): r["standing"] for r in rows}
    assert standing[("甲科", "2026年1月")] == 100.0  # first of 101
    assert standing[("乙科", "2026年1月")] == 50.0
    assert standing[("丙科", "2026年2月")] == 0.0  # last
    rect, text = spec["layer"]
    assert rect["encoding"]["y"]["sort"] == ["甲科", "乙科", "丙科"]
    assert rect["encoding"]["x"]["sort"] == ["2026年1月", "2026年2月"]
    assert rect["encoding"]["color"]["scale"]["domain"] == [0, 100]
    assert text["encoding"]["text"]["field"] == "rank"
    assert '"乙科"' in rect["encoding"]["y"]["axis"]["labelColor"]["expr"]  # your own unit
    english = charts.rank_grid(history, 101, "en")
    (rows,) = type(english).to_dict(english)["datasets"].values()
    assert {r["month"] for r in rows} == {"Jan 2026", "Feb 2026"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_large_campaign_shows_ranks_by_month_as_a_grid(
    app_db: str, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    """More units than the charts draw (a province; here the demo with a smaller limit):
    the rank-by-month tab draws the grid of the best and worst, not bunched lines."""
    from lib.i18n import t

    monkeypatch.setattr(views, "CHART_DEPARTMENTS", 10)
    drawn = _keep_drawn_charts(monkeypatch)
    at = logged_in("leader")
    at.session_state["lang"] = lang
    at.session_state["campaign_id"] = _largest_campaign()
    at.switch_page(next(p for p in PAGES if p.key == "ranking").path).run()
    assert not at.exception, at.exception
    grids = [
        c
        for c in drawn
        if isinstance(c, alt.LayerChart) and c.layer[0].mark.type == "rect"  # type: ignore[union-attr]
    ]
    assert len(grids) == 1
    spec = type(grids[0]).to_dict(grids[0])  # validates
    (rows,) = spec["datasets"].values()
    assert len({r["department_id"] for r in rows}) == 10  # the best and worst 5
    ranks = [r["rank"] for r in rows]
    assert min(ranks) == 1 and max(ranks) >= 30  # the demo's hospital has 33 departments
    total = len(views.ranking(views.context(_largest_campaign(), queries.today())))
    assert t("ranking.grid_note", lang, total=total) in [c.value for c in at.caption]


def _largest_campaign() -> int:
    from sqlalchemy import func, select

    from lib.db import get_engine
    from lib.models import Assignment, Task

    with get_engine().connect() as conn:
        return int(
            conn.execute(
                select(Task.campaign_id)
                .join(Assignment, Assignment.task_id == Task.id)
                .group_by(Task.campaign_id)
                .order_by(func.count(func.distinct(Assignment.department_id)).desc())
                .limit(1)
            ).scalar_one()
        )


def test_ranking_bars_write_rank_labels_at_the_asked_size() -> None:
    """The meeting slide and the deck ask for projector-size labels (it was ignored)."""
    from lib.ui import charts

    df = pd.DataFrame(
        {
            "department": ["甲科", "乙科"],
            "department_en": ["A", "B"],
            "rank": [1, 2],
            "movement": [3, None],
            "composite": [99.5, 60.0],
        }
    )
    for size in (12, 22):
        spec = type(charts.ranking_bars(df, "zh", text_size=size)).to_dict(
            charts.ranking_bars(df, "zh", text_size=size)
        )
        text = spec["layer"][1]
        assert text["mark"]["type"] == "text" and text["mark"]["fontSize"] == size
        assert spec["padding"]["right"] >= 4 * size  # a label near 100 stays on the canvas
    (rows,) = spec["datasets"].values()
    assert [r["label"] for r in rows] == ["#1 ▲3", "#2 –"]
