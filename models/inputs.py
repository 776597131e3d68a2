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
# foundry_capacity nodes read for each supply-chain link; TSMC's logic and CoWoS rows are year-end
# capacities (a year's output is the mean of its start and end), the HBM rows are yearly averages
LINK_NODES = {"logic": ("N5", "N3"), "cowos": ("CoWoS",), "hbm": ("HBM",)}
YEAR_AVERAGE_NODES = frozenset({"HBM"})
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
    # per-vendor shipments (year, vendor, h100e_median, full_year): the supply trend is fitted on the
    # vendors covered in every year of its window, so a vendor entering the data is not read as growth
    shipment_vendors: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["year", "vendor", "h100e_median", "full_year"]))
    shipment_chips: np.ndarray = field(default_factory=lambda: np.array([]))  # chips shipped per year (NaN = unknown)
    capacity: dict = field(default_factory=dict)  # link → LinkSeries (from foundry_capacity)
    clusters: pd.DataFrame | None = None  # (decimal year, h100e, name, source_id) of AI sites; None = no table
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


@dataclass(frozen=True)
class LinkSeries:
    """One supply-chain link's physical capacity from the foundry_capacity table: units per month as
    yearly averages placed at mid-year (t = year + 0.5), central and 80% band, and where they come from."""

    t: np.ndarray
    central: np.ndarray
    low: np.ndarray
    high: np.ndarray
    unit: str
    source_ids: tuple[str, ...]

    def at(self, year: float) -> float:
        """Units per month at time `year`, interpolated in log space, held flat outside the data."""
        return float(np.exp(np.interp(year, self.t, np.log(self.central))))


def cached_on(inputs, key: tuple, compute):
    """compute(), kept in the inputs' cache (`ForecastInputs._fits`) under `key`: what depends only on the
    tables, computed once per inputs object (inputs without such a cache: computed each time)."""
    cache = getattr(inputs, "_fits", None)
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def _require(frame: pd.DataFrame, columns, name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputsError(f"{name}: missing column(s) {', '.join(missing)}; expected {', '.join(columns)}")


def build_inputs(models: pd.DataFrame, shipments_annual: pd.DataFrame,
                 trend_claims: pd.DataFrame | None = None, foundry_capacity: pd.DataFrame | None = None,
                 clusters: pd.DataFrame | None = None, accelerators: pd.DataFrame | None = None) -> ForecastInputs:
    """From Store.models(), Store.shipments_annual(), Store.trend_claims(), Store.foundry_capacity(),
    Store.clusters() and Store.accelerators(): the engine's inputs (pure; copies what it keeps). Without
    `trend_claims` the claim-driven demand uses the built-in fallback rates; without `foundry_capacity` each
    link starts from its scenario field; without `clusters` the site cap starts from a short built-in list
    (models.allocation); without `accelerators` the money constraint prices a built-in chip."""
    _require(models, MODEL_COLUMNS, "models")
    _require(shipments_annual, SHIPMENT_COLUMNS, "shipments_annual")
    kept = models.loc[:, list(MODEL_COLUMNS) + (["name"] if "name" in models else [])].copy()
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
        shipment_vendors=_vendor_rows(shipments_annual),
        shipment_chips=_chips_per_year(shipments_annual, totals.index.to_numpy(dtype=int)),
        capacity=read_capacity(foundry_capacity) if foundry_capacity is not None else {},
        clusters=read_clusters(clusters) if clusters is not None else None,
        accelerators=None if accelerators is None else accelerators.copy(),
    )


def _vendor_rows(shipments: pd.DataFrame) -> pd.DataFrame:
    """Per-vendor annual H100e (the 'all' totals left out); full_year False for a partial year of data."""
    frame = shipments.copy()
    frame["h100e_median"] = pd.to_numeric(frame["h100e_median"], errors="coerce")
    frame["year"] = pd.to_numeric(frame["year"], errors="coerce")
    frame = frame.dropna(subset=["year", "h100e_median"])
    vendor = frame["vendor"].astype(str) if "vendor" in frame else pd.Series("all", index=frame.index)
    basis = frame["basis"].astype(str) if "basis" in frame else pd.Series("", index=frame.index)
    out = pd.DataFrame({"year": frame["year"].astype(int), "vendor": vendor,
                        "h100e_median": frame["h100e_median"].astype(float),
                        "full_year": ~basis.str.startswith("partial")})
    return out.reset_index(drop=True)


def _chips_per_year(shipments: pd.DataFrame, years: np.ndarray) -> np.ndarray:
    """Chips (units) shipped per year over the rows that carry H100e, NaN where a row lacks units."""
    if "units_median" not in shipments:
        return np.full(len(years), np.nan)
    frame = shipments.copy()
    frame["h100e_median"] = pd.to_numeric(frame["h100e_median"], errors="coerce")
    frame["units_median"] = pd.to_numeric(frame["units_median"], errors="coerce")
    frame["year"] = pd.to_numeric(frame["year"], errors="coerce")
    frame = frame.dropna(subset=["year", "h100e_median"])
    if "vendor" in frame:
        is_total = frame["vendor"].astype(str).str.lower().eq("all")
        frame = frame[~is_total | ~frame["year"].isin(set(frame.loc[~is_total, "year"]))]
    sums = frame.groupby(frame["year"].astype(int))["units_median"].agg(lambda v: v.sum() if v.notna().all()
                                                                         else np.nan)
    return np.array([float(sums.get(int(y), np.nan)) for y in years])


def read_capacity(frame: pd.DataFrame) -> dict[str, LinkSeries]:
    """foundry_capacity rows as one LinkSeries per link (LINK_NODES): the nodes of a link summed per year,
    year-end capacities turned into yearly averages (mean of the previous and this year's end)."""
    _require(frame, ("year", "node", "capacity_central"), "foundry_capacity")
    out: dict[str, LinkSeries] = {}
    rows = frame.copy()
    for column in ("capacity_low", "capacity_central", "capacity_high"):
        rows[column] = pd.to_numeric(rows[column], errors="coerce") if column in rows else np.nan
    rows["capacity_low"] = rows["capacity_low"].fillna(rows["capacity_central"])
    rows["capacity_high"] = rows["capacity_high"].fillna(rows["capacity_central"])
    rows["year"] = pd.to_numeric(rows["year"], errors="coerce")
    rows = rows.dropna(subset=["year", "capacity_central"])
    for link, nodes in LINK_NODES.items():
        part = rows[rows["node"].isin(nodes)]
        if part.empty:
            continue
        first = nodes[0]  # the years of the link are the years of its main node
        years = sorted(set(part.loc[part["node"] == first, "year"].astype(int)))
        table = part.groupby(part["year"].astype(int))[["capacity_low", "capacity_central", "capacity_high"]].sum()
        table = table.loc[[y for y in years if y in table.index]]
        if first not in YEAR_AVERAGE_NODES:  # year-end → yearly mean; the first year has no start value
            table = ((table + table.shift(1)) / 2).dropna()
        table = table[table["capacity_central"] > 0]
        if table.empty:
            continue
        unit = str(part["unit"].iloc[0]) if "unit" in part else ""
        ids = tuple(dict.fromkeys(part["source_id"].astype(str))) if "source_id" in part else ()
        out[link] = LinkSeries(table.index.to_numpy(dtype=float) + 0.5, table["capacity_central"].to_numpy(float),
                               table["capacity_low"].to_numpy(float), table["capacity_high"].to_numpy(float),
                               unit, ids)
    return out


def read_clusters(frame: pd.DataFrame) -> pd.DataFrame:
    """clusters rows with an H100e figure, dated (decimal year), not speculative: (t, h100e, name, source_id,
    power_mw), oldest first."""
    _require(frame, ("date", "h100e"), "clusters")
    rows = frame.copy()
    rows["h100e"] = pd.to_numeric(rows["h100e"], errors="coerce")
    dates = pd.to_datetime(rows["date"], errors="coerce")
    rows["t"] = dates.dt.year + (dates.dt.day_of_year - 1) / 365.25
    if "confidence" in rows:
        rows = rows[rows["confidence"].astype(str).str.lower() != "speculative"]
    if "status" in rows:  # a planned site is not yet a place where a run can happen
        rows = rows[rows["status"].astype(str).str.lower() != "planned"]
    rows = rows.dropna(subset=["t", "h100e"])
    rows = rows[rows["h100e"] > 0]
    names = rows["name"].astype(str) if "name" in rows else pd.Series("", index=rows.index)
    ids = rows["source_id"].astype(str) if "source_id" in rows else pd.Series("", index=rows.index)
    power = pd.to_numeric(rows["power_mw"], errors="coerce") if "power_mw" in rows else np.nan
    out = pd.DataFrame({"t": rows["t"].astype(float), "h100e": rows["h100e"].astype(float), "name": names,
                        "source_id": ids, "power_mw": power})
    return out.sort_values("t", kind="stable").reset_index(drop=True)


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
    claims = capacity = clusters = None
    names = store.table_names() if hasattr(store, "table_names") else ["stg_trend_claims", "foundry_capacity"]
    if hasattr(store, "trend_claims") and "stg_trend_claims" in names:
        claims = store.trend_claims()
    if hasattr(store, "foundry_capacity") and "foundry_capacity" in names:
        capacity = store.foundry_capacity()
    if hasattr(store, "clusters") and "stg_clusters" in names:
        clusters = store.clusters()
    accelerators = store.accelerators() if hasattr(store, "accelerators") else None
    return build_inputs(store.models(), store.shipments_annual(), claims, capacity, clusters, accelerators)
