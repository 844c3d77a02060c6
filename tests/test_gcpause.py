"""The collector pause around bulk reads: counted across nesting and threads, and the
collector's own state restored."""

from __future__ import annotations

import gc
import threading

import pytest

from lib.read import gcpause


def test_nested_blocks_share_one_pause_and_restore_the_collector() -> None:
    assert gc.isenabled()
    with gcpause.paused():
        assert not gc.isenabled()
        with gcpause.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block still reads
    assert gc.isenabled()


def test_an_error_in_the_block_still_restores_the_collector() -> None:
    with pytest.raises(ZeroDivisionError), gcpause.paused():
        1 / 0  # noqa: B018
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off() -> None:
    gc.disable()
    try:
        with gcpause.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_overlapping_blocks_in_two_threads_resume_after_the_last() -> None:
    inside, release = threading.Event(), threading.Event()

    def reader() -> None:
        with gcpause.paused():
            inside.set()
            release.wait(10)

    other = threading.Thread(target=reader)
    other.start()
    assert inside.wait(10)
    with gcpause.paused():
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other thread's read is still running
    release.set()
    other.join(10)
    assert gc.isenabled()


def test_a_decorated_function_reads_with_the_collector_paused() -> None:
    @gcpause.paused()
    def read() -> bool:
        return gc.isenabled()

    assert read() is False and read() is False
    assert gc.isenabled()
