"""The serving ceiling: how many messages a fleet of accelerators can answer, and when demand outruns it.

Per replica of g chips, one decode step for a batch of B sequences at context L (Pope et al. 2022; Epoch AI,
"Inference economics of language models"):

    bytes = N_total·b + B·L·k            (the weights once, each sequence's KV cache)
    flop  = B · 2·N_active
    step  = max(bytes / (g·bandwidth), flop / (g·peak·MFU));   tokens/s = B / step

Memory capacity bounds the batch: N_total·b + B·L·k ≤ g·HBM. Prefill is compute-bound at 2·N_active FLOP
per prompt token and is added to each message's time on its replica (prefill and decode do not overlap
here: a conservative choice). The fleet holds floor(chips·fleet_share / g) replicas; it must carry the
peak, so the sustainable average is its capacity ÷ the peak-to-average ratio. The cap in messages per user
per 3 hours is that sustainable average shared equally among the users.

Over time, the fleet keeps its share of the installed stock of the training forecast (`Forecast.stock_h100e`,
H100e): its compute grows with the stock, its chips improve by the accelerators table's FLOP/s, bandwidth
and memory trends, and demand grows with users, messages and tokens per message. The serving ceiling is
the first time demand exceeds the sustainable capacity; Monte Carlo draws every input with a spread.
Pure: no Streamlit, no DuckDB.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.montecarlo import BAND_PERCENTILES, CeilingQuantiles, draw
from models.scenario import H100_FLOPS, SECONDS_PER_DAY
from models.serving_scenario import SERVING_FIELDS, ServingScenario
from models.trends import TrendError, TrendFit, fit_hardware

WINDOW_HOURS = 3.0  # the unit of the 2023 GPT-4 caps: messages per user per 3 hours
WINDOWS_PER_DAY = 24.0 / WINDOW_HOURS
STEPS_PER_YEAR = 4  # quarterly grid for the outlook
TRENDS_SINCE = 2017.0
FALLBACK_GROWTH = {"flops_growth": 1.40, "bandwidth_growth": 1.30, "memory_growth": 1.33}  # no table to fit


class ServingError(ValueError):
    """Input the serving model cannot use (an unknown chip, a table without the needed columns)."""


# --- chips ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chip:
    accelerator_id: str
    name: str
    flops: float  # dense BF16 FLOP/s
    bandwidth: float  # bytes/s
    memory: float  # bytes
    release_year: float
    source_id: str
    confidence: str


def _decimal_year(value) -> float:
    stamp = pd.Timestamp(value)
    return stamp.year + (stamp.day_of_year - 1) / 365.25


def chip_of(name: str, accelerators: pd.DataFrame) -> Chip:
    """The accelerators row whose id or name is `name` (case-insensitive), with FLOP/s, bandwidth, memory."""
    needed = {"accelerator_id", "name", "bf16_dense_flops", "memory_bandwidth_tbs", "memory_gb", "release_date"}
    missing = needed - set(accelerators.columns)
    if missing:
        raise ServingError(f"accelerators: missing columns {', '.join(sorted(missing))}")
    wanted = str(name).strip().casefold()
    hit = accelerators[(accelerators["accelerator_id"].astype(str).str.casefold() == wanted)
                       | (accelerators["name"].astype(str).str.casefold() == wanted)]
    if hit.empty:
        raise ServingError(f"chip: got {name!r}; expected an accelerator id or name from the accelerators table: "
                           + ", ".join(accelerators["accelerator_id"].astype(str)))
    row = hit.iloc[0]
    values = {k: row[k] for k in ("bf16_dense_flops", "memory_bandwidth_tbs", "memory_gb")}
    if any(pd.isna(v) or float(v) <= 0 for v in values.values()):
        raise ServingError(f"chip {row['accelerator_id']}: the table lacks its FLOP/s, bandwidth or memory")
    return Chip(str(row["accelerator_id"]), str(row["name"]), float(values["bf16_dense_flops"]),
                float(values["memory_bandwidth_tbs"]) * 1e12, float(values["memory_gb"]) * 1e9,
                _decimal_year(row["release_date"]), str(row.get("source_id", "")), str(row.get("confidence", "")))


# --- the roofline (vectorised: every argument a float or a NumPy array) -------------------------


def max_batch(params_total, bytes_per_param, kv_bytes_per_token, context_tokens, chips_per_replica, memory):
    """Largest batch whose weights and KV caches fit in the replica's memory (inf without a KV cache; 0 when
    the weights alone do not fit)."""
    free = np.asarray(chips_per_replica * memory - params_total * bytes_per_param, dtype=float)
    per_sequence = np.asarray(context_tokens * kv_bytes_per_token, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        fitted = np.floor(np.maximum(free, 0.0) / per_sequence)
    return np.where(per_sequence > 0, fitted, np.where(free >= 0, np.inf, 0.0))


def decode(params_total, params_active, bytes_per_param, kv_bytes_per_token, context_tokens, batch,
           chips_per_replica, flops, bandwidth, memory, mfu) -> dict:
    """One replica's decode step: the batch it runs (≤ the capacity bound), the step time, tokens/s and which
    of memory bandwidth or compute binds."""
    active = np.minimum(params_active, params_total)
    capacity = max_batch(params_total, bytes_per_param, kv_bytes_per_token, context_tokens, chips_per_replica, memory)
    run = np.minimum(batch, capacity)
    memory_time = (params_total * bytes_per_param + run * context_tokens * kv_bytes_per_token) / (
        chips_per_replica * bandwidth)
    compute_time = run * 2.0 * active / (chips_per_replica * flops * mfu)
    step = np.maximum(memory_time, compute_time)
    with np.errstate(divide="ignore", invalid="ignore"):
        tokens = np.where(run >= 1, run / step, 0.0)
    return {"max_batch": capacity, "batch": run, "memory_time": memory_time, "compute_time": compute_time,
            "step_time": step, "tokens_per_second": tokens, "memory_bound": memory_time >= compute_time}


def prefill_seconds(prompt_tokens, params_active, params_total, chips_per_replica, flops, mfu):
    """Replica time to read a prompt: compute-bound at 2·N_active FLOP per prompt token."""
    return prompt_tokens * 2.0 * np.minimum(params_active, params_total) / (chips_per_replica * flops * mfu)


def replica_seconds_per_message(step: dict, prefill, answer_tokens, reasoning_tokens):
    """Replica time one message takes: its generated tokens at the replica's decode rate, plus its prefill."""
    with np.errstate(divide="ignore"):
        return np.divide(answer_tokens + reasoning_tokens, np.asarray(step["tokens_per_second"], dtype=float)) + prefill


def sustainable_messages_per_day(replicas, seconds_per_message, peak_to_average):
    """Average messages a day the fleet can promise when it must also carry the peak hour."""
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.divide(replicas, np.asarray(seconds_per_message, dtype=float))
    return np.nan_to_num(rate, nan=0.0) * SECONDS_PER_DAY / peak_to_average


# --- the answer for one deployment ----------------------------------------------------------------


@dataclass(frozen=True)
class ServingAnswer:
    scenario: ServingScenario
    chip: Chip
    max_batch: float  # inf = no KV cache to bound it
    batch: float  # the batch run: min(batch, max_batch)
    bound: str  # "memory" (bandwidth) or "compute"
    batch_capped: bool  # memory capacity cut the batch below the setting
    weights_fit: bool
    step_time_s: float
    tokens_per_second_per_replica: float
    tokens_per_second_per_chip: float
    replicas: int
    fleet_tokens_per_second: float
    seconds_per_message: float  # replica-seconds
    messages_per_day: float  # sustainable average
    users_supported: float
    messages_per_user_per_3h: float
    demand_messages_per_day: float
    chips_needed: float  # chips that would carry the workload's demand (inf when impossible)

    def as_dict(self) -> dict:
        def num(value):
            return None if value is None or not math.isfinite(value) else value

        return {
            "chip": self.chip.accelerator_id, "chip_name": self.chip.name,
            "tokens_per_second_per_chip": num(self.tokens_per_second_per_chip),
            "tokens_per_second_per_replica": num(self.tokens_per_second_per_replica),
            "bound": self.bound, "max_batch": num(self.max_batch), "batch": num(self.batch),
            "batch_capped": self.batch_capped, "weights_fit": self.weights_fit,
            "step_time_s": num(self.step_time_s), "replicas": self.replicas,
            "fleet_tokens_per_second": num(self.fleet_tokens_per_second),
            "seconds_per_message": num(self.seconds_per_message),
            "messages_per_day": num(self.messages_per_day), "users_supported": num(self.users_supported),
            "messages_per_user_per_3h": num(self.messages_per_user_per_3h),
            "demand_messages_per_day": self.demand_messages_per_day, "chips_needed": num(self.chips_needed),
        }


def _replicas(chips, fleet_share, chips_per_replica):
    return np.floor(chips * fleet_share / chips_per_replica + 1e-9)


def serve(scenario: ServingScenario, chip: Chip) -> ServingAnswer:
    """Tokens/s per chip and fleet, messages a day, users supported and the sustainable cap of one deployment."""
    s = scenario
    step = decode(s.params_total, s.params_active, s.bytes_per_param, s.kv_bytes_per_token, s.context_tokens,
                  s.batch, s.chips_per_replica, chip.flops, chip.bandwidth, chip.memory, s.mfu)
    step = {k: float(v) for k, v in step.items()}
    prefill = float(prefill_seconds(s.prompt_tokens, s.params_active, s.params_total, s.chips_per_replica,
                                    chip.flops, s.mfu))
    per_message = float(replica_seconds_per_message(step, prefill, s.tokens_per_message, s.reasoning_tokens))
    replicas = int(_replicas(s.chips, s.fleet_share, s.chips_per_replica))
    per_day = float(sustainable_messages_per_day(replicas, per_message, s.peak_to_average))
    demand = s.users * s.messages_per_user_per_day
    return ServingAnswer(
        s, chip, step["max_batch"], step["batch"], "memory" if step["memory_bound"] else "compute",
        step["max_batch"] < s.batch, step["max_batch"] >= 1, step["step_time"], step["tokens_per_second"],
        step["tokens_per_second"] / s.chips_per_replica, replicas, step["tokens_per_second"] * replicas,
        per_message, per_day, per_day / s.messages_per_user_per_day, per_day / WINDOWS_PER_DAY / s.users,
        demand, chips_needed(s, chip, per_message))


def chips_needed(scenario: ServingScenario, chip: Chip, seconds_per_message: float | None = None,
                 messages_per_user_per_day: float | None = None) -> float:
    """Chips the workload needs (whole replicas, before fleet_share): users × messages a day at the peak."""
    s = scenario
    if seconds_per_message is None:
        step = decode(s.params_total, s.params_active, s.bytes_per_param, s.kv_bytes_per_token, s.context_tokens,
                      s.batch, s.chips_per_replica, chip.flops, chip.bandwidth, chip.memory, s.mfu)
        prefill = prefill_seconds(s.prompt_tokens, s.params_active, s.params_total, s.chips_per_replica,
                                  chip.flops, s.mfu)
        seconds_per_message = float(replica_seconds_per_message(step, prefill, s.tokens_per_message,
                                                                s.reasoning_tokens))
    if not math.isfinite(seconds_per_message):
        return math.inf
    per_user = s.messages_per_user_per_day if messages_per_user_per_day is None else messages_per_user_per_day
    peak_per_second = s.users * per_user * s.peak_to_average / SECONDS_PER_DAY
    replicas = math.ceil(peak_per_second * seconds_per_message - 1e-9)
    return replicas * s.chips_per_replica / s.fleet_share


def chips_for_cap(scenario: ServingScenario, chip: Chip, cap_per_3h: float) -> float:
    """Chips that let every user send `cap_per_3h` messages in every 3 hours (the cap, inverted)."""
    return chips_needed(scenario, chip, messages_per_user_per_day=cap_per_3h * WINDOWS_PER_DAY)


# --- the chip trends and the memory wall ----------------------------------------------------------


@dataclass(frozen=True)
class HardwareTrends:
    flops: TrendFit | None
    bandwidth: TrendFit | None
    memory: TrendFit | None
    since: float

    def growth(self, field: str) -> float:
        fit = {"flops_growth": self.flops, "bandwidth_growth": self.bandwidth, "memory_growth": self.memory}[field]
        return fit.growth_per_year if fit is not None else FALLBACK_GROWTH[field]


def hardware_trends(accelerators: pd.DataFrame, since: float = TRENDS_SINCE, bootstrap: int = 0) -> HardwareTrends:
    """Accelerator FLOP/s, memory bandwidth and memory capacity against release date since `since`."""
    def fit(quantity):
        try:
            return fit_hardware(accelerators, quantity=quantity, since=since, bootstrap=bootstrap)
        except (TrendError, KeyError):
            return None

    return HardwareTrends(fit("bf16_dense_flops"), fit("memory_bandwidth_tbs"), fit("memory_gb"), since)


@dataclass(frozen=True, eq=False)
class MemoryWall:
    chips: pd.DataFrame  # accelerator_id, name, vendor, year, flops, bandwidth (bytes/s), flop_per_byte, source_id
    flops: TrendFit
    bandwidth: TrendFit
    flop_per_byte: TrendFit
    since: float

    @property
    def gap_per_year(self) -> float:
        """How much faster FLOP/s grow than bandwidth, x/year."""
        return self.flops.growth_per_year / self.bandwidth.growth_per_year


def memory_wall(accelerators: pd.DataFrame, since: float = TRENDS_SINCE, bootstrap: int = 500) -> MemoryWall:
    """FLOP/s and memory bandwidth of accelerators released since `since`, each fitted, and FLOP per byte."""
    frame = accelerators.copy()
    frame["year"] = [_decimal_year(v) if pd.notna(v) else math.nan for v in frame["release_date"]]
    frame["flops"] = pd.to_numeric(frame["bf16_dense_flops"], errors="coerce")
    frame["bandwidth"] = pd.to_numeric(frame["memory_bandwidth_tbs"], errors="coerce") * 1e12
    frame = frame[(frame["year"] >= since) & (frame["flops"] > 0) & (frame["bandwidth"] > 0)]
    frame = frame.assign(flop_per_byte=frame["flops"] / frame["bandwidth"]).sort_values("year")
    if len(frame) < 3:
        raise ServingError(f"accelerators: need at least 3 chips with FLOP/s and bandwidth since {since:g}")
    from models.trends import fit_trend

    fits = [fit_trend(frame["year"], frame[c], bootstrap=bootstrap) for c in ("flops", "bandwidth", "flop_per_byte")]
    columns = ["accelerator_id", "name", "vendor", "year", "flops", "bandwidth", "flop_per_byte", "source_id"]
    return MemoryWall(frame[[c for c in columns if c in frame]].reset_index(drop=True), *fits, since)


# --- over time, with Monte Carlo ------------------------------------------------------------------


UNCERTAIN = tuple(name for name, spec in SERVING_FIELDS.items() if spec.spread is not None)


def resolved_values(scenario: ServingScenario, trends: HardwareTrends) -> dict[str, float]:
    """The scenario's numbers with the fitted chip growths filled in."""
    values = {k: v for k, v in scenario.values().items() if SERVING_FIELDS[k].kind in ("float", "int")}
    for field in ("flops_growth", "bandwidth_growth", "memory_growth"):
        if values[field] is None:
            values[field] = trends.growth(field)
    return values


def draw_values(values: dict, samples: int, seed: int, scale: float, names=UNCERTAIN, memo=None) -> dict:
    """Each uncertain field in `names` drawn lognormally around its value (the median), clipped to its range:
    (S, 1). Every field keeps its own standard normals whatever `names` holds (see `standard_normals`)."""
    normals = _memoised(memo, ("normals", samples, seed), lambda: standard_normals(samples, seed))
    drawn = dict(values)
    for name in names:
        drawn[name] = draw(SERVING_FIELDS[name], values[name], normals[name], scale)
    return drawn


def standard_normals(samples: int, seed: int) -> dict[str, np.ndarray]:
    """The (S, 1) standard normals of each uncertain field, drawn in field order from one seeded generator."""
    rng = np.random.default_rng(seed)
    return {name: rng.standard_normal((samples, 1)) for name in UNCERTAIN}


def outlook_grid(scenario: ServingScenario) -> np.ndarray:
    count = (scenario.horizon - scenario.year) * STEPS_PER_YEAR + 1
    return scenario.year + np.arange(count) / STEPS_PER_YEAR


def stock_growth(t: np.ndarray, stock_t: np.ndarray, stock_h100e: np.ndarray, start: float) -> np.ndarray:
    """Installed stock at t relative to `start` (log-linear interpolation of the forecast's monthly stock)."""
    positive = np.asarray(stock_h100e, dtype=float) > 0
    if not positive.any():
        raise ServingError("the forecast's installed stock is empty; load chip sales")
    st_t, log_stock = np.asarray(stock_t, dtype=float)[positive], np.log(np.asarray(stock_h100e, dtype=float)[positive])
    if start < st_t[0] or t[-1] > st_t[-1] + 1e-9:
        raise ServingError(f"the forecast's stock covers {st_t[0]:.1f}–{st_t[-1]:.1f}, not {start:g}–{t[-1]:g}; "
                           "run the forecast with a matching horizon")
    return np.exp(np.interp(t, st_t, log_stock) - np.interp(start, st_t, log_stock))


# Which inputs the fleet's capacity depends on, and which the demand: a slider on one side leaves the other's
# Monte Carlo samples as they were (the app keeps them between reruns: see `OutlookMemo`).
DEMAND_FIELDS = ("users", "users_growth", "users_max", "messages_per_user_per_day", "messages_growth")
CAPACITY_FIELDS = ("flops_growth", "bandwidth_growth", "memory_growth", "params_growth", "params_total",
                   "params_active", "bytes_per_param", "kv_bytes_per_token", "context_tokens", "batch",
                   "chips_per_replica", "mfu", "prompt_tokens", "tokens_growth", "tokens_per_message",
                   "reasoning_tokens", "chips", "fleet_share", "peak_to_average")


def grown(rate, dt: np.ndarray):
    """rate ** dt (rate > 0, a float or (S, 1)) as exp(log(rate)·dt): the same to ~1e-15, several times
    faster than a power over the (S, T) Monte Carlo grid."""
    return np.exp(np.multiply(np.log(rate), dt))


def sustainable_capacity(p: dict, chip: Chip, t: np.ndarray, growth: np.ndarray, start: float) -> tuple:
    """(sustainable messages a day, memory-bound flags) on grid t, for values p (floats or (S, 1))."""
    dt = t - start
    flops = chip.flops * grown(p["flops_growth"], dt)
    bandwidth = chip.bandwidth * grown(p["bandwidth_growth"], dt)
    memory = chip.memory * grown(p["memory_growth"], dt)
    model_growth = grown(p["params_growth"], dt)
    params_total = p["params_total"] * model_growth
    params_active = p["params_active"] * model_growth
    step = decode(params_total, params_active, p["bytes_per_param"], p["kv_bytes_per_token"], p["context_tokens"],
                  p["batch"], p["chips_per_replica"], flops, bandwidth, memory, p["mfu"])
    prefill = prefill_seconds(p["prompt_tokens"], params_active, params_total, p["chips_per_replica"], flops, p["mfu"])
    tokens_factor = grown(p["tokens_growth"], dt)
    per_message = replica_seconds_per_message(step, prefill, p["tokens_per_message"] * tokens_factor,
                                              p["reasoning_tokens"] * tokens_factor)
    chips = p["chips"] * growth * (chip.flops / flops)  # the fleet's compute follows the stock; newer chips
    replicas = _replicas(chips, p["fleet_share"], p["chips_per_replica"])
    return sustainable_messages_per_day(replicas, per_message, p["peak_to_average"]), step["memory_bound"]


DEMAND_GROWTHS = ("users_growth", "messages_growth")


def demanded(p: dict, t: np.ndarray, start: float, growths: dict | None = None) -> tuple:
    """(users, demanded messages a day) on grid t, for values p (floats or (S, 1)); `growths`, when given,
    holds `grown(p[name], t - start)` of each of DEMAND_GROWTHS already made."""
    dt = t - start
    growths = growths or {name: grown(p[name], dt) for name in DEMAND_GROWTHS}
    users = np.minimum(p["users"] * growths["users_growth"], np.maximum(p["users_max"], p["users"]))
    return users, users * p["messages_per_user_per_day"] * growths["messages_growth"]


def capacity_and_demand(p: dict, chip: Chip, t: np.ndarray, growth: np.ndarray, start: float) -> dict:
    """Sustainable messages a day and demanded messages a day on grid t, for values p (floats or (S, 1))."""
    capacity, memory_bound = sustainable_capacity(p, chip, t, growth, start)
    users, demand = demanded(p, t, start)
    return {"capacity": np.atleast_2d(capacity), "demand": np.atleast_2d(np.broadcast_to(demand, np.shape(capacity))),
            "cap_per_3h": np.atleast_2d(capacity / users / WINDOWS_PER_DAY), "memory_bound": memory_bound}


def bands_of(values: np.ndarray) -> np.ndarray:
    """Percentiles (numpy's linear method) over the samples of an (S, T) array, as (len(BAND_PERCENTILES), T).
    One sort along each time column's contiguous samples: several times faster than np.percentile on axis 0."""
    ordered = np.sort(values.T, axis=1)
    position = np.asarray(BAND_PERCENTILES, dtype=float) / 100 * (ordered.shape[1] - 1)
    below = np.floor(position).astype(int)
    above = np.minimum(below + 1, ordered.shape[1] - 1)
    weight = position - below
    return (ordered[:, below] * (1 - weight) + ordered[:, above] * weight).T


def first_crossing(t: np.ndarray, demand: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    over = demand > capacity
    return np.where(over.any(axis=1), t[over.argmax(axis=1)], np.nan)


@dataclass(frozen=True, eq=False)
class ServingOutlook(CeilingQuantiles):
    t: np.ndarray  # quarterly grid, decimal years
    demand: np.ndarray  # messages/day demanded (deterministic)
    capacity: np.ndarray  # sustainable messages/day (deterministic)
    cap_per_3h: np.ndarray  # the sustainable cap over time
    memory_bound: np.ndarray  # bool per time: bandwidth binds the decode step
    ceiling_time: float | None
    ceiling_times: np.ndarray  # (S,) Monte Carlo; NaN = none before the horizon
    bands: dict  # "demand", "capacity": (len(BAND_PERCENTILES), years) on whole years; "cap_per_3h": first year
    years: np.ndarray  # the whole years of the bands and of the Monte Carlo crossings
    growth: dict  # resolved x/year of flops, bandwidth, memory
    samples: int
    seed: int

    @property
    def ceiling_year(self) -> int | None:
        return None if self.ceiling_time is None else int(math.floor(self.ceiling_time + 1e-9))

    def p_by_year(self) -> dict[int, float]:
        """P(serving demand has outrun the fleet by the end of each year)."""
        return {int(y): float((self.ceiling_times < y + 1).mean()) for y in self.years}

    def cap_range80(self) -> tuple[float, float]:
        """The 10th and 90th percentile of the cap in the first year (Monte Carlo)."""
        return float(self.bands["cap_per_3h"][1, 0]), float(self.bands["cap_per_3h"][3, 0])

    def annual(self) -> pd.DataFrame:
        pick = np.flatnonzero(np.isclose(self.t % 1, 0) | np.isclose(self.t % 1, 1))
        return pd.DataFrame({"year": np.round(self.t[pick]).astype(int), "demand_messages_per_day": self.demand[pick],
                             "capacity_messages_per_day": self.capacity[pick],
                             "cap_messages_per_user_per_3h": self.cap_per_3h[pick],
                             "bound": np.where(self.memory_bound[pick], "memory", "compute")})


class OutlookMemo:
    """A small, thread-safe store of the outlook's Monte Carlo parts, each keyed by exactly the inputs it
    depends on (the standard normals, the capacity samples and their bands, the demand samples and theirs).
    Passed to `outlook`, it lets a change on the demand side (users, messages) reuse the capacity samples
    and a change of the deployment reuse the demand samples; the result is the same as without it."""

    def __init__(self, size: int = 48):
        self._size, self._items, self._lock = size, {}, threading.Lock()

    def get(self, key, compute):
        with self._lock:
            if key in self._items:
                self._items[key] = self._items.pop(key)  # most recently used last
                return self._items[key]
        value = compute()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.pop(next(iter(self._items)))
        return value

    def __len__(self) -> int:
        return len(self._items)


def _frozen(*arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    """The arrays made read-only: a memo shares them between outlooks."""
    for array in arrays:
        array.flags.writeable = False
    return arrays


def _memoised(memo: OutlookMemo | None, key, compute):
    return compute() if memo is None else memo.get(key, compute)


def _mc_capacity(values: dict, chip: Chip, t: np.ndarray, growth: np.ndarray, start: float, samples: int,
                 seed: int, scale: float, memo) -> tuple[np.ndarray, np.ndarray]:
    """The capacity's Monte Carlo samples (S, T) and their bands."""
    def compute():
        names = tuple(n for n in UNCERTAIN if n in CAPACITY_FIELDS)
        drawn = draw_values({k: values[k] for k in CAPACITY_FIELDS}, samples, seed, scale, names, memo)
        capacity = np.atleast_2d(sustainable_capacity(drawn, chip, t, growth, start)[0])
        capacity = np.broadcast_to(capacity, (samples, t.size)) if capacity.shape[0] != samples else capacity
        return _frozen(capacity, bands_of(capacity))

    key = ("capacity", chip, tuple(values[k] for k in CAPACITY_FIELDS), t.tobytes(), growth.tobytes(), start,
           samples, seed, scale)
    return _memoised(memo, key, compute)


def _mc_demand(values: dict, t: np.ndarray, start: float, samples: int, seed: int, scale: float, memo) -> tuple:
    """(users, demand) Monte Carlo samples (S, T) and the demand's bands."""
    def compute():
        names = tuple(n for n in UNCERTAIN if n in DEMAND_FIELDS)
        drawn = draw_values({k: values[k] for k in DEMAND_FIELDS}, samples, seed, scale, names, memo)
        users, demand = demanded(drawn, t, start, _demand_growths(values, drawn, t, start, samples, seed, scale, memo))
        users, demand = (np.broadcast_to(np.atleast_2d(v), (samples, t.size)) for v in (users, demand))
        return _frozen(users, demand, bands_of(demand))

    key = ("demand", tuple(values[k] for k in DEMAND_FIELDS), t.tobytes(), start, samples, seed, scale)
    return _memoised(memo, key, compute)


def _demand_growths(values: dict, drawn: dict, t: np.ndarray, start: float, samples: int, seed: int, scale: float,
                    memo) -> dict:
    """The (S, T) growth factors of users and messages, each keyed by its own value: a users or messages slider
    leaves them where they were (most of the demand side's work)."""
    def factor(name):
        return _memoised(memo, ("grown", name, values[name], t.tobytes(), start, samples, seed, scale),
                         lambda: _frozen(grown(drawn[name], t - start))[0])

    return {name: factor(name) for name in DEMAND_GROWTHS}


def outlook(scenario: ServingScenario, chip: Chip, trends: HardwareTrends, stock_t: np.ndarray,
            stock_h100e: np.ndarray, samples: int | None = None, seed: int | None = None,
            memo: OutlookMemo | None = None) -> ServingOutlook:
    """Serving demand against the fleet's sustainable capacity from `year` to `horizon`, deterministic and as
    Monte Carlo bands (all samples in one vectorised pass). With a `memo`, the Monte Carlo parts an input
    does not touch are taken from it (same numbers)."""
    samples = scenario.samples if samples is None else int(samples)
    seed = scenario.seed if seed is None else int(seed)
    t = outlook_grid(scenario)
    growth = stock_growth(t, stock_t, stock_h100e, scenario.year)
    values = resolved_values(scenario, trends)
    base = capacity_and_demand(values, chip, t, growth, scenario.year)
    crossing = first_crossing(t, base["demand"], base["capacity"])[0]
    annual = slice(None, None, STEPS_PER_YEAR)  # Monte Carlo on whole years: 4x fewer points, same years
    years, scale = t[annual], scenario.spread_scale
    capacity, capacity_bands = _mc_capacity(values, chip, years, growth[annual], scenario.year, samples, seed,
                                            scale, memo)
    users, demand, demand_bands = _mc_demand(values, years, scenario.year, samples, seed, scale, memo)
    times = first_crossing(years, demand, capacity)
    first_year_cap = capacity[:, :1] / users[:, :1] / WINDOWS_PER_DAY  # only the first year's is read
    bands = {"demand": demand_bands, "capacity": capacity_bands, "cap_per_3h": bands_of(first_year_cap)}
    memory_bound = np.broadcast_to(base["memory_bound"], t.shape).ravel()
    return ServingOutlook(t, base["demand"][0], base["capacity"][0], base["cap_per_3h"][0], memory_bound,
                          None if math.isnan(crossing) else float(crossing), times, bands, years,
                          {k: values[k] for k in ("flops_growth", "bandwidth_growth", "memory_growth")},
                          samples, seed)


def stock_of(forecast) -> tuple[np.ndarray, np.ndarray]:
    """The installed stock curve (t, H100e) from a training forecast's public result."""
    return np.asarray(forecast.t), np.asarray(forecast.stock_h100e)


def implied_inference_share(scenario: ServingScenario, chip: Chip, stock_t, stock_h100e) -> float:
    """The fleet's share of the installed stock in its first year (H100e ÷ H100e)."""
    stock = float(np.exp(np.interp(scenario.year, np.asarray(stock_t), np.log(np.maximum(stock_h100e, 1e-300)))))
    return scenario.chips * scenario.fleet_share * chip.flops / H100_FLOPS / stock
