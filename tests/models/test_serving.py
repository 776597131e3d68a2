"""The serving roofline on hand-worked cases, the cap inverted to chips, monotonicity, the outlook."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from models import serving as sv
from models.scenario import ScenarioError
from models.serving_scenario import SERVING_FIELDS, SERVING_PRESETS, ServingScenario

H100 = sv.Chip("h100", "H100 SXM", 989e12, 3.35e12, 80e9, 2022.2, "src", "confirmed")
# A made-up chip with round numbers: 1 PFLOP/s, 1 TB/s, 1 TB of memory.
ROUND = sv.Chip("round", "Round", 1e15, 1e12, 1e12, 2024.0, "src", "estimate")


def dense_70b(batch, memory=1e12):
    """One H100 (3.35 TB/s, 989 TFLOP/s), dense 70B at 2 bytes/parameter, no KV cache, MFU 0.5."""
    return sv.decode(7e10, 7e10, 2.0, 0.0, 0.0, batch, 1, 989e12, 3.35e12, memory, 0.5)


def test_batch_1_is_memory_bound_at_bandwidth_over_weight_bytes():
    step = dense_70b(1)
    assert float(step["tokens_per_second"]) == pytest.approx(3.35e12 / 1.4e11)  # ≈ 23.9
    assert float(step["tokens_per_second"]) == pytest.approx(23.9, abs=0.05)
    assert bool(step["memory_bound"])


def test_batch_256_is_compute_bound():
    step = dense_70b(256)
    expected = 256 / (256 * 1.4e11 / (989e12 * 0.5))
    assert float(step["tokens_per_second"]) == pytest.approx(expected)
    assert float(step["tokens_per_second"]) == pytest.approx(3532, abs=1)
    assert not bool(step["memory_bound"])


def test_kv_cache_bounds_the_batch_by_memory_capacity():
    # 8 H100s hold 640 GB; the weights take 140 GB; each 4096-token sequence's KV cache takes
    # 4096 × 327,680 B = 1.342 GB (80 layers × 8 KV heads × 128 × 2 × 2 B): 500 GB / 1.342 GB = 372.5 → 372.
    step = sv.decode(7e10, 7e10, 2.0, 327_680.0, 4096.0, 1000, 8, 989e12, 3.35e12, 80e9, 0.5)
    assert float(step["max_batch"]) == 372
    assert float(step["batch"]) == 372
    bytes_moved = 1.4e11 + 372 * 4096 * 327_680
    assert float(step["memory_time"]) == pytest.approx(bytes_moved / (8 * 3.35e12))
    assert float(step["tokens_per_second"]) == pytest.approx(372 / (bytes_moved / (8 * 3.35e12)))
    assert bool(step["memory_bound"])  # 0.0239 s moving bytes against 0.0132 s of compute


def test_weights_that_do_not_fit_serve_nothing():
    s = ServingScenario.from_preset("llama-70b-h100", chips=1, chips_per_replica=1)
    answer = sv.serve(s, H100)  # 141 GB of weights in 80 GB
    assert not answer.weights_fit
    assert answer.tokens_per_second_per_chip == 0 and answer.messages_per_day == 0
    assert math.isinf(answer.chips_needed)


def round_scenario(**changes):
    """Weights 1e10 B, no KV cache, batch 10, MFU 1 on ROUND: a step moves 1e10 B in 0.01 s (compute 0.0002 s),
    so 1,000 tokens/s per replica; 100 answer tokens = 0.1 s, a 1,000-token prompt = 1000·2e10/1e15 = 0.02 s:
    0.12 s a message. 10 one-chip replicas → 83.3 messages/s → 7.2e6 a day, ÷ peak 2 = 3.6e6 a day."""
    base = dict(chip="round", chips=10, chips_per_replica=1, params_total=1e10, params_active=1e10,
                bytes_per_param=1.0, kv_bytes_per_token=0.0, batch=10, mfu=1.0, fleet_share=1.0, users=1000.0,
                messages_per_user_per_day=10.0, prompt_tokens=1000.0, tokens_per_message=100.0,
                reasoning_tokens=0.0, peak_to_average=2.0)
    return ServingScenario.from_preset("chatgpt-2023", **{**base, **changes})


def test_hand_worked_fleet_answers():
    answer = sv.serve(round_scenario(), ROUND)
    assert answer.tokens_per_second_per_chip == pytest.approx(1000)
    assert answer.bound == "memory"
    assert answer.seconds_per_message == pytest.approx(0.12)
    assert answer.fleet_tokens_per_second == pytest.approx(10_000)
    assert answer.messages_per_day == pytest.approx(3.6e6)
    assert answer.users_supported == pytest.approx(3.6e5)  # at 10 messages a day
    assert answer.messages_per_user_per_3h == pytest.approx(3.6e6 / 8 / 1000)  # 450
    # 1,000 users × 10 a day × peak 2 / 86,400 s = 0.2315 messages/s × 0.12 s = 0.028 replica → 1 replica
    assert answer.chips_needed == 1


def test_reasoning_tokens_count_like_answer_tokens():
    a = sv.serve(round_scenario(tokens_per_message=50.0, reasoning_tokens=50.0), ROUND)
    assert a.messages_per_day == pytest.approx(3.6e6)


@pytest.mark.parametrize("cap", [1.0, 25.0, 450.0, 2000.0])
def test_chips_for_a_cap_invert_back_to_the_cap(cap):
    s = round_scenario(users=1e6, chips_per_replica=2)
    chips = sv.chips_for_cap(s, ROUND, cap)
    assert sv.serve(s.replace(chips=int(chips)), ROUND).messages_per_user_per_3h >= cap * (1 - 1e-9)
    assert sv.serve(s.replace(chips=int(chips) - 2), ROUND).messages_per_user_per_3h < cap


def random_scenarios(count=150, seed=1):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        total = 10 ** rng.uniform(9, 12.5)
        yield ServingScenario.from_preset(
            "chatgpt-2023", chips=int(10 ** rng.uniform(1, 5)), chips_per_replica=int(rng.choice([1, 2, 8, 64])),
            params_total=total, params_active=total * rng.uniform(0.05, 1), bytes_per_param=float(rng.choice([1, 2])),
            kv_bytes_per_token=float(10 ** rng.uniform(3, 6)), context_tokens=float(10 ** rng.uniform(2, 5)),
            batch=int(10 ** rng.uniform(0, 3.5)), mfu=float(rng.uniform(0.1, 0.7)), users=float(10 ** rng.uniform(3, 8)),
            prompt_tokens=float(10 ** rng.uniform(1, 4)), tokens_per_message=float(10 ** rng.uniform(1, 4)),
            peak_to_average=float(rng.uniform(1, 4)))


def test_more_chips_never_support_fewer_users():
    for s in random_scenarios():
        base = sv.serve(s, H100).users_supported
        for more in (s.chips + 1, s.chips + s.chips_per_replica, s.chips * 3):
            assert sv.serve(s.replace(chips=min(more, 100_000_000)), H100).users_supported >= base


def test_longer_answers_never_raise_the_cap():
    for s in random_scenarios(seed=2):
        base = sv.serve(s, H100).messages_per_user_per_3h
        for longer in (s.tokens_per_message * 1.01, s.tokens_per_message * 10):
            assert sv.serve(s.replace(tokens_per_message=min(longer, 1e5)), H100).messages_per_user_per_3h <= base


def flat_trends():
    return sv.HardwareTrends(None, None, None, 2017.0)


def test_outlook_crosses_when_doubling_users_pass_a_threefold_margin():
    """Flat stock, chips and tokens; users double a year from a third of capacity: demand passes capacity
    after log2(3) = 1.58 years, so on the quarterly grid at +1.75 and on the yearly Monte Carlo grid at +2."""
    s = round_scenario(flops_growth=1.0, bandwidth_growth=1.0, memory_growth=1.0, params_growth=1.0,
                       tokens_growth=1.0, messages_growth=1.0, users_growth=2.0, year=2025, horizon=2035,
                       spread_scale=0.0, samples=200)
    capacity = sv.serve(s, ROUND).messages_per_day
    s = s.replace(users=capacity / 3 / s.messages_per_user_per_day)
    stock_t = np.arange(2013, 2041, 1 / 12)
    view = sv.outlook(s, ROUND, flat_trends(), stock_t, np.full(stock_t.shape, 1e6))
    assert view.capacity[0] == pytest.approx(capacity)
    assert view.ceiling_time == pytest.approx(2026.75)
    assert view.ceiling_year == 2026
    assert view.p10 == view.p50 == view.p90 == pytest.approx(2027.0)
    assert view.p_by_year()[2026] == 0 and view.p_by_year()[2027] == 1


def test_outlook_fleet_follows_the_stock():
    """Stock doubling a year, chips not improving: capacity doubles a year (whole replicas), demand flat."""
    s = round_scenario(chips=1000, flops_growth=1.0, bandwidth_growth=1.0, memory_growth=1.0, users_growth=1.0,
                       messages_growth=1.0, tokens_growth=1.0, year=2025, horizon=2030, samples=100)
    stock_t = np.arange(2013, 2041, 1 / 12)
    view = sv.outlook(s, ROUND, flat_trends(), stock_t, 2.0 ** (stock_t - 2013))
    annual = view.annual()
    ratio = annual["capacity_messages_per_day"].to_numpy()[1:] / annual["capacity_messages_per_day"].to_numpy()[:-1]
    assert ratio == pytest.approx(2.0)
    assert view.ceiling_time is None


def test_monte_carlo_bands_are_ordered_and_seeded():
    s = ServingScenario.from_preset("chatgpt-2023", samples=2000, horizon=2035)
    stock_t = np.arange(2013, 2041, 1 / 12)
    stock = 1e6 * 2.0 ** (stock_t - 2013)
    chip = sv.Chip("a100", "A100", 312e12, 2.039e12, 80e9, 2020.9, "src", "confirmed")
    one = sv.outlook(s, chip, flat_trends(), stock_t, stock)
    two = sv.outlook(s, chip, flat_trends(), stock_t, stock)
    assert np.array_equal(one.ceiling_times, two.ceiling_times, equal_nan=True)
    for band in one.bands.values():
        assert np.all(np.diff(band, axis=0) >= -1e-9 * np.abs(band[1:]))
    low, high = one.cap_range80()
    assert low < one.cap_per_3h[0] < high


def test_stock_must_cover_the_years():
    s = round_scenario(year=2025, horizon=2050)
    stock_t = np.arange(2013, 2041, 1 / 12)
    with pytest.raises(sv.ServingError, match="stock covers"):
        sv.outlook(s, ROUND, flat_trends(), stock_t, np.ones(stock_t.shape))


def test_memory_wall_fits_each_trend():
    years = np.arange(2017, 2026)
    table = pd.DataFrame({"accelerator_id": [f"c{y}" for y in years], "name": [f"C{y}" for y in years],
                          "vendor": "NVIDIA", "release_date": [f"{y}-01-01" for y in years],
                          "bf16_dense_flops": 1e14 * 2.0 ** (years - 2017),
                          "memory_bandwidth_tbs": 1.0 * 1.5 ** (years - 2017), "source_id": "src"})
    wall = sv.memory_wall(table, bootstrap=0)
    assert wall.flops.growth_per_year == pytest.approx(2.0)
    assert wall.bandwidth.growth_per_year == pytest.approx(1.5)
    assert wall.flop_per_byte.growth_per_year == pytest.approx(2.0 / 1.5)
    assert wall.chips["flop_per_byte"].iloc[0] == pytest.approx(100.0)  # 1e14 FLOP/s ÷ 1e12 B/s


def test_chip_lookup_by_id_or_name_and_a_clear_error():
    table = pd.DataFrame({"accelerator_id": ["x-1"], "name": ["X One"], "bf16_dense_flops": [1e15],
                          "memory_bandwidth_tbs": [2.0], "memory_gb": [80], "release_date": ["2024-01-01"],
                          "source_id": ["src"], "confidence": ["confirmed"]})
    assert sv.chip_of("X ONE", table).bandwidth == 2e12
    assert sv.chip_of("x-1", table).memory == 80e9
    with pytest.raises(sv.ServingError, match="x-1"):
        sv.chip_of("nope", table)


def test_scenario_rejects_bad_values_and_parses_params_leniently():
    with pytest.raises(ScenarioError, match="mfu"):
        ServingScenario(mfu=2.0)
    with pytest.raises(ScenarioError, match="nosuch"):
        ServingScenario().with_sets(["nosuch=1"])
    s, warnings = ServingScenario.from_params({"serve_users": "5e6", "serve_mfu": "abc", "serve_zzz": "1",
                                               "utilisation": "0.3"})
    assert s.users == 5e6 and s.mfu == ServingScenario().mfu
    assert sorted(w.field for w in warnings) == ["serve_mfu", "serve_zzz"]
    again, none = ServingScenario.from_params(s.to_params())
    assert again == s and none == []


def test_every_field_and_preset_is_described():
    for name, spec in SERVING_FIELDS.items():
        assert spec.uncertainty in {"published", "reported", "estimate", "guess"}, name
        assert spec.source_id, name
    for name in SERVING_PRESETS:
        ServingScenario.from_preset(name)


def test_bands_match_numpy_percentiles():
    values = np.random.default_rng(3).lognormal(size=(1001, 7))
    assert sv.bands_of(values) == pytest.approx(np.percentile(values, sv.BAND_PERCENTILES, axis=0))
