"""The deterministic forecast: resolve a Scenario against the data, run demand and supply on a monthly
grid, and find the ceiling — the first time demand exceeds the compute available to it."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from models import allocation as alloc
from models import constraints as con
from models import demand as dem
from models import supply as sup
from models.arrays import layout
from models.inputs import Claim, ForecastInputs, InputsError, cached_on
from models.scenario import CLAIMS, FALLBACK_CLAIM, FIELDS, SECONDS_PER_DAY, SECONDS_PER_YEAR, Scenario
from models.trends import TrendError, fit_trend

STEPS_PER_YEAR = 12
BACKCAST_YEARS = 12  # history window before base_year, longer than the longest chip lifetime
FALLBACK_SUPPLY_GROWTH = 2.3  # Epoch: NVIDIA stock ~2.3x/year since 2019, used only without chip-sales data
ANNUAL_YEARS_BEFORE = 5  # annual rows start five years before the base year
# Link levels used only when the database lacks the figure (foundry_capacity rows; chip units)
FALLBACK_LINK_LEVELS = {"logic_wafers_per_month": 260_000.0,  # TSMC N5 + N3, 2025 mean (Epoch; Morgan Stanley)
                        "cowos_wafers_per_month": 55_000.0,  # TSMC CoWoS, 2025 mean (TrendForce; MoneyDJ)
                        "hbm_stacks_per_month": 5.9e6}  # all HBM makers, 2025 mean
FALLBACK_H100E_PER_CHIP = 1.5  # the 2025 chip-sales mix (13.2M H100e on 8.8M chips)
LEVEL_FIELDS = {"logic": "logic_wafers_per_month", "cowos": "cowos_wafers_per_month", "hbm": "hbm_stacks_per_month"}


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
    # supply chain and allocation, with fitted (None) fields made concrete
    h100e_per_chip: float = FALLBACK_H100E_PER_CHIP
    link_levels: dict = field(default_factory=dict)  # level field → value (wafers or stacks a month)
    share_today: float = alloc.FALLBACK_SHARE_TODAY
    largest_site_h100e: float = float(alloc.FALLBACK_CLUSTERS["h100e"].iloc[-1])
    supply_trend: dict = field(default_factory=dict)  # growth, ci90, vendors, years, yoy (consistent coverage)

    def fitted_values(self) -> dict[str, float]:
        """The value the engine uses for every nullable (None = fitted) scenario field."""
        return {"demand_growth": self.demand_growth, "demand_base_flop": self.demand_base_flop,
                "supply_growth": self.supply_growth, "supply_base_h100e": self.supply_base_h100e,
                "h100e_per_chip": self.h100e_per_chip, **self.link_levels, "share_today": self.share_today,
                "largest_site_h100e": self.largest_site_h100e}

    def as_dict(self) -> dict:
        return {
            "demand_growth": self.demand_growth,
            "demand_base_flop": self.demand_base_flop,
            "supply_growth": self.supply_growth,
            "supply_base_h100e": self.supply_base_h100e,
            "h100e_per_chip": self.h100e_per_chip,
            **self.link_levels,
            "share_today": self.share_today,
            "largest_site_h100e": self.largest_site_h100e,
            "supply_trend": dict(self.supply_trend),
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
    trend = supply_trend(inputs, scenario.supply_fit_since, scenario.base_year)
    s_growth = _supply_growth(scenario, inputs, origin, notes, trend)
    s_base = _supply_base(scenario, inputs, s_growth, origin)
    per_chip = _h100e_per_chip(scenario, inputs, origin)
    partial = Resolved(growth, base, s_growth, s_base, fitted, origin, (), None, per_chip,
                       _link_levels(scenario, inputs, origin), supply_trend=trend)
    levels = _calibrate_links(scenario, inputs, partial, origin, notes)
    site = _largest_site(scenario, inputs, origin)
    share = _share_today(scenario, inputs, replace(partial, link_levels=levels), origin, notes)
    return Resolved(growth, base, s_growth, s_base, fitted, origin, tuple(notes), claims[0] if claims else None,
                    per_chip, levels, share, site, trend)


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
    record = _record_flop(inputs, s.base_year)
    if not math.isfinite(record):
        raise InputsError(f"models: no row with training_compute_flop published up to {s.base_year}; "
                          "set demand_base_flop or load the models table")
    origin["demand_base_flop"] = "data"
    return record


def _record_flop(inputs: ForecastInputs, base_year: int) -> float:
    """`inputs.record_flop(base_year)`, cached in the inputs (a rerun resolves the scenario anew)."""
    return cached_on(inputs, ("record-flop", base_year), lambda: inputs.record_flop(base_year))


def _history(inputs: ForecastInputs, base_year: int) -> tuple[np.ndarray, np.ndarray]:
    keep = inputs.shipment_years <= base_year
    return inputs.shipment_years[keep], inputs.shipment_h100e[keep]


def supply_trend(inputs: ForecastInputs, since: int, base_year: int) -> dict:
    """The shipment trend on consistent vendor coverage: the vendors with a full year of data in every year
    of [since, base_year] (a vendor entering the data is not growth), its growth with a bootstrap 90%
    interval and the year-on-year growth that shows whether it slows. Cached in the inputs."""
    key = ("supply-trend", since, base_year)
    if key in inputs._fits:
        return inputs._fits[key]
    rows = inputs.shipment_vendors
    rows = rows[(rows["year"] >= since) & (rows["year"] <= base_year)]
    years = sorted(set(rows["year"]))
    full = rows[rows["full_year"]]
    vendors = sorted(v for v in set(full["vendor"]) if set(full.loc[full["vendor"] == v, "year"]) >= set(years))
    result: dict = {"vendors": vendors, "years": [], "totals": [], "yoy": [], "growth": None, "ci90": None}
    if len(years) >= 2 and vendors:
        totals = full[full["vendor"].isin(vendors)].groupby("year")["h100e_median"].sum().reindex(years)
        result["years"], result["totals"] = [int(y) for y in years], [float(v) for v in totals]
        result["yoy"] = [float(b / a) for a, b in zip(totals.iloc[:-1], totals.iloc[1:], strict=True)]
        try:
            fit = fit_trend(np.array(years, dtype=float), totals.to_numpy(), bootstrap=400, seed=0, min_points=2)
            result["growth"], result["ci90"] = fit.growth_per_year, list(fit.ci90)
        except TrendError:
            pass
    inputs._fits[key] = result
    return result


def _supply_growth(s: Scenario, inputs, origin, notes, trend: dict) -> float:
    if s.supply_growth is not None:
        origin["supply_growth"] = "set"
        return s.supply_growth
    if trend.get("growth") is not None:
        origin["supply_growth"] = "fitted"
        return float(np.clip(trend["growth"], FIELDS["supply_growth"].min, FIELDS["supply_growth"].max))
    years, values = _history(inputs, s.base_year)
    window = years >= s.supply_fit_since
    try:  # no vendor covers every year: the totals (coverage may change)
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


def _base_year_shipped(inputs: ForecastInputs, base_year: int) -> float:
    hit = np.flatnonzero(inputs.shipment_years == base_year)
    return float(inputs.shipment_h100e[hit[0]]) if len(hit) else math.nan


def _h100e_per_chip(s: Scenario, inputs: ForecastInputs, origin) -> float:
    """H100e per chip shipped in the base year: set, or the chip-sales table's H100e ÷ units."""
    if s.h100e_per_chip is not None:
        origin["h100e_per_chip"] = "set"
        return s.h100e_per_chip
    hit = np.flatnonzero(inputs.shipment_years == min(s.base_year, inputs.shipment_years.max(initial=s.base_year)))
    if len(hit) and len(inputs.shipment_chips) and np.isfinite(inputs.shipment_chips[hit[0]]) \
            and inputs.shipment_chips[hit[0]] > 0:
        origin["h100e_per_chip"] = "data"
        value = inputs.shipment_h100e[hit[0]] / inputs.shipment_chips[hit[0]]
        return float(np.clip(value, FIELDS["h100e_per_chip"].min, FIELDS["h100e_per_chip"].max))
    origin["h100e_per_chip"] = "fallback"
    return FALLBACK_H100E_PER_CHIP


def _link_levels(s: Scenario, inputs: ForecastInputs, origin) -> dict[str, float]:
    """Each link's level in the base year (units a month, at mid-year): set, else the foundry_capacity
    table (extrapolated at the link's growth past its last year), else a sourced fallback."""
    levels = {}
    anchor = s.base_year + 0.5
    for link, name in LEVEL_FIELDS.items():
        value = getattr(s, name)
        series = inputs.capacity.get(link)
        if value is not None:
            origin[name] = "set"
        elif series is not None:
            origin[name] = "data"
            growth = getattr(s, sup.LINK_FIELDS[link][1])
            value = series.at(anchor) * growth ** max(anchor - float(series.t[-1]), 0.0)
        else:
            origin[name] = "fallback"
            value = FALLBACK_LINK_LEVELS[name]
        levels[name] = float(np.clip(value, FIELDS[name].min, FIELDS[name].max))
    return levels


def _calibrate_links(s: Scenario, inputs: ForecastInputs, r: Resolved, origin, notes) -> dict[str, float]:
    """A link read from the data whose base-year capacity is below what was actually shipped that year is
    raised to the shipments (the data cannot say less was possible than was done); a note says so."""
    levels = dict(r.link_levels)
    shipped = _base_year_shipped(inputs, s.base_year)
    if not (math.isfinite(shipped) and shipped > 0):
        return levels
    p = parameters(s, r)
    anchor = np.array([s.base_year + 0.5])
    shapes = link_shapes(inputs, anchor, float(anchor[0]))
    for link, capacity in sup.link_capacities(p, shapes, anchor, float(anchor[0])).items():
        name = LEVEL_FIELDS.get(link)
        if name is None or origin.get(name) == "set" or float(capacity[0]) >= shipped:
            continue
        levels[name] = float(np.clip(levels[name] * shipped / float(capacity[0]), FIELDS[name].min, FIELDS[name].max))
        notes.append(Note("engine.note.link_raised", {"link": link, "capacity": float(capacity[0]),
                                                      "shipped": shipped},
                          f"The {link} link's figures allow {float(capacity[0]):.3g} H100e in {s.base_year}, less than "
                          f"the {shipped:.3g} shipped; its level is raised to the shipments."))
    return levels


def _largest_site(s: Scenario, inputs: ForecastInputs, origin) -> float:
    if s.largest_site_h100e is not None:
        origin["largest_site_h100e"] = "set"
        return s.largest_site_h100e
    origin["largest_site_h100e"] = "data" if inputs.clusters is not None else "fallback"
    return float(site_arrays(inputs)[1][-1])


_STOCK_MEMO_SIZE = 64  # history stocks kept per inputs (one per base year, chip life and resolved supply)
_STOCK_MEMO_LOCK = threading.Lock()


def history_stock(s: Scenario, inputs: ForecastInputs, r: Resolved, times) -> np.ndarray:
    """Installed stock (H100e) at `times` from the chip-sales history (and its fixed-rate back-cast), with the
    scenario's lifetime; times after the history follow the resolved supply trend without the chain."""
    t, stock = _history_stock_grid(inputs, s.base_year, s.chip_lifetime_years, r.supply_base_h100e, r.supply_growth)
    return np.interp(times, t, stock)


def _history_stock_grid(inputs: ForecastInputs, base_year: int, lifetime: float, supply_base: float,
                        supply_growth: float) -> tuple[np.ndarray, np.ndarray]:
    """(grid, stock) of `history_stock`, kept in the inputs for the last few keys: it depends on these four
    values only, so a scenario that moves a demand or allocation field (run length, utilisation) reuses it."""
    memo = inputs._fits.setdefault(("history-stock",), {})
    key = (base_year, lifetime, supply_base, supply_growth)
    with _STOCK_MEMO_LOCK:  # the app's sessions share one inputs object across threads
        hit = memo.pop(key, None)
        if hit is not None:
            memo[key] = hit  # the most recently used last
            return hit
    t = np.array(time_grid(base_year, base_year + 2))  # its own copy: it is kept read-only
    years, values = _history(inputs, base_year)
    rate = sup.shipments_path(t, years, values, base_year, supply_base, supply_growth, dt=1.0 / STEPS_PER_YEAR)
    stock = sup.installed_stock(rate, 1.0 / STEPS_PER_YEAR, lifetime)[0]
    t.setflags(write=False)
    stock = np.array(stock)
    stock.setflags(write=False)
    with _STOCK_MEMO_LOCK:
        memo[key] = (t, stock)
        while len(memo) > _STOCK_MEMO_SIZE:
            del memo[next(iter(memo))]
    return t, stock


def current_record(inputs: ForecastInputs, base_year: int) -> tuple[float, float, str] | None:
    """(date, FLOP, name) of the largest training run published before the end of base_year."""
    m = inputs.models
    years = m["year"].to_numpy(dtype=float)
    flop = m["training_compute_flop"].to_numpy(dtype=float)
    ok = np.isfinite(flop) & np.isfinite(years) & (years < base_year + 1)
    if not ok.any():
        return None
    i = np.flatnonzero(ok)[np.argmax(flop[ok])]
    name = str(m["name"].iloc[i]) if "name" in m else ""
    return float(years[i]), float(flop[i]), name


def _share_today(s: Scenario, inputs: ForecastInputs, r: Resolved, origin, notes) -> float:
    """Today's share of the installed stock that the largest run can get: set, or what the data show for
    the base year — the larger of the current record run's share (its FLOP ÷ what the stock at its date
    gives at the base-year run length and utilisation, BF16) and the largest cluster's share (its H100e ÷
    the stock) among the records set in the base year. A lab can devote at least what its record run used
    and at least what its largest site holds."""
    spec = FIELDS["share_today"]
    if s.share_today is not None:
        origin["share_today"] = "set"
        return s.share_today
    shares = _base_year_shares(s, inputs, r)
    if not len(shares):  # no record and no cluster: the largest site ÷ the stock at mid-year
        stock = float(history_stock(s, inputs, r, s.base_year + 0.5))
        if stock <= 0:
            origin["share_today"] = "fallback"
            return alloc.FALLBACK_SHARE_TODAY
        shares = alloc.site_path(np.array([s.base_year + 0.5]), site_arrays(inputs)) / stock
    origin["share_today"] = "data"
    return float(np.clip(np.max(shares), spec.min, spec.max))


def _base_year_shares(s: Scenario, inputs: ForecastInputs, r: Resolved) -> np.ndarray:
    """The shares the base year's evidence shows: record runs and record sites set in the base year, and the
    record run standing at its start when no new one was set."""
    t, value, is_record = _evidence_arrays(inputs)
    keep = (t >= s.base_year) & (t < s.base_year + 1)
    standing = is_record & (t < s.base_year)
    if not (keep & is_record).any() and standing.any():
        keep |= np.arange(len(t)) == np.flatnonzero(standing)[-1]
    if not keep.any():
        return np.array([])
    times = np.where(keep & (t < s.base_year), s.base_year, t)[keep]
    stock = history_stock(s, inputs, r, times)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(is_record[keep], alloc.implied_share(value[keep], stock, s.utilisation,
                                                               s.run_length_days), value[keep] / stock)
    return shares[stock > 0]


def _evidence(inputs: ForecastInputs) -> pd.DataFrame:
    """Record training runs and record sites of all years (kind, t, name, value), cached in the inputs."""
    def compute() -> pd.DataFrame:
        models = inputs.models
        frame = models[np.isfinite(models["training_compute_flop"].to_numpy(dtype=float))].sort_values("year")
        frame = frame[frame["training_compute_flop"] > frame["training_compute_flop"].cummax().shift(fill_value=0.0)]
        sites = alloc.site_records(inputs.clusters)
        names = frame["name"].astype(str) if "name" in frame else pd.Series("", index=frame.index)
        return pd.DataFrame({
            "kind": ["record"] * len(frame) + ["cluster"] * len(sites),
            "t": np.r_[frame["year"].to_numpy(dtype=float), sites["t"].to_numpy(dtype=float)],
            "name": [*names, *sites["name"].astype(str)],
            "value": np.r_[frame["training_compute_flop"].to_numpy(dtype=float), sites["h100e"].to_numpy(dtype=float)],
        })

    return cached_on(inputs, ("evidence",), compute)


def _evidence_arrays(inputs: ForecastInputs) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(t, value, is_record) of `_evidence` as read-only arrays, cached in the inputs: reading the frame's
    columns cost more than the arithmetic on them."""
    def compute():
        evidence = _evidence(inputs)
        arrays = (evidence["t"].to_numpy(dtype=float, copy=True), evidence["value"].to_numpy(dtype=float, copy=True),
                  evidence["kind"].to_numpy() == "record")
        for array in arrays:
            array.setflags(write=False)
        return arrays

    return cached_on(inputs, ("evidence-arrays",), compute)


def calibration_points(s: Scenario, inputs: ForecastInputs, r: Resolved, since: float = 2018.0) -> pd.DataFrame:
    """The evidence for today's share: each record training run (its FLOP ÷ what the stock at its date
    gives at the base-year run length and utilisation) and each record cluster (H100e ÷ stock), from `since`
    to the end of the base year. Columns: kind (record | cluster), t, name, value, share."""
    columns = ["kind", "t", "name", "value", "share"]
    evidence = _evidence(inputs)
    t = evidence["t"].to_numpy()
    keep = (t >= since) & (t < s.base_year + 1)
    if not keep.any():
        return pd.DataFrame(columns=columns)
    points = evidence[keep].copy()
    value = points["value"].to_numpy()
    stock = history_stock(s, inputs, r, points["t"].to_numpy())
    with np.errstate(divide="ignore", invalid="ignore"):
        points["share"] = np.where(points["kind"].to_numpy() == "record",
                                   alloc.implied_share(value, stock, s.utilisation, s.run_length_days), value / stock)
    return points[stock > 0].reset_index(drop=True)[columns]


# --- the kernel (shared with Monte Carlo) ---------------------------------------------------------


def time_grid(base_year: int, horizon: int, steps_per_year: int = STEPS_PER_YEAR) -> np.ndarray:
    """Monthly step starts from base_year − 12 to the horizon's 1 January, and one more year so the
    horizon's own mid-year and year-end exist on the grid."""
    start = base_year - BACKCAST_YEARS
    count = (horizon + 1 - start) * steps_per_year + 1
    return start + np.arange(count) / steps_per_year


def parameters(scenario: Scenario, resolved: Resolved) -> dict:
    """The numeric assumptions with fitted values filled in: the input of `simulate`."""
    p = {name: value for name, value in scenario.values().items() if FIELDS[name].kind in ("float", "int")}
    p.update(demand_growth=resolved.demand_growth, demand_base_flop=resolved.demand_base_flop,
             supply_growth=resolved.supply_growth, supply_base_h100e=resolved.supply_base_h100e,
             h100e_per_chip=resolved.h100e_per_chip, share_today=resolved.share_today,
             largest_site_h100e=resolved.largest_site_h100e, **resolved.link_levels)
    # the present is data: when today's share is calibrated from the record, the allocation at the base
    # year is never below the record run that was actually run (see `simulate`)
    p["present_floor"] = 1.0 if resolved.origin.get("share_today") == "data" else 0.0
    # and when demand starts from the record run, no run-level constraint may make that run infeasible
    p["present_record"] = 1.0 if resolved.origin.get("demand_base_flop") == "data" else 0.0
    for link, name in LEVEL_FIELDS.items():  # a level read from the data follows the data's own path
        p[f"{link}_from_data"] = 1.0 if resolved.origin.get(name) == "data" else 0.0
    return p


def site_arrays(inputs: ForecastInputs) -> tuple[np.ndarray, np.ndarray]:
    """(t, h100e) of the record sites (the clusters table or the built-in list), cached in the inputs."""
    def compute():
        records = alloc.site_records(inputs.clusters)
        return records["t"].to_numpy(dtype=float), records["h100e"].to_numpy(dtype=float)

    return cached_on(inputs, ("site-records",), compute)


def link_shapes(inputs: ForecastInputs, t: np.ndarray, anchor: float, p: dict | None = None) -> dict:
    """Per link, the data's path and the years of growth beyond it; a level set by the user grows at the
    link's growth from the base year (its own series, not the table's)."""
    def series(link):
        from_data = True if p is None else bool(np.any(p.get(f"{link}_from_data", 1.0)))
        return inputs.capacity.get(link) if from_data else None
    return {link: sup.link_shape(series(link), t, anchor) for link in sup.LINKS}


def simulate(p: dict, scenario: Scenario, inputs: ForecastInputs, t: np.ndarray,
             cols: slice = slice(None), with_links: bool = True, time_major: bool = False,
             log_space: bool = False) -> dict:
    """Demand, shipments, stock and available compute on grid t; p values are floats or (S, 1) arrays.

    Shipments cover the whole grid (the stock needs them); demand, stock and available only t[cols].
    Shipments are rates on the monthly steps, evaluated at each step's mid-point; the stock at t counts
    the steps that ended by t. with_links=False skips the per-link capacities (only the binding cap is
    needed for a ceiling). time_major=True keeps the (S, T) arrays time-major in memory (same values;
    faster running sums for many samples, fastest when the samples are ordered by chip lifetime).
    log_space=True (the Monte Carlo) returns "log_demand" and "log_available" (natural logs) instead of
    "demand" and "available": the same comparison, without an exp over every (S, T) array."""
    b = scenario.base_year
    dt = 1.0 / STEPS_PER_YEAR
    anchor = b + 0.5  # annual figures sit at mid-year: the base year's record run and shipments alike
    mid = t + dt / 2
    order = "F" if time_major else "C"
    tc = t[cols]
    j = present_column(tc, b)
    if log_space:
        demand = log_demand(p, scenario, tc, order)
    else:
        multiplier = dem.scope_multiplier(scenario.demand_scope, p["frontier_labs"], p["experiment_overhead"],
                                          p["inference_ratio"])
        growth = p["demand_growth"]
        if scenario.algorithmic_efficiency:  # the trend is effective compute; supply must meet the physical part
            growth = dem.physical_growth(growth, p["algo_halving_months"])
        demand = dem.demand_path(tc, anchor, p["demand_base_flop"], growth, multiplier, order=order)
    caps = sup.link_capacities(p, link_shapes(inputs, mid, anchor, p), mid, anchor) \
        if scenario.weakest_link and with_links else None
    log_cap = log_supply_cap(p, scenario, inputs, t, order)
    rate, stock = shipments_and_stock(p, scenario, inputs, t, cols, log_cap, order)
    out = {"rate": np.atleast_2d(rate), "stock": stock, "caps": caps}
    if log_space:
        with np.errstate(divide="ignore"):  # no chips (a link choked to nothing): ln 0 = −inf, as in the bands
            log_stock = np.log(stock, out=stock)
        log_run_days = log_run_days_path(p, scenario, tc, layout(log_stock))
        available = log_available_before_present(log_stock, p, scenario, inputs, tc, log_run_days)
        shift = present_shift(available, demand, p, scenario, j)
        if shift is not None:
            available += shift
        present = present_run(p, b, np.broadcast_to(demand, available.shape)[:, j:j + 1]) if j < len(tc) else None
        log_feasible = con.log_feasible(available, tc, p, scenario, con.hardware_for(inputs, b),
                                        log_run_days=log_run_days, floor=con.site_power_for(inputs), present=present)
        out.update(log_demand=np.broadcast_to(demand, available.shape), log_available=available,
                   log_feasible=log_feasible, stock=None)
        return out
    if scenario.demand_scope == "largest_run":
        share = alloc.share_path(tc, b, p["share_today"], p["largest_run_share"], p["share_years_to_cap"])
        site = alloc.site_path(tc, site_arrays(inputs), p["largest_site_h100e"],
                               p["site_flat_years"], p["site_growth"])
        run_days = alloc.run_length_path(tc, b, p["run_length_days"], p["run_length_growth"],
                                         p["run_length_cap_days"])
        available = alloc.available_flop(stock, share, site, p["multi_site_factor"], p["utilisation"], run_days,
                                         scenario.precision)
        if j < len(tc) and np.any(p.get("present_floor", 0.0)):
            lift = np.maximum(np.broadcast_to(demand, available.shape)[:, j] / available[:, j], 1.0)
            available = available * np.where(lift > 1.0, lift * np.exp(con.PRESENT_MARGIN), 1.0)[:, None]
        out.update(share=share, site=site, run_days=run_days)
    else:
        available = stock * (alloc.flop_per_h100e_second(scenario.precision) * np.asarray(p["utilisation"])
                             * SECONDS_PER_YEAR)
    present = present_run(p, b, np.log(np.broadcast_to(demand, available.shape)[:, j:j + 1])) if j < len(tc) else None
    feasible = con.feasible_flop(available, tc, p, scenario, con.hardware_for(inputs, b),
                                 run_seconds=_run_seconds(out), floor=con.site_power_for(inputs), present=present)
    out.update(demand=np.broadcast_to(demand, stock.shape), available=available, feasible=feasible)
    return out


# --- the kernel's stages in logs (the Monte Carlo keeps each one's result between runs: models.montecarlo) ---
# Each reads only the fields of p its docstring names (and the scenario's switches it names), so a result can
# be reused for any scenario whose values of those agree.


def present_column(tc: np.ndarray, base_year: int) -> int:
    """The base year's first column of the grid tc: where the present is checked."""
    return int(np.searchsorted(tc, base_year - 1e-9))


def log_demand(p: dict, scenario: Scenario, tc: np.ndarray, order: str = "C") -> np.ndarray:
    """ln demand at times tc: demand_growth, demand_base_flop; algo_halving_months with algorithmic efficiency;
    frontier_labs, experiment_overhead and inference_ratio outside the largest-run scope."""
    multiplier = dem.scope_multiplier(scenario.demand_scope, p["frontier_labs"], p["experiment_overhead"],
                                      p["inference_ratio"])
    growth = p["demand_growth"]
    if scenario.algorithmic_efficiency:  # the trend is effective compute; supply must meet the physical part
        growth = dem.physical_growth(growth, p["algo_halving_months"])
    demand = np.multiply(np.log(growth), tc - (scenario.base_year + 0.5), order=order)
    demand += np.log(p["demand_base_flop"] * np.asarray(multiplier))
    return demand


def log_supply_cap(p: dict, scenario: Scenario, inputs: ForecastInputs, t: np.ndarray,
                   order: str = "C") -> np.ndarray | None:
    """ln of the weakest link's H100e a year on the projection's steps of grid t (None without the chain):
    the fields of supply.LINK_FIELDS and supply.unit_logs, and the *_from_data flags."""
    if not scenario.weakest_link:
        return None
    anchor = scenario.base_year + 0.5
    mid = t + (1.0 / STEPS_PER_YEAR) / 2
    first = sup.projection_start(t, scenario.base_year)
    return sup.chain_log_cap(p, link_shapes(inputs, mid[first:], anchor, p), mid[first:], anchor, order)


def shipments_and_stock(p: dict, scenario: Scenario, inputs: ForecastInputs, t: np.ndarray, cols: slice,
                        log_cap: np.ndarray | None, order: str = "C") -> tuple[np.ndarray, np.ndarray]:
    """(shipment rate on grid t, installed stock at t[cols]): supply_base_h100e, supply_growth and
    chip_lifetime_years, capped by `log_cap` (read, never written)."""
    dt = 1.0 / STEPS_PER_YEAR
    years, values = _history(inputs, scenario.base_year)
    rate = sup.shipments_path(t, years, values, scenario.base_year, p["supply_base_h100e"], p["supply_growth"],
                              log_cap=log_cap, order=order, dt=dt)
    return rate, sup.installed_stock(rate, dt, p["chip_lifetime_years"], cols)


def log_run_days_path(p: dict, scenario: Scenario, tc: np.ndarray, order: str = "C") -> np.ndarray | None:
    """ln run length in days at tc for the largest-run scope (None otherwise): run_length_days,
    run_length_growth, run_length_cap_days."""
    if scenario.demand_scope != "largest_run":
        return None
    return alloc.log_run_length(tc, scenario.base_year, p, order)


def share_ramp_path(p: dict, scenario: Scenario, tc: np.ndarray, order: str = "C") -> np.ndarray | None:
    """`allocation.share_ramp` for the largest-run scope (share_years_to_cap only; None otherwise)."""
    if scenario.demand_scope != "largest_run":
        return None
    return alloc.share_ramp(tc, scenario.base_year, p, order)


def log_site(p: dict, scenario: Scenario, inputs: ForecastInputs, tc: np.ndarray,
             order: str = "C") -> np.ndarray | None:
    """ln of the sites the largest run may use, m × largest site, for the largest-run scope (None otherwise):
    largest_site_h100e, site_flat_years, site_growth, multi_site_factor and the clusters table."""
    if scenario.demand_scope != "largest_run":
        return None
    return alloc.log_site_path_of(tc, site_arrays(inputs), p, order)


def log_available_before_present(log_stock: np.ndarray, p: dict, scenario: Scenario, inputs: ForecastInputs,
                                 tc: np.ndarray, log_run_days: np.ndarray | None, ramp: np.ndarray | None = None,
                                 site: np.ndarray | None = None, in_place: bool = True) -> np.ndarray:
    """ln available FLOP before any lift to the present, computed in place on `log_stock` in the largest-run
    scope: share_today, largest_run_share, share_years_to_cap, largest_site_h100e, site_flat_years,
    site_growth, multi_site_factor, utilisation (and precision); the wider scopes: utilisation (and precision).
    `ramp` (`share_ramp_path`) and `site` (`log_site`) of the same p when the caller keeps them; `in_place=False`
    leaves `log_stock` as it is (a kept one)."""
    if scenario.demand_scope == "largest_run":
        return alloc.log_available(log_stock, tc, scenario.base_year, p, site_arrays(inputs), scenario.precision,
                                   log_run_days, ramp, site, in_place)
    return log_stock + np.log(alloc.flop_per_h100e_second(scenario.precision) * np.asarray(p["utilisation"])
                              * SECONDS_PER_YEAR)


def present_shift(log_available: np.ndarray, log_demand: np.ndarray, p: dict, scenario: Scenario,
                  j: int) -> np.ndarray | None:
    """The (S, 1) amount added to ln available so that it admits the record run at the base year (column j),
    zero where it already does; None when the present is not lifted (the share is set, or a wider scope).
    Reads present_floor, and the two arrays' column j."""
    if scenario.demand_scope != "largest_run" or j >= log_available.shape[-1] \
            or not np.any(p.get("present_floor", 0.0)):
        return None
    lift = np.maximum(np.broadcast_to(log_demand, log_available.shape)[:, j] - log_available[:, j], 0.0)
    return (lift[:, None] + con.PRESENT_MARGIN) * (lift[:, None] > 0)


def present_run(p: dict, base_year: float, ln_demand_at_base):
    """(base year, ln FLOP) of the run the data show was done at the base year, which the run-level
    constraints must admit; None when demand does not start from the record (a set base, parameters)."""
    return (float(base_year), ln_demand_at_base) if np.any(p.get("present_record", 0.0)) else None


def _run_seconds(out: dict):
    """The run length on the grid, in seconds, when the allocation gave one (largest-run scope)."""
    return None if out.get("run_days") is None else out["run_days"] * SECONDS_PER_DAY


def first_crossing(t: np.ndarray, demand: np.ndarray, available: np.ndarray, base_year: float) -> np.ndarray:
    """Per sample, the first grid time from base_year on from which demand stays above what is available to
    the end of the grid (NaN when none): the ceiling for good. A shortfall that the next site or chip
    generation closes again (demand briefly above a site that a larger one then relieves) is not a wall."""
    over = np.greater(demand, available)
    future = t >= base_year - 1e-9
    if not future.all():
        over &= future
    if not over.shape[1]:
        return np.full(len(over), np.nan)
    hit = over[:, -1].copy()  # over at the end: a ceiling, from one column after the last column not over
    below = np.logical_not(over, out=over)
    columns = np.arange(1, below.shape[1] + 1, dtype=np.int16 if below.shape[1] < 2**15 else np.int64)
    after = np.multiply(below, columns, dtype=columns.dtype).max(axis=1)  # 0 when every column is over
    return np.where(hit, t[np.minimum(after, len(t) - 1)], np.nan)


# --- the deterministic result ---------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Forecast:
    scenario: Scenario
    resolved: Resolved
    t: np.ndarray  # monthly grid, decimal years (step starts)
    demand_flop: np.ndarray
    available_flop: np.ndarray
    shipments_h100e: np.ndarray  # H100e/year on the step starting at t
    stock_h100e: np.ndarray  # installed at t (the steps that ended by t)
    caps_h100e: dict[str, np.ndarray] | None  # each link's H100e/year on the step starting at t
    ceiling_time: float | None
    notes: tuple[Note, ...] = field(default=())
    effective_demand_flop: np.ndarray | None = None  # demand in base-year-algorithm FLOP (physical × gain)
    share: np.ndarray | None = None  # the share of the stock the largest run may use (largest_run scope)
    site_h100e: np.ndarray | None = None  # the largest site
    run_days: np.ndarray | None = None
    link_years: dict = field(default_factory=dict)  # link → (first, last) mid-year of its capacity data
    feasible_flop: np.ndarray | None = None  # the largest feasible run: min of available and run constraints

    @property
    def trend_h100e(self) -> np.ndarray:
        """The shipment trend before any weakest-link cap (H100e/year) on each step: base × growth^(τ − base_year − ½)."""
        r = self.resolved
        mid = self.t + 0.5 / STEPS_PER_YEAR
        return r.supply_base_h100e * r.supply_growth ** (mid - self.scenario.base_year - 0.5)

    @property
    def ceiling_year(self) -> int | None:
        return None if self.ceiling_time is None else int(math.floor(self.ceiling_time + 1e-9))

    def _at(self, times) -> np.ndarray:
        return np.searchsorted(self.t, np.asarray(times, dtype=float) - 1e-9)

    def annual(self, since: int | None = None) -> pd.DataFrame:
        """One row per year from `since` (default five years before the base year) to the horizon.

        Flows and rates at mid-year (demand, available, implied share): shipments_h100e is the year's total
        (what went into the stock that year); stock_h100e is installed at the end of the year. implied_share
        is the share of the mid-year stock the demand needs (at that year's run length and utilisation);
        binding names the supply-chain link with the least capacity for years up to the base year and what
        capped shipments after it ("trend" when no link did); allocation_binding is "share" or "site"."""
        # A link choked to nothing leaves zero available compute and stock: the gap and the implied share are
        # then +inf, which is what they are (no RuntimeWarning for it).
        with np.errstate(divide="ignore"):
            return self._annual(since)

    def _annual(self, since: int | None) -> pd.DataFrame:
        s = self.scenario
        since = s.base_year - ANNUAL_YEARS_BEFORE if since is None else since
        years = np.arange(max(since, int(self.t[0])), s.horizon + 1)
        mid, start, end = self._at(years + 0.5), self._at(years), self._at(years + 1)
        steps = STEPS_PER_YEAR
        totals = np.array([self.shipments_h100e[i:i + steps].sum() / steps for i in start])
        flops = alloc.flop_per_h100e_second(s.precision)
        frame = pd.DataFrame({
            "year": years,
            "demand_flop": self.demand_flop[mid],
            "effective_demand_flop": self.effective_demand_flop[mid],
            "available_flop": self.available_flop[mid],
            "gap": self.demand_flop[mid] / self.available_flop[mid],
            "shipments_h100e": totals,
            "stock_h100e": self.stock_h100e[end],
            "projected": years > s.base_year,
            "binding": self._binding(mid, years),
        })
        if self.share is not None:
            stock_mid = self.stock_h100e[mid]
            frame["largest_site_h100e"] = self.site_h100e[mid]
            frame["share"] = self.share[mid]
            frame["share_cap"] = s.largest_run_share
            frame["implied_share"] = alloc.implied_share(self.demand_flop[mid], stock_mid, s.utilisation,
                                                         self.run_days[mid], s.precision)
            frame["run_length_days"] = self.run_days[mid]
            by_site = s.multi_site_factor * self.site_h100e[mid] < self.share[mid] * stock_mid
            frame["allocation_binding"] = np.where(by_site, "site", "share")
        else:
            frame["largest_site_h100e"] = np.nan
            frame["share"] = 1.0
            frame["share_cap"] = 1.0
            frame["implied_share"] = self.demand_flop[mid] / (self.stock_h100e[mid] * flops * s.utilisation
                                                              * SECONDS_PER_YEAR)
            frame["run_length_days"] = SECONDS_PER_YEAR / SECONDS_PER_DAY
            frame["allocation_binding"] = "share"
        return frame.reset_index(drop=True)

    def _binding(self, idx: np.ndarray, years: np.ndarray) -> list[str]:
        """Up to the base year: the link with the least capacity ('history' when no link is modelled);
        after it: the link that caps shipments, or 'trend' when none does."""
        names = []
        for i, year in zip(idx, years, strict=True):
            if not self.caps_h100e:
                names.append("history" if year <= self.scenario.base_year else "trend")
                continue
            if year <= self.scenario.base_year:  # only the links whose data cover the year
                covered = [k for k in self.caps_h100e if k in self.link_years
                           and self.link_years[k][0] <= year + 0.5 <= self.link_years[k][1]]
                names.append(min(covered, key=lambda k: self.caps_h100e[k][i]) if covered else "history")
            else:
                link = min(self.caps_h100e, key=lambda k: self.caps_h100e[k][i])
                capped = self.caps_h100e[link][i] <= self.shipments_h100e[i] * (1 + 1e-9)
                names.append(link if capped else "trend")
        return names

    def projected_years(self) -> range:
        """The whole years the annual table marks as projected: after the base year, up to the horizon."""
        return range(max(self.scenario.base_year + 1, int(self.t[0])), self.scenario.horizon + 1)

    def binding_in(self, years) -> list[str]:
        """The annual table's `binding` column for `years` alone (whole years within the grid), without
        building the table: what the Forecast page asks on every rerun."""
        years = np.asarray(years, dtype=int)
        return self._binding(self._at(years + 0.5), years)

    def annual_rows(self) -> list[dict]:
        """The annual table as the CLI's JSON rows (year, demand_flop, available_flop, shipments_h100e,
        stock_h100e, largest_site_h100e, implied_share, share_cap, binding and the rest)."""
        frame = self.annual()
        rows = []
        for record in frame.to_dict("records"):
            rows.append({k: (int(v) if k == "year" else bool(v) if isinstance(v, np.bool_ | bool)
                             else str(v) if isinstance(v, str) else None if not np.isfinite(v) else float(v))
                         for k, v in record.items()})
        return rows

    def summary(self) -> dict:
        return {"ceiling_year": self.ceiling_year, "ceiling_time": self.ceiling_time,
                "resolved": self.resolved.as_dict(), "notes": [n.message for n in self.notes]}


def forecast(scenario: Scenario, inputs: ForecastInputs, resolved: Resolved | None = None) -> Forecast:
    """One deterministic forecast on a monthly grid from base_year − 12 to the horizon (plus a year)."""
    resolved = resolved or resolve(scenario, inputs)
    t = time_grid(scenario.base_year, scenario.horizon)
    out = simulate(parameters(scenario, resolved), scenario, inputs, t)
    n = _n(t, scenario.horizon)
    crossing = first_crossing(until_horizon(t, scenario.horizon), out["demand"][:, :n], out["feasible"][:, :n],
                              scenario.base_year)[0]
    caps = {k: np.broadcast_to(v, t.shape).ravel() for k, v in out["caps"].items()} if out["caps"] else None
    gain = dem.algorithmic_gain_per_year(scenario.algo_halving_months) ** (t - scenario.base_year - 0.5)

    def row(name):
        return None if name not in out else np.broadcast_to(out[name], t.shape).ravel()

    notes = resolved.notes + _raised_notes(scenario, inputs, resolved, t, out)
    return Forecast(
        scenario, resolved, t, out["demand"][0], out["available"][0], out["rate"][0], out["stock"][0], caps,
        None if math.isnan(crossing) else float(crossing), notes, out["demand"][0] * gain,
        row("share"), row("site"), row("run_days"),
        {k: (float(v.t[0]), float(v.t[-1])) for k, v in inputs.capacity.items()},
        out["feasible"][0],
    )


def _raised_notes(scenario: Scenario, inputs: ForecastInputs, resolved: Resolved, t: np.ndarray,
                  out: dict) -> tuple[Note, ...]:
    """A note for each run-level constraint the present lifted to admit the record run (see
    `constraints.present_lift`): a setting that contradicts the data is corrected, and said so."""
    b = scenario.base_year
    j = int(np.searchsorted(t, b - 1e-9))
    p = con.with_switches(parameters(scenario, resolved), scenario)
    record = float(np.ravel(out["demand"])[j])
    present = present_run(p, b, math.log(record)) if con.applies(scenario) and record > 0 else None
    if present is None:
        return ()
    seconds = None if out.get("run_days") is None else float(np.ravel(out["run_days"])[j]) * SECONDS_PER_DAY
    hardware, floor = con.hardware_for(inputs, b), con.site_power_for(inputs)
    lifts = con.present_lift(present, p, scenario, hardware, seconds, floor)
    notes = []
    for name in con.in_use(scenario):
        factor = math.exp(float(np.ravel(lifts.get(name, 0.0))[0]))
        if factor > 1.0:
            allowed = record * math.exp(con.PRESENT_MARGIN) / factor
            notes.append(Note("engine.note.constraint_raised",
                              {"constraint": name, "allowed": allowed, "record": record, "factor": factor},
                              f"The {name} constraint allows {allowed:.3g} FLOP at the start of {b}, less than the "
                              f"record run it starts from ({record:.3g}); it is raised by {factor:.3g}x to admit it."))
    return tuple(notes)


def _n(t: np.ndarray, horizon: int) -> int:
    """Grid points up to the horizon's 1 January (a ceiling is looked for up to it, as before)."""
    return int(np.searchsorted(t, horizon + 1e-9, side="right"))


def until_horizon(t: np.ndarray, horizon: int) -> np.ndarray:
    """The grid up to the horizon's 1 January (where the ceiling is looked for)."""
    return t[:_n(t, horizon)]
