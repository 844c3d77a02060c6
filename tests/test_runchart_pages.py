"""Run charts on the pages (issue 21): the chart spec carries the median and the signal
points in their colours, the signals are listed in words under the chart, and the
campaign's choice of rules (IHI or Anhøj) is saved through lib/write and audited."""

from __future__ import annotations

import json
from typing import Any

import altair as alt
import pandas as pd
import pytest
import streamlit as st

from lib.domain import runchart
from lib.read import runcharts
from lib.ui import charts
from lib.ui.nav import PAGES
from tests.apphelpers import logged_in

SHIFT = [50, 52, 51, 53, 50, 52, 60, 61, 59, 62, 60, 63]
PERIODS = [f"2025-{m:02d}" for m in range(1, 13)]


def _series(values: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"period": PERIODS[: len(values)], "value": values})


def _datasets(chart: Any) -> list[dict[str, Any]]:
    spec = type(chart).to_dict(chart)  # validates against the Vega-Lite schema
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_run_chart_spec_has_median_and_signal_points(lang: str) -> None:
    series = _series(SHIFT)
    analysis = runcharts.read_series(series)
    data = runcharts.chart_frame(series, analysis)
    chart = charts.run_chart(data, analysis, lang, y_title="%")
    rows = _datasets(chart)
    assert any(r.get("y") == 56.0 for r in rows)  # the median rule
    flagged = [r for r in rows if r.get("signal")]
    # every point is in one of the two shifts (the first signal covering a point wins)
    assert {r["signal"] for r in flagged} == {"shift"}
    assert sorted({r["period"] for r in flagged}) == PERIODS
    spec = json.dumps(type(chart).to_dict(chart), ensure_ascii=False)
    assert runchart.SIGNAL_COLOURS["shift"] in spec
    assert ("偏移" if lang == "zh" else "Shift") in spec


def test_run_chart_with_xmr_limits_draws_them() -> None:
    values = [50, 51, 49, 50, 52, 50, 49, 51, 50, 90, 50, 51]
    series = _series(values)
    analysis = runcharts.read_series(series, xmr=True)
    assert analysis.upper is not None
    chart = charts.run_chart(runcharts.chart_frame(series, analysis), analysis, "zh")
    rows = _datasets(chart)
    assert any(r.get("signal") == "astronomical" for r in rows)
    assert any(r.get("y") == pytest.approx(analysis.upper) for r in rows)
    assert runchart.SIGNAL_COLOURS["astronomical"] in json.dumps(type(chart).to_dict(chart))


def _keep_drawn(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    drawn: list[Any] = []
    original = st.altair_chart

    def keep(chart: Any, *args: Any, **kwargs: Any) -> Any:
        drawn.append(chart)
        return original(chart, *args, **kwargs)

    monkeypatch.setattr(st, "altair_chart", keep)
    return drawn


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_progress_page_marks_and_lists_a_shift(
    app_db: str, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    drawn = _keep_drawn(monkeypatch)
    monkeypatch.setattr(runcharts, "campaign_history", lambda *_: _series(SHIFT))
    at = logged_in("leader")
    at.session_state["lang"] = lang
    at.switch_page(next(p for p in PAGES if p.key == "progress").path).run()
    assert not at.exception, at.exception
    run_charts = [
        c
        for c in drawn
        if isinstance(c, alt.LayerChart) and any(r.get("signal") for r in _datasets(c))
    ]
    assert run_charts, "no run chart with signal points drawn"
    words = [m.value for m in at.markdown]
    expected = (
        "连续6个月高于中位数：改进有效" if lang == "zh" else "6 months in a row above the median"
    )
    assert any(expected in w.replace("\\", "") for w in words), words


def test_anhoej_setting_is_saved_audited_and_used(app_db: str) -> None:
    from sqlalchemy import select

    from lib import write
    from lib.db import session_scope
    from lib.domain.permissions import Actor
    from lib.models import AuditLog, Campaign
    from lib.read import campaigns

    with session_scope() as s:
        cid = s.scalar(select(Campaign.id).order_by(Campaign.id))
        office = Actor("office", frozenset({"office"}), None)
        write.update_statistics_settings(
            actor=office, session=s, campaign_id=cid, runchart_method="anhoej", min_sample=50
        )
    with session_scope() as s:
        row = s.scalar(
            select(AuditLog)
            .where(AuditLog.action == "update_statistics")
            .order_by(AuditLog.id.desc())
        )
        assert row is not None and row.after["runchart_method"] == "anhoej"
        assert row.before["runchart_method"] in (None, "ihi")
    record = campaigns.record(cid)
    assert record is not None
    assert runcharts.method_of(record.settings) == "anhoej"
    assert record.settings["min_sample"] == 50


def test_statistics_settings_refuse_bad_values_and_liaisons(app_db: str) -> None:
    from sqlalchemy import select

    from lib import write
    from lib.db import session_scope
    from lib.domain.permissions import Actor
    from lib.models import Campaign

    with session_scope() as s:
        cid = s.scalar(select(Campaign.id).order_by(Campaign.id))
        office = Actor("office", frozenset({"office"}), None)
        with pytest.raises(write.ServiceError):
            write.update_statistics_settings(
                actor=office, session=s, campaign_id=cid, runchart_method="nelson"
            )
        with pytest.raises(write.ServiceError):
            write.update_statistics_settings(actor=office, session=s, campaign_id=cid, min_sample=0)
        with pytest.raises(write.PermissionDenied):
            write.update_statistics_settings(
                actor=Actor("l", frozenset({"liaison"}), None),
                session=s,
                campaign_id=cid,
                appeal_days=5,
            )
