"""Supply: shipments (history, then projection), the weakest-link cap, installed stock, allocation to a run.

Functions broadcast over a leading sample axis: parameters are floats or arrays of shape (S, 1), times
have shape (T,), results (S, T). The deterministic forecast is the case S = 1.
"""

from __future__ import annotations

import math

import numpy as np

from models.scenario import H100_FLOPS

WAFER_DIAMETER_MM = 300.0
LINKS = ("logic", "cowos", "hbm", "power")


def gross_dies_per_wafer(die_area_mm2, wafer_diameter_mm: float = WAFER_DIAMETER_MM):
    """Gross dies on a round wafer: πr²/S − πd/√(2S) (S = die area, d = diameter, both in mm)."""
    r = wafer_diameter_mm / 2.0
    return math.pi * r * r / die_area_mm2 - math.pi * wafer_diameter_mm / np.sqrt(2.0 * die_area_mm2)


def poisson_yield(die_area_mm2, defects_per_cm2):
    """Share of dies with no defect: exp(−area·D), area in cm²."""
    return np.exp(-np.asarray(die_area_mm2) / 100.0 * defects_per_cm2)


def good_dies_per_wafer(die_area_mm2, defects_per_cm2):
    return gross_dies_per_wafer(die_area_mm2) * poisson_yield(die_area_mm2, defects_per_cm2)


def _link_logs(p: dict) -> dict[str, tuple]:
    """Per link: ln(H100e/year in the base year) and ln(growth per year); -inf base = link not modelled."""
    ln = np.log
    chip = ln(np.asarray(p["h100e_per_chip"], dtype=float))
    eff = ln(np.asarray(p["chip_efficiency_growth"], dtype=float))
    good = good_dies_per_wafer(p["die_area_mm2"], p["defect_density"])
    with np.errstate(divide="ignore"):
        return {
            "logic": (ln(p["logic_wafers_per_month"] * 12.0 * good / p["dies_per_chip"]) + chip,
                      ln(p["logic_growth"]) + eff),
            "cowos": (ln(p["cowos_wafers_per_month"] * 12.0 * p["chips_per_cowos_wafer"]) + chip,
                      ln(p["cowos_growth"]) + eff),
            "hbm": (ln(p["hbm_stacks_per_month"] * 12.0 / p["hbm_stacks_per_chip"]) + chip,
                    ln(p["hbm_growth"]) + eff),
            "power": (ln(p["power_gw_per_year"] * 1e6 / p["kw_per_h100e"]),
                      ln(p["power_growth"]) + ln(p["flop_per_watt_growth"])),
        }


def link_capacities(p: dict, t: np.ndarray, base_year: float) -> dict[str, np.ndarray]:
    """H100e per year each link of the chain allows at times t; a link with zero base capacity is not
    modelled (infinite). Chips per year × H100e per chip, which grows with chip efficiency; power is
    GW ÷ kW per H100e, which falls with FLOP per watt."""
    dt = t - base_year
    return {name: np.where(np.isneginf(lb), np.inf, np.exp(lb + lg * dt)) for name, (lb, lg) in _link_logs(p).items()}


def chain_log_cap(p: dict, t: np.ndarray, base_year: float) -> np.ndarray | None:
    """ln of the weakest link's H100e per year at times t (min over links); None when no link is modelled.

    Built in place, one link at a time: a 10,000-sample run allocates two (S, T) arrays, not eight."""
    dt = t - base_year
    links = [(np.asarray(base, dtype=float), np.asarray(growth, dtype=float))
             for base, growth in _link_logs(p).values()]
    links = [(np.where(np.isneginf(base), np.inf, base), growth)  # ln 0 = -inf: the link is not modelled
             for base, growth in links if not np.isneginf(base).all()]
    if not links:
        return None
    shape = np.broadcast_shapes(dt.shape, *(np.shape(b) for b, _ in links), *(np.shape(g) for _, g in links))
    cap, step = np.full(shape, np.inf), np.empty(shape)
    for base, growth in links:
        np.multiply(growth, dt, out=step)
        step += base
        np.minimum(cap, step, out=cap)
    return cap


def chain_cap(p: dict, t: np.ndarray, base_year: float) -> np.ndarray:
    """The weakest link's H100e per year at times t (inf when no link is modelled)."""
    log_cap = chain_log_cap(p, t, base_year)
    return np.full(np.shape(t), np.inf) if log_cap is None else np.exp(log_cap)


def shipments_path(t: np.ndarray, hist_years: np.ndarray, hist_h100e: np.ndarray, base_year: int,
                   base_h100e, growth, cap=None, *, log_cap=None, order: str = "C") -> np.ndarray:
    """Shipment rate (H100e/year) at times t: the chip-sales history for its years up to base_year,
    a back-cast at the same growth before it (so early stock is not undercounted), and the projection
    base × growth^(t − base_year) after base_year, capped by `cap` (or `log_cap`, its natural log; either
    given for t[projection_start:]). `base_h100e` may differ from the history's base-year value (a user
    override or a Monte Carlo draw); the history is then scaled by the same factor.

    The trend and the cap meet in log space, so a 10,000-sample run takes one exp over the grid.
    order="F" lays the (S, T) result out time-major in memory (same values), for `installed_stock`'s fast path."""
    hist_value = _history_at(hist_years, hist_h100e, base_year)
    scale = base_h100e / hist_value if np.isfinite(hist_value) and hist_value > 0 else 1.0
    if cap is not None:
        log_cap = np.log(cap)
    rate = np.multiply(np.log(growth), t - base_year, order=order)
    rate += np.log(base_h100e)
    if log_cap is not None:  # the history (years up to base_year) is never capped
        first = projection_start(t, base_year)
        rate = _full(rate, log_cap.shape[:-1] + t.shape)
        np.minimum(rate[..., first:], log_cap, out=rate[..., first:])
    rate = np.exp(rate, out=rate)
    use_hist = np.isin(np.floor(t).astype(int), hist_years[hist_years <= base_year])
    if use_hist.any():
        lookup = dict(zip(hist_years.tolist(), hist_h100e.tolist(), strict=True))
        hist_rate = np.array([lookup[y] for y in np.floor(t[use_hist]).astype(int)])
        hist = hist_rate * scale
        rate = _full(rate, hist.shape[:-1] + t.shape)
        rate[..., use_hist] = hist
    return rate


def _full(rate: np.ndarray, shape: tuple) -> np.ndarray:
    """`rate` broadcast to `shape` as a writable array of its own: copied only when it must grow (a
    10,000-sample rate already has the full shape; copying it again costs ~3 ms)."""
    full = np.broadcast_shapes(rate.shape, shape)
    return rate if rate.shape == full else np.array(np.broadcast_to(rate, full))


def projection_start(t: np.ndarray, base_year: float) -> int:
    """Index of the first grid time after the base year's history (t >= base_year + 1)."""
    return int(np.searchsorted(t, base_year + 1 - 1e-9))


def _history_at(hist_years, hist_h100e, year) -> float:
    hit = np.flatnonzero(hist_years == year)
    return float(hist_h100e[hit[0]]) if len(hit) else math.nan


def installed_stock(rate: np.ndarray, dt: float, lifetime_years, cols: slice = slice(None)) -> np.ndarray:
    """Stock = shipments over the last `lifetime_years` (a moving window over the last axis).

    rate is H100e/year on a regular grid of step dt years; the lifetime may differ per sample (shape
    (S, 1)) and is rounded to whole grid steps. Only the columns `cols` of the result are computed.

    Stock at step j is cum[j] − cum[j − L]: the cumulative sum is padded with L_max leading zeros (a
    window reaching before the grid counts from its start) and each sample's lagged columns are one
    contiguous run, copied row by row through a sliding-window view instead of an element-wise gather.
    A time-major (Fortran-ordered) rate of many samples takes `_stock_time_major`: same sums, ~3x faster."""
    rate = np.atleast_2d(rate)
    rows, count = rate.shape
    steps = np.rint(np.broadcast_to(np.asarray(lifetime_years, dtype=float) / dt, (rows, 1))).astype(np.int64)
    pad = max(int(steps.max()), 0)
    idx = np.arange(1, count + 1)[cols]
    if len(idx) == 0:
        return np.zeros((rows, 0))
    lag_start = pad + idx[0] - steps[:, 0]
    contiguous = len(idx) == 1 or bool(np.all(np.diff(idx) == 1))
    if contiguous and rows > 1 and rate.flags.f_contiguous and bool(np.all(np.diff(lag_start) <= 0)):
        return _stock_time_major(rate, dt, pad, idx, lag_start)
    cum = np.zeros((rows, pad + count + 1))
    np.cumsum(rate, axis=1, out=cum[:, pad + 1:])
    if contiguous:
        windows = np.lib.stride_tricks.sliding_window_view(cum, len(idx), axis=1)
        lagged = windows[np.arange(rows), lag_start]
    else:
        lagged = np.take_along_axis(cum, pad + idx[None, :] - steps, axis=1)
    current = cum[:, pad + idx[0]:pad + idx[-1] + 1] if contiguous else cum[:, pad + idx]
    stock = np.subtract(current, lagged, out=lagged)  # lagged is a copy of its own: reuse it
    stock *= dt
    return stock


def _stock_time_major(rate: np.ndarray, dt: float, pad: int, idx: np.ndarray, lag_start: np.ndarray) -> np.ndarray:
    """`installed_stock` of a time-major rate whose samples are ordered by lifetime (lag_start never rises).

    np.cumsum along time is one long dependent chain per sample; in time-major memory the same running
    sum is one vector add per grid step across all samples, in the same order, so the sums are identical.
    Samples sharing a lifetime share one lag, so their lagged windows are one block copy."""
    rows, count = rate.shape
    cum = np.zeros((rows, pad + count + 1), order="F")
    np.copyto(cum[:, pad + 1], rate[:, 0])
    for j in range(1, count):
        np.add(cum[:, pad + j], rate[:, j], out=cum[:, pad + j + 1])
    width = len(idx)
    lagged = np.empty((rows, width), order="F")
    firsts = np.flatnonzero(np.r_[True, np.diff(lag_start) != 0])
    for first, end in zip(firsts, np.r_[firsts[1:], rows], strict=True):
        lag = lag_start[first]
        lagged[first:end] = cum[first:end, lag:lag + width]
    stock = np.subtract(cum[:, pad + idx[0]:pad + idx[0] + width], lagged, out=lagged)
    stock *= dt
    return stock


def available_flop(stock_h100e, utilisation, share, seconds):
    """FLOP the largest run can use: stock × 989e12 FLOP/s × utilisation × share × run length (s)."""
    return stock_h100e * (H100_FLOPS * np.asarray(utilisation) * share * seconds)
