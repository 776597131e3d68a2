"""`ForecastInputs`: the numbers the engine needs from the database, built once from the marts' DataFrames.

Pages build it once per database (cache it) and reuse it on every slider move; fitted trends are cached
inside it by (population, since, until).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from models.trends import TrendFit, fit_models

MODEL_COLUMNS = ("year", "training_compute_flop", "parameters", "notable", "frontier", "domain")
SHIPMENT_COLUMNS = ("year", "h100e_median")
CLAIM_COLUMNS = ("claim_id", "quantity", "growth_per_year", "source_id")


class InputsError(ValueError):
    """A DataFrame handed to the engine lacks a column or holds a value of the wrong kind."""


@dataclass(frozen=True)
class Claim:
    """One row of the trend_claims table: a published growth rate and where it comes from."""

    claim_id: str
    quantity: str
    growth_per_year: float  # x/year
    source_id: str
    label: str = ""
    label_zh: str = ""


@dataclass(frozen=True, eq=False)
class ForecastInputs:
    models: pd.DataFrame  # mart_models rows (year as decimal year)
    shipment_years: np.ndarray  # int years with chip-sales data
    shipment_h100e: np.ndarray  # H100e shipped per year, all vendors (median)
    shipment_h100e_p5: np.ndarray
    shipment_h100e_p95: np.ndarray
    claims: dict[str, Claim] = field(default_factory=dict)  # claim_id → Claim; empty without a claims table
    claims_loaded: bool = False  # a trend_claims table was given (even if empty)
    _fits: dict = field(default_factory=dict, repr=False)
    accelerators: pd.DataFrame | None = None  # the accelerators table: prices for the money constraint

    def compute_fit(self, population: str, since: float | None, until: float | None) -> TrendFit:
        """Point fit of training compute (no bootstrap), cached."""
        key = (population, since, until)
        if key not in self._fits:
            self._fits[key] = fit_models(self.models, population=population, since=since, until=until, bootstrap=0)
        return self._fits[key]

    def record_flop(self, until_year: int) -> float:
        """Largest training compute published before the end of `until_year` (NaN when none)."""
        m = self.models
        values = m["training_compute_flop"].to_numpy(dtype=float)[m["year"].to_numpy(dtype=float) < until_year + 1]
        values = values[np.isfinite(values)]
        return float(values.max()) if len(values) else float("nan")

    def record_parameters(self, until_year: int) -> float:
        m = self.models
        values = m["parameters"].to_numpy(dtype=float)[m["year"].to_numpy(dtype=float) < until_year + 1]
        values = values[np.isfinite(values)]
        return float(values.max()) if len(values) else float("nan")


def _require(frame: pd.DataFrame, columns, name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputsError(f"{name}: missing column(s) {', '.join(missing)}; expected {', '.join(columns)}")


def build_inputs(models: pd.DataFrame, shipments_annual: pd.DataFrame,
                 trend_claims: pd.DataFrame | None = None, accelerators: pd.DataFrame | None = None) -> ForecastInputs:
    """From Store.models(), Store.shipments_annual() and Store.trend_claims(): the engine's inputs (pure;
    copies what it keeps). Without `trend_claims` the claim-driven demand uses the built-in fallback rates."""
    _require(models, MODEL_COLUMNS, "models")
    _require(shipments_annual, SHIPMENT_COLUMNS, "shipments_annual")
    kept = models.loc[:, list(MODEL_COLUMNS)].copy()
    for column in ("year", "training_compute_flop", "parameters"):
        kept[column] = pd.to_numeric(kept[column], errors="coerce").astype(float)
    for column in ("notable", "frontier"):
        kept[column] = kept[column].fillna(False).astype(bool)
    totals = _annual_totals(shipments_annual)
    return ForecastInputs(
        models=kept,
        shipment_years=totals.index.to_numpy(dtype=int),
        shipment_h100e=totals["h100e_median"].to_numpy(dtype=float),
        shipment_h100e_p5=totals["h100e_p5"].to_numpy(dtype=float),
        shipment_h100e_p95=totals["h100e_p95"].to_numpy(dtype=float),
        claims=read_claims(trend_claims) if trend_claims is not None else {},
        claims_loaded=trend_claims is not None,
        accelerators=None if accelerators is None else accelerators.copy(),
    )


def read_claims(frame: pd.DataFrame) -> dict[str, Claim]:
    """trend_claims rows as Claims by claim_id; InputsError names the row and field of a bad value."""
    _require(frame, CLAIM_COLUMNS, "trend_claims")
    claims: dict[str, Claim] = {}
    for row, record in enumerate(frame.to_dict("records")):
        claim_id = _text(record["claim_id"])
        where = f"trend_claims row {row} (claim_id {claim_id!r})"
        if not claim_id:
            raise InputsError(f"trend_claims row {row}: claim_id is empty; expected a slug")
        if claim_id in claims:
            raise InputsError(f"{where}: claim_id repeats an earlier row; expected unique ids")
        growth = pd.to_numeric(pd.Series([record["growth_per_year"]]), errors="coerce").iloc[0]
        if not (np.isfinite(growth) and growth > 0):
            raise InputsError(f"{where}: growth_per_year {record['growth_per_year']!r}; expected a number above 0 "
                              "(x per year)")
        claims[claim_id] = Claim(claim_id, _text(record["quantity"]), float(growth), _text(record["source_id"]),
                                 _text(record.get("label")), _text(record.get("label_zh")))
    return claims


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA else str(value)


def _annual_totals(shipments: pd.DataFrame) -> pd.DataFrame:
    frame = shipments.copy()
    for column in ("h100e_median", "h100e_p5", "h100e_p95"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce") if column in frame else np.nan
    frame["h100e_p5"] = frame["h100e_p5"].fillna(frame["h100e_median"])
    frame["h100e_p95"] = frame["h100e_p95"].fillna(frame["h100e_median"])
    years = pd.to_numeric(frame["year"], errors="coerce")
    if years.isna().any():
        row = int(np.flatnonzero(years.isna().to_numpy())[0])
        raise InputsError(f"shipments_annual row {row}: year {frame['year'].iloc[row]!r} is not a number")
    frame["year"] = years.astype(int)
    frame = frame.dropna(subset=["h100e_median"])
    if "vendor" in frame:  # a vendor total ("all") counts only in years without per-vendor rows
        is_total = frame["vendor"].astype(str).str.lower().eq("all")
        years_with_vendors = set(frame.loc[~is_total, "year"])
        frame = frame[~is_total | ~frame["year"].isin(years_with_vendors)]
    return frame.groupby("year")[["h100e_median", "h100e_p5", "h100e_p95"]].sum().sort_index()


def inputs_from_store(store) -> ForecastInputs:
    """build_inputs over an etl.read.Store (or anything with the same named queries); a database built
    before the trend_claims table existed falls back to the built-in claim rates."""
    claims = None
    if hasattr(store, "trend_claims"):
        names = store.table_names() if hasattr(store, "table_names") else ["stg_trend_claims"]
        if "stg_trend_claims" in names:
            claims = store.trend_claims()
    accelerators = store.accelerators() if hasattr(store, "accelerators") else None
    return build_inputs(store.models(), store.shipments_annual(), claims, accelerators)
