"""The outlook with a memo: the same numbers as without one, and a slider on one side of the model (demand or
capacity) leaves the other side's Monte Carlo samples where they were."""

from __future__ import annotations

import numpy as np
import pytest

from models import serving as sv
from models.serving_scenario import SERVING_FIELDS, ServingScenario

A100 = sv.Chip("a100", "A100", 312e12, 2.039e12, 80e9, 2020.9, "src", "confirmed")
STOCK_T = np.arange(2013, 2061, 1 / 12)
STOCK = 1e6 * 1.5 ** (STOCK_T - 2013)
TRENDS = sv.HardwareTrends(None, None, None, 2017.0)


def run(scenario, memo=None):
    return sv.outlook(scenario, A100, TRENDS, STOCK_T, STOCK, memo=memo)


def same(one, two) -> bool:
    fields = ("t", "demand", "capacity", "cap_per_3h", "memory_bound", "ceiling_times", "years")
    return (all(np.array_equal(getattr(one, f), getattr(two, f), equal_nan=True) for f in fields)
            and one.ceiling_time == two.ceiling_time
            and all(np.array_equal(one.bands[k], two.bands[k]) for k in one.bands))


def test_every_field_is_on_exactly_one_side_or_not_in_the_monte_carlo():
    numbers = {n for n, s in SERVING_FIELDS.items() if s.kind in ("float", "int")}
    outside = {"year", "horizon", "spread_scale", "samples", "seed"}  # the grid and the Monte Carlo's own
    assert set(sv.DEMAND_FIELDS).isdisjoint(sv.CAPACITY_FIELDS)
    assert set(sv.DEMAND_FIELDS) | set(sv.CAPACITY_FIELDS) | outside == numbers


def test_a_memo_changes_no_number_along_a_walk_of_settings():
    memo = sv.OutlookMemo()
    base = ServingScenario.from_preset("chatgpt-2023", samples=800)
    walk = [{}, {"users": 3e6}, {"chips": 60_000}, {"users": 3e6}, {"messages_per_user_per_day": 40.0},
            {"params_total": 5e11, "params_active": 5e11}, {}, {"spread_scale": 0.0}, {"seed": 7}]
    for change in walk:
        scenario = base.replace(**change)
        assert same(run(scenario, memo), run(scenario)), change
    assert len(memo) > 0


def test_a_demand_slider_reuses_the_capacity_samples_and_a_deployment_slider_the_demand():
    memo = sv.OutlookMemo()
    base = ServingScenario.from_preset("chatgpt-2023", samples=500)
    first = run(base, memo)
    more_users = run(base.replace(users=base.users * 2), memo)
    assert more_users.bands["capacity"] is first.bands["capacity"]
    assert more_users.bands["demand"] is not first.bands["demand"]
    more_chips = run(base.replace(chips=base.chips * 2), memo)
    assert more_chips.bands["demand"] is first.bands["demand"]
    assert more_chips.bands["capacity"] is not first.bands["capacity"]
    # twice the users, same everything else: every demand sample doubles (below the users cap)
    assert more_users.bands["demand"][:, 0] == pytest.approx(2 * first.bands["demand"][:, 0])


def test_the_memo_keeps_only_the_newest_entries_and_its_arrays_are_read_only():
    memo = sv.OutlookMemo(size=4)
    for users in (1e6, 2e6, 3e6, 4e6, 5e6):
        view = run(ServingScenario.from_preset("chatgpt-2023", samples=200, users=users), memo)
    assert len(memo) == 4
    with pytest.raises(ValueError):
        view.bands["capacity"][0, 0] = 1.0


def test_a_users_move_grows_no_monte_carlo_sample_again(monkeypatch):
    memo = sv.OutlookMemo()
    base = ServingScenario.from_preset("chatgpt-2023", samples=400)
    run(base, memo)
    sampled = []
    real = sv.grown
    monkeypatch.setattr(sv, "grown", lambda rate, dt: sampled.append(np.ndim(rate)) or real(rate, dt))
    moved = run(base.replace(users=base.users * 3), memo)
    assert 2 not in sampled  # the (S, 1) growth samples of users and messages were grown once, on the first run
    assert same(moved, run(base.replace(users=base.users * 3)))
