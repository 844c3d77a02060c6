"""Read-side caching: keyed by query and by the data version, so writes are seen."""

from __future__ import annotations

import datetime as dt

from lib.db import session_scope
from lib.domain.permissions import Actor
from lib.models import Campaign
from lib.read import cache, queries
from lib.write import audit


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


def test_versioned_cache_keeps_only_the_newest_version_and_computes_once() -> None:
    """One entry per key (older versions dropped), copies handed out, and concurrent
    misses of one key computed once."""
    import threading
    import time as time_mod

    import pandas as pd

    from lib.read.cache import VersionedCache

    cache = VersionedCache(max_entries=3)
    calls: list[int] = []

    def compute(v: int):  # type: ignore[no-untyped-def]
        def go() -> pd.DataFrame:
            calls.append(v)
            time_mod.sleep(0.05)
            return pd.DataFrame({"v": [v]})

        return go

    first = cache.get("k", 1, compute(1))
    first.loc[0, "v"] = 99  # a caller's copy: the cached frame is untouched
    assert cache.get("k", 1, compute(1))["v"].tolist() == [1]
    assert calls == [1]
    assert cache.get("k", 2, compute(2))["v"].tolist() == [2]  # new version: recomputed
    assert calls == [1, 2] and len(cache._entries) == 1  # the old version is gone
    results: list[int] = []
    threads = [
        threading.Thread(target=lambda: results.append(int(cache.get("k", 3, compute(3))["v"][0])))
        for _ in range(8)
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert results == [3] * 8 and calls.count(3) == 1  # eight misses, one computation
    for key in ("a", "b", "c"):
        cache.get(key, 3, compute(3))
    assert "k" not in cache._entries and len(cache._entries) == 3  # least recently used out
    assert cache.get(["unhashable"], 3, compute(4))["v"].tolist() == [4]  # not cached


def test_a_prefetched_read_is_computed_once_and_its_error_left_to_the_page(app_db: str) -> None:
    """A read started in the background is found by the page's own call (waiting for it
    if still running); an error in the background surfaces only in the page's call."""
    import threading

    import pytest

    calls: list[int] = []
    started = threading.Event()
    release = threading.Event()

    @cache.versioned
    def slow(n: int) -> int:
        calls.append(n)
        started.set()
        release.wait(5)
        return n * 2

    done = cache.prefetch(slow, 21)
    assert started.wait(5) and not done.done()  # running while the page goes on
    release.set()
    assert slow(21) == 42  # waits for the background computation instead of repeating it
    done.result(5)
    assert calls == [21]

    @cache.versioned
    def broken(n: int) -> int:
        calls.append(-n)
        raise ValueError("bad")

    cache.prefetch(broken, 1).result(5)  # swallowed in the background
    with pytest.raises(ValueError):
        broken(1)  # an error is never cached: the page's call runs it again and raises
    assert calls == [21, -1, -1]
