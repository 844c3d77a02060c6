"""Bulk reads without the cyclic garbage collector walking through them.

Reading a province's frames creates hundreds of thousands of row tuples that live just
long enough to be promoted to the collector's oldest generation; each promotion wave
then triggers a full collection over everything the process holds (the read cache
included): 0.1 s in a cold page, 2.5 s in a summary rebuild (``benchmarks/README.md``).
Row tuples hold no reference cycles, so nothing is lost by pausing the collector while
they exist; it runs again when the last bulk read of the process ends (sessions read
in threads of their own, so the pause is counted, not switched)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = True


@contextmanager
def paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block (nested and concurrent blocks
    share one pause; the collector's own state before the first is restored)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
