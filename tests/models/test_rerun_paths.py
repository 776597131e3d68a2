"""The shortcuts a Forecast rerun takes give what the full computation gives."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from models.forecast import forecast, resolve
from models.scenario import FIELDS, PRESETS, Scenario, ScenarioError

PRESETS_LIST = tuple(PRESETS)
RNG = np.random.default_rng(11)


def test_binding_in_names_the_link_that_caps_each_year(inputs):
    # CoWoS cap 40,000 wafers a month × 12 × 15 chips × 2.5 H100e = 1.8e7 H100e a year in mid-2025, growing
    # 1.3 × 1.35 ≈ 1.76x a year; the trend (8e6 in 2025) grows 3x: 2.4e7 < 3.2e7 in 2026 (the trend binds),
    # 7.2e7 > 5.5e7 in 2027 and later (CoWoS binds); power at its maximum never binds
    scenario = Scenario(weakest_link=True, supply_growth=3.0, cowos_wafers_per_month=40_000.0, h100e_per_chip=2.5,
                        power_gw_per_year=500.0, horizon=2030)
    fc = forecast(scenario, inputs)
    assert fc.binding_in(range(2026, 2031)) == ["trend", "cowos", "cowos", "cowos", "cowos"]
    table = fc.annual()
    assert fc.binding_in(table.year) == list(table.binding)


# --- resolve keeps the data's pieces in the inputs: it must resolve exactly as without them ---------------

_MOVED = ("run_length_days", "utilisation", "chip_lifetime_years", "supply_growth", "supply_base_h100e", "base_year",
          "demand_growth", "largest_run_share", "share_today", "fit_since", "supply_fit_since", "demand_mode")


def _random_value(spec, rng):
    if spec.nullable and rng.random() < 0.3:
        return None
    if spec.kind == "choice":
        return spec.options[rng.integers(len(spec.options))]
    if spec.kind == "bool":
        return bool(rng.integers(2))
    if spec.kind == "int":
        return int(rng.integers(int(spec.min), int(spec.max) + 1))
    if spec.log:
        return float(np.exp(rng.uniform(np.log(spec.min), np.log(spec.max))))
    return float(rng.uniform(spec.min, spec.max))


def _random_scenarios(count: int, seed: int):
    rng = np.random.default_rng(seed)
    made = []
    while len(made) < count:
        changes = {name: _random_value(FIELDS[name], rng) for name in _MOVED if rng.random() < 0.5}
        try:
            made.append(Scenario.from_preset(PRESETS_LIST[rng.integers(len(PRESETS_LIST))], **changes))
        except ScenarioError:  # e.g. a base year after the horizon
            continue
    return made


def _fresh(inputs):
    return dataclasses.replace(inputs, _fits={})


@pytest.fixture(scope="module")
def data_inputs(tmp_path_factory):
    """The engine's inputs from a database built from data/raw (chain, clusters, claims: every branch)."""
    from etl.build import build
    from etl.paths import RAW_DIR
    from etl.read import Store
    from models.inputs import inputs_from_store

    path = tmp_path_factory.mktemp("rerun") / "compute.duckdb"
    build(RAW_DIR, path, log=lambda _message: None)
    return inputs_from_store(Store(str(path)))


@pytest.mark.parametrize("which", ["synthetic", "data"])
def test_resolve_with_the_kept_pieces_equals_resolve_without(which, inputs, data_inputs):
    shared = _fresh(inputs if which == "synthetic" else data_inputs)
    for scenario in _random_scenarios(12, seed=7):
        # one field moved at a time, as a slider does; the shared inputs keep what every earlier scenario
        # computed, a fresh copy keeps nothing
        for name in ("run_length_days", *_MOVED):
            try:
                each = scenario.replace(**{name: _random_value(FIELDS[name], RNG)})
            except ScenarioError:
                continue
            assert resolve(each, shared) == resolve(each, _fresh(shared)), each
