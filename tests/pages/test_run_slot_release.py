"""ui.runtime.outside_run_slot: a page waiting on an SQL-box query process gives its run slot to others."""

from __future__ import annotations

import threading

import pytest

from ui import runtime


@pytest.fixture
def one_slot(monkeypatch):
    monkeypatch.setattr(runtime, "_SLOTS", threading.BoundedSemaphore(1))


def test_another_page_runs_while_a_query_waits(one_slot):
    query_waiting, other_page_ran = threading.Event(), threading.Event()

    def other_page():
        query_waiting.wait(10)
        with runtime.run_slot():
            other_page_ran.set()

    other = threading.Thread(target=other_page)
    other.start()
    with runtime.run_slot():
        with runtime.outside_run_slot():
            query_waiting.set()
            assert other_page_ran.wait(10), "the other page could not get the slot"
    other.join(10)


def test_the_slot_is_held_again_after_the_query(one_slot):
    with runtime.run_slot():
        with runtime.outside_run_slot():
            pass
        assert runtime._SLOTS.acquire(blocking=False) is False  # still ours until the page ends
    assert runtime._SLOTS.acquire(blocking=False) is True
    runtime._SLOTS.release()


def test_outside_a_page_run_it_changes_nothing(one_slot):
    with runtime.outside_run_slot():
        assert runtime._SLOTS.acquire(blocking=False) is True
        runtime._SLOTS.release()
    with pytest.raises(ValueError):
        runtime._SLOTS.release()  # never released a slot it did not hold
