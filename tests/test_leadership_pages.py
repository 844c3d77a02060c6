"""AppTest of the leadership pages on the worked example: the numbers shown are the
hand-computed ones (chart data read from the chart element)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from lib.db import dispose_all, make_engine, session_scope, upgrade
from lib.domain.permissions import Actor
from lib.ui.nav import PAGES
from lib.write import create_user
from tests.apphelpers import login, new_app
from tests.factories import build_worked_example

PASSWORD = "Lead3r!pass"


@pytest.fixture
def example_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:

    from lib import config

    url = f"sqlite:///{tmp_path / 'example.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as s:
        build_worked_example(s)
        create_user(actor=Actor.system(), session=s, username="chief", password=PASSWORD,
                    roles=["leader"], display_name="院长")  # fmt: skip
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    config.settings.cache_clear()
    from lib.read.cache import clear_caches

    clear_caches()
    dispose_all()
    return url


def _open(page_key: str):  # type: ignore[no-untyped-def]
    at = login(new_app(), "chief", PASSWORD)
    assert at.session_state["authentication_status"] is True
    at.session_state["period"] = "2026-03"
    spec = next(p for p in PAGES if p.key == page_key)
    at.switch_page(spec.path).run()
    assert not at.exception, at.exception
    return at


def _chart_frames(at) -> list[pd.DataFrame]:  # type: ignore[no-untyped-def]
    """The data behind every Altair chart on the page."""
    import pyarrow as pa

    frames = []
    for el in at.get("vega_lite_chart"):
        proto = el.proto
        for ds in list(proto.datasets):
            frames.append(pa.ipc.open_stream(ds.data.data).read_all().to_pandas())
        if proto.HasField("data") and proto.data.data:
            frames.append(pa.ipc.open_stream(proto.data.data).read_all().to_pandas())
        json.loads(proto.spec)  # the spec itself is valid JSON
    return frames


def test_ranking_page_shows_the_worked_example(example_app: str) -> None:
    at = _open("ranking")
    frames = [f for f in _chart_frames(at) if {"composite", "rank"} <= set(f.columns)]
    assert frames, "the ranking chart carries its data"
    scores = dict(zip(frames[0]["department"], frames[0]["composite"], strict=True))
    assert scores == {"甲科": pytest.approx(86.60), "乙科": pytest.approx(59.40)}
    text = "\n".join(str(x.value) for x in at.success) + "\n".join(str(x.value) for x in at.warning)
    assert "甲科" in text and "86.60" in text


def test_progress_page_shows_completion_and_expected(example_app: str) -> None:
    at = _open("progress")
    frames = [f for f in _chart_frames(at) if {"completion", "expected"} <= set(f.columns)]
    values = dict(zip(frames[0]["department"], frames[0]["completion"].round(2), strict=True))
    assert values == {"甲科": 83.33, "乙科": 53.33}
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["进度"] == "83.3%"  # the first department in the detail section


def test_ledger_page_lists_statuses(example_app: str) -> None:
    at = _open("ledger")
    table = at.dataframe[0].value
    statuses = dict(zip(table["编号"], table["状态"], strict=True))
    assert statuses == {"1": "预警", "2": "按期", "3": "按期"}


def test_satisfaction_page_shows_items(example_app: str) -> None:
    at = _open("satisfaction")
    frames = _chart_frames(at)
    heat = [f for f in frames if "department" in f.columns and "value" in f.columns]
    assert heat, "the department × item heat map has data"
    assert set(heat[0]["value"]) == {93.0, 86.0}


def test_overview_headline_numbers(example_app: str) -> None:
    at = _open("overview")
    metrics = {m.label: m.value for m in at.metric}
    # tasks: T1 75 (w2), T2 50, T3 60 -> (150 + 50 + 60) / 4 = 65.0
    assert metrics["总体完成率"] == "65.0%"
    assert metrics["本月报送率"] == "75.0%"  # 3 of 4 department tasks reported in March
    assert metrics["已完成任务"] == "0 / 3"


@pytest.mark.parametrize("page_key", ["ranking", "progress", "satisfaction"])
def test_data_tables_have_chinese_headers_and_one_row_per_department(
    example_app: str, page_key: str
) -> None:
    at = _open(page_key)
    tables = [el.value for el in at.dataframe]
    assert tables, "every chart has its data table"
    raw = {"department", "department_en", "item", "period", "area_label", "value", "rank"}
    for table in tables:
        assert not raw & {str(c) for c in table.columns}, list(table.columns)
    grids = [tb for tb in tables if "科室" in tb.columns]
    assert grids, [list(tb.columns) for tb in tables]
    for grid in grids:
        assert sorted(grid["科室"]) == ["乙科", "甲科"]


def test_ranking_history_table_follows_the_ranking(example_app: str) -> None:
    at = _open("ranking")
    bump = next(el.value for el in at.dataframe if "2026年3月" in el.value.columns)
    assert list(bump["科室"]) == ["甲科", "乙科"]  # rank order, not name order
    assert list(bump["2026年3月"]) == [1, 2]
    assert list(bump.columns[1:]) == ["2026年1月", "2026年2月", "2026年3月"]
