"""The read side's per-process cache, keyed by the database's data-version stamp: a
write made in any server process (every write bumps the stamp) invalidates every
process's cache on its next read. Read modules decorate their public functions with
:func:`versioned`."""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

import pandas as pd
import streamlit as st

from lib.db import data_version, get_engine

P = ParamSpec("P")
R = TypeVar("R")


class VersionedCache:
    """Per-process read cache keyed by the data-version stamp.

    For each (function, database, arguments) only the result for the newest data
    version is kept, so a month-end rush of saves (a new version every second) does not
    pile up stale copies of province-size frames; at most ``max_entries`` argument
    combinations are kept (least recently used go first). Concurrent misses of the same
    key wait for one computation instead of each computing it (25 leaders opening the
    overview at once compute it once). Callers get their own copy of a cached frame."""

    def __init__(self, max_entries: int = 256, ttl: float = 3600.0) -> None:
        self.max_entries = max_entries
        self.ttl = ttl
        self._lock = threading.Lock()
        self._entries: OrderedDict[Any, tuple[int, float, Any]] = OrderedDict()
        self._computing: dict[Any, threading.Lock] = {}

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def _fresh(self, key: Any, version: int) -> tuple[bool, Any]:
        entry = self._entries.get(key)
        if entry is not None and entry[0] == version and time.monotonic() - entry[1] < self.ttl:
            self._entries.move_to_end(key)
            return True, entry[2]
        return False, None

    def get(self, key: Any, version: int, compute: Callable[[], Any]) -> Any:
        try:
            hash(key)
        except TypeError:  # arguments that cannot be a key: no caching
            return compute()
        with self._lock:
            hit, value = self._fresh(key, version)
            if hit:
                return _copy(value)
            key_lock = self._computing.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                hit, value = self._fresh(key, version)
            if hit:
                return _copy(value)
            value = compute()
            with self._lock:
                current = self._entries.get(key)
                if current is None or current[0] <= version:  # never replace newer data
                    self._entries[key] = (version, time.monotonic(), value)
                    self._entries.move_to_end(key)
                while len(self._entries) > self.max_entries:
                    old, _entry = self._entries.popitem(last=False)
                    self._computing.pop(old, None)
        return _copy(value)


def _copy(value: Any) -> Any:
    """A caller's own copy: a new frame object over the same data (pandas' copy-on-write
    copies the data only if the caller changes it; adding a column touches only the
    caller's object), containers element by element, everything else as is."""
    if isinstance(value, pd.DataFrame | pd.Series):
        return value.copy(deep=False)
    if isinstance(value, tuple):
        return tuple(_copy(v) for v in value)
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value


CACHE = VersionedCache()


def clear_caches() -> None:
    """Empty the read cache (tests, the benchmark's cold runs)."""
    CACHE.clear()
    st.cache_data.clear()


def versioned(fn: Callable[P, R]) -> Callable[P, R]:
    """Cache ``fn`` by its arguments plus the current data version (see
    :class:`VersionedCache`)."""
    name = f"{fn.__module__}.{fn.__qualname__}"

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        engine = get_engine()
        key = (name, str(engine.url), args, tuple(sorted(kwargs.items())))
        return CACHE.get(key, data_version(engine), lambda: fn(*args, **kwargs))  # type: ignore[no-any-return]

    wrapper.uncached = fn  # type: ignore[attr-defined]
    return wrapper


_PREFETCH = ThreadPoolExecutor(max_workers=2, thread_name_prefix="prefetch")


def prefetch(fn: Callable[..., Any], *args: Any) -> Future[None]:
    """Start a cached read (a :func:`versioned` function) in the background, so that its
    SQL runs while the page works on something else: the page's own call later finds the
    result in the cache, or waits for it (concurrent misses of one key are computed
    once). An error is left for that call to raise."""

    def run() -> None:
        try:
            fn(*args)
        except Exception:  # the page's own call raises it where it can be shown
            logging.getLogger(__name__).debug("prefetch of %s failed", fn, exc_info=True)

    return _PREFETCH.submit(run)
