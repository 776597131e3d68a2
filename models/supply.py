"""Supply: shipments (history, then projection), the weakest-link cap, installed stock, allocation to a run.

Functions broadcast over a leading sample axis: parameters are floats or arrays of shape (S, 1), times
have shape (T,), results (S, T). The deterministic forecast is the case S = 1.
"""

from __future__ import annotations

import functools
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


def chain_cap(p: dict, t: np.ndarray, base_year: float) -> np.ndarray:
    """The weakest link's H100e per year (min over links, taken in log space: one exp per value)."""
    dt = t - base_year
    # an unmodelled link (ln 0 = -inf) becomes +inf on the small (S, 1) array, never on (S, T)
    logs = [np.where(np.isneginf(lb), np.inf, lb) + lg * dt for lb, lg in _link_logs(p).values()]
    return np.exp(functools.reduce(np.minimum, logs))


def shipments_path(t: np.ndarray, hist_years: np.ndarray, hist_h100e: np.ndarray, base_year: int,
                   base_h100e, growth, cap=None) -> np.ndarray:
    """Shipment rate (H100e/year) at times t: the chip-sales history for its years up to base_year,
    a back-cast at the same growth before it (so early stock is not undercounted), and the projection
    base × growth^(t − base_year) after base_year, capped by `cap` (given for t[projection_start:]).
    `base_h100e` may differ from the history's base-year value (a user override or a Monte Carlo draw);
    the history is then scaled by the same factor."""
    hist_value = _history_at(hist_years, hist_h100e, base_year)
    scale = base_h100e / hist_value if np.isfinite(hist_value) and hist_value > 0 else 1.0
    trend = base_h100e * np.exp(np.log(growth) * (t - base_year))
    year_of_t = np.floor(t).astype(int)
    use_hist = np.isin(year_of_t, hist_years[hist_years <= base_year])
    lookup = dict(zip(hist_years.tolist(), hist_h100e.tolist(), strict=True))
    hist_rate = np.array([lookup.get(y, np.nan) for y in year_of_t])
    rate = np.where(use_hist, hist_rate * scale, trend)
    if cap is not None:  # cap holds the projected columns only: t >= base_year + 1
        first = projection_start(t, base_year)
        rate = np.array(np.broadcast_to(rate, np.broadcast_shapes(rate.shape, cap.shape[:-1] + t.shape)))
        rate[..., first:] = np.minimum(rate[..., first:], cap)
    return rate


def projection_start(t: np.ndarray, base_year: float) -> int:
    """Index of the first grid time after the base year's history (t >= base_year + 1)."""
    return int(np.searchsorted(t, base_year + 1 - 1e-9))


def _history_at(hist_years, hist_h100e, year) -> float:
    hit = np.flatnonzero(hist_years == year)
    return float(hist_h100e[hit[0]]) if len(hit) else math.nan


def installed_stock(rate: np.ndarray, dt: float, lifetime_years, cols: slice = slice(None)) -> np.ndarray:
    """Stock = shipments over the last `lifetime_years` (a moving window over the last axis).

    rate is H100e/year on a regular grid of step dt years; the lifetime may differ per sample (shape
    (S, 1)) and is rounded to whole grid steps. Only the columns `cols` of the result are computed."""
    rate = np.atleast_2d(rate)
    rows, count = rate.shape
    cum = np.zeros((rows, count + 1))
    np.cumsum(rate * dt, axis=1, out=cum[:, 1:])
    steps = np.rint(np.broadcast_to(np.asarray(lifetime_years, dtype=float) / dt, (rows, 1))).astype(np.int64)
    idx = np.arange(1, count + 1)[cols]
    lagged = np.maximum(idx[None, :] - steps, 0)  # the window starts at the grid's first step at the earliest
    flat = lagged + (np.arange(rows) * (count + 1))[:, None]
    return cum[:, idx] - np.take(cum, flat)


def available_flop(stock_h100e, utilisation, share, seconds):
    """FLOP the largest run can use: stock × 989e12 FLOP/s × utilisation × share × run length (s)."""
    return stock_h100e * (H100_FLOPS * np.asarray(utilisation) * share * seconds)
