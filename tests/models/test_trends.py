import math

import numpy as np
import pandas as pd
import pytest

from etl.paths import RAW_DIR
from models.trends import (
    doubling_from_growth,
    fit_breakpoints,
    fit_models,
    fit_trend,
    growth_from_doubling,
    running_top_n,
)
from tests.conftest import full_exports_dir


def test_openai_doubling_is_11_3x_per_year():
    assert growth_from_doubling(3.43) == pytest.approx(11.3, abs=0.05)
    assert doubling_from_growth(11.3) == pytest.approx(3.43, abs=0.01)


def test_synthetic_known_doubling_recovered_within_2_percent():
    rng = np.random.default_rng(1)
    years = rng.uniform(2000, 2020, 300)
    slope = math.log10(2) / 0.5  # doubling every 6 months
    values = 10 ** (15 + slope * (years - 2000) + rng.normal(0, 0.3, len(years)))
    fit = fit_trend(years, values, seed=0)
    assert fit.doubling_months == pytest.approx(6.0, rel=0.02)
    low, high = fit.ci90
    assert low < fit.growth_per_year < high
    assert fit.n == 300 and 0.9 < fit.r2 <= 1.0


def test_bootstrap_is_reproducible_with_a_seed():
    years = np.arange(30.0)
    values = 10 ** (years * 0.3 + np.sin(years))
    assert fit_trend(years, values, seed=7).ci90 == fit_trend(years, values, seed=7).ci90


def test_missing_and_non_positive_values_are_left_out():
    fit = fit_trend([2000, 2001, 2002, 2003, 2004], [10, 100, np.nan, 0, 100_000], bootstrap=0)
    assert fit.n == 3 and fit.growth_per_year == pytest.approx(10.0)


def test_breakpoint_found_where_the_slope_changes():
    years = np.linspace(1990, 2020, 121)
    log = np.where(years < 2010, 0.1 * (years - 1990), 2 + 0.6 * (years - 2010))
    fit = fit_breakpoints(years, 10**log, breaks=1)
    assert fit.breaks[0] == pytest.approx(2010, abs=0.5)
    assert fit.segments[0].growth_per_year == pytest.approx(10**0.1, rel=0.01)
    assert fit.growth_per_year == pytest.approx(10**0.6, rel=0.01)


def test_running_top_n_by_hand():
    # years 0..4, values: 5, 1, 3, 4, 2 → ranks among earlier-or-equal: 0, 1, 1, 1, 3
    mask = running_top_n([0, 1, 2, 3, 4], [5, 1, 3, 4, 2], n=2)
    assert mask.tolist() == [True, True, True, True, False]


def test_population_filters(inputs):
    language = fit_models(inputs.models, population="language", bootstrap=0)
    everything = fit_models(inputs.models, population="all", bootstrap=0)
    assert language.n * 2 == everything.n
    assert fit_models(inputs.models, population="all", since=2020, bootstrap=0).n == 6 * 4


def test_epoch_notable_models_since_2010_near_five_months():
    """Epoch's notable models since 2010: the full export of May 2025 when at hand; otherwise our curated
    table's rows taken from Epoch's notable-models exports (the committed sample is synthetic)."""
    full = full_exports_dir() / "epoch_notable_ai_models_2025-05.csv"
    if full.is_file():
        raw = pd.read_csv(full)
        date, flop = pd.to_datetime(raw["Publication date"], errors="coerce"), raw["Training compute (FLOP)"]
    else:
        raw = pd.read_csv(RAW_DIR / "models.csv")
        raw = raw[raw["source_id"].str.startswith("epoch-notable-models") & raw["notable"]]
        date, flop = pd.to_datetime(raw["publication_date"]), raw["training_compute_flop"]
    models = pd.DataFrame({"year": date.dt.year + (date.dt.day_of_year - 1) / 365.25,
                           "training_compute_flop": flop, "notable": True})
    fit = fit_models(models, population="notable", since=2010)
    assert 4.5 < fit.doubling_months < 6.0  # Epoch: ~5 months, 4.6x/year
    assert 4.0 < fit.growth_per_year < 5.5
    assert fit.ci90[0] < 4.6 < fit.ci90[1]


def test_line_fit_by_hand_and_against_scikit_learn():
    # log10 values 1, 3, 4 at years 0, 1, 2: slope = 3/2, intercept = 8/3 - 3/2 = 7/6,
    # residuals -1/6, 1/3, -1/6: SSE = 1/6, total = 14/3, R² = 1 - (1/6)/(14/3) = 27/28
    fit = fit_trend([0, 1, 2], [10, 1000, 10_000], bootstrap=0)
    assert (fit.slope, fit.intercept, fit.r2) == pytest.approx((1.5, 7 / 6, 27 / 28))
    from sklearn.linear_model import LinearRegression  # an independent implementation, for the test only

    rng = np.random.default_rng(3)
    years = rng.uniform(2010, 2025, 80)
    values = 10 ** (20 + 0.6 * (years - 2010) + rng.normal(0, 0.4, 80))
    fit = fit_trend(years, values, bootstrap=0)
    reg = LinearRegression().fit(years.reshape(-1, 1), np.log10(values))
    assert fit.slope == pytest.approx(reg.coef_[0], rel=1e-9)
    assert fit.intercept == pytest.approx(reg.intercept_, rel=1e-9)
    assert fit.r2 == pytest.approx(reg.score(years.reshape(-1, 1), np.log10(values)), rel=1e-9)
