"""Supply: shipments (history, then projection), the weakest-link cap, installed stock, allocation to a run.

Functions broadcast over a leading sample axis: parameters are floats or arrays of shape (S, 1), times
have shape (T,), results (S, T). The deterministic forecast is the case S = 1.
"""

from __future__ import annotations

import math

import numpy as np

from models.arrays import real
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


# Each link: (level field, growth field, efficiency-growth field). Its capacity in H100e a year is
# level × H100e per unit (unit_logs) × the data's own path to its last year, then × growth a year,
# × efficiency growth a year (more H100e per wafer, stack or watt), all from the base year's mid-point.
LINK_FIELDS = {
    "logic": ("logic_wafers_per_month", "logic_growth", "chip_efficiency_growth"),
    "cowos": ("cowos_wafers_per_month", "cowos_growth", "chip_efficiency_growth"),
    "hbm": ("hbm_stacks_per_month", "hbm_growth", "chip_efficiency_growth"),
    "power": ("power_gw_per_year", "power_growth", "flop_per_watt_growth"),
}
BACKCAST_GROWTH = 2.3  # Epoch: NVIDIA's installed stock grew ~2.3x a year since 2019; only before the first data year


def unit_logs(p: dict) -> dict[str, np.ndarray]:
    """ln(H100e a year per unit of each link's level) in the base year: a wafer (or stack) a month gives
    12 a year; logic counts the AI-allocable share of good dies; power is GW ÷ all-in kW per H100e."""
    ln = np.log
    chip = ln(real(p["h100e_per_chip"]))
    good = good_dies_per_wafer(p["die_area_mm2"], p["defect_density"])
    return {
        "logic": ln(12.0 * np.asarray(p["logic_ai_share"]) * good / p["dies_per_chip"]) + chip,
        "cowos": ln(12.0 * real(p["chips_per_cowos_wafer"])) + chip,
        "hbm": ln(12.0 / real(p["hbm_stacks_per_chip"])) + chip,
        "power": ln(1e6 / real(p["kw_per_h100e"])),
    }


def link_shape(series, t: np.ndarray, anchor: float) -> tuple[np.ndarray, np.ndarray]:
    """(ln of the data's path relative to its value at `anchor`, years of growth beyond the data) at times t.

    With data to t_last: ln s(min(t, t_last)) − ln s(min(anchor, t_last)) and max(t, t_last) − max(anchor, t_last);
    without data (series None): 0 and t − anchor. The data are held flat before their first point."""
    if series is None:
        return np.zeros_like(t), t - anchor
    log_c = np.log(series.central)
    last = float(series.t[-1])
    shape = np.interp(np.minimum(t, last), series.t, log_c) - np.interp(min(anchor, last), series.t, log_c)
    return shape.astype(t.dtype, copy=False), np.maximum(t, last) - max(anchor, last)


def link_logs(p: dict, shapes: dict, t: np.ndarray, anchor: float) -> dict[str, np.ndarray]:
    """ln(H100e a year) each modelled link allows at times t (a zero level = the link is not modelled: left out)."""
    units = unit_logs(p)
    out = {}
    for name, (level, growth, efficiency) in LINK_FIELDS.items():
        lv = real(p[level])
        if np.all(lv <= 0):
            continue
        shape, years = shapes[name]
        with np.errstate(divide="ignore"):
            out[name] = (np.log(lv) + units[name] + shape + np.log(p[growth]) * years
                         + np.log(p[efficiency]) * (t - anchor))
    return out


def link_capacities(p: dict, shapes: dict, t: np.ndarray, anchor: float) -> dict[str, np.ndarray]:
    """H100e a year each modelled link allows at times t."""
    return {name: np.exp(value) for name, value in link_logs(p, shapes, t, anchor).items()}


def chain_log_cap(p: dict, shapes: dict, t: np.ndarray, anchor: float, order: str = "C") -> np.ndarray | None:
    """ln of the weakest link's H100e a year at times t (min over the modelled links); None when none is.

    Built in place: links sharing an efficiency growth take their min first and add it once (min(a + e,
    b + e) = min(a, b) + e), so a 10,000-sample run makes about three (S, T) passes per link."""
    units = unit_logs(p)
    groups: dict[str, np.ndarray] = {}
    for name, (level, growth, efficiency) in LINK_FIELDS.items():
        lv = real(p[level])
        if np.all(lv <= 0):
            continue
        shape, years = shapes[name]
        with np.errstate(divide="ignore"):
            base = np.where(lv > 0, np.log(np.maximum(lv, 1e-300)), np.inf) + units[name]
        step = _add(_add(np.multiply(np.log(p[growth]), years, order=order), shape), base)
        groups[efficiency] = step if efficiency not in groups else _min(groups[efficiency], step)
    cap = None
    for efficiency, part in groups.items():
        part = _add(part, np.multiply(np.log(p[efficiency]), t - anchor, order=order))
        cap = part if cap is None else _min(cap, part)
    return cap


def _add(a, b):
    """a + b, in place when a already has the broadcast shape."""
    if a.shape == np.broadcast_shapes(a.shape, np.shape(b)):
        return np.add(a, b, out=a)
    return a + b


def _min(a, b):
    if a.shape == np.broadcast_shapes(a.shape, np.shape(b)):
        return np.minimum(a, b, out=a)
    return np.minimum(a, b)


def shipments_path(t: np.ndarray, hist_years: np.ndarray, hist_h100e: np.ndarray, base_year: int,
                   base_h100e, growth, *, log_cap=None, order: str = "C", dt: float | None = None) -> np.ndarray:
    """Shipment rate (H100e/year) on the steps starting at times t.

    - The chip-sales history for its years up to base_year (each year's months carry its annual total);
    - before the first year of data, a back-cast from it at BACKCAST_GROWTH (a fixed, sourced rate: the past
      does not depend on the scenario's future growth);
    - after base_year, base × growth^(τ − (base_year + ½)) at each step's mid-point τ (an annual total is
      the rate at mid-year), capped by `log_cap` (natural log, given for the steps from base_year + 1 on).
    `base_h100e` may differ from the history's base-year value (a user override or a Monte Carlo draw); the
    history is then scaled by the same factor. order="F" lays the (S, T) result out time-major in memory."""
    dt = (t[1] - t[0]) if dt is None and len(t) > 1 else (dt or 1.0)
    hist_value = _history_at(hist_years, hist_h100e, base_year)
    scale = base_h100e / hist_value if np.isfinite(hist_value) and hist_value > 0 else 1.0
    hist = _history_rates(t, hist_years, hist_h100e, base_year)
    h = 0 if hist is None else int(np.flatnonzero(hist[0])[-1]) + 1  # the history is a prefix of the grid
    first = projection_start(t, base_year)
    shape = np.broadcast_shapes(np.shape(growth), np.shape(base_h100e), np.shape(scale),
                                () if log_cap is None else np.shape(log_cap)[:-1] + (1,), (1,))[:-1] + t.shape
    rate = np.empty(shape, dtype=np.result_type(t, growth), order=order)
    trend = np.multiply(np.log(growth), t[h:] + dt / 2 - (base_year + 0.5), order=order)  # where no history is
    trend = trend + np.log(base_h100e) if trend.shape != np.broadcast_shapes(trend.shape, np.shape(base_h100e)) \
        else np.add(trend, np.log(base_h100e), out=trend)
    if log_cap is not None:  # the history (years up to base_year) is never capped
        trend = _full(trend, np.shape(log_cap)[:-1] + trend.shape[-1:])
        np.minimum(trend[..., first - h:], log_cap, out=trend[..., first - h:])
    np.exp(trend, out=rate[..., h:])
    if h:  # computed as the product's own type (double for the history), rounded into rate in its layout
        np.multiply(hist[1], np.asarray(scale), out=rate[..., :h])
    return rate


def _history_rates(t: np.ndarray, hist_years: np.ndarray, hist_h100e: np.ndarray, base_year: int):
    """(mask of the steps before base_year + 1 that the data or its back-cast cover, their rates)."""
    keep = hist_years <= base_year
    years, values = hist_years[keep], hist_h100e[keep]
    if not len(years):
        return None
    year_of = np.floor(t + 1e-9).astype(int)
    use = year_of <= min(int(years[-1]), base_year)
    if not use.any():
        return None
    first, first_value = int(years[0]), float(values[0])
    wanted = year_of[use]
    pos = np.clip(np.searchsorted(years, wanted), 0, len(years) - 1)
    rates = np.where(years[pos] == wanted, values[pos], np.nan)
    before = wanted < first
    rates[before] = first_value * BACKCAST_GROWTH ** (wanted[before] - first).astype(float)
    missing = np.isnan(rates)  # a gap year inside the data: log-linear between its neighbours
    if missing.any():
        rates[missing] = np.exp(np.interp(wanted[missing], years, np.log(values)))
    return use, rates


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

    rate is H100e/year on the steps [t_j, t_j + dt) of a regular grid; the stock at t_j counts the steps that
    ended by t_j (a step's shipments are in the stock at its end, never at its start); the lifetime may differ per sample (shape
    (S, 1)) and is rounded to whole grid steps. Only the columns `cols` of the result are computed.

    Stock at step j is cum[j] − cum[j − L]: the cumulative sum is padded with L_max leading zeros (a
    window reaching before the grid counts from its start) and each sample's lagged columns are one
    contiguous run, copied row by row through a sliding-window view instead of an element-wise gather.
    A time-major (Fortran-ordered) rate of many samples takes `_stock_time_major`: same sums, ~3x faster."""
    rate = np.atleast_2d(rate)
    rows, count = rate.shape
    steps = np.rint(np.broadcast_to(real(lifetime_years) / dt, (rows, 1))).astype(np.int64)
    pad = max(int(steps.max()), 0)
    idx = np.arange(count)[cols]  # the stock at t_j sums the steps before j
    if len(idx) == 0:
        return np.zeros((rows, 0))
    lag_start = pad + idx[0] - steps[:, 0]
    contiguous = len(idx) == 1 or bool(np.all(np.diff(idx) == 1))
    if contiguous and rows > 1 and rate.flags.f_contiguous and bool(np.all(np.diff(lag_start) <= 0)):
        return _stock_time_major(rate, dt, pad, idx, lag_start)
    cum = np.zeros((rows, pad + count + 1), dtype=rate.dtype)
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
    cum = np.zeros((rows, pad + count + 1), dtype=rate.dtype, order="F")
    np.copyto(cum[:, pad + 1], rate[:, 0])
    for j in range(1, count):
        np.add(cum[:, pad + j], rate[:, j], out=cum[:, pad + j + 1])
    width = len(idx)
    lagged = np.empty((rows, width), dtype=rate.dtype, order="F")
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
