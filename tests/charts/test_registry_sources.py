"""The registry's source lists stay right when many contexts share one memo (as the app's do): each
scenario gets the sources of its own fit window and base year, worked out by hand from a tiny table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from charts.registry import ChartContext, model_sources, record_sources
from models.scenario import Scenario


def two_source_models() -> pd.DataFrame:
    """Source A: 6 models in 2010–2015 (1e20 FLOP up); source B: 6 models in 2020–2025, each larger."""
    years = np.concatenate([np.arange(2010, 2016), np.arange(2020, 2026)]) + 0.5
    flop = 1e20 * 10.0 ** np.arange(12)
    return pd.DataFrame({"name": [f"m{i}" for i in range(12)], "year": years, "training_compute_flop": flop,
                         "notable": True, "frontier": False, "domain": [["Language"]] * 12,
                         "source_id": ["A"] * 6 + ["B"] * 6})


class CountingStore:
    def __init__(self):
        self.model_reads = 0

    def models(self):
        self.model_reads += 1
        return two_source_models()


def sources_through_base_year(scenario: Scenario, memo: dict, store=None) -> list[str]:
    ctx = ChartContext(store or CountingStore(), scenario, "en", sources_memo=memo)
    return model_sources(ctx, until=scenario.base_year + 1)


def test_each_scenario_gets_the_sources_of_its_own_window_through_a_shared_memo():
    memo: dict = {}
    wide, late, early = Scenario(fit_since=2010), Scenario(fit_since=2019), Scenario(fit_since=2010, base_year=2018)
    # 2010–2025: A and B hold half the fitted models each; the records of 2017–2025 were A's, then B's.
    assert sources_through_base_year(wide, memo) == ["A", "B"]
    # from 2019 only B is fitted; A still held the record in 2017–2019.
    assert sources_through_base_year(late, memo) == ["B", "A"]
    # through 2018 only A's models exist.
    assert sources_through_base_year(early, memo) == ["A"]
    assert sources_through_base_year(wide, memo) == ["A", "B"]
    assert sources_through_base_year(late, {}) == ["B", "A"]  # a fresh memo agrees


def test_a_change_outside_the_fit_settings_reuses_the_sources_without_reading_the_models():
    memo: dict = {}
    first, second = CountingStore(), CountingStore()
    assert sources_through_base_year(Scenario(), memo, first) == sources_through_base_year(
        Scenario(demand_growth=7.0), memo, second)
    assert first.model_reads == 1 and second.model_reads == 0


def test_a_caller_cannot_alter_the_memoised_list():
    memo: dict = {}
    ctx = ChartContext(CountingStore(), Scenario(), "en", sources_memo=memo)
    record_sources(ctx).append("tampered")
    assert record_sources(ctx) == ["A", "B"]
