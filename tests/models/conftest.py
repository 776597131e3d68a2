"""Synthetic engine inputs with round numbers, so expected results can be worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.inputs import build_inputs


def synthetic_models(start=2010, end=2025, growth=4.0, base_flop=1e20, per_year=4, seed=0) -> pd.DataFrame:
    """Models whose compute follows base·growth^(year−start) with ±0.1 OOM noise; the last is 2025.5."""
    rng = np.random.default_rng(seed)
    years = np.repeat(np.arange(start, end + 1), per_year) + np.tile(np.linspace(0.05, 0.95, per_year), end - start + 1)
    flop = base_flop * growth ** (years - start) * 10 ** rng.uniform(-0.1, 0.1, len(years))
    return pd.DataFrame({
        "name": [f"m{i}" for i in range(len(years))], "year": years, "training_compute_flop": flop,
        "parameters": flop ** 0.5, "notable": True, "frontier": False,
        "domain": [["Language"] if i % 2 else ["Vision"] for i in range(len(years))],
    })


def flat_shipments(value=1e6, first=2010, last=2025) -> pd.DataFrame:
    years = np.arange(first, last + 1)
    return pd.DataFrame({"vendor": "NVIDIA", "year": years, "h100e_median": value, "h100e_p5": value * 0.8,
                         "h100e_p95": value * 1.2})


@pytest.fixture(scope="session")
def inputs():
    shipments = pd.DataFrame({"vendor": "NVIDIA", "year": [2022, 2023, 2024, 2025],
                              "h100e_median": [1e6, 2e6, 4e6, 8e6], "h100e_p5": [1e6, 2e6, 4e6, 8e6],
                              "h100e_p95": [1e6, 2e6, 4e6, 8e6]})
    return build_inputs(synthetic_models(), shipments)


@pytest.fixture(scope="session")
def flat_inputs():
    return build_inputs(synthetic_models(), flat_shipments())
