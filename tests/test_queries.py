"""Read-side caching: keyed by query and by the data version, so writes are seen."""

from __future__ import annotations

import datetime as dt

from lib import queries
from lib.db import session_scope
from lib.models import Campaign
from lib.permissions import Actor
from lib.services import audit


def test_cache_sees_a_write_and_queries_do_not_collide(app_db: str) -> None:
    before = queries.list_campaigns()
    options = queries.audit_filter_options()
    assert isinstance(options, dict) and "users" in options  # not another query's result
    with session_scope() as s:
        s.add(
            Campaign(name="新活动", start_date=dt.date(2027, 1, 1), end_date=dt.date(2027, 6, 30))
        )
        audit(s, Actor.system(), "create", "campaign", None)
    after = queries.list_campaigns()
    assert len(after) == len(before) + 1
    assert after.iloc[0]["name"] == "新活动"  # newest start first


def test_assignment_progress_takes_the_latest_counted_report(app_db: str) -> None:
    df = queries.assignment_progress(3, "2026-11")
    assert not df.empty
    assert set(df.columns) >= {"assignment_id", "task_id", "department", "percent", "reported"}
    assert df["percent"].dropna().between(0, 100).all()
    assert (df.loc[df["reported"], "latest_period"] == "2026-11").all()
