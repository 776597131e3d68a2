"""The deterministic forecast: resolve a Scenario against the data, run demand and supply on a monthly
grid, and find the ceiling — the first time demand exceeds the compute available to it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from models import constraints as con
from models import demand as dem
from models import supply as sup
from models.inputs import Claim, ForecastInputs, InputsError
from models.scenario import CLAIMS, FALLBACK_CLAIM, FIELDS, SECONDS_PER_DAY, SECONDS_PER_YEAR, Scenario
from models.trends import TrendError, fit_trend

STEPS_PER_YEAR = 12
BACKCAST_YEARS = 12  # history window before base_year, longer than the longest chip lifetime
FALLBACK_SUPPLY_GROWTH = 2.3  # Epoch: NVIDIA stock ~2.3x/year since 2019, used only without chip-sales data


@dataclass(frozen=True)
class Note:
    """A message for the user: i18n key + format values, and an English text for the CLI and logs."""

    key: str
    params: dict
    message: str


@dataclass(frozen=True)
class Resolved:
    """The scenario's fitted (None) values made concrete, with where each came from."""

    demand_growth: float  # compute growth of the largest run, x/year
    demand_base_flop: float
    supply_growth: float
    supply_base_h100e: float
    fitted_compute_growth: float | None  # the trend of the chosen population, for comparison
    origin: dict[str, str]  # field → "set" | "fitted" | "claim" | "parameters" | "data" | "fallback"
    notes: tuple[Note, ...] = ()
    claim: Claim | None = None  # the growth claim used (demand_mode="claim" or the no-fit fallback)

    def as_dict(self) -> dict:
        return {
            "demand_growth": self.demand_growth,
            "demand_base_flop": self.demand_base_flop,
            "supply_growth": self.supply_growth,
            "supply_base_h100e": self.supply_base_h100e,
            "fitted_compute_growth": self.fitted_compute_growth,
            "origin": dict(self.origin),
            "claim_id": self.claim.claim_id if self.claim else None,
            "claim_source_id": self.claim.source_id if self.claim else None,
        }


def resolve(scenario: Scenario, inputs: ForecastInputs) -> Resolved:
    notes: list[Note] = []
    origin: dict[str, str] = {}
    try:
        fit = inputs.compute_fit(scenario.fit_population, scenario.fit_since, scenario.base_year + 1)
        fitted = fit.growth_per_year
    except TrendError:
        fitted = None
    claims: list[Claim] = []
    growth = _demand_growth(scenario, fitted, origin, notes, inputs, claims)
    base = _demand_base(scenario, inputs, origin)
    s_growth = _supply_growth(scenario, inputs, origin, notes)
    s_base = _supply_base(scenario, inputs, s_growth, origin)
    return Resolved(growth, base, s_growth, s_base, fitted, origin, tuple(notes), claims[0] if claims else None)


def claim_of(name: str, inputs: ForecastInputs, notes: list[Note] | None = None) -> Claim:
    """The growth claim a scenario names, read from the trend_claims table; the built-in rate only for a
    database without the table (silently) or without the row (with a note)."""
    ref = CLAIMS[name]
    if ref.claim_id in inputs.claims:
        return inputs.claims[ref.claim_id]
    if inputs.claims_loaded and notes is not None:
        notes.append(Note("models.note.claim_missing", {"claim_id": ref.claim_id, "growth": ref.fallback_growth},
                          f"The claims table has no row {ref.claim_id!r}; using the built-in "
                          f"{ref.fallback_growth:.2f}x a year."))
    return Claim(ref.claim_id, "training_compute", ref.fallback_growth, ref.fallback_source_id)


def _demand_growth(s: Scenario, fitted, origin, notes, inputs: ForecastInputs, claims: list[Claim]) -> float:
    if s.demand_mode == "claim":
        origin["demand_growth"] = "claim"
        claims.append(claim_of(s.demand_claim, inputs, notes))
        return float(np.clip(claims[0].growth_per_year, FIELDS["demand_growth"].min, FIELDS["demand_growth"].max))
    if s.demand_mode == "parameters":
        origin["demand_growth"] = "parameters"
        implied = float(dem.compute_growth_from_parameters(s.param_growth))
        if fitted is not None and dem.parameter_growth_warning(implied, fitted):
            notes.append(Note("scenario.warning.parameter_growth", {"implied": implied, "fitted": fitted},
                              f"Parameter-driven demand grows {implied:.1f}x a year, far above the fitted "
                              f"compute trend of {fitted:.1f}x a year."))
        return implied
    if s.demand_growth is not None:
        origin["demand_growth"] = "set"
        return s.demand_growth
    if fitted is None:
        origin["demand_growth"] = "fallback"
        notes.append(Note("scenario.note.no_compute_fit", {"population": s.fit_population},
                          f"Too few models with training compute in '{s.fit_population}' to fit a trend; "
                          f"using Epoch's 4.6x a year."))
        claims.append(claim_of(FALLBACK_CLAIM, inputs, notes))
        return claims[0].growth_per_year
    origin["demand_growth"] = "fitted"
    return float(np.clip(fitted, FIELDS["demand_growth"].min, FIELDS["demand_growth"].max))


def _demand_base(s: Scenario, inputs: ForecastInputs, origin) -> float:
    if s.demand_base_flop is not None:
        origin["demand_base_flop"] = "set"
        return s.demand_base_flop
    if s.demand_mode == "parameters":
        params = inputs.record_parameters(s.base_year)
        if math.isfinite(params):
            origin["demand_base_flop"] = "parameters"
            return float(dem.parameter_driven_base(params, s.tokens_per_param))
    record = inputs.record_flop(s.base_year)
    if not math.isfinite(record):
        raise InputsError(f"models: no row with training_compute_flop published up to {s.base_year}; "
                          "set demand_base_flop or load the models table")
    origin["demand_base_flop"] = "data"
    return record


def _history(inputs: ForecastInputs, base_year: int) -> tuple[np.ndarray, np.ndarray]:
    keep = inputs.shipment_years <= base_year
    return inputs.shipment_years[keep], inputs.shipment_h100e[keep]


def _supply_growth(s: Scenario, inputs, origin, notes) -> float:
    if s.supply_growth is not None:
        origin["supply_growth"] = "set"
        return s.supply_growth
    years, values = _history(inputs, s.base_year)
    window = years >= s.supply_fit_since
    try:
        growth = fit_trend(years[window], values[window], bootstrap=0, min_points=2).growth_per_year
        origin["supply_growth"] = "fitted"
        return float(np.clip(growth, FIELDS["supply_growth"].min, FIELDS["supply_growth"].max))
    except TrendError:
        origin["supply_growth"] = "fallback"
        notes.append(Note("scenario.note.no_supply_fit", {"growth": FALLBACK_SUPPLY_GROWTH},
                          f"Too few years of chip sales to fit supply growth; using {FALLBACK_SUPPLY_GROWTH}x a year."))
        return FALLBACK_SUPPLY_GROWTH


def _supply_base(s: Scenario, inputs, growth: float, origin) -> float:
    if s.supply_base_h100e is not None:
        origin["supply_base_h100e"] = "set"
        return s.supply_base_h100e
    years, values = _history(inputs, s.base_year)
    if not len(years):  # a base year before the first year of chip sales: extrapolate back from it
        years, values = inputs.shipment_years[:1], inputs.shipment_h100e[:1]
    if not len(years):
        raise InputsError("shipments_annual: no rows; set supply_base_h100e or load chip sales")
    origin["supply_base_h100e"] = "data"
    return float(values[-1] * growth ** (s.base_year - years[-1]))


# --- the kernel (shared with Monte Carlo) ---------------------------------------------------------


def time_grid(base_year: int, horizon: int, steps_per_year: int = STEPS_PER_YEAR) -> np.ndarray:
    start = base_year - BACKCAST_YEARS
    count = (horizon - start) * steps_per_year + 1
    return start + np.arange(count) / steps_per_year


def parameters(scenario: Scenario, resolved: Resolved) -> dict:
    """The numeric assumptions with fitted values filled in: the input of `simulate`."""
    p = {name: value for name, value in scenario.values().items() if FIELDS[name].kind in ("float", "int")}
    p.update(demand_growth=resolved.demand_growth, demand_base_flop=resolved.demand_base_flop,
             supply_growth=resolved.supply_growth, supply_base_h100e=resolved.supply_base_h100e)
    return p


def simulate(p: dict, scenario: Scenario, inputs: ForecastInputs, t: np.ndarray,
             cols: slice = slice(None), with_links: bool = True, time_major: bool = False) -> dict:
    """Demand, shipments, stock and available compute on grid t; p values are floats or (S, 1) arrays.

    Shipments cover the whole grid (the stock needs them); demand, stock and available only t[cols].
    with_links=False skips the per-link capacities (only the binding cap is needed for a ceiling).
    time_major=True keeps the (S, T) arrays time-major in memory (same values; faster running sums for
    many samples, fastest when the samples are ordered by chip lifetime, as the Monte Carlo does)."""
    b = scenario.base_year
    multiplier = dem.scope_multiplier(scenario.demand_scope, p["frontier_labs"], p["experiment_overhead"],
                                      p["inference_ratio"])
    growth = p["demand_growth"]
    if scenario.algorithmic_efficiency:  # the trend is effective compute; supply must meet the physical part
        growth = dem.physical_growth(growth, p["algo_halving_months"])
    demand = dem.demand_path(t[cols], b, p["demand_base_flop"], growth, multiplier, order="F" if time_major else "C")
    caps = sup.link_capacities(p, t, b) if scenario.weakest_link and with_links else None
    log_cap = sup.chain_log_cap(p, t[sup.projection_start(t, b):], b) if scenario.weakest_link else None
    years, values = _history(inputs, b)
    rate = sup.shipments_path(t, years, values, b, p["supply_base_h100e"], p["supply_growth"], log_cap=log_cap,
                              order="F" if time_major else "C")
    stock = sup.installed_stock(rate, 1.0 / STEPS_PER_YEAR, p["chip_lifetime_years"], cols)
    if scenario.demand_scope == "largest_run":
        share, seconds = p["largest_run_share"], p["run_length_days"] * SECONDS_PER_DAY
    else:
        share, seconds = 1.0, SECONDS_PER_YEAR
    available = sup.available_flop(stock, p["utilisation"], share, seconds)
    feasible = con.feasible_flop(available, t[cols], p, scenario, con.hardware_for(inputs, b))
    return {"demand": np.broadcast_to(demand, stock.shape), "available": available, "rate": np.atleast_2d(rate),
            "stock": stock, "caps": caps, "feasible": feasible}


def first_crossing(t: np.ndarray, demand: np.ndarray, available: np.ndarray, base_year: float) -> np.ndarray:
    """Per sample, the first grid time from base_year on where demand > available (NaN when none)."""
    future = t >= base_year - 1e-9
    over = (demand > available) & future
    hit = over.any(axis=1)
    idx = over.argmax(axis=1)
    return np.where(hit, t[idx], np.nan)


# --- the deterministic result ---------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Forecast:
    scenario: Scenario
    resolved: Resolved
    t: np.ndarray  # monthly grid, decimal years
    demand_flop: np.ndarray
    available_flop: np.ndarray
    shipments_h100e: np.ndarray  # H100e/year
    stock_h100e: np.ndarray
    caps_h100e: dict[str, np.ndarray] | None
    ceiling_time: float | None
    notes: tuple[Note, ...] = field(default=())
    effective_demand_flop: np.ndarray | None = None  # demand in base-year-algorithm FLOP (physical × gain)
    feasible_flop: np.ndarray | None = None  # the largest feasible run: min of available and run constraints

    @property
    def trend_h100e(self) -> np.ndarray:
        """The shipment trend before any weakest-link cap (H100e/year): base × growth^(t − base_year)."""
        r = self.resolved
        return r.supply_base_h100e * r.supply_growth ** (self.t - self.scenario.base_year)

    @property
    def ceiling_year(self) -> int | None:
        return None if self.ceiling_time is None else int(math.floor(self.ceiling_time + 1e-9))

    def annual(self) -> pd.DataFrame:
        """One row per year: demand, available, gap (demand ÷ available), shipments, stock, binding link."""
        pick = np.flatnonzero(np.isclose((self.t * STEPS_PER_YEAR) % STEPS_PER_YEAR, 0.0)
                              | np.isclose((self.t * STEPS_PER_YEAR) % STEPS_PER_YEAR, STEPS_PER_YEAR))
        t = np.round(self.t[pick]).astype(int)
        frame = pd.DataFrame({
            "year": t,
            "demand_flop": self.demand_flop[pick],
            "effective_demand_flop": self.effective_demand_flop[pick],
            "available_flop": self.available_flop[pick],
            "gap": self.demand_flop[pick] / self.available_flop[pick],
            "shipments_h100e": self.shipments_h100e[pick],
            "stock_h100e": self.stock_h100e[pick],
            "projected": t > self.scenario.base_year,
            "binding": self._binding(pick, t),
        })
        return frame[frame["year"] >= self.scenario.base_year - BACKCAST_YEARS + 10].reset_index(drop=True)

    def _binding(self, pick: np.ndarray, years: np.ndarray) -> list[str]:
        """'history' up to the base year; then 'trend' or the link (logic/cowos/hbm/power) that caps output."""
        names = []
        for i, year in zip(pick, years, strict=True):
            if year <= self.scenario.base_year:
                names.append("history")
            elif not self.caps_h100e:
                names.append("trend")
            else:
                link = min(self.caps_h100e, key=lambda k: self.caps_h100e[k][i])
                capped = self.caps_h100e[link][i] <= self.shipments_h100e[i] * (1 + 1e-9)
                names.append(link if capped else "trend")
        return names

    def summary(self) -> dict:
        return {"ceiling_year": self.ceiling_year, "ceiling_time": self.ceiling_time,
                "resolved": self.resolved.as_dict(), "notes": [n.message for n in self.notes]}


def forecast(scenario: Scenario, inputs: ForecastInputs, resolved: Resolved | None = None) -> Forecast:
    """One deterministic forecast on a monthly grid from base_year − 12 to the horizon."""
    resolved = resolved or resolve(scenario, inputs)
    t = time_grid(scenario.base_year, scenario.horizon)
    out = simulate(parameters(scenario, resolved), scenario, inputs, t)
    crossing = first_crossing(t, out["demand"], out["feasible"], scenario.base_year)[0]
    caps = {k: np.broadcast_to(v, t.shape).ravel() for k, v in out["caps"].items()} if out["caps"] else None
    gain = dem.algorithmic_gain_per_year(scenario.algo_halving_months) ** (t - scenario.base_year)
    return Forecast(
        scenario, resolved, t, out["demand"][0], out["available"][0], out["rate"][0], out["stock"][0], caps,
        None if math.isnan(crossing) else float(crossing), resolved.notes, out["demand"][0] * gain,
        out["feasible"][0],
    )
