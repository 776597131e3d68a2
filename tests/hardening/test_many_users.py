"""Many users at once (issue 8): simultaneous browser sessions moving a Forecast slider on one server
see no error and never another session's scenario. Latency is measured by `python -m bench --only
users`, not asserted here."""

from __future__ import annotations

import pytest

from bench.load import errors_of, lanes, run_load
from tests.hardening.live import require_chromium


def test_lanes_are_disjoint_and_inside_the_slider():
    twenty = lanes(20)
    assert all(a.high < b.low for a, b in zip(twenty, twenty[1:], strict=False))
    assert twenty[0].low >= 7 and twenty[-1].high <= 365
    assert all(lane.high - lane.low >= 1 for lane in twenty)


@pytest.mark.slow
def test_four_sessions_for_ten_seconds_see_no_error_and_no_leak(hard_app):
    require_chromium()
    url, _proc = hard_app  # the hardening tests' shared server: its sessions are these four only
    summary = run_load(url, sessions=4, seconds=10, think_s=0)  # no pauses: the most interleaving
    assert errors_of(summary) == []
    assert all(count >= 1 for count in summary["reruns_per_session"]), summary["reruns_per_session"]
