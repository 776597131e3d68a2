"""Run-level constraints: the largest training run feasible in year t under each constraint alone.

- chips: the compute the engine allocates to the largest run (share of stock, site, run length), handed in;
- power: GW one training effort can draw × FLOP per joule × utilisation × run length;
- money: what the largest run may spend (growing, capped at a share of a payer's means) ÷ cost per FLOP;
- data: C = 6·D²/r with D the effective stock of tokens (× epochs of repetition), r tokens per parameter;
- latency: D = critical batch × (run length ÷ minimum time per step), then C = 6·D²/r.

Feasible = the minimum over the constraints in use; the binding one is its argmin. Every function takes
p (field → float or an (S, 1) array of Monte Carlo draws) and t (decimal years) and broadcasts to (S, T).
Pure numpy; no Streamlit, no DuckDB. The formulas and their sources: models/README.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.arrays import layout, real
from models.inputs import cached_on
from models.scenario import FIELDS, H100_FLOPS, SECONDS_PER_DAY, SECONDS_PER_YEAR, Scenario

CONSTRAINTS = ("chips", "power", "money", "data", "latency")
POWER_YEAR = 2030  # power_gw_2030 and power_distributed_gw_2030 are 2030 levels (Epoch's horizon)
FLOP_PER_WATT_YEAR = 2024  # H100 at power_kw_per_h100e all-in is the 2024 efficiency; it grows from there
SPEND_YEAR = 2023  # money_spend_2023_usd: GPT-4's cost (Cottier et al. 2024)
FP8_FACTOR = 2.0  # FP8 doubles FLOP/s and FLOP per joule against BF16 (Epoch 2024)
JOULES_PER_KWH = 3.6e6
PRESENT_MARGIN = 1e-3  # ln units (0.1%): a present lifted to the record sits above it, in single precision too
ENGINE_HAS_PRECISION = "precision" in FIELDS  # an engine precision setting already counts FP8 in chips


@dataclass(frozen=True)
class Payer:
    """Whose means cap the spend on one run: a level in a year, and where it comes from."""

    usd: float
    year: int
    source_id: str


PAYERS: dict[str, Payer] = {
    "world_gdp": Payer(110e12, 2024, "r-imf-2024-weo-gdp"),  # about $110 trillion in 2024
    "hyperscaler_capex": Payer(246e9, 2024, "r-platformonomics-2025-capex"),  # Amazon+Microsoft+Alphabet+Meta
}


@dataclass(frozen=True)
class Hardware:
    """The cost basis of compute: the chip with the most FLOP/s per launch dollar in the accelerators table."""

    accelerator_id: str
    price_usd: float
    flops: float  # dense BF16 FLOP/s
    year: float  # release date as a decimal year: price-performance improves from here
    source_id: str


FALLBACK_HARDWARE = Hardware("nvidia-h100-sxm5", 33_600.0, 989e12, 2022.22, "epoch-ml-hardware")


def hardware_from_table(accelerators: pd.DataFrame | None, until_year: int | None = None) -> Hardware:
    """The best FLOP/s per dollar among chips with a launch price released by the end of `until_year`
    (all when None); the H100 at its listed price without a table or a priced chip."""
    if accelerators is None or accelerators.empty or "launch_price_usd" not in accelerators:
        return FALLBACK_HARDWARE
    frame = accelerators.copy()
    frame["price"] = pd.to_numeric(frame["launch_price_usd"], errors="coerce")
    frame["flops"] = pd.to_numeric(frame["bf16_dense_flops"], errors="coerce")
    released = pd.to_datetime(frame["release_date"], errors="coerce")
    frame["year"] = released.dt.year + (released.dt.day_of_year - 1) / 365.25
    frame = frame.dropna(subset=["price", "flops", "year"])
    frame = frame[(frame["price"] > 0) & (frame["flops"] > 0)]
    if until_year is not None:
        frame = frame[frame["year"] < until_year + 1]
    if frame.empty:
        return FALLBACK_HARDWARE
    best = frame.loc[(frame["flops"] / frame["price"]).idxmax()]
    return Hardware(str(best["accelerator_id"]), float(best["price"]), float(best["flops"]), float(best["year"]),
                    str(best.get("source_id", "epoch-ml-hardware")))


# --- each constraint alone ------------------------------------------------------------------------


def precision_factor(p: dict) -> float:
    return FP8_FACTOR if p.get("precision") == "fp8" else 1.0


def run_seconds_of(p: dict):
    return real(p["run_length_days"]) * SECONDS_PER_DAY


def flop_per_joule(t, p: dict):
    """Peak FLOP per joule drawn at the wall: an H100 at power_kw_per_h100e all-in in 2024, improving at
    flop_per_watt_growth a year, doubled by FP8."""
    base = H100_FLOPS / (real(p["power_kw_per_h100e"]) * 1e3)
    return base * real(p["flop_per_watt_growth"]) ** (t - FLOP_PER_WATT_YEAR) * precision_factor(p)


def power_gw(t, p: dict, floor=None):
    """GW one training effort can draw in year t: the 2030 level (one campus, or several when distributed)
    moved at power_run_growth a year, never above power_max_gw, and never below `floor`: the largest site
    operating at t (`site_power` of the clusters table), since a run could draw what a site already draws."""
    level = p["power_distributed_gw_2030"] if p.get("power_distributed") else p["power_gw_2030"]
    grown = np.minimum(real(level) * real(p["power_run_growth"]) ** (t - POWER_YEAR), p["power_max_gw"])
    return grown if floor is None else np.maximum(grown, np.exp(ln_site_power(t, floor)))


def power_flop(t, p: dict, run_seconds=None, floor=None):
    seconds = run_seconds_of(p) if run_seconds is None else run_seconds
    return power_gw(t, p, floor) * 1e9 * flop_per_joule(t, p) * p["utilisation"] * seconds


def site_power(clusters: pd.DataFrame | None) -> tuple[np.ndarray, np.ndarray] | None:
    """(t, GW) of the operating sites that set a power record when they appeared, oldest first; None
    without a clusters table with power figures."""
    if clusters is None or "power_mw" not in clusters:
        return None
    rows = clusters.dropna(subset=["power_mw"]).sort_values("t", kind="stable")
    rows = rows[rows["power_mw"] > rows["power_mw"].cummax().shift(fill_value=0.0)]
    if rows.empty:
        return None
    return rows["t"].to_numpy(dtype=float), rows["power_mw"].to_numpy(dtype=float) / 1e3


def ln_site_power(t, records: tuple[np.ndarray, np.ndarray]):
    """ln GW of the largest operating site at t: log-linear between records (sites ramp up), flat after
    the last record and before the first."""
    rt, gw = records
    return np.interp(t, rt, np.log(gw)).astype(np.result_type(t, np.float32), copy=False) \
        if np.ndim(t) else float(np.interp(t, rt, np.log(gw)))


def cost_per_flop(t, p: dict, hardware: Hardware = FALLBACK_HARDWARE):
    """US$ per FLOP actually computed: the chip's price amortised over its lifetime, per FLOP/s delivered
    (× utilisation, × FP8), falling with price-performance from its release; plus energy ÷ FLOP per joule."""
    delivered = real(p["utilisation"])
    hardware_cost = (hardware.price_usd / (real(p["chip_lifetime_years"]) * SECONDS_PER_YEAR)
                     / (hardware.flops * precision_factor(p) * delivered)
                     / real(p["money_price_performance_growth"]) ** (t - hardware.year))
    energy_cost = real(p["money_usd_per_kwh"]) / JOULES_PER_KWH / (flop_per_joule(t, p) * delivered)
    return hardware_cost + energy_cost


def spend_usd(t, p: dict, payer: str | None = None):
    """What the largest run may cost in year t: the 2023 spend growing at money_spend_growth, capped at
    money_cap_share of the payer's means (growing at money_means_growth)."""
    who = PAYERS[payer or p.get("money_payer") or "world_gdp"]
    trend = real(p["money_spend_2023_usd"]) * real(p["money_spend_growth"]) ** (t - SPEND_YEAR)
    cap = (real(p["money_cap_share"]) * who.usd
           * real(p["money_means_growth"]) ** (t - who.year))
    return np.minimum(trend, cap)


def money_flop(t, p: dict, hardware: Hardware = FALLBACK_HARDWARE, payer: str | None = None):
    return spend_usd(t, p, payer) / cost_per_flop(t, p, hardware)


def data_tokens_effective(p: dict):
    stock = p["data_multimodal_tokens"] if p.get("data_multimodal") else p["data_tokens"]
    return real(stock) * real(p["data_epochs"])


def compute_from_tokens(tokens, tokens_per_param):
    """C = 6·N·D with N = D / r: the compute-optimal run that uses D tokens. Beyond ~1e154 tokens D² is
    infinite in floating point, which is the right answer: such a limit never binds."""
    with np.errstate(over="ignore"):
        return 6.0 * real(tokens) ** 2 / real(tokens_per_param)


def data_flop(p: dict):
    return compute_from_tokens(data_tokens_effective(p), p["tokens_per_param"])


def latency_tokens(p: dict, run_seconds=None):
    """Tokens one run can process: critical batch × the number of serial steps its length allows."""
    seconds = run_seconds_of(p) if run_seconds is None else run_seconds
    return real(p["latency_batch_tokens"]) * seconds / real(p["latency_step_seconds"])


def latency_flop(p: dict, run_seconds=None):
    return compute_from_tokens(latency_tokens(p, run_seconds), p["tokens_per_param"])


def chips_flop(available, p: dict):
    """The engine's available compute, doubled under FP8 unless the engine counts precision itself."""
    return available if ENGINE_HAS_PRECISION else available * precision_factor(p)


# --- all together ---------------------------------------------------------------------------------


SWITCHES = ("precision", "power_distributed", "data_multimodal", "money_payer")


def with_switches(p: dict, scenario: Scenario) -> dict:
    """p with the scenario's switches (bool and choice fields, which the engine's numeric p leaves out)."""
    return {**p, **{name: getattr(scenario, name) for name in SWITCHES}}


def applies(scenario: Scenario) -> bool:
    """Run-level constraints bound one training run: they apply to the largest-run demand scope only."""
    return bool(scenario.constraints_on) and scenario.demand_scope == "largest_run"


def in_use(scenario: Scenario) -> tuple[str, ...]:
    """The constraints that enter the minimum (money only when included)."""
    if not applies(scenario):
        return ("chips",)
    return tuple(name for name in CONSTRAINTS if name != "money" or scenario.money_included)


RUN_LEVEL = ("power", "money", "data", "latency")


def run_level(t, p: dict, scenario: Scenario, hardware: Hardware, seconds, floor=None) -> dict:
    """Power, money, data and latency at t (FLOP), before any lift to the present (p has its switches)."""
    return {"power": power_flop(t, p, seconds, floor), "money": money_flop(t, p, hardware, scenario.money_payer),
            "data": data_flop(p), "latency": latency_flop(p, seconds)}


def present_lift(present, p: dict, scenario: Scenario, hardware: Hardware, seconds, floor=None) -> dict:
    """ln of the factor (≥ 1) by which each run-level constraint is raised so that the run actually done
    at the present was feasible: `present` = (t, ln FLOP of that run), or None (no lift).

    The present is data: a draw (or a setting) under which the record run could not have been trained is
    corrected by the smallest factor that admits it, as the allocation's share is; the curve keeps its shape."""
    if present is None:
        return dict.fromkeys(RUN_LEVEL, 0.0)
    t0, ln_record = present
    values = run_level(np.asarray(t0, dtype=np.result_type(ln_record, np.float32)), p, scenario, hardware,
                       seconds, floor)
    with np.errstate(divide="ignore"):
        short = {name: ln_record - np.log(value) for name, value in values.items()}
    dtype = np.asarray(ln_record).dtype  # the run's precision (single in the Monte Carlo)
    return {name: np.where(gap > 0, gap + PRESENT_MARGIN, 0.0).astype(dtype, copy=False) for name, gap in short.items()}


def curves(available, t, p: dict, scenario: Scenario, hardware: Hardware = FALLBACK_HARDWARE,
           run_seconds=None, floor=None, present=None) -> dict[str, np.ndarray]:
    """Each constraint's largest feasible run on grid t, broadcast to available's shape. `floor`: the site
    power records (`site_power`); `present`: (t, ln FLOP) of the record run the constraints must admit."""
    shape = np.shape(available)
    p = with_switches(p, scenario)
    seconds = run_seconds_of(p) if run_seconds is None else run_seconds
    lift = present_lift(present, p, scenario, hardware, _at_present(seconds, t, present), floor)
    values = {"chips": chips_flop(available, p)}
    for name, value in run_level(t, p, scenario, hardware, seconds, floor).items():
        values[name] = value * np.exp(lift[name])
    return {name: np.broadcast_to(value, shape) for name, value in values.items()}


def _at_present(seconds, t, present):
    """The run length (s) at the present's grid point: a column of `seconds` when it varies over t."""
    if present is None or np.ndim(seconds) < 2 or np.shape(seconds)[-1] == 1:
        return seconds
    j = min(int(np.searchsorted(np.ravel(t), present[0] - 1e-6)), np.shape(seconds)[-1] - 1)
    return seconds[..., j:j + 1]


def feasible_flop(available, t, p: dict, scenario: Scenario, hardware: Hardware = FALLBACK_HARDWARE,
                  run_seconds=None, floor=None, present=None) -> np.ndarray:
    """The largest run feasible at each t: the minimum over the constraints in use (available itself when
    the run-level constraints are off or demand is not one run).

    The same values as the minimum of `curves`, computed in logs for many samples at once: power and spend
    are exponentials of t, so their logs are sums (one pass each, no power per element); only the cost per
    FLOP (a sum of two exponentials) needs two exp and a log, and one exp turns the minimum back to FLOP."""
    if not applies(scenario):
        return available
    with np.errstate(divide="ignore"):  # no chips yet (before the history): log 0 = −inf, feasible 0
        log_available = np.log(available)
    return np.exp(log_feasible(log_available, t, p, scenario, hardware, run_seconds, floor=floor, present=present))


def log_feasible(log_available, t, p: dict, scenario: Scenario, hardware: Hardware = FALLBACK_HARDWARE,
                 run_seconds=None, log_run_days=None, floor=None, present=None) -> np.ndarray:
    """`feasible_flop` in natural logs, from the log of the available compute (the Monte Carlo works in logs).

    The run length enters as ln(days) + ln 86,400: `log_run_days` when the caller has it (the Monte Carlo's
    allocation computed it), else the log of `run_seconds` (or of the scenario's fixed length). Power and
    latency both grow with it: min(P + ln s, L + 2 ln s) = ln s + min(P, L + ln s), one sum fewer per sample."""
    if not applies(scenario):
        return log_available
    lift = log_present_lifts(present, t, p, scenario, hardware, run_seconds, log_run_days, floor)
    out = log_run_level(t, p, scenario, hardware, run_seconds, log_run_days, floor, lift, layout(log_available))
    return with_chips(out, log_available, p)


def with_chips(log_run_level_min, log_available, p: dict, shared: bool = False) -> np.ndarray:
    """The feasible run: the run-level minimum (`log_run_level`; overwritten when it has the full shape,
    unless `shared`) against the chips (the engine's available compute)."""
    out = log_run_level_min
    ln_chips = log_available if ENGINE_HAS_PRECISION else log_available + math.log(precision_factor(p))
    if out.shape == np.shape(ln_chips):  # in place (on a copy of a shared array): in its precision
        return np.minimum(out, ln_chips, out=np.empty_like(out) if shared else out)
    return np.minimum(out, ln_chips)


def _ln_days(p: dict, run_seconds, log_run_days):
    """(ln run length, the offset that makes it ln seconds): ln days + ln 86,400 when the caller has the
    logs of the days, else ln seconds + 0."""
    if log_run_days is not None:
        return log_run_days, math.log(SECONDS_PER_DAY)
    return np.log(run_seconds_of(p) if run_seconds is None else run_seconds), 0.0


def log_present_lifts(present, t, p: dict, scenario: Scenario, hardware: Hardware = FALLBACK_HARDWARE,
                      run_seconds=None, log_run_days=None, floor=None) -> dict:
    """`present_lift` at the run length of the present's grid point (ln factors per run-level constraint;
    0.0 each without a present): what `log_feasible` raises each constraint by."""
    p = with_switches(p, scenario)
    ln_days, offset = _ln_days(p, run_seconds, log_run_days)
    return present_lift(present, p, scenario, hardware, None if present is None
                        else np.exp(_at_present(ln_days, real(t), present) + offset), floor)


def _terms(p: dict, offset: float, lift: dict):
    """The columns the run-level lines are built from: ln FLOP/W growth, utilisation, ln FLOP/J in 2024, the
    power lines' common level (`rest`) and the latency level, the last two raised by the present's lift."""
    log = _log_column
    ln_fpw = log(p["flop_per_watt_growth"])
    util = real(p["utilisation"])
    ln_joule0 = log(H100_FLOPS / (real(p["power_kw_per_h100e"]) * 1e3))
    # ln power = min(lnL + lnG·(t − 2030), lnMax) + ln FLOP/J(2024) + ln_fpw·(t − 2024) + ln(1e9·util·prec) + ln s,
    # folded into min(A + B·t, C + E·t) + ln days: each branch is one multiply and one add over (S, T)
    rest = ln_joule0 + (math.log(1e9) + offset) + log(util * precision_factor(p)) - ln_fpw * FLOP_PER_WATT_YEAR
    # latency: C = 6·D²/r with D = batch × seconds ÷ step time: L + 2 ln days
    latency = (math.log(6.0) - log(p["tokens_per_param"])
               + 2.0 * (log(p["latency_batch_tokens"]) - log(p["latency_step_seconds"]) + offset))
    return ln_fpw, util, ln_joule0, rest + lift["power"], latency + lift["latency"]


def _grows(ln_days) -> bool:
    """The run length varies over the grid (an (S, T) array), rather than one column."""
    return np.ndim(ln_days) == 2 and np.shape(ln_days)[-1] > 1


def log_run_level(t, p: dict, scenario: Scenario, hardware: Hardware = FALLBACK_HARDWARE, run_seconds=None,
                  log_run_days=None, floor=None, lift: dict | None = None, order: str = "C",
                  parts: tuple | None = None) -> np.ndarray:
    """The minimum of the run-level constraints in use (power, latency, data, money) in logs, each raised by
    `lift` (`log_present_lifts`; None: none). `parts`: (`log_power_part`, `log_money_part`) of the same
    inputs, read and never written (only without a lift: the parts have none)."""
    p = with_switches(p, scenario)
    ln_days, offset = _ln_days(p, run_seconds, log_run_days)
    lift = lift or dict.fromkeys(RUN_LEVEL, 0.0)
    t = real(t)
    ln_fpw, util, ln_joule0, rest, latency = _terms(p, offset, lift)
    grows = _grows(ln_days)
    if not grows:  # a fixed run length is a column: fold it into the lines
        rest, latency = rest + ln_days, latency + 2.0 * ln_days
    power, money = parts or (None, None)
    out = _power_log(t, p, rest, ln_fpw, floor, order) if power is None else power
    if grows:
        line = np.add(ln_days, latency, order=order)
        # into a copy of a shared part: the same operands, rounded to the part's precision as in place
        out = np.minimum(out, line, out=np.empty_like(out) if out is power else out)
        out += ln_days
        np.minimum(out, _ln_data(p) + lift["data"], out=out)
    else:
        out = np.minimum(out, np.minimum(_ln_data(p) + lift["data"], latency),
                         out=np.empty_like(out) if out is power else out)
    if scenario.money_included:
        if money is None:
            money = _ln_money(t, p, hardware, util, ln_fpw, ln_joule0, order, lift["money"])
        np.minimum(out, money, out=out)
    return out


def log_power_part(t, p: dict, scenario: Scenario, run_seconds=None, log_run_days=None, floor=None,
                   order: str = "C", lift: dict | None = None) -> np.ndarray:
    """The power constraint of `log_run_level` without a lift, to be kept and passed back in its `parts`:
    without the run length when it grows over the grid (then it reads power_gw_2030 or
    power_distributed_gw_2030, power_run_growth, power_max_gw, power_kw_per_h100e, flop_per_watt_growth,
    utilisation and the precision), with it when the run length is one column. `lift`: zeros of the dtype
    the present's lifts have (`zero_lift`), which promote the lines as those lifts do (None: no present)."""
    p = with_switches(p, scenario)
    ln_days, offset = _ln_days(p, run_seconds, log_run_days)
    t = real(t)
    ln_fpw, _, _, rest, _ = _terms(p, offset, lift or dict.fromkeys(RUN_LEVEL, 0.0))
    if not _grows(ln_days):
        rest = rest + ln_days
    return _power_log(t, p, rest, ln_fpw, floor, order)


def log_money_part(t, p: dict, scenario: Scenario, hardware: Hardware = FALLBACK_HARDWARE,
                   order: str = "C", lift: dict | None = None) -> np.ndarray | None:
    """The money constraint of `log_run_level` without a lift (None when money is not included), to be kept
    and passed back in its `parts`: the money_* fields, chip_lifetime_years, utilisation,
    flop_per_watt_growth, power_kw_per_h100e, the precision and the payer. `lift` as in `log_power_part`."""
    if not scenario.money_included:
        return None
    p = with_switches(p, scenario)
    t = real(t)
    lift = lift or dict.fromkeys(RUN_LEVEL, 0.0)
    ln_fpw, util, ln_joule0, _, _ = _terms(p, 0.0, lift)
    return _ln_money(t, p, hardware, util, ln_fpw, ln_joule0, order, lift["money"])


def zero_lift(lift: dict) -> dict | None:
    """Zeros in the dtype of each of the present's lifts (`log_present_lifts`; None when there is no
    present): the lines without a lift, promoted as the lifts promote them (a double-precision demand in a
    single-precision run gives double-precision lifts, and lines)."""
    if not any(np.ndim(value) for value in lift.values()):
        return None
    return {name: np.zeros((), dtype=np.asarray(value).dtype) for name, value in lift.items()}


def _power_log(t, p: dict, rest, ln_fpw, floor, order: str) -> np.ndarray:
    """ln of the power constraint without the run length (when it grows): min(campus line, cap line), never
    below the largest operating site."""
    log = _log_column
    level = p["power_distributed_gw_2030"] if p.get("power_distributed") else p["power_gw_2030"]
    ln_g = log(p["power_run_growth"])
    out = _line(log(level) - ln_g * POWER_YEAR + rest, ln_g + ln_fpw, t, order)
    np.minimum(out, _line(log(p["power_max_gw"]) + rest, ln_fpw, t, order), out=out)
    if floor is not None:  # never below the largest operating site: max(floor, min(A, B)) + the rest
        site = _line(rest, ln_fpw, t, order)
        site += ln_site_power(t, floor)
        np.maximum(out, site, out=out)
    return out


def _line(a, b, t, order: str = "C") -> np.ndarray:
    """a + b·t over (S, T) for columns a, b: one product and one sum in place."""
    out = np.multiply(b, t, order=order)
    return np.add(out, a, out=out) if out.shape == np.broadcast_shapes(out.shape, np.shape(a)) \
        else np.add(out, a, order=order)


def _ln_data(p: dict):
    """ln data_flop = ln 6 + 2 ln D − ln r (in logs: D² of a large token stock overflows single precision)."""
    return math.log(6.0) + 2.0 * np.log(data_tokens_effective(p)) - _log_column(p["tokens_per_param"])


def _log_column(value):
    """ln of a field's value: a float, or an (S, 1) column of draws."""
    return np.log(real(value))


def _ln_money(t, p: dict, hardware: Hardware, util, ln_fpw, ln_joule0, order: str = "C", lift=0.0):
    """ln of money_flop, for many samples, in as few passes over (S, T) as the algebra allows:
    ln spend − ln cost, with spend = min(e^(a1 + b1·t), e^(a2 + b2·t)) and cost = e^(a3 + b3·t) + e^(a4 + b4·t),
    so ln money = min(a1 − a3 + (b1 − b3)·t, a2 − a3 + (b2 − b3)·t) − log1p(e^(a4 − a3 + (b4 − b3)·t))."""
    log = _log_column
    who = PAYERS[p.get("money_payer") or "world_gdp"]
    b1 = log(p["money_spend_growth"])
    a1 = log(p["money_spend_2023_usd"]) - b1 * SPEND_YEAR
    b2 = log(p["money_means_growth"])
    a2 = log(real(p["money_cap_share"]) * who.usd) - b2 * who.year
    delivered = hardware.flops * precision_factor(p) * util
    b3 = -log(p["money_price_performance_growth"])
    a3 = log(hardware.price_usd / (real(p["chip_lifetime_years"]) * SECONDS_PER_YEAR)
             / delivered) - b3 * hardware.year
    b4 = -ln_fpw
    a4 = (log(real(p["money_usd_per_kwh"]) / JOULES_PER_KWH / util) - ln_joule0
          - math.log(precision_factor(p)) - b4 * FLOP_PER_WATT_YEAR)
    out = _line(a1 - a3 + lift, b1 - b3, t, order)
    np.minimum(out, _line(a2 - a3 + lift, b2 - b3, t, order), out=out)
    ratio = _line(a4 - a3, b4 - b3, t, order)
    np.exp(ratio, out=ratio)
    out -= np.log1p(ratio, out=ratio)
    return out


def binding(values: dict[str, np.ndarray], names: tuple[str, ...]) -> np.ndarray:
    """The name of the smallest constraint in `names` at each point (first in CONSTRAINTS order on ties)."""
    stacked = np.stack([real(values[n]) for n in names])
    return np.asarray(names)[np.argmin(stacked, axis=0)]


def site_power_for(inputs) -> tuple[np.ndarray, np.ndarray] | None:
    """`site_power` of the inputs' clusters table (cached on the inputs); None without one."""
    return cached_on(inputs, ("site-power",), lambda: site_power(getattr(inputs, "clusters", None)))


def hardware_for(inputs, until_year: int | None) -> Hardware:
    """The cost basis from the inputs' accelerators table (cached on the inputs), else the fallback."""
    return cached_on(inputs, ("hardware", until_year),
                      lambda: hardware_from_table(getattr(inputs, "accelerators", None), until_year))


@dataclass(frozen=True)
class YearConstraints:
    year: int
    constraints: dict[str, float]
    binding: str
    feasible: float

    def as_dict(self) -> dict:
        return {"year": self.year, "constraints": self.constraints, "binding": self.binding,
                "feasible_flop": self.feasible}


def at_year(forecast, year: int, inputs=None) -> YearConstraints:
    """Each constraint at the start of `year` (the grid point where the engine's demand for that year sits:
    the base year's record is demand at t = base_year) for a deterministic Forecast."""
    from models.forecast import parameters, present_run

    scenario = forecast.scenario
    i = int(np.argmin(np.abs(forecast.t - year)))
    t = forecast.t[i:i + 1]
    p = parameters(scenario, forecast.resolved)
    hardware = hardware_for(inputs, scenario.base_year) if inputs is not None else FALLBACK_HARDWARE
    seconds = None if forecast.run_days is None else forecast.run_days[i:i + 1] * SECONDS_PER_DAY
    j = int(np.searchsorted(forecast.t, scenario.base_year - 1e-9))
    present = present_run(p, scenario.base_year, np.log(forecast.demand_flop[j:j + 1]))
    values = curves(forecast.available_flop[i:i + 1], t, p, scenario, hardware, seconds,
                    site_power_for(inputs) if inputs is not None else None, present)
    flat = {name: float(np.ravel(v)[0]) for name, v in values.items()}
    names = in_use(scenario)
    name = str(binding(values, names).ravel()[0])
    return YearConstraints(int(year), flat, name, min(flat[n] for n in names))


def table(forecast, inputs=None) -> pd.DataFrame:
    """One row a year from the base year to the horizon: demand, each constraint, the feasible run, the
    binding constraint (values at the start of each year, as in `at_year`, computed for all years at once:
    every step is elementwise, so each row is what `at_year` gives for its year)."""
    from models.forecast import parameters, present_run

    scenario = forecast.scenario
    years = list(range(scenario.base_year, scenario.horizon))
    if not years:
        return pd.DataFrame([])
    rows = np.array([int(np.argmin(np.abs(forecast.t - year))) for year in years])
    p = parameters(scenario, forecast.resolved)
    hardware = hardware_for(inputs, scenario.base_year) if inputs is not None else FALLBACK_HARDWARE
    seconds = None if forecast.run_days is None else forecast.run_days[rows] * SECONDS_PER_DAY
    j = int(np.searchsorted(forecast.t, scenario.base_year - 1e-9))
    present = present_run(p, scenario.base_year, np.log(forecast.demand_flop[j:j + 1]))
    values = curves(forecast.available_flop[rows], forecast.t[rows], p, scenario, hardware, seconds,
                    site_power_for(inputs) if inputs is not None else None, present)
    names = in_use(scenario)
    columns = {f"{name}_flop": np.ravel(value).astype(float).tolist() for name, value in values.items()}
    feasible = [min(columns[f"{n}_flop"][i] for n in names) for i in range(len(years))]
    return pd.DataFrame({"year": years, "demand_flop": forecast.demand_flop[rows].astype(float).tolist(), **columns,
                         "feasible_flop": feasible, "binding": binding(values, names).astype(str).tolist()})


def log10_gap(demand: float, feasible: float) -> float:
    return math.log10(demand / feasible) if demand > 0 and feasible > 0 else float("nan")
