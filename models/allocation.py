"""Allocation: how much of the world's compute the largest training run can use at time t.

available(t) = min(share(t) × stock(t), m × largest_site(t)) × FLOP/s × utilisation × run_length(t)

- share(t) starts at today's value (calibrated from the data: the record run ÷ the installed stock) and moves
  log-linearly to its cap over `share_years_to_cap` years from the base year;
- largest_site(t) follows the record of the clusters table (log-linear between records: sites ramp up),
  then holds for `site_flat_years` after the last record and grows at `site_growth` a year;
- run_length(t) grows at `run_length_growth` a year from the base year up to `run_length_cap_days`.

Functions broadcast over a leading sample axis like models.supply: parameters are floats or (S, 1) arrays,
times (T,), results (S, T).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.arrays import layout, real
from models.scenario import H100_FLOPS, SECONDS_PER_DAY

PRECISION_SPEEDUP = {"bf16": 1.0, "fp8": 2.0}  # dense FP8 FLOP/s of an H100 is twice BF16

# The largest AI sites, used only when the database has no clusters table (H100e, first date at that size).
# Sources: SemiAnalysis 2023 (GPT-4 on ~25,000 A100 ≈ 7,900 H100e); Epoch AI's xAI data-centre timelines
# (Colossus 1: 100,000 H100 in Sep 2024, 200,000 H100/H200 in Feb 2025; Colossus 2: about 1.39M H100e at
# its full ~1 GW build, projected for May 2026).
FALLBACK_CLUSTERS = pd.DataFrame({
    "t": [2022.33, 2024.67, 2025.13, 2026.36],
    "h100e": [7_883.0, 100_000.0, 200_000.0, 1_389_591.0],
    "name": ["Microsoft GPT-4 cluster", "xAI Colossus 1", "xAI Colossus 1", "xAI Colossus 2"],
    "source_id": ["m-semianalysis-2023-gpt4", "epoch-xai-datacenter-timelines", "epoch-xai-datacenter-timelines",
                  "epoch-xai-datacenter-timelines"],
})
FALLBACK_SHARE_TODAY = 0.02  # only without a record run and without clusters


def flop_per_h100e_second(precision: str) -> float:
    return H100_FLOPS * PRECISION_SPEEDUP[precision]


def site_records(clusters: pd.DataFrame | None) -> pd.DataFrame:
    """The clusters that set a size record when they appeared (t, h100e, name, source_id), oldest first;
    the built-in list when there is no table."""
    frame = FALLBACK_CLUSTERS if clusters is None or clusters.empty else clusters
    frame = frame.sort_values("t", kind="stable")
    best = frame["h100e"].cummax().shift(fill_value=0.0)
    return frame[frame["h100e"] > best].reset_index(drop=True)


def log_site_path(t: np.ndarray, records: tuple, level, flat_years, growth, factor=1.0,
                  order: str = "C") -> np.ndarray:
    """ln(factor × site_path(...)), built in log space for many samples: one (S, T) product and sum."""
    rt, rv = records
    last_t = float(rt[-1])  # a Python float: it keeps a single-precision grid single
    out = np.subtract(t, last_t + real(flat_years), order=order)  # the years of growth after the flat spell
    np.maximum(out, 0.0, out=out)
    out = np.multiply(out, np.log(growth), out=out) if out.shape == np.broadcast_shapes(
        out.shape, np.shape(growth)) else np.multiply(out, np.log(growth), order=order)
    out = np.add(out, np.log(np.asarray(level) * factor), order=order) if out.shape != np.broadcast_shapes(
        out.shape, np.shape(level), np.shape(factor)) else np.add(out, np.log(np.asarray(level) * factor), out=out)
    before = int(np.searchsorted(t, last_t))  # t is sorted: the columns before the last record are a prefix
    if before:
        out = np.array(np.broadcast_to(out, np.broadcast_shapes(out.shape, np.shape(factor)))) \
            if out.ndim < np.ndim(factor) else out
        out[..., :before] = np.interp(t[:before], rt, np.log(rv)) + np.log(factor)
    return out


def log_available(log_stock: np.ndarray, t: np.ndarray, start: float, p: dict, records: tuple,
                  precision: str, log_run_days: np.ndarray | None = None, ramp: np.ndarray | None = None,
                  log_site: np.ndarray | None = None, in_place: bool = True) -> np.ndarray:
    """ln(available FLOP) for many samples, in place on ln(stock) (`in_place=False`: ln(stock) is read, never
    written, as when a caller keeps it; the same numbers): ln(min(share × stock, m × site)) +
    ln(FLOP/s × utilisation × 86,400) + ln(run length in days). Same values as `available_flop`.
    Temporaries take the memory layout of `log_stock` (time-major in the Monte Carlo): mixed layouts are slow.
    `log_run_days` is `log_run_length(...)` when the caller has it already (the constraints use it too);
    `ramp` (`share_ramp`) and `log_site` (`log_site_path` of the site fields) likewise: read, never written,
    so a caller may keep them across runs (neither reads the share today or the run length)."""
    order = layout(log_stock)
    log_today = np.log(p["share_today"])
    if ramp is None:  # a fresh ramp takes the product in place
        ramp = product = share_ramp(t, start, p, order)
    else:
        product = np.empty_like(ramp)
    np.multiply(ramp, np.log(p["largest_run_share"]) - log_today, out=product)
    if in_place:
        out = log_stock
        out += product
    elif product.shape == log_stock.shape and product.dtype == log_stock.dtype:
        out = np.add(product, log_stock, out=product)  # ln stock + product, as `+=` rounds it (a sum commutes)
    else:
        out = np.array(log_stock, order="K")
        out += product
    if log_site is None:  # a fresh site path takes the difference in place
        site = _minus(log_site_path_of(t, records, p, order), log_today)
    else:
        site = _minus(log_site, log_today, fresh=True)
    # min(a + c, b) = min(a, b − c) + c: the share level is added once, after the min
    np.minimum(out, site, out=out)
    out += log_run_length(t, start, p, order) if log_run_days is None else log_run_days
    out += log_today + np.log(flop_per_h100e_second(precision) * np.asarray(p["utilisation"]) * SECONDS_PER_DAY)
    return out


def share_ramp(t: np.ndarray, start: float, p: dict, order: str = "C") -> np.ndarray:
    """The share's way from today to its cap, (t − start) / share_years_to_cap clipped to [0, 1]: reads
    share_years_to_cap only."""
    years = np.maximum(real(p["share_years_to_cap"]), 1e-9)
    fraction = np.divide(t - start, years, order=order)
    np.clip(fraction, 0.0, 1.0, out=fraction)
    return fraction


def log_site_path_of(t: np.ndarray, records: tuple, p: dict, order: str = "C") -> np.ndarray:
    """`log_site_path` of p's site fields: largest_site_h100e, site_flat_years, site_growth, multi_site_factor."""
    return log_site_path(t, records, p["largest_site_h100e"], p["site_flat_years"], p["site_growth"],
                         p["multi_site_factor"], order)


def log_run_length(t: np.ndarray, start: float, p: dict, order: str = "C") -> np.ndarray:
    """ln(run length in days) for many samples: ln `run_length_path`, one product, one sum and one minimum."""
    run = np.multiply(np.log(p["run_length_growth"]), np.maximum(t - start, 0.0), order=order)
    run += np.log(p["run_length_days"])
    np.minimum(run, np.log(np.maximum(p["run_length_cap_days"], p["run_length_days"])), out=run)
    return run


def share_path(t: np.ndarray, start: float, share_today, share_cap, years_to_cap):
    """share(t) = today × (cap / today)^f, f = (t − start) / years_to_cap clipped to [0, 1] (log-linear)."""
    years = np.maximum(real(years_to_cap), 1e-9)
    fraction = np.clip((t - start) / years, 0.0, 1.0)
    log_today = np.log(share_today)
    return np.exp(log_today + fraction * (np.log(share_cap) - log_today))


def site_path(t: np.ndarray, records, level=None, flat_years: float = 0.0, growth=1.0):
    """The largest site (H100e) at times t: log-linear between the records (a DataFrame of t, h100e or a
    (t, h100e) pair of arrays), flat before the first; from the last record on, `level` (default: the last
    record) held for `flat_years`, then × growth a year."""
    rt, rv = ((records["t"].to_numpy(dtype=float), records["h100e"].to_numpy(dtype=float))
              if isinstance(records, pd.DataFrame) else records)
    last_t = rt[-1]
    history = np.exp(np.interp(np.minimum(t, last_t), rt, np.log(rv)))
    level = rv[-1] if level is None else level
    excess = np.maximum(t - last_t - flat_years, 0.0)
    future = np.log(level) + np.log(growth) * excess
    return np.where(t < last_t, history, np.exp(future))


def run_length_path(t: np.ndarray, start: float, days, growth, cap_days):
    """Run length in days: days × growth^(t − start) from `start` on (days before it), at most cap_days
    (a base length already above the cap is kept)."""
    grown = days * np.exp(np.log(growth) * np.maximum(t - start, 0.0))
    return np.minimum(grown, np.maximum(cap_days, days))


def available_flop(stock, share, site, multi_site_factor, utilisation, run_days, precision: str = "bf16"):
    """min(share × stock, m × site) × FLOP/s × utilisation × run length (s)."""
    h100e = np.minimum(share * stock, multi_site_factor * site)
    return h100e * (flop_per_h100e_second(precision) * np.asarray(utilisation) * SECONDS_PER_DAY) * run_days


def implied_share(demand_flop, stock, utilisation, run_days, precision: str = "bf16"):
    """The share of the installed stock a run of `demand_flop` needs at this utilisation and run length."""
    return demand_flop / (stock * flop_per_h100e_second(precision) * utilisation * SECONDS_PER_DAY * run_days)


def _minus(a: np.ndarray, b, fresh: bool = False) -> np.ndarray:
    """a − b, in place when a already has the broadcast shape (`fresh`: into a new array of a's dtype and
    layout instead, the same numbers, a left as it is)."""
    if a.shape == np.broadcast_shapes(a.shape, np.shape(b)):
        return np.subtract(a, b, out=np.empty_like(a) if fresh else a)
    return a - b
