"""Many users through Streamlit's own protocol (bench/wsload.py): 3 sessions moving the Forecast's
run-length slider for 5 s against one live server. Every rerun ends cleanly and shows its own session's value."""

from __future__ import annotations

import pytest

pytest.importorskip("websockets")
from bench.wsload import run_sessions, session_lanes  # noqa: E402  (needs websockets)

SESSIONS, SECONDS, THINK_S = 3, 5, 0.5


@pytest.fixture(scope="module")
def results(hard_app):
    url, _proc = hard_app  # the hardening tests' shared server
    return run_sessions(url, SESSIONS, SECONDS, THINK_S)[0]


def test_every_session_reran_without_failure_or_exception(results):
    assert len(results) == SESSIONS
    for result in results:
        assert result.failures == [], f"session {result.index}"
        assert result.exceptions == [], f"session {result.index}"
        assert result.reruns >= 2, f"session {result.index} moved its slider only {result.reruns} times"


def test_no_value_leaks_between_sessions(results):
    for result in results:
        assert result.leaks == [], f"session {result.index}"
        assert result.mismatches == [], f"session {result.index}"


def test_each_sessions_last_delta_shows_its_own_value(results):
    all_lanes = session_lanes(SESSIONS)
    for result in results:
        # The walk starts at the lane's low end and moves one step per rerun, bouncing inside the lane.
        lane, walked = all_lanes[result.index], all_lanes[result.index].low
        step = 1
        for _ in range(result.reruns):
            if not lane.holds(walked + step):
                step = -step
            walked += step
        assert result.last_value == walked, f"session {result.index}"
