"""The ceiling-time quantiles a result reports: the inverted CDF over its samples, NaN (no crossing before the
horizon) counted as beyond it, and the same answer every time it is read."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.montecarlo import CeilingQuantiles


@dataclass(frozen=True, eq=False)
class Crossings(CeilingQuantiles):
    ceiling_times: np.ndarray


def test_quantiles_are_the_inverted_cdf_with_no_crossing_beyond_the_horizon():
    result = Crossings(np.array([2031.0, np.nan, 2029.5, 2030.25]))  # sorted: 2029.5, 2030.25, 2031, beyond
    for _ in range(2):  # read twice: the second answer is the first
        assert result.p10 == 2029.5  # the first sample whose CDF (1/4) reaches 0.1
        assert result.p50 == 2030.25  # CDF 2/4 reaches 0.5
        assert result.quantile(0.75) == 2031.0
        assert result.p90 is None  # the fourth sample never crosses


def test_each_result_answers_for_its_own_samples():
    early, late = Crossings(np.array([2028.0, 2029.0])), Crossings(np.array([2035.0, 2036.0]))
    assert (early.p50, late.p50) == (2028.0, 2035.0)
    assert (early.p90, late.p90) == (2029.0, 2036.0)
