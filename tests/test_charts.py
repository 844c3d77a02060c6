"""Every chart the leadership and meeting pages draw is valid Vega-Lite: pages send
charts without Altair's schema validation (lib/ui.py, for speed), so it is done here on
the charts of the demo, in both languages, including the province-size focus."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import pytest
import streamlit as st

from lib import views
from lib.nav import PAGES
from tests.apphelpers import logged_in

PAGES_WITH_CHARTS = ["overview", "progress", "ranking", "satisfaction", "meeting"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_drawn_chart_validates(
    app_db: str, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    drawn: list[Any] = []
    original = st.altair_chart

    def keep(chart: Any, *args: Any, **kwargs: Any) -> Any:
        drawn.append(chart)
        return original(chart, *args, **kwargs)

    monkeypatch.setattr(st, "altair_chart", keep)
    for key in PAGES_WITH_CHARTS:
        at = logged_in("leader")  # a fresh session per page, as test_pages does
        at.session_state["lang"] = lang
        spec = next(p for p in PAGES if p.key == key)
        at.switch_page(spec.path).run()
        assert not at.exception, (key, at.exception)
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


def test_bump_chart_names_lines_only_where_they_can_be_read() -> None:
    from lib import charts

    history = pd.DataFrame(
        {
            "department_id": [1, 2, 3] * 2,
            "department": ["甲科", "乙科", "丙科"] * 2,
            "department_en": ["A", "B", "C"] * 2,
            "period": ["2026-01"] * 3 + ["2026-02"] * 3,
            "rank": [1, 2, 3, 2, 1, 3],
        }
    )
    every = charts.bump_chart(history, "zh")
    assert _labelled(every) == ["丙科", "乙科", "甲科"]  # once each, at the latest month
    # the best and worst of a province: bunched ranks, only your own is named
    focus = charts.bump_chart(history, "zh", highlight="乙科", label_all=False)
    assert _labelled(focus) == ["乙科"]
    assert _labelled(charts.bump_chart(history, "zh", label_all=False)) == []
    # units tied on a rank share one label instead of printing over each other
    tied = history.assign(rank=[1, 2, 3, 1, 1, 3])
    assert _labelled(charts.bump_chart(tied, "zh")) == ["丙科", "甲科、乙科"]
    assert _labelled(charts.bump_chart(tied, "en")) == ["A, B", "C"]
