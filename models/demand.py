"""Demand: the compute of the largest training run started at time t, and optional wider scopes.

Trend-driven (fitted or set growth), claim-driven (a published rate), or parameter-driven
(C = 6·N·D with D = r·N, so compute grows as the square of parameter growth).
"""

from __future__ import annotations

import numpy as np

from models.arrays import real

FLOP_PER_PARAM_TOKEN = 6.0  # 2 forward + 4 backward (Kaplan et al. 2020)
PARAMETER_WARNING_RATIO = 2.0  # warn when parameter-driven growth is over 2x the fitted compute growth


def training_flop(parameters, tokens):
    """C = 6·N·D."""
    return FLOP_PER_PARAM_TOKEN * parameters * tokens


def compute_growth_from_parameters(param_growth):
    """Compute growth per year when tokens grow in step with parameters (D = r·N ⇒ C ∝ N²)."""
    return np.asarray(param_growth) ** 2


def parameter_driven_base(parameters, tokens_per_param):
    """Compute of a run with N parameters trained on r·N tokens."""
    return training_flop(parameters, tokens_per_param * parameters)


def scope_multiplier(scope: str, frontier_labs, experiment_overhead, inference_ratio):
    """From the largest run to all frontier-lab training (× labs × overhead) or all AI compute (× (1 + inference))."""
    if scope == "largest_run":
        return 1.0
    labs = np.asarray(frontier_labs) * experiment_overhead
    if scope == "frontier_labs":
        return labs
    return labs * (1.0 + np.asarray(inference_ratio))


def demand_path(t: np.ndarray, base_year: float, base_flop, growth, multiplier=1.0, order: str = "C") -> np.ndarray:
    """base × growth^(t − base_year) × multiplier, broadcasting over samples (order="F": the same values laid
    out time-major, computed in place: one (S, T) array instead of three)."""
    path = np.multiply(np.log(growth), t - base_year, order=order)
    if np.ndim(path) == 0:  # one time, one value: nothing to lay out
        return (base_flop * multiplier) * np.exp(path)
    np.exp(path, out=path)
    return np.multiply(base_flop * multiplier, path, out=path)


def parameter_growth_warning(implied_growth: float, fitted_growth: float) -> bool:
    return implied_growth > PARAMETER_WARNING_RATIO * fitted_growth


def algorithmic_gain_per_year(halving_months):
    """Effective compute per physical FLOP gained each year when the compute needed halves every
    `halving_months` months (8 months → 2.83x a year)."""
    return np.exp(np.log(2.0) * 12.0 / real(halving_months))


def physical_growth(effective_growth, halving_months):
    """Growth of the physical compute a run needs when its effective compute grows at `effective_growth`."""
    return effective_growth / algorithmic_gain_per_year(halving_months)
