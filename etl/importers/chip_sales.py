"""Epoch AI chip-sales exports (github.com/epoch-research/ai-chip-counts, csv_export/).

Two kinds of file, told apart by their columns:
- per quarter and chip (`Chip type` column): one shipments row per chip and calendar quarter;
- cumulative totals (no `Chip type`; every row starts on the same date): converted to per-quarter
  increments of the vendor total (chip `all`), because the marts sum quarters. The median
  increment is the difference of successive medians; the 5th/95th percentile columns are
  differenced the same way and widened to contain the median, which only approximates the band of
  an increment (a note says so).
Sibling files order and name their columns differently (Trainium: `Number of Units` before the
percentiles, `H100e (5th percentile)` without "Compute estimate in"); columns are matched by name.
Dates are US M/D/YYYY.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from etl.importers.base import (
    SHIPMENT_COLUMNS,
    Column,
    Format,
    ImportRefused,
    Note,
    Parsed,
    RejectedRow,
    Table,
)
from etl.importers.parse import RowProblem, is_missing, parse_date, parse_nonnegative
from etl.importers.rows import collect

VENDORS = {"nvidia": "NVIDIA", "amd": "AMD", "google": "Google", "amazon": "AWS", "aws": "AWS",
           "amazon aws": "AWS", "intel": "Intel", "huawei": "Huawei"}
VALUE_KEYS = ("units_p5", "units_median", "units_p95", "h100e_p5", "h100e_median", "h100e_p95")

COLUMNS = (
    Column("vendor", ("Chip manufacturer", "Manufacturer", "Vendor")),
    Column("start", ("Start date",)),
    Column("end", ("End date",)),
    Column("h100e_median", ("Compute estimate in H100e (median)", "H100e (median)")),
    Column("units_median", ("Number of units (median)", "Number of Units")),
    Column("h100e_p5", ("Compute estimate in H100e (5th percentile)", "H100e (5th percentile)"), required=False),
    Column("h100e_p95", ("Compute estimate in H100e (95th percentile)", "H100e (95th percentile)"), required=False),
    Column("units_p5", ("Number of units (5th percentile)",), required=False),
    Column("units_p95", ("Number of units (95th percentile)",), required=False),
    Column("name", ("Name",), required=False),
    Column("notes", ("Notes",), required=False),
)


def contract_vendor(text: str) -> str:
    return VENDORS.get(text.strip().lower(), text.strip())


def months_spanned(start: date, end: date) -> int:
    after_end = end + timedelta(days=1)
    return (after_end.year - start.year) * 12 + after_end.month - start.month


def granularity(start: date, end: date, table: Table) -> str:
    months = months_spanned(start, end)
    if start.day == 1 and (end + timedelta(days=1)).day == 1 and months in (3, 12):
        return "quarter" if months == 3 else "year"
    raise RowProblem("not_a_period", field=f"{table.header('start')}/{table.header('end')}",
                     start=start.isoformat(), end=end.isoformat())


def _values(table: Table, record: dict) -> dict:
    values = {key: parse_nonnegative(table.cell(record, key), table.header(key)) for key in VALUE_KEYS}
    if values["h100e_median"] is None and values["units_median"] is None:
        raise RowProblem("no_values", field=f"{table.header('h100e_median')}, {table.header('units_median')}")
    return values


def _period(table: Table, record: dict) -> tuple[date, date]:
    dates = []
    for key in ("start", "end"):
        value = parse_date(table.cell(record, key), table.header(key), day_first=False)
        if value is None:
            raise RowProblem("no_date", field=table.header(key))
        dates.append(value)
    return dates[0], dates[1]


def _vendor(table: Table, record: dict) -> str:
    vendor = table.cell(record, "vendor")
    if is_missing(vendor):
        raise RowProblem("blank_vendor", field=table.header("vendor"))
    return contract_vendor(vendor)


def _chip(table: Table, record: dict) -> str:
    chip = table.cell(record, "chip")
    if is_missing(chip):  # fall back on the Name ("Q1 2024 - Trainium1")
        chip = (table.cell(record, "name") or "").rpartition(" - ")[2]
    if is_missing(chip):
        raise RowProblem("blank_chip", field=table.header("chip"))
    return chip.strip()


def _notes(table: Table, record: dict) -> str | None:
    notes = table.cell(record, "notes")
    return None if is_missing(notes) else notes.strip()


def _quarter_row(table: Table, record: dict) -> dict:
    start, end = _period(table, record)
    return dict(
        vendor=_vendor(table, record), chip=_chip(table, record), period_start=start, period_end=end,
        granularity=granularity(start, end, table), **_values(table, record),
        confidence="estimate", source_id="epoch-chip-sales", notes=_notes(table, record),
    )


def parse_by_quarter(table: Table) -> Parsed:
    return collect(table, lambda record: _quarter_row(table, record), SHIPMENT_COLUMNS)


def _known(value: float | None) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _increment(current: dict, previous: dict | None) -> dict:
    """Per-quarter values from two successive cumulative rows (the first row is its own increment)."""
    if previous is None:
        return {key: _known(current[key]) for key in VALUE_KEYS}
    delta = {}
    for key in VALUE_KEYS:
        now, before = _known(current[key]), _known(previous[key])
        delta[key] = None if now is None or before is None else now - before
    for kind in ("units", "h100e"):
        median = delta[f"{kind}_median"]
        if median is None:
            continue
        if median < 0:
            raise RowProblem("cumulative_decrease", field=kind, before=f"{previous[kind + '_median']:,.0f}",
                             after=f"{current[kind + '_median']:,.0f}")
        low, high = delta[f"{kind}_p5"], delta[f"{kind}_p95"]
        delta[f"{kind}_p5"] = None if low is None else max(0.0, min(low, median))
        delta[f"{kind}_p95"] = None if high is None else max(high, median)
    return delta


def parse_cumulative(table: Table) -> Parsed:
    """Cumulative vendor totals → per-quarter increments, vendor by vendor in date order."""
    readable = collect(table, lambda record: _cumulative_row(table, record), (*SHIPMENT_COLUMNS, "cum_start"))
    rejected = list(readable.rejected)
    kept: list[dict] = []
    for _vendor_name, rows in readable.frame.groupby("vendor", sort=False):
        starts = set(rows["cum_start"])
        if len(starts) > 1:
            raise_not_cumulative(table, rows)
        previous = None
        for row in sorted(rows.to_dict("records"), key=lambda r: r["period_end"]):
            try:
                period_start = row["cum_start"] if previous is None else previous["period_end"] + timedelta(days=1)
                values = _increment(row, previous)
                row_granularity = granularity(period_start, row["period_end"], table)
            except RowProblem as problem:
                rejected.append(RejectedRow(row["source_row"], problem.code, problem.params))
                continue
            kept.append({**row, **values, "period_start": period_start, "granularity": row_granularity})
            previous = row
    frame = pd.DataFrame(kept, columns=[*SHIPMENT_COLUMNS, "source_row"])
    rejected.sort(key=lambda r: r.row)
    return Parsed(frame=frame, rejected=rejected, notes=[Note("cumulative_converted")])


def raise_not_cumulative(table: Table, rows: pd.DataFrame) -> None:
    raise ImportRefused("not_cumulative", file=table.file_name,
                        starts=", ".join(sorted(start.isoformat() for start in set(rows["cum_start"]))))


def _cumulative_row(table: Table, record: dict) -> dict:
    start, end = _period(table, record)
    return dict(
        vendor=_vendor(table, record), chip="all", period_start=end, period_end=end, cum_start=start,
        granularity=None, **_values(table, record),
        confidence="estimate", source_id="epoch-chip-sales", notes=_notes(table, record),
    )


EPOCH_CHIPS_BY_QUARTER = Format(
    id="epoch_chip_sales_quarterly",
    table="shipments",
    columns=(*COLUMNS, Column("chip", ("Chip type", "Chip"))),
    anchors=("vendor", "start", "end"),
    parse=parse_by_quarter,
)
EPOCH_CHIPS_CUMULATIVE = Format(
    id="epoch_chip_sales_cumulative",
    table="shipments",
    columns=COLUMNS,
    anchors=("vendor", "start", "end"),
    parse=parse_cumulative,
)
