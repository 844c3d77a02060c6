"""The 光荣榜 in the meeting material (issues 19 and 20): the deck and the meeting screen
show the winners of the selection rounds final by the month looked at, from the same
function; a month before the first final round has no such slide."""

from __future__ import annotations

import datetime as dt
import io

from lib.io import meeting
from lib.io.deck import build_deck
from lib.read import recognition, views


def _deck_text(data: meeting.MeetingData) -> str:
    from pptx import Presentation

    prs = Presentation(io.BytesIO(build_deck(data)))
    return "\n".join(
        shape.text_frame.text
        for slide in prs.slides
        for shape in slide.shapes
        if shape.has_text_frame
    )


def test_the_roll_follows_the_final_rounds_of_the_month(app_db: str) -> None:
    rolls = recognition.honours()
    assert rolls, "the demo has a finished selection round"
    final = rolls[0]
    campaign_id, last = int(final["campaign_id"]), str(final["last_month"])
    winner = final["winners"][0]
    name = recognition.candidate_name(winner, "zh")

    year, month = int(last[:4]), int(last[5:7])
    after = f"{year + (month == 12)}-{month % 12 + 1:02d}"
    ctx = views.context(campaign_id, dt.date(int(after[:4]), int(after[5:7]), 28), after)
    assert ctx is not None
    data = meeting.meeting_data(ctx, "zh")
    assert "roll" in meeting.slide_plan(data)
    assert data.roll is not None and any(n == name for n, _ in data.roll["lines"])
    assert name in _deck_text(data)

    before = f"{year - (month == 1)}-{(month - 2) % 12 + 1:02d}"
    earlier = views.context(campaign_id, dt.date(int(before[:4]), int(before[5:7]), 28), before)
    assert earlier is not None
    assert not any(str(r["last_month"]) <= before for r in rolls if r["campaign_id"] == campaign_id)
    data = meeting.meeting_data(earlier, "zh")
    assert data.roll is None and "roll" not in meeting.slide_plan(data)
