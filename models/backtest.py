"""Backtest: fit the compute trend on data up to a year, project the record forward, compare with what happened."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.inputs import ForecastInputs
from models.trends import TrendFit, fit_models


@dataclass(frozen=True, eq=False)
class Backtest:
    fit_through: int
    fit: TrendFit
    table: pd.DataFrame  # year, predicted_flop, actual_flop, error_oom (log10 predicted − log10 actual);
    # with a bootstrap also predicted_low, predicted_high (the fit's 90% growth interval)
    start_flop: float = float("nan")  # the record at the end of fit_through, where the projection starts

    @property
    def mean_abs_error_oom(self) -> float:
        """Mean absolute error in orders of magnitude over the years compared (NaN when none)."""
        errors = self.table["error_oom"].dropna()
        return float(errors.abs().mean()) if len(errors) else float("nan")

    def summary(self) -> dict:
        return {"fit_through": self.fit_through, "growth_per_year": self.fit.growth_per_year,
                "doubling_months": self.fit.doubling_months, "n": self.fit.n,
                "mean_abs_error_oom": self.mean_abs_error_oom}


def backtest(inputs: ForecastInputs, fit_through: int, *, population: str = "notable", since: int = 2010,
             until: int | None = None, bootstrap: int = 0, seed: int = 0) -> Backtest:
    """Fit on models published from `since` to the end of `fit_through`; from the record compute at that
    year, project the record of each following year at the fitted growth, up to `until` (default: the
    last year with data) and compare with the record actually reached. With `bootstrap` resamples the
    table also holds the projection at the 5th and 95th percentile of the fitted growth."""
    if bootstrap:
        fit = fit_models(inputs.models, population=population, since=since, until=fit_through + 1,
                         bootstrap=bootstrap, seed=seed)
    else:
        fit = inputs.compute_fit(population, since, fit_through + 1)
    last = int(np.floor(np.nanmax(inputs.models["year"].to_numpy(dtype=float))))
    years = np.arange(fit_through + 1, (until or last) + 1)
    start = inputs.record_flop(fit_through)
    predicted = start * fit.growth_per_year ** (years - fit_through)
    actual = np.array([inputs.record_flop(int(y)) for y in years])
    table = pd.DataFrame({"year": years, "predicted_flop": predicted, "actual_flop": actual,
                          "error_oom": np.log10(predicted) - np.log10(actual)})
    if bootstrap:
        low, high = fit.ci90
        table["predicted_low"] = start * low ** (years - fit_through)
        table["predicted_high"] = start * high ** (years - fit_through)
    return Backtest(fit_through, fit, table, float(start))
