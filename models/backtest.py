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


# --- the whole engine as of a past year -----------------------------------------------------------

BACKTEST_YEARS = (2018, 2020, 2022, 2023)
BACKTEST_SAMPLES = 2000
BAND = (10, 50, 90)


@dataclass(frozen=True)
class Vintage:
    """What was published by the end of `as_of`: the tables the engine reads, cut by publication date."""

    as_of: int
    models: pd.DataFrame
    shipments_annual: pd.DataFrame  # complete years summed from quarters ended by the cut-off
    trend_claims: pd.DataFrame | None
    accelerators: pd.DataFrame | None
    latest_input_date: str  # the newest publication, quarter end or release date read (YYYY-MM-DD)


def _dates(frame: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_datetime(frame[column], errors="coerce")


def vintage(store, as_of: int) -> Vintage:
    """The store's tables as they stood at the end of `as_of`: models by publication date, shipments by
    the quarter's end (years with all four quarters only), claims by their source's year, chips by
    release date. Rows without a date are left out (their date cannot be shown to be before the cut-off).
    A store without a table (quarters, claims, sources, accelerators) gives what it has."""
    cutoff = pd.Timestamp(year=as_of, month=12, day=31)
    models = store.models()
    published = (_dates(models, "publication_date") if "publication_date" in models
                 else pd.Series(_from_decimal(models["year"]), index=models.index))
    models = models[published.notna() & (published <= cutoff)]
    dates = [published[published <= cutoff].max()]
    if hasattr(store, "shipments"):
        quarters = store.shipments("quarter")
        ended = _dates(quarters, "period_end")
        quarters = quarters[ended.notna() & (ended <= cutoff)]
        dates.append(ended[ended <= cutoff].max())
        annual = _annual_from_quarters(quarters)
    else:  # annual totals only: a year counts once it has ended
        annual = store.shipments_annual()
        annual = annual[pd.to_numeric(annual["year"], errors="coerce") <= as_of]
        if len(annual):
            dates.append(pd.Timestamp(year=int(annual["year"].max()), month=12, day=31))
    claims = _claims_by(store, as_of)
    accelerators = store.accelerators() if hasattr(store, "accelerators") else None
    if accelerators is not None:
        released = _dates(accelerators, "release_date")
        accelerators = accelerators[released.notna() & (released <= cutoff)].reset_index(drop=True)
        dates.append(released[released <= cutoff].max())
    latest = max((d for d in dates if pd.notna(d)), default=None)
    return Vintage(as_of, models.reset_index(drop=True), annual, claims, accelerators,
                   latest.strftime("%Y-%m-%d") if latest is not None else "")


def _from_decimal(years: pd.Series) -> list:
    values = pd.to_numeric(years, errors="coerce")
    return [pd.NaT if pd.isna(y) else pd.Timestamp(year=int(y), month=1, day=1)
            + pd.Timedelta(days=(float(y) - int(y)) * 365.25) for y in values]


def _claims_by(store, as_of: int) -> pd.DataFrame | None:
    """Claims whose source was published by `as_of` (None without a claims table or a sources table)."""
    if not hasattr(store, "trend_claims"):
        return None
    if not hasattr(store, "sources"):
        claims = store.trend_claims()
        return claims[pd.to_numeric(claims.get("period_end"), errors="coerce") <= as_of].reset_index(drop=True)
    if hasattr(store, "table_names") and "stg_trend_claims" not in store.table_names():
        return None
    claims = store.trend_claims()
    sources = store.sources()
    if "year" in sources and "source_id" in sources:
        year = pd.to_numeric(claims["source_id"].map(sources.set_index("source_id")["year"]), errors="coerce")
    else:  # no publication years: a claim counts once the period it describes has ended
        year = pd.to_numeric(claims.get("period_end"), errors="coerce")
    return claims[year.notna() & (year <= as_of)].reset_index(drop=True)


def _published_sites(store, as_of: int) -> pd.DataFrame | None:
    """The clusters table's rows dated by the end of `as_of` (a site counts from its date); None without one."""
    if not hasattr(store, "clusters") or (hasattr(store, "table_names") and "stg_clusters" not in store.table_names()):
        return None
    sites = store.clusters()
    return sites[pd.to_datetime(sites["date"]) <= pd.Timestamp(f"{as_of}-12-31")].reset_index(drop=True)


def _published_capacity(store, as_of: int) -> pd.DataFrame | None:
    """Foundry and packaging capacity of the years up to `as_of` (None without the table)."""
    if not hasattr(store, "foundry_capacity"):
        return None
    capacity = store.foundry_capacity()
    return capacity[pd.to_numeric(capacity["year"], errors="coerce") <= as_of].reset_index(drop=True)


def _annual_from_quarters(quarters: pd.DataFrame) -> pd.DataFrame:
    columns = ["vendor", "year", "h100e_median", "h100e_p5", "h100e_p95"]
    if quarters.empty:
        return pd.DataFrame(columns=columns)
    frame = quarters.copy()
    frame["year"] = pd.to_numeric(frame["year"], errors="coerce").astype(int)
    counted = frame.groupby("year")["quarter"].nunique()
    frame = frame[frame["year"].isin(counted[counted == 4].index)]
    return frame.groupby(["vendor", "year"], as_index=False)[["h100e_median", "h100e_p5", "h100e_p95"]].sum()[columns]


@dataclass(frozen=True, eq=False)
class EngineBacktest:
    as_of: int
    rows: pd.DataFrame  # year, actual_flop, p10, p50, p90 (the largest run: min(demand, feasible) per sample)
    shipments: pd.DataFrame  # year, actual_h100e, p10, p50, p90 (empty without chip sales by as_of)
    latest_input_date: str
    chips_from_data: bool  # False: no chip sales published by as_of, so chips did not constrain the run
    samples: int

    @property
    def coverage_80(self) -> float:
        r = self.rows.dropna(subset=["actual_flop"])
        inside = (r["p10"] <= r["actual_flop"]) & (r["actual_flop"] <= r["p90"])
        return float(inside.mean()) if len(r) else float("nan")

    @property
    def mean_abs_error_oom(self) -> float:
        r = self.rows.dropna(subset=["actual_flop"])
        return float(np.mean(np.abs(np.log10(r["p50"]) - np.log10(r["actual_flop"])))) if len(r) else float("nan")

    def as_dict(self) -> dict:
        rows = [{"year": int(r.year), "actual_flop": float(r.actual_flop), "p10": float(r.p10),
                 "p50": float(r.p50), "p90": float(r.p90)} for r in self.rows.itertuples()]
        shipments = [{"year": int(r.year), "actual_h100e": float(r.actual_h100e), "p10": float(r.p10),
                      "p50": float(r.p50), "p90": float(r.p90)} for r in self.shipments.itertuples()]
        return {"as_of": self.as_of, "rows": rows, "coverage_80": self.coverage_80,
                "mean_abs_error_oom": self.mean_abs_error_oom, "latest_input_date": self.latest_input_date,
                "shipments": shipments, "chips_from_data": self.chips_from_data, "samples": self.samples}


def engine_backtest(store, as_of: int, scenario=None, samples: int | None = None, seed: int = 0) -> EngineBacktest:
    """Run the engine as the app would, on what was published by the end of `as_of` (base year = as_of), and
    compare its 10/50/90% largest run per later year (the Monte Carlo's min of demand and the feasible run,
    so level, slope and constraint spreads all count) with the record actually reached; and its shipments
    with the chip sales that came. Without chip sales published by `as_of` the chips constraint is left out."""
    from models.forecast import resolve, simulate, time_grid
    from models.inputs import build_inputs
    from models.montecarlo import sample_parameters
    from models.scenario import FIELDS, Scenario

    scenario = scenario or Scenario.from_preset()
    full = build_inputs(store.models(), store.shipments_annual())
    last = int(np.floor(np.nanmax(full.models["year"].to_numpy(dtype=float))))
    if not FIELDS["base_year"].min <= as_of < last:
        raise ValueError(f"--as-of {as_of}: expected a year from {FIELDS['base_year'].min:g} to {last - 1} "
                         "(a later year must hold records to compare with)")
    v = vintage(store, as_of)
    sites, capacity = _published_sites(store, as_of), _published_capacity(store, as_of)
    inputs = build_inputs(v.models, v.shipments_annual, v.trend_claims, foundry_capacity=capacity, clusters=sites,
                          accelerators=v.accelerators)
    chips_from_data = len(inputs.shipment_years) > 0
    # levels tied to the base year come from the vintage, whatever the scenario set for its own base year
    changes = {"base_year": as_of, "horizon": int(max(FIELDS["horizon"].min, last + 1)), "demand_base_flop": None,
               "supply_base_h100e": None}
    if sites is None or sites.empty:  # no site published by then: the largest site does not constrain the run
        changes.update(largest_site_h100e=FIELDS["largest_site_h100e"].max,
                       multi_site_factor=FIELDS["multi_site_factor"].max)
        sites = None
    if not chips_from_data:  # nothing to build supply from: chips do not constrain the run
        changes.update(supply_base_h100e=FIELDS["supply_base_h100e"].max, supply_growth=FIELDS["supply_growth"].max)
        inputs = build_inputs(v.models, pd.DataFrame({"year": [as_of], "h100e_median": [np.nan]}),
                              v.trend_claims, foundry_capacity=capacity, clusters=sites, accelerators=v.accelerators)
    scenario = scenario.replace(**changes)
    samples = samples or BACKTEST_SAMPLES
    resolved = resolve(scenario, inputs)
    t = time_grid(scenario.base_year, scenario.horizon)
    p = sample_parameters(scenario, resolved, samples, seed)
    out = simulate(p, scenario, inputs, t, with_links=False)
    largest = np.minimum(out["demand"], out["feasible"])
    years = np.arange(as_of + 1, last + 1)
    at = np.searchsorted(t, years - 1e-9)  # the start of each year: where the engine puts that year's run
    band = np.percentile(largest[:, at], BAND, axis=0)
    actual = np.array([full.record_flop(int(y)) for y in years])
    rows = pd.DataFrame({"year": years, "actual_flop": actual, "p10": band[0], "p50": band[1], "p90": band[2]})
    shipments = _shipment_rows(out["rate"], t, full, years) if chips_from_data else _no_shipments()
    return EngineBacktest(as_of, rows, shipments, v.latest_input_date, chips_from_data, samples)


def _no_shipments() -> pd.DataFrame:
    return pd.DataFrame(columns=["year", "actual_h100e", "p10", "p50", "p90"])


def _shipment_rows(rate: np.ndarray, t: np.ndarray, full, years: np.ndarray) -> pd.DataFrame:
    """Shipments in each later year with chip-sales data: the projected rate at mid-year against the total."""
    known = dict(zip(full.shipment_years.tolist(), full.shipment_h100e.tolist(), strict=True))
    keep = [y for y in years if y in known]
    if not keep:
        return _no_shipments()
    at = np.searchsorted(t, np.array(keep) + 0.5 - 1e-9)
    band = np.percentile(np.broadcast_to(rate, (rate.shape[0], t.size))[:, at], BAND, axis=0)
    return pd.DataFrame({"year": keep, "actual_h100e": [known[y] for y in keep], "p10": band[0], "p50": band[1],
                         "p90": band[2]})
