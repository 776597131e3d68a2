"""The whole-engine backtest reads only what was published by its as-of year: a planted future row
changes nothing in the forecast, and the newest date it reports is not after the cut-off."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.backtest import engine_backtest, vintage
from models.scenario import Scenario


def _models(extra: list[dict] = ()) -> pd.DataFrame:
    years = np.arange(2010, 2026) + 0.5  # one model a mid-year, compute 4x a year from 1e20
    frame = pd.DataFrame({"name": [f"m{int(y)}" for y in years], "year": years,
                          "publication_date": [f"{int(y)}-07-01" for y in years],
                          "training_compute_flop": 1e20 * 4.0 ** (years - 2010), "parameters": 1e9,
                          "notable": True, "frontier": False, "domain": [["Language"]] * len(years),
                          "source_id": "epoch-notable-models"})
    return pd.concat([frame, pd.DataFrame(list(extra))], ignore_index=True) if extra else frame


def _quarters(first: int = 2016, last: int = 2025) -> pd.DataFrame:
    rows = []
    for year in range(first, last + 1):
        for q in range(1, 5):
            value = 1e5 * 2.0 ** (year - first)
            rows.append({"vendor": "NVIDIA", "year": year, "quarter": q,
                         "period_end": f"{year}-{3 * q:02d}-{30 if q in (2, 3) else 31}",
                         "h100e_median": value, "h100e_p5": value, "h100e_p95": value})
    return pd.DataFrame(rows)


class Store:
    def __init__(self, models, quarters, accelerators):
        self._models, self._quarters, self._accelerators = models, quarters, accelerators

    def models(self):
        return self._models.copy()

    def shipments(self, granularity="quarter"):
        return self._quarters.copy()

    def shipments_annual(self):
        return self._quarters.groupby(["vendor", "year"], as_index=False)[["h100e_median", "h100e_p5",
                                                                           "h100e_p95"]].sum()

    def accelerators(self):
        return self._accelerators.copy()


ACCELERATORS = pd.DataFrame({"accelerator_id": ["v100", "h100"], "launch_price_usd": [11_500, 33_600],
                             "bf16_dense_flops": [1.25e14, 9.89e14], "release_date": ["2017-05-10", "2022-03-22"],
                             "source_id": "epoch-ml-hardware"})


@pytest.fixture(scope="module")
def clean():
    return Store(_models(), _quarters(), ACCELERATORS)


@pytest.fixture(scope="module")
def planted():
    """The same store with rows dated after 2018: a huge model, a huge quarter of 2019, a cheap chip."""
    future_model = {"name": "from-2019", "year": 2019.2, "publication_date": "2019-03-15",
                    "training_compute_flop": 1e40, "parameters": 1e15, "notable": True, "frontier": False,
                    "domain": ["Language"], "source_id": "epoch-notable-models"}
    quarters = _quarters()
    quarters.loc[(quarters.year == 2019) & (quarters.quarter == 1), "h100e_median"] = 1e12
    chip = pd.DataFrame({"accelerator_id": ["free"], "launch_price_usd": [1.0], "bf16_dense_flops": [1e18],
                         "release_date": ["2019-01-02"], "source_id": "epoch-ml-hardware"})
    return Store(_models([future_model]), quarters, pd.concat([ACCELERATORS, chip], ignore_index=True))


def test_a_planted_future_row_is_not_read(clean, planted):
    scenario = Scenario()
    before = engine_backtest(clean, 2018, scenario, samples=500)
    after = engine_backtest(planted, 2018, scenario, samples=500)
    for column in ("p10", "p50", "p90"):
        assert list(after.rows[column]) == pytest.approx(list(before.rows[column]))
    assert after.latest_input_date <= "2018-12-31" and before.latest_input_date == after.latest_input_date
    # the outcome it is scored against does include the later record
    assert after.rows.loc[after.rows.year == 2019, "actual_flop"].item() == 1e40


def test_the_vintage_keeps_only_rows_dated_by_the_cut_off(planted):
    v = vintage(planted, 2018)
    assert pd.to_datetime(v.models["publication_date"]).max() <= pd.Timestamp("2018-12-31")
    assert int(v.shipments_annual["year"].max()) == 2018
    assert "free" not in set(v.accelerators["accelerator_id"])
    assert v.latest_input_date == "2018-12-31"  # the end of the fourth quarter of 2018, the newest row read
