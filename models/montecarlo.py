"""Uncertainty: Monte Carlo over every assumption with a spread, and a one-at-a-time tornado.

Each uncertain field is drawn around its scenario value (the median) with the spread in FIELDS,
scaled by `spread_scale`; all samples run at once through the same kernel as the deterministic forecast.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from dataclasses import dataclass

import numpy as np

from models import constraints as con
from models import supply as sup
from models.arrays import SINGLE, single_value
from models.forecast import (
    Resolved,
    first_crossing,
    log_available_before_present,
    log_demand,
    log_run_days_path,
    log_site,
    log_supply_cap,
    parameters,
    present_column,
    present_run,
    present_shift,
    resolve,
    share_ramp_path,
    shipments_and_stock,
    simulate,
    time_grid,
    until_horizon,
)
from models.inputs import ForecastInputs
from models.scenario import FIELDS, Scenario, constraint_fields_in_use

BAND_PERCENTILES = (5, 10, 50, 90, 95)
BANDS = ("demand", "available", "feasible")


class CeilingQuantiles:
    """Quantiles of a Monte Carlo's crossing times, for any result with `ceiling_times` ((S,) decimal years,
    NaN where no crossing before the horizon): the training forecast's and the serving outlook's."""

    ceiling_times: np.ndarray

    def quantile(self, q: float) -> float | None:
        """The q-quantile of the ceiling time (None when it falls beyond the horizon), worked out once per result
        and q (a Forecast rerun reads p10, p50 and p90 about twice each)."""
        known = self.__dict__.get("_quantiles")
        if known is None:  # a frozen dataclass: set without its __setattr__ (not a field: no repr, no compare)
            known = {}
            object.__setattr__(self, "_quantiles", known)
        if q not in known:
            times = np.where(np.isnan(self.ceiling_times), np.inf, self.ceiling_times)
            value = float(np.quantile(times, q, method="inverted_cdf"))
            known[q] = value if math.isfinite(value) else None
        return known[q]

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
    np.percentile's default). A link choked to nothing gives ln 0 = −inf (and −inf + inf where the present is
    lifted): bounded, so a band is 0 (or huge), never NaN."""
    return [log_band(log) for log in logs]


def log_band(log: np.ndarray) -> np.ndarray:
    """`log_bands` of one array: its columns sorted in their own precision (single in the Monte Carlo: the
    same order as in double, in half the bytes), the interpolation in double."""
    values = np.array(log, dtype=np.result_type(log, np.float32))
    np.nan_to_num(values, copy=False, nan=-700.0, posinf=700.0, neginf=-700.0)
    values.sort(axis=0)
    position = np.array(BAND_PERCENTILES) / 100.0 * (len(values) - 1)
    below = np.floor(position).astype(int)
    above = np.minimum(below + 1, len(values) - 1)
    weight = (position - below)[:, None]
    low, high = values[below].astype(float), values[above].astype(float)
    return np.exp(low + weight * (high - low))


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
    p["share_today"] = _coupled_share(p["share_today"], p["utilisation"], p["run_length_days"],
                                      parameters(scenario, resolved))
    return p


def by_lifetime(p: dict, samples: int) -> tuple[dict, np.ndarray]:
    """The drawn samples reordered by chip lifetime (stable), and the order: samples sharing a lifetime
    then share their stock window, which the time-major stock copies as one block. Every sample is computed
    on its own, so the order changes no value; percentiles and probabilities do not depend on it."""
    order = _lifetime_order(p["chip_lifetime_years"], samples)
    return {name: _in_order(value, order, samples) for name, value in p.items()}, order


def monte_carlo(scenario: Scenario, inputs: ForecastInputs, samples: int | None = None, seed: int | None = None,
                resolved: Resolved | None = None, memo: MonteCarloMemo | None = None) -> MonteCarlo:
    """Ceiling-year distribution over `samples` draws on a monthly grid (defaults: the scenario's samples/seed).

    The kernel's stages in logs, time-major, samples ordered by chip lifetime (models.forecast.simulate's
    log-space path, the same numbers). With a `memo` (one per database, shared by its callers) each stage
    whose inputs did not change since a recent run is taken from it: the result is bit for bit the one
    without a memo."""
    samples = scenario.samples if samples is None else int(samples)
    seed = scenario.seed if seed is None else int(seed)
    resolved = resolved or resolve(scenario, inputs)
    return _Run(scenario, inputs, resolved, samples, seed, _UNKEPT if memo is None else memo).result()


# --- the Monte Carlo's stages and their memo -------------------------------------------------------

DRAWN_FIELDS = tuple(n for n, spec in FIELDS.items() if spec.spread is not None and spec.kind == "float")
LINK_INPUTS = tuple(dict.fromkeys([*(name for fields in sup.LINK_FIELDS.values() for name in fields),
                                   "h100e_per_chip", "die_area_mm2", "defect_density", "logic_ai_share",
                                   "dies_per_chip", "chips_per_cowos_wafer", "hbm_stacks_per_chip", "kw_per_h100e",
                                   *(f"{link}_from_data" for link in sup.LINKS)]))
MONEY_INPUTS = ("money_spend_2023_usd", "money_spend_growth", "money_cap_share", "money_means_growth",
                "money_usd_per_kwh", "money_price_performance_growth", "chip_lifetime_years", "utilisation",
                "flop_per_watt_growth", "power_kw_per_h100e")


def stage_inputs(scenario: Scenario) -> dict[str, tuple[str, ...]]:
    """The engine parameters (`models.forecast.parameters` names) each memoised stage reads in this scenario.
    Keys also hold the grid, the switches a stage reads and the inputs object; a drawn parameter stands for
    its median, its place among the drawn fields, seed, samples, spread scale and the lifetime order."""
    s = scenario
    demand = ["demand_growth", "demand_base_flop"]
    if s.algorithmic_efficiency:
        demand.append("algo_halving_months")
    if s.demand_scope != "largest_run":
        demand += ["frontier_labs", "experiment_overhead", "inference_ratio"]
    largest = s.demand_scope == "largest_run"
    allocation = ("share_today", "largest_run_share", "utilisation") if largest else ("utilisation",)
    power_level = "power_distributed_gw_2030" if s.power_distributed else "power_gw_2030"
    data_tokens = "data_multimodal_tokens" if s.data_multimodal else "data_tokens"
    return {
        "demand": tuple(demand),
        "log_cap": LINK_INPUTS if s.weakest_link else (),
        "log_stock": ("supply_base_h100e", "supply_growth", "chip_lifetime_years"),  # and log_cap
        "run_days": ("run_length_days", "run_length_growth", "run_length_cap_days") if largest else (),
        "share_ramp": ("share_years_to_cap",) if largest else (),
        "site": ("largest_site_h100e", "site_flat_years", "site_growth", "multi_site_factor") if largest else (),
        "available": allocation,  # and log_stock, run_days, share_ramp, site
        "power": (power_level, "power_run_growth", "power_max_gw", "power_kw_per_h100e", "flop_per_watt_growth",
                  "utilisation"),  # and run_days when the run length is one column
        "money": MONEY_INPUTS if s.money_included else (),
        "lines": ("tokens_per_param", "latency_batch_tokens", "latency_step_seconds", data_tokens,
                  "data_epochs"),  # and power, money, run_days
    }


class MonteCarloMemo:
    """A small, thread-safe store of the Monte Carlo's stages for one database, each result keyed by exactly
    what its stage reads (`stage_inputs`: the values of its parameters, where their draws come from, the
    switches, the grid, the inputs), so a run recomputes only the stages whose inputs moved. Each stage keeps
    its last few results (SIZES, else `size`; an (S, T) array is 7 MB at 10,000 samples) and all of them
    together at most `max_bytes` (the least recently used go first); stored arrays are read-only, since
    runs of all sessions share them. `computed` counts the stages computed (not taken from the memo).

    The stages: the draws of each field; demand; the weakest-link cap → stock → ln available before the lift to
    the present (with the run length; the share's ramp and the site path, which a run-length move leaves, are
    stages of their own); the power and money parts → the run-level constraints' minimum without
    a lift. Every run: the lift to the present (from demand in the base year, which every demand field
    moves), the rows it raises recomputed, the minimum with the chips, the crossing and the bands."""

    SIZES = {"normals": 2, "order": 4, "column": 320, "band": 8}

    def __init__(self, size: int = 2, max_bytes: float = 160e6):
        self._size, self._max_bytes = size, max_bytes
        self._stages: dict[str, dict] = {}  # stage → key → (value, bytes, last use), least recently used first
        self._bytes = 0
        self._clock = 0
        self._inputs: dict[int, tuple[ForecastInputs, int]] = {}
        self._serial = 0
        self._lock = threading.Lock()
        self.computed: Counter = Counter()

    def inputs_key(self, inputs: ForecastInputs) -> int:
        """A number for `inputs` in the keys of the stages that read them, never given to another inputs
        object (the memo holds the last few; past those it starts again)."""
        with self._lock:
            held = self._inputs.get(id(inputs))
            if held is None or held[0] is not inputs:
                if len(self._inputs) >= 4:
                    self._inputs.clear()
                    self._stages.clear()
                    self._bytes = 0
                self._serial += 1
                held = self._inputs[id(inputs)] = (inputs, self._serial)
            return held[1]

    def get(self, stage: str, key, compute):
        with self._lock:
            items = self._stages.setdefault(stage, {})
            if key in items:
                value, size, _ = items.pop(key)
                self._clock += 1
                items[key] = (value, size, self._clock)  # most recently used last
                return value
        value = _frozen(compute())
        size = _nbytes(value)
        with self._lock:
            self.computed[stage] += 1
            if size > self._max_bytes:
                return value
            items = self._stages.setdefault(stage, {})
            if key in items:  # another thread stored it meanwhile
                self._bytes -= items.pop(key)[1]
            self._clock += 1
            items[key] = (value, size, self._clock)
            self._bytes += size
            while len(items) > self.SIZES.get(stage, self._size):
                self._bytes -= items.pop(next(iter(items)))[1]
            while self._bytes > self._max_bytes:
                oldest = min((next(iter(entries.values()))[2], name) for name, entries in self._stages.items()
                             if entries)[1]
                entries = self._stages[oldest]
                self._bytes -= entries.pop(next(iter(entries)))[1]
        return value

    @property
    def nbytes(self) -> int:
        """Bytes of the arrays held."""
        return self._bytes


class _Unkept:
    """No memo: every stage is computed (the CLI's path; the same code as with a memo)."""

    def get(self, stage: str, key, compute):
        return compute()

    def inputs_key(self, inputs: ForecastInputs) -> int:
        return 0


_UNKEPT = _Unkept()


def _frozen(value):
    """The value with its arrays made read-only (a memo shares them)."""
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif isinstance(value, tuple | list):
        for item in value:
            _frozen(item)
    return value


def _nbytes(value) -> int:
    if isinstance(value, np.ndarray):
        return value.nbytes
    if isinstance(value, tuple | list):
        return sum(_nbytes(item) for item in value)
    return 0


def _token(value) -> tuple:
    """A key for one parameter's value: exact (−0.0 is not 0.0) and typed (an int stays an int in p)."""
    if isinstance(value, bool | np.bool_):
        return ("b", bool(value))
    if isinstance(value, int | np.integer):
        return ("i", int(value))
    return ("f", float(value).hex())


def _normals(seed: int, samples: int) -> list[np.ndarray]:
    """The standard normals of every field that can be drawn, in `sample_parameters`' order: the k-th drawn
    field of any scenario takes the k-th."""
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((samples, 1)) for _ in DRAWN_FIELDS]


class _Run:
    """One Monte Carlo: its draws (p, one token per parameter) and its stages, through a memo or none."""

    def __init__(self, scenario: Scenario, inputs: ForecastInputs, resolved: Resolved, samples: int, seed: int,
                 memo):
        self.s, self.inputs, self.samples, self.seed, self.memo = scenario, inputs, samples, seed, memo
        self.resolved = resolved
        self.kept = memo is not _UNKEPT
        self.inputs_key = memo.inputs_key(inputs)
        t = until_horizon(time_grid(scenario.base_year, scenario.horizon), scenario.horizon)
        self.cols = slice(int(np.searchsorted(t, scenario.base_year - 1e-9)), None)
        self.t32 = t.astype(SINGLE)
        self.tc = self.t32[self.cols]
        self.t = t[self.cols]
        self.inputs_of = stage_inputs(scenario)
        self._draw(resolved)

    # -- draws: sample_parameters → single → by_lifetime, one column at a time --

    def _draw(self, resolved: Resolved) -> None:
        s, samples, seed = self.s, self.samples, self.seed
        base = parameters(s, resolved)
        index = {name: k for k, name in enumerate(uncertain_fields(s))}
        median = {name: s.param_growth if name == "param_growth" else base[name] for name in index}
        normals = []

        def raw(name):  # the value sample_parameters draws (or the median), double precision, draw order
            if name not in index:
                return base[name]
            if not normals:
                normals.append(self.memo.get("normals", (seed, samples), lambda: _normals(seed, samples)))
            return draw(FIELDS[name], median[name], normals[0][index[name]], s.spread_scale)

        def source(name):
            return ("draw", name, _token(median[name]), index[name], _token(s.spread_scale), seed, samples) \
                if name in index else ("value", _token(base[name]))

        sources = {name: source(name) for name in base}
        value = {name: lambda name=name: raw(name) for name in base}
        if s.demand_mode == "parameters":
            sources["demand_growth"] = ("square", sources["param_growth"])
            value["demand_growth"] = lambda: raw("param_growth") ** 2
        if resolved.origin.get("share_today") == "data":  # couple_calibration
            sources["share_today"] = ("coupled", sources["share_today"], sources["utilisation"],
                                      sources["run_length_days"], _token(base["utilisation"]),
                                      _token(base["run_length_days"]))
            value["share_today"] = lambda: _coupled_share(raw("share_today"), raw("utilisation"),
                                                          raw("run_length_days"), base)
        life = sources["chip_lifetime_years"]
        self.order = self.memo.get("order", (life, samples),
                                   lambda: _lifetime_order(single_value(raw("chip_lifetime_years")), samples))
        self.p, self.tokens = {}, {}
        for name, src in sources.items():
            if src[0] == "value":
                self.p[name], self.tokens[name] = single_value(base[name]), src
                continue
            self.tokens[name] = (src, life)
            self.p[name] = self.memo.get("column", self.tokens[name],
                                         lambda name=name: _in_order(single_value(value[name]()), self.order,
                                                                     samples))

    def key(self, stage: str, *more) -> tuple:
        """The stage's key: grid, samples, seed, its parameters' tokens, and `more` (switches, other keys)."""
        return (self.s.base_year, self.s.horizon, self.samples, self.seed, *more,
                tuple(self.tokens.get(name) for name in self.inputs_of[stage]))

    # -- the stages --

    def demand(self):
        s = self.s
        key = self.key("demand", s.demand_scope, s.algorithmic_efficiency)
        return key, self.memo.get("demand", key, lambda: log_demand(self.p, s, self.tc, "F"))

    def log_stock(self):
        s, inputs = self.s, self.inputs
        cap_key = self.key("log_cap", s.weakest_link, self.inputs_key)
        key = self.key("log_stock", cap_key, self.inputs_key)

        def compute():
            cap = self.memo.get("log_cap", cap_key, lambda: log_supply_cap(self.p, s, inputs, self.t32, "F"))
            stock = shipments_and_stock(self.p, s, inputs, self.t32, self.cols, cap, "F")[1]
            with np.errstate(divide="ignore"):  # no chips: ln 0 = −inf, which log_bands bounds
                return np.log(stock, out=stock)

        return key, self.memo.get("log_stock", key, compute)

    def run_days(self):
        key = self.key("run_days", self.s.demand_scope)
        return key, self.memo.get("run_days", key, lambda: log_run_days_path(self.p, self.s, self.tc, "F"))

    def available(self, days_key, days):
        """ln available before the lift; the share's ramp and the site path, which a run-length or share move
        leaves as they are, are stages of their own."""
        s = self.s
        stock_key, log_stock = self.log_stock()
        ramp_key = self.key("share_ramp", s.demand_scope)
        site_key = self.key("site", s.demand_scope, self.inputs_key)
        key = self.key("available", stock_key, days_key, ramp_key, site_key, s.demand_scope, s.precision,
                       self.inputs_key)

        def compute():  # in place on ln stock, unless the memo keeps it
            ramp = self.memo.get("share_ramp", ramp_key, lambda: share_ramp_path(self.p, s, self.tc, "F"))
            site = self.memo.get("site", site_key, lambda: log_site(self.p, s, self.inputs, self.tc, "F"))
            return log_available_before_present(log_stock, self.p, s, self.inputs, self.tc, days, ramp, site,
                                                in_place=not self.kept)

        return key, self.memo.get("available", key, compute)

    def lines(self, days_key, days, hardware, floor, zero):
        """The run-level constraints' minimum without a lift (`zero`: `constraints.zero_lift`)."""
        s, p, tc = self.s, self.p, self.tc
        grows = np.ndim(days) == 2 and np.shape(days)[-1] > 1
        dtype = None if zero is None else tuple((k, str(v.dtype)) for k, v in zero.items())
        power_key = self.key("power", s.power_distributed, s.precision, None if grows else days_key, dtype,
                             self.inputs_key)
        money_key = self.key("money", s.money_included, s.precision, s.money_payer, dtype, self.inputs_key)
        key = self.key("lines", power_key, money_key, days_key, s.data_multimodal, s.money_included, dtype)

        def compute():
            power = self.memo.get("power", power_key, lambda: con.log_power_part(
                tc, p, s, log_run_days=days, floor=floor, order="F", lift=zero))
            money = self.memo.get("money", money_key, lambda: con.log_money_part(tc, p, s, hardware, order="F",
                                                                               lift=zero))
            return con.log_run_level(tc, p, s, hardware, log_run_days=days, floor=floor, lift=zero, order="F",
                                     parts=(power, money))

        return self.memo.get("lines", key, compute)

    def feasible(self, available, demand, days_key, days):
        """ln feasible: the kept minimum without a lift against the chips; the rows the present lifts (those
        whose draws would not admit the record run) recomputed with their lift, the same numbers as
        `constraints.log_feasible` over all rows."""
        s, p = self.s, self.p
        if not con.applies(s):
            return available
        hardware, floor = con.hardware_for(self.inputs, s.base_year), con.site_power_for(self.inputs)
        j = present_column(self.tc, s.base_year)
        present = present_run(p, s.base_year, demand[:, j:j + 1]) if j < len(self.tc) else None
        lift = con.log_present_lifts(present, self.tc, p, s, hardware, log_run_days=days, floor=floor)
        lines = self.lines(days_key, days, hardware, floor, con.zero_lift(lift))
        feasible = con.with_chips(lines, available, p, shared=True)
        raised = np.zeros(self.samples, dtype=bool)
        for value in lift.values():
            if np.ndim(value):
                raised |= np.broadcast_to(value, (self.samples, 1))[:, 0] > 0
        rows = np.flatnonzero(raised)
        if len(rows):
            lines = con.log_run_level(self.tc, _rows(p, rows, self.samples), s, hardware,
                                      log_run_days=_rows_of(days, rows, self.samples), floor=floor,
                                      lift={k: _rows_of(v, rows, self.samples) for k, v in lift.items()}, order="F")
            feasible[rows] = con.with_chips(lines, available[rows], p)
        return feasible

    def result(self) -> MonteCarlo:
        s, memo = self.s, self.memo
        demand_key, demand = self.demand()
        days_key, days = self.run_days()
        available_key, available = self.available(days_key, days)
        j = present_column(self.tc, s.base_year)
        shift = present_shift(available, demand, self.p, s, j)
        lifted = shift is not None and bool(np.any(shift))
        if lifted:
            # in place, as simulate adds it (a double-precision shift is rounded back to the array's precision)
            available = np.add(available, shift, out=np.empty_like(available) if self.kept else available)
        demand = np.broadcast_to(demand, available.shape)
        feasible = self.feasible(available, demand, days_key, days)
        times = np.empty(self.samples)
        times[self.order] = first_crossing(self.t, demand, feasible, s.base_year)  # draw order
        years = np.arange(s.base_year, s.horizon + 1)
        p_by_year = np.array([(times < y + 1).mean() for y in years])  # NaN compares False: no crossing
        cols = np.searchsorted(self.t, years - 1e-9)
        bands = {
            "demand": memo.get("band", ("demand", demand_key), lambda: log_band(demand[:, cols])),
            "available": memo.get("band", ("available", available_key, demand_key if lifted else None),
                                  lambda: log_band(available[:, cols])),
            "feasible": log_band(feasible[:, cols]),
        }
        if self.kept:  # a result beside a memo is shared too (the app caches it for every session)
            _frozen((times, p_by_year, bands["feasible"]))
        return MonteCarlo(times, years, p_by_year, bands, self.resolved, self.samples, self.seed)


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


def _coupled_share(share, utilisation, run_length_days, base: dict):
    """`couple_calibration`'s share today for drawn (or median) utilisation and run length."""
    scale = (base["utilisation"] / np.asarray(utilisation)) * (base["run_length_days"] / np.asarray(run_length_days))
    spec = FIELDS["share_today"]
    return np.clip(share * scale, spec.min, spec.max)


def _lifetime_order(lifetime, samples: int) -> np.ndarray:
    """The stable order of the samples by their (single-precision) chip lifetime."""
    return np.argsort(np.broadcast_to(np.asarray(lifetime, dtype=float), (samples, 1))[:, 0], kind="stable")


def _in_order(value, order: np.ndarray, samples: int):
    return value[order] if np.shape(value)[:1] == (samples,) else value


def _rows_of(value, rows: np.ndarray, samples: int):
    """The given rows of a per-sample array (an (S, 1) column or an (S, T) array); anything else as it is."""
    return value[rows] if isinstance(value, np.ndarray) and value.ndim == 2 and value.shape[0] == samples else value


def _rows(p: dict, rows: np.ndarray, samples: int) -> dict:
    return {name: _rows_of(value, rows, samples) for name, value in p.items()}
