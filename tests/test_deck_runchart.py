"""The campaign's overall completion as a run chart in the deck and the meeting mode
(issue 21): a slide with the chart and its signals in words, and those words are the
progress page's own (one function: ``lib.read.runcharts.signal_texts``)."""

from __future__ import annotations

import io
import json
from typing import Any

import altair as alt
import pandas as pd
import pytest
import streamlit as st

from lib.io import meeting
from lib.read import runcharts, views
from lib.ui.nav import PAGES
from tests.apphelpers import logged_in

SHIFT = [50, 52, 51, 53, 50, 52, 60, 61, 59, 62, 60, 63]
PERIODS = [f"2025-{m:02d}" for m in range(1, 13)]


def _shift(*_: Any) -> pd.DataFrame:
    return pd.DataFrame({"period": PERIODS, "value": [float(v) for v in SHIFT]})


def _texts(slide: Any) -> str:
    return "\n".join(
        p.text for sh in slide.shapes if sh.has_text_frame for p in sh.text_frame.paragraphs
    )


def _first_campaign() -> int:
    from sqlalchemy import select

    from lib.db import session_scope
    from lib.models import Campaign

    with session_scope() as s:
        return int(s.scalar(select(Campaign.id).order_by(Campaign.id)) or 0)


def _progress_page_signals(lang: str) -> tuple[list[str], int]:
    """The signal lines the progress page lists under the overall run chart, and the
    campaign it showed."""
    at = logged_in("leader")
    at.session_state["lang"] = lang
    at.switch_page(next(p for p in PAGES if p.key == "progress").path).run()
    assert not at.exception, at.exception
    heading = "信号（" if lang == "zh" else "Signals ("
    values = [str(m.value).replace("\\", "") for m in at.markdown]
    start = next(i for i, v in enumerate(values) if v.startswith(f"**{heading}"))
    lines = []
    for v in values[start + 1 :]:
        if not v.startswith("- "):
            break
        lines.append(v[2:])
    return lines, int(at.session_state["campaign_id"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_deck_has_the_run_chart_slide_with_the_progress_pages_signals(
    app_db: str, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    from pptx import Presentation

    from lib.domain.clock import local_today
    from lib.io.deck import build_deck, chart_specs

    monkeypatch.setattr(runcharts, "campaign_history", _shift)
    page_lines, campaign_id = _progress_page_signals(lang)
    assert page_lines, "the progress page lists the shift"
    ctx = views.context(campaign_id, local_today(), None)
    assert ctx is not None
    data = meeting.meeting_data(ctx, lang)
    plan = meeting.slide_plan(data)
    assert plan.index("runchart") == plan.index("phases") + 1
    # the same sentences, from the same function
    assert meeting.run_lines(data) == page_lines
    shift = (
        "连续6个月高于中位数：改进有效" if lang == "zh" else "6 months in a row above the median"
    )
    assert any(shift in line for line in page_lines)
    spec = json.dumps(chart_specs(data)["runchart"].to_dict(), ensure_ascii=False)
    assert '"signal": "shift"' in spec  # the signal points are marked on the chart
    prs = Presentation(io.BytesIO(build_deck(data)))
    title = (
        "活动总体完成率运行图" if lang == "zh" else "Run chart of the campaign's overall completion"
    )
    [slide] = [s for s in prs.slides if _texts(s).startswith(title)]
    text = _texts(slide)
    for line in page_lines:
        assert line in text
    pictures = [sh for sh in slide.shapes if sh.shape_type == 13]  # the chart as a picture
    assert len(pictures) == 1 and pictures[0].width < prs.slide_width * 0.7
    notes = slide.notes_slide.notes_text_frame.text
    assert shift in notes


def test_without_reports_the_slide_says_so(app_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from pptx import Presentation

    from lib.domain.clock import local_today
    from lib.io.deck import build_deck, chart_specs

    monkeypatch.setattr(
        runcharts, "campaign_history", lambda *_: pd.DataFrame(columns=["period", "value"])
    )
    campaign_id = _first_campaign()
    ctx = views.context(campaign_id, local_today(), None)
    assert ctx is not None
    data = meeting.meeting_data(ctx, "zh")
    assert data.run is None and "runchart" not in chart_specs(data)
    prs = Presentation(io.BytesIO(build_deck(data)))
    [slide] = [s for s in prs.slides if _texts(s).startswith("活动总体完成率运行图")]
    assert "暂无数据" in _texts(slide)


def test_few_points_say_the_runs_rules_do_not_apply_yet(
    app_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lib.domain.clock import local_today

    three = pd.DataFrame({"period": PERIODS[:3], "value": [50.0, 52.0, 51.0]})
    monkeypatch.setattr(runcharts, "campaign_history", lambda *_: three)
    ctx = views.context(_first_campaign(), local_today(), None)
    assert ctx is not None
    data = meeting.meeting_data(ctx, "zh")
    assert meeting.run_lines(data) == ["数据点少于10个，游程规则暂不适用。"]


def test_meeting_mode_shows_the_run_chart_with_its_signals(
    app_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[Any] = []
    original = st.altair_chart

    def keep(chart: Any, *args: Any, **kwargs: Any) -> Any:
        drawn.append(chart)
        return original(chart, *args, **kwargs)

    monkeypatch.setattr(st, "altair_chart", keep)
    monkeypatch.setattr(runcharts, "campaign_history", _shift)
    at = logged_in("leader")
    at.switch_page(next(p for p in PAGES if p.key == "meeting").path).run()
    assert not at.exception, at.exception
    for _ in range(3):  # title, headline, phases, then the run chart
        next(b for b in at.button if b.key == "meeting_next").click().run()
        assert not at.exception, at.exception
    assert [str(x.value) for x in at.title][-1] == "活动总体完成率运行图"
    words = "\n".join(str(m.value).replace("\\", "") for m in at.markdown)
    assert "信号（IHI规则）" in words
    assert "2025年7月–2025年12月：连续6个月高于中位数：改进有效" in words
    spec = json.dumps(
        [type(c).to_dict(c) for c in drawn if isinstance(c, alt.LayerChart)],
        ensure_ascii=False,
        default=str,
    )
    assert '"signal": "shift"' in spec
