"""Uncertainty: Monte Carlo over every assumption with a spread, and a one-at-a-time tornado.

Each uncertain field is drawn around its scenario value (the median) with the spread in FIELDS,
scaled by `spread_scale`; all samples run at once through the same kernel as the deterministic forecast.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from models.arrays import SINGLE, single
from models.forecast import Resolved, first_crossing, parameters, resolve, simulate, time_grid, until_horizon
from models.inputs import ForecastInputs
from models.scenario import FIELDS, Scenario, constraint_fields_in_use

BAND_PERCENTILES = (5, 10, 50, 90, 95)
BANDS = ("demand", "available", "feasible")


class CeilingQuantiles:
    """Quantiles of a Monte Carlo's crossing times, for any result with `ceiling_times` ((S,) decimal years,
    NaN where no crossing before the horizon): the training forecast's and the serving outlook's."""

    ceiling_times: np.ndarray

    def quantile(self, q: float) -> float | None:
        """The q-quantile of the ceiling time (None when it falls beyond the horizon)."""
        times = np.where(np.isnan(self.ceiling_times), np.inf, self.ceiling_times)
        value = float(np.quantile(times, q, method="inverted_cdf"))
        return value if math.isfinite(value) else None

    @property
    def p10(self) -> float | None:
        return self.quantile(0.1)

    @property
    def p50(self) -> float | None:
        return self.quantile(0.5)

    @property
    def p90(self) -> float | None:
        return self.quantile(0.9)


@dataclass(frozen=True, eq=False)
class MonteCarlo(CeilingQuantiles):
    ceiling_times: np.ndarray  # (S,) decimal year of the first crossing; NaN when none before the horizon
    years: np.ndarray  # annual points from base_year to horizon
    p_by_year: np.ndarray  # P(ceiling reached by the end of each year)
    bands: dict[str, np.ndarray]  # "demand" / "available": (len(BAND_PERCENTILES), years) FLOP
    resolved: Resolved
    samples: int
    seed: int

    def summary(self) -> dict:
        return {"ceiling_p10": self.p10, "ceiling_p50": self.p50, "ceiling_p90": self.p90,
                "p_by_year": {int(y): float(p) for y, p in zip(self.years, self.p_by_year, strict=True)},
                "samples": self.samples, "seed": self.seed}


def log_bands(logs: list[np.ndarray]) -> list[np.ndarray]:
    """exp of the BAND_PERCENTILES of each (S, Y) array of logs over its samples (linear interpolation, as
    np.percentile's default), all from one sort of the stacked columns. A link choked to nothing gives
    ln 0 = −inf (and −inf + inf where the present is lifted): bounded, so a band is 0 (or huge), never NaN."""
    stacked = np.nan_to_num(np.concatenate(logs, axis=1).astype(float), nan=-700.0, posinf=700.0, neginf=-700.0)
    stacked.sort(axis=0)
    position = np.array(BAND_PERCENTILES) / 100.0 * (len(stacked) - 1)
    below = np.floor(position).astype(int)
    above = np.minimum(below + 1, len(stacked) - 1)
    weight = (position - below)[:, None]
    values = np.exp(stacked[below] + weight * (stacked[above] - stacked[below]))
    return np.split(values, np.cumsum([np.shape(a)[1] for a in logs])[:-1], axis=1)


def uncertain_fields(scenario: Scenario) -> list[str]:
    """Fields drawn at random in this scenario (growth fields follow the demand mode)."""
    names = [n for n, spec in FIELDS.items() if spec.spread is not None and spec.kind == "float"]
    skip = {"param_growth"} if scenario.demand_mode != "parameters" else {"demand_growth"}
    if not scenario.algorithmic_efficiency:
        skip.add("algo_halving_months")
    constraint_inputs = set(constraint_fields_in_use(scenario))
    skip |= {n for n in names if (FIELDS[n].group == "constraints" or n == "tokens_per_param")
             and n not in constraint_inputs}
    return [n for n in names if n not in skip]


def draw(spec, median, z, scale: float):
    """Values of one field for standard-normal draws z (clipped to the field's range)."""
    if spec.spread.kind == "lognormal":
        values = median * np.exp(spec.spread.sigma * scale * z)
    else:
        values = median + spec.spread.sigma * scale * z
    return np.clip(values, spec.min, spec.max)


def sample_parameters(scenario: Scenario, resolved: Resolved, samples: int, seed: int) -> dict:
    p = parameters(scenario, resolved)
    rng = np.random.default_rng(seed)
    for name in uncertain_fields(scenario):
        z = rng.standard_normal((samples, 1))
        median = scenario.param_growth if name == "param_growth" else p[name]
        p[name] = draw(FIELDS[name], median, z, scenario.spread_scale)
    if scenario.demand_mode == "parameters":
        p["demand_growth"] = p["param_growth"] ** 2
    return couple_calibration(p, scenario, resolved)


def couple_calibration(p: dict, scenario: Scenario, resolved: Resolved) -> dict:
    """Today's share, when calibrated from the data, is what the record run's FLOP needs at the base-year
    utilisation and run length: a draw with a lower utilisation or a shorter run needs a larger share to
    explain the same record, so the share moves inversely with them (its own spread stays on top)."""
    if resolved.origin.get("share_today") != "data":
        return p
    base = parameters(scenario, resolved)
    scale = (base["utilisation"] / np.asarray(p["utilisation"])) * (base["run_length_days"]
                                                                    / np.asarray(p["run_length_days"]))
    spec = FIELDS["share_today"]
    p["share_today"] = np.clip(p["share_today"] * scale, spec.min, spec.max)
    return p


def by_lifetime(p: dict, samples: int) -> tuple[dict, np.ndarray]:
    """The drawn samples reordered by chip lifetime (stable), and the order: samples sharing a lifetime
    then share their stock window, which the time-major stock copies as one block. Every sample is computed
    on its own, so the order changes no value; percentiles and probabilities do not depend on it."""
    lifetime = np.broadcast_to(np.asarray(p["chip_lifetime_years"], dtype=float), (samples, 1))[:, 0]
    order = np.argsort(lifetime, kind="stable")
    return {name: value[order] if np.shape(value)[:1] == (samples,) else value for name, value in p.items()}, order


def monte_carlo(scenario: Scenario, inputs: ForecastInputs, samples: int | None = None, seed: int | None = None,
                resolved: Resolved | None = None) -> MonteCarlo:
    """Ceiling-year distribution over `samples` draws on a monthly grid (defaults: the scenario's samples/seed)."""
    samples = scenario.samples if samples is None else int(samples)
    seed = scenario.seed if seed is None else int(seed)
    resolved = resolved or resolve(scenario, inputs)
    t = until_horizon(time_grid(scenario.base_year, scenario.horizon), scenario.horizon)
    future = slice(int(np.searchsorted(t, scenario.base_year - 1e-9)), None)
    p, order = by_lifetime(single(sample_parameters(scenario, resolved, samples, seed)), samples)
    out = simulate(p, scenario, inputs, t.astype(SINGLE), future, with_links=False, time_major=True, log_space=True)
    t = t[future]
    times = np.empty(samples)
    times[order] = first_crossing(t, out["log_demand"], out["log_feasible"], scenario.base_year)  # draw order
    years = np.arange(scenario.base_year, scenario.horizon + 1)
    p_by_year = np.array([(times < y + 1).mean() for y in years])  # NaN compares False: no crossing
    cols = np.searchsorted(t, years - 1e-9)
    bands = dict(zip(BANDS, log_bands([out["log_" + name][:, cols] for name in BANDS]), strict=True))
    return MonteCarlo(times, years, p_by_year, bands, resolved, samples, seed)


@dataclass(frozen=True)
class TornadoBar:
    field: str
    low_value: float  # the 10th and 90th percentile of the field's spread
    high_value: float
    ceiling_at_low: float | None  # decimal year; None = no ceiling before the horizon
    ceiling_at_high: float | None

    def swing(self, horizon: float) -> float:
        low = self.ceiling_at_low if self.ceiling_at_low is not None else horizon + 1
        high = self.ceiling_at_high if self.ceiling_at_high is not None else horizon + 1
        return abs(high - low)


def tornado(scenario: Scenario, inputs: ForecastInputs, resolved: Resolved | None = None,
            fields: list[str] | None = None) -> tuple[float | None, list[TornadoBar]]:
    """One-at-a-time sensitivity: each uncertain field moved to its 10th and 90th percentile, the others held.

    Returns the base ceiling time and the bars, largest swing first; all runs go through one vectorised call."""
    resolved = resolved or resolve(scenario, inputs)
    fields = fields or uncertain_fields(scenario)
    base = parameters(scenario, resolved)
    rows = 2 * len(fields) + 1
    p = {name: np.full((rows, 1), float(value)) for name, value in base.items()}
    values = []
    for i, name in enumerate(fields):
        median = scenario.param_growth if name == "param_growth" else base[name]
        low, high = (draw(FIELDS[name], median, np.array([z]), max(scenario.spread_scale, 1e-12))[0]
                     for z in (-1.2815515655446004, 1.2815515655446004))
        values.append((low, high))
        p[name][2 * i + 1, 0], p[name][2 * i + 2, 0] = low, high
    if scenario.demand_mode == "parameters":
        p["demand_growth"] = p["param_growth"] ** 2
    p = couple_calibration(p, scenario, resolved)
    t = until_horizon(time_grid(scenario.base_year, scenario.horizon), scenario.horizon)
    future = slice(int(np.searchsorted(t, scenario.base_year - 1e-9)), None)
    out = simulate(p, scenario, inputs, t, future, with_links=False, log_space=True)
    t = t[future]
    times = [None if math.isnan(v) else float(v) for v in first_crossing(t, out["log_demand"], out["log_feasible"],
                                                                         scenario.base_year)]
    bars = [TornadoBar(name, float(lo), float(hi), times[2 * i + 1], times[2 * i + 2])
            for i, (name, (lo, hi)) in enumerate(zip(fields, values, strict=True))]
    bars.sort(key=lambda bar: bar.swing(scenario.horizon), reverse=True)
    return times[0], bars
