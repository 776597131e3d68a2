"""Column specs and checks for every raw table (docs/CONTRACTS.md §1).

A `TableSpec` lists its columns (kind, unit, range, allowed values), its key and the row checks
that involve several columns. `parse_table()` turns one CSV into typed rows plus a list of
`Problem`s, each naming file, row (as a spreadsheet shows it: the header is row 1), column,
value and what was expected. Nothing here touches DuckDB.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

DATE_MIN, DATE_MAX = date(1950, 1, 1), date(2035, 12, 31)
YEAR_MIN, YEAR_MAX = 1950, 2035
FLOP_MIN, FLOP_MAX = 1e3, 1e31
SHARE_SUM_TOLERANCE = 1e-6  # shares published to 2-3 decimals may add up to 1.0000001 in floating point
DOUBLING_TOLERANCE = 0.02  # doubling_months must match 12·ln2/ln(growth) within 2 %

CONFIDENCE = ("confirmed", "estimate", "speculative")
DOMAINS = ("Language", "Vision", "Multimodal", "Games", "Speech", "Biology", "Robotics", "Recommendation", "Other")
VENDORS = ("NVIDIA", "AMD", "Google", "AWS", "Intel", "Huawei")
MARKETS = (
    "dc_gpu_units", "ai_accelerator_revenue", "installed_ai_compute",
    "cloud_training", "cloud_inference", "desktop_gpu_units",
)
NODES = ("N7", "N5", "N3", "CoWoS", "HBM")
QUANTITIES = (
    "training_compute", "parameters", "hardware_flops", "price_performance", "energy_efficiency",
    "installed_stock", "tokens_per_parameter", "algorithmic_efficiency", "cowos_capacity",
)
EVENT_KINDS = ("launch", "outage", "policy", "rumour", "release", "export_control", "rate_limit")
SITE_STATUS = ("operational", "planned")
OWNER_GROUPS = ("hyperscaler", "china", "other")
CHINA_METRICS = (
    "units_shipped_in_china", "unit_share_in_china", "ascend_production", "ascend_die_bank", "hbm_stockpile",
    "smic_advanced_capacity", "h100e_per_unit", "china_share_of_world_compute",
)
USAGE_METRICS = (
    "weekly_active_users", "monthly_active_users", "daily_messages", "tokens_per_month",
    "api_price_input", "api_price_output", "message_cap",
)

NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
INTEGER_RE = re.compile(r"[+-]?\d+")
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
SLUG_RE = re.compile(r"[a-z0-9]+(?:[-_.][a-z0-9]+)*")
SEED_CLAIM_RE = re.compile(r"S(?:[1-9]|1[0-5])")
URL_RE = re.compile(r"https?://\S+")

DUCKDB_TYPES = {
    "text": "VARCHAR", "enum": "VARCHAR", "number": "DOUBLE", "integer": "INTEGER",
    "date": "DATE", "bool": "BOOLEAN", "list": "VARCHAR[]",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the raw data, printed as one line."""

    file: str
    row: int | str | None  # 1-based spreadsheet row (header = 1); a range like "3, 4, 7"; None for the file
    column: str | None
    value: object
    expected: str

    def __str__(self) -> str:
        several = isinstance(self.row, str) and "," in self.row
        place = [f"{'rows' if several else 'row'} {self.row}"] if self.row is not None else []
        place += [f"column {self.column}"] if self.column is not None else []
        located = f"{self.file}: {', '.join(place)}: " if place else f"{self.file}: "
        shown = "" if self.value is None else f"value {str(self.value)!r}: "
        return f"{located}{shown}expected {self.expected}"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # a key of DUCKDB_TYPES
    required: bool = False
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    pattern: re.Pattern | None = None
    unit: str = ""
    what: str = ""  # plain words for the error message, e.g. "a slug"

    @property
    def sql_type(self) -> str:
        return DUCKDB_TYPES[self.kind]


RowCheck = Callable[[dict, int, str], list[Problem]]
TableCheck = Callable[[list[dict], list[int], str], list[Problem]]


@dataclass(frozen=True)
class TableSpec:
    name: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    description: str
    row_checks: tuple[RowCheck, ...] = ()
    table_checks: tuple[TableCheck, ...] = ()

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


@dataclass
class ParsedTable:
    """One raw file after parsing: typed rows (dicts keyed by column) and what was wrong."""

    spec: TableSpec
    path: Path
    rows: list[dict] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)  # spreadsheet row of each entry in rows
    sha256: str = ""
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


# ---------------------------------------------------------------- cell parsing


def describe_range(col: Column) -> str:
    unit = f" {col.unit}" if col.unit else ""
    if col.low is not None and col.high is not None:
        return f"{fmt_bound(col.low)}–{fmt_bound(col.high)}{unit}"
    if col.low is not None:
        return f"at least {fmt_bound(col.low)}{unit}"
    return f"at most {fmt_bound(col.high)}{unit}"


def fmt_bound(x: float) -> str:
    """1e3 and 1e31 as powers of ten; years and small bounds as written (1950, 0, 1)."""
    if x >= 1e5 or (x >= 1e3 and math.log10(x).is_integer()):
        mantissa, exponent = f"{x:e}".split("e")
        return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"
    return f"{x:g}"


def parse_cell(col: Column, text: str):
    """Return (value, expected-message-or-None). An empty cell is None (unknown)."""
    if text == "":
        return None, ("a value (this column is required)" if col.required else None)
    if col.kind in ("text", "enum"):
        if col.choices and text not in col.choices:
            return None, f"one of {', '.join(col.choices)}"
        if col.pattern and not col.pattern.fullmatch(text):
            return None, col.what or f"text matching {col.pattern.pattern}"
        return text, None
    if col.kind == "list":
        items = [item.strip() for item in text.split(";") if item.strip()]
        bad = [item for item in items if col.choices and item not in col.choices]
        if bad:
            return None, f"';'-separated items from {', '.join(col.choices)} (unknown: {', '.join(bad)})"
        return items, None
    if col.kind == "bool":
        lowered = text.lower()
        if lowered not in ("true", "false"):
            return None, "true or false"
        return lowered == "true", None
    if col.kind == "date":
        return parse_date(text)
    if col.kind == "integer":
        if not INTEGER_RE.fullmatch(text):
            return None, f"a whole number{' (' + describe_range(col) + ')' if col.low is not None else ''}"
        return check_range(col, int(text))
    # number
    if not NUMBER_RE.fullmatch(text):
        what = f" ({describe_range(col)})" if col.low is not None or col.high is not None else ""
        return None, f"a number like 1.5e24{what}"
    return check_range(col, float(text))


def parse_date(text: str):
    if not DATE_RE.fullmatch(text):
        return None, "an ISO date YYYY-MM-DD"
    try:
        value = date.fromisoformat(text)
    except ValueError:
        return None, "a real calendar date YYYY-MM-DD"
    if not DATE_MIN <= value <= DATE_MAX:
        return None, f"a date within {DATE_MIN.year}–{DATE_MAX.year}"
    return value, None


def check_range(col: Column, value):
    if (col.low is not None and value < col.low) or (col.high is not None and value > col.high):
        return None, describe_range(col)
    return value, None


# ---------------------------------------------------------------- row and table checks


def ordered(*names: str) -> RowCheck:
    """Values that must not decrease left to right (p5 ≤ median ≤ p95, low ≤ central ≤ high)."""

    def check(row: dict, row_number: int, file: str) -> list[Problem]:
        present = [(n, row[n]) for n in names if row.get(n) is not None]
        for (name_a, a), (name_b, b) in zip(present, present[1:], strict=False):
            if a > b:
                return [Problem(file, row_number, name_b, b, f"{name_b} ≥ {name_a} ({a:g})")]
        return []

    return check


def not_before(first: str, second: str) -> RowCheck:
    def check(row: dict, row_number: int, file: str) -> list[Problem]:
        a, b = row.get(first), row.get(second)
        if a is not None and b is not None and b < a:
            return [Problem(file, row_number, second, b, f"{second} on or after {first} ({a})")]
        return []

    return check


def cap_has_window(row: dict, row_number: int, file: str) -> list[Problem]:
    """A message cap counts messages per window: the window's length in hours must be given."""
    if row.get("metric") == "message_cap" and row.get("window_hours") is None:
        return [Problem(file, row_number, "window_hours", "", "the cap's window in hours (message_cap rows)")]
    return []


def not_more(small: str, large: str) -> RowCheck:
    def check(row: dict, row_number: int, file: str) -> list[Problem]:
        a, b = row.get(small), row.get(large)
        if a is not None and b is not None and a > b:
            return [Problem(file, row_number, small, a, f"{small} ≤ {large} ({b:g})")]
        return []

    return check


def doubling_consistent(row: dict, row_number: int, file: str) -> list[Problem]:
    growth, doubling = row.get("growth_per_year"), row.get("doubling_months")
    if growth is None and doubling is None:
        return [Problem(file, row_number, "growth_per_year", "", "growth_per_year or doubling_months (at least one)")]
    if growth is not None and growth <= 0:
        return [Problem(file, row_number, "growth_per_year", growth, "a growth factor above 0 (x/year)")]
    if doubling is not None and doubling == 0:
        return [Problem(file, row_number, "doubling_months", doubling, "a non-zero number of months")]
    if growth is None or doubling is None:
        return []
    if growth == 1:
        return [Problem(file, row_number, "doubling_months", doubling, "empty: a growth of 1x/year never doubles")]
    implied = 12 * math.log(2) / math.log(growth)
    if abs(doubling - implied) > DOUBLING_TOLERANCE * abs(implied):
        return [Problem(file, row_number, "doubling_months", doubling,
                        f"{implied:.3g} months (12·ln2/ln {growth:g}, within 2%)")]
    return []


def shares_sum_at_most_one(rows: list[dict], row_numbers: list[int], file: str) -> list[Problem]:
    totals: dict[tuple, list] = {}
    for row, number in zip(rows, row_numbers, strict=True):
        if row.get("share") is None or row.get("year") is None or row.get("market") is None:
            continue
        entry = totals.setdefault((row["year"], row["market"]), [0.0, []])
        entry[0] += row["share"]
        entry[1].append(number)
    return [
        Problem(file, ", ".join(map(str, numbers)), "share", f"{total:.4g}",
                f"shares for year {year}, market {market} summing to at most 1")
        for (year, market), (total, numbers) in totals.items()
        if total > 1 + SHARE_SUM_TOLERANCE
    ]


def some_value(*names: str) -> RowCheck:
    """At least one of the columns holds a number (a range may give only its low or its high end)."""

    def check(row: dict, row_number: int, file: str) -> list[Problem]:
        if all(row.get(n) is None for n in names):
            return [Problem(file, row_number, names[1], "", f"a value in at least one of {', '.join(names)}")]
        return []

    return check


def operational_sites_have_h100e(row: dict, row_number: int, file: str) -> list[Problem]:
    """An operational site must say how big it is; a planned one may give only its power."""
    if row.get("status") == "operational" and row.get("h100e") is None:
        return [Problem(file, row_number, "h100e", "", "an H100e count for an operational site")]
    return []


# ---------------------------------------------------------------- the tables


def text(name, required=False, **kw):
    return Column(name, "text", required, **kw)


def number(name, low=None, high=None, unit="", required=False):
    return Column(name, "number", required, low=low, high=high, unit=unit)


def count(name, unit=""):
    return Column(name, "number", False, low=0, unit=unit)


def enum(name, choices, required=True):
    return Column(name, "enum", required, choices=choices)


SOURCE_ID = text("source_id", required=True)
NOTES = text("notes")
CONFIDENCE_COL = enum("confidence", CONFIDENCE)
SLUG = {"pattern": SLUG_RE, "what": "a slug of lower-case letters, digits and - _ ."}

SPECS: tuple[TableSpec, ...] = (
    TableSpec(
        "sources", ("source_id",),
        (
            text("source_id", required=True),
            text("title", required=True),
            text("organisation"),
            Column("year", "integer", low=YEAR_MIN, high=YEAR_MAX),
            text("url", pattern=URL_RE, what="a URL starting with http:// or https://"),
            text("licence"),
            Column("accessed", "date"),
            enum("grade", ("P", "S", "L"), required=False),
            NOTES,
        ),
        "Every source cited by a row of any table (grade P primary, S secondary, L low).",
    ),
    TableSpec(
        "models", ("name",),
        (
            text("name", required=True),
            Column("organisation", "list"),
            Column("publication_date", "date", required=True),
            Column("domain", "list", choices=DOMAINS),
            count("parameters"),
            number("training_compute_flop", FLOP_MIN, FLOP_MAX, "FLOP"),
            count("training_tokens"),
            Column("notable", "bool"),
            Column("frontier", "bool"),
            Column("openai_2018", "bool"),
            CONFIDENCE_COL, SOURCE_ID, NOTES,
        ),
        "Notable AI models with training compute (FLOP), parameters and tokens (curated).",
    ),
    TableSpec(
        "accelerators", ("accelerator_id",),
        (
            text("accelerator_id", required=True, **SLUG),
            text("name", required=True),
            enum("vendor", VENDORS),
            Column("release_date", "date"),
            number("bf16_dense_flops", FLOP_MIN, FLOP_MAX, "FLOP/s"),
            number("fp8_dense_flops", FLOP_MIN, FLOP_MAX, "FLOP/s"),
            count("memory_gb", "GB"),
            count("memory_bandwidth_tbs", "TB/s"),
            count("tdp_w", "W"),
            count("die_area_mm2", "mm²"),
            text("process_node"),
            text("foundry"),
            count("launch_price_usd", "USD"),
            CONFIDENCE_COL, SOURCE_ID, NOTES,
        ),
        "Data-centre AI accelerators: dense BF16/FP8 FLOP/s, memory, power, die, node, price.",
    ),
    TableSpec(
        "shipments", ("vendor", "chip", "period_start", "period_end"),
        (
            text("vendor", required=True),
            text("chip", required=True),
            Column("period_start", "date", required=True),
            Column("period_end", "date", required=True),
            enum("granularity", ("quarter", "year")),
            count("units_p5", "units"), count("units_median", "units"), count("units_p95", "units"),
            count("h100e_p5", "H100e"), count("h100e_median", "H100e"), count("h100e_p95", "H100e"),
            CONFIDENCE_COL, SOURCE_ID, NOTES,
        ),
        "Accelerator shipments by vendor, chip and period: units and H100-equivalents, median and 5-95% band.",
        row_checks=(
            not_before("period_start", "period_end"),
            ordered("units_p5", "units_median", "units_p95"),
            ordered("h100e_p5", "h100e_median", "h100e_p95"),
        ),
    ),
    TableSpec(
        "market_share", ("year", "market", "vendor"),
        (
            Column("year", "integer", True, low=YEAR_MIN, high=YEAR_MAX),
            enum("market", MARKETS),
            text("market_definition"),
            text("vendor", required=True),
            number("share", 0, 1, "(fraction)", required=True),
            CONFIDENCE_COL, SOURCE_ID, NOTES,
        ),
        "Vendor shares (0-1) of a defined market in a year.",
        table_checks=(shares_sum_at_most_one,),
    ),
    TableSpec(
        "foundry_capacity", ("year", "foundry", "node"),
        (
            Column("year", "integer", True, low=YEAR_MIN, high=YEAR_MAX),
            text("foundry", required=True),
            enum("node", NODES),
            enum("unit", ("wafers/month", "stacks/month")),
            count("capacity_low"), count("capacity_central"), count("capacity_high"),
            CONFIDENCE_COL, SOURCE_ID, NOTES,
        ),
        "Foundry, packaging (CoWoS) and HBM capacity per month: low, central, high.",
        row_checks=(ordered("capacity_low", "capacity_central", "capacity_high"),),
    ),
    TableSpec(
        "trend_claims", ("claim_id",),
        (
            text("claim_id", required=True, **SLUG),
            enum("quantity", QUANTITIES),
            text("population"),
            text("label", required=True),
            text("label_zh"),
            number("growth_per_year", unit="x/year"),
            number("doubling_months", unit="months"),
            number("period_start", YEAR_MIN, YEAR_MAX, "(year)"),
            number("period_end", YEAR_MIN, YEAR_MAX, "(year)"),
            text("seed_claim", pattern=SEED_CLAIM_RE, what="S1 … S15 or empty"),
            SOURCE_ID, NOTES,
        ),
        "Published growth rates (x/year, doubling months) with their period and population.",
        row_checks=(doubling_consistent, not_before("period_start", "period_end")),
    ),
    TableSpec(
        "events", ("date", "label"),
        (
            Column("date", "date", required=True),
            text("label", required=True),
            text("label_zh"),
            enum("kind", EVENT_KINDS),
            SOURCE_ID, NOTES,
        ),
        "Dated events for chart annotations: launches, outages, policies, rumours, releases, rate limits.",
    ),
    TableSpec(
        "usage", ("date", "metric", "subject"),
        (
            Column("date", "date", required=True),
            enum("metric", USAGE_METRICS),
            text("subject", required=True),
            number("value", 0, None, required=True),
            text("unit", required=True),
            text("definition", required=True),
            number("window_hours", 0, 24 * 366, "hours"),
            CONFIDENCE_COL, SOURCE_ID, NOTES,
        ),
        "Dated usage of AI services: active users (weekly or monthly), messages a day, tokens a month, "
        "API prices (input or output, USD per million tokens), message caps per window of hours.",
        row_checks=(cap_has_window,),
    ),
    TableSpec(
        "model_serving", ("model",),
        (
            text("model", required=True),
            number("params_total", 1, None, "parameters", required=True),
            number("params_active", 1, None, "parameters", required=True),
            Column("layers", "integer", low=1, high=10_000),
            Column("kv_heads", "integer", low=1, high=10_000),
            Column("head_dim", "integer", low=1, high=100_000),
            count("kv_bytes_per_token", "bytes/token"),
            count("context_tokens", "tokens"),
            number("bytes_per_param", 0.125, 8, "bytes"),
            text("precision"),
            CONFIDENCE_COL, SOURCE_ID, NOTES,
        ),
        "Serving facts of models: total and active parameters, layers, KV cache per token, context, precision.",
        row_checks=(not_more("params_active", "params_total"),),
    ),
    TableSpec(
        "clusters", ("cluster_id", "date"),
        (
            text("cluster_id", required=True, **SLUG),
            text("name", required=True),
            text("owner"),
            text("country"),
            Column("date", "date", required=True),
            count("h100e", "H100e"),
            count("power_mw", "MW"),
            enum("status", SITE_STATUS),
            CONFIDENCE_COL, SOURCE_ID, NOTES,
        ),
        "The largest AI sites over time: H100-equivalents and power at a date, operational or planned.",
        row_checks=(operational_sites_have_h100e,),
    ),
    TableSpec(
        "chip_owners", ("vendor", "owner", "period_start"),
        (
            text("vendor", required=True),
            text("owner", required=True),
            enum("owner_group", OWNER_GROUPS),
            Column("period_start", "date", required=True),
            Column("period_end", "date", required=True),
            count("h100e_p5", "H100e"), count("h100e_median", "H100e"), count("h100e_p95", "H100e"),
            count("units_median", "units"),
            CONFIDENCE_COL, SOURCE_ID, NOTES,
        ),
        "Who bought the accelerators: H100e per vendor, owner and quarter, median and 5-95% band.",
        row_checks=(not_before("period_start", "period_end"), ordered("h100e_p5", "h100e_median", "h100e_p95")),
    ),
    TableSpec(
        "china_supply", ("metric", "year", "vendor", "source_id"),
        (
            enum("metric", CHINA_METRICS),
            Column("year", "integer", True, low=YEAR_MIN, high=YEAR_MAX),
            text("vendor", required=True),
            text("definition", required=True),
            text("unit", required=True),
            count("value_low"), count("value_central"), count("value_high"),
            CONFIDENCE_COL, SOURCE_ID, NOTES,
        ),
        "China's AI chip supply, one definition per row: units shipped, production, stockpiles, wafers, H100e factors, shares.",
        row_checks=(some_value("value_low", "value_central", "value_high"),
                    ordered("value_low", "value_central", "value_high")),
    ),
)

SPEC_BY_NAME = {spec.name: spec for spec in SPECS}


# ---------------------------------------------------------------- reading one file


def parse_table(spec: TableSpec, path: Path) -> ParsedTable:
    """Read and validate one raw CSV. Never raises on bad content: problems are collected."""
    parsed = ParsedTable(spec, path)
    file = shown_path(path)
    if not path.is_file():
        parsed.problems.append(Problem(file, None, None, None, f"the raw file {spec.file_name} (file is missing)"))
        return parsed
    data = path.read_bytes()
    parsed.sha256 = hashlib.sha256(data).hexdigest()
    try:
        content = data.decode("utf-8-sig")  # a spreadsheet's UTF-8 byte-order mark is accepted
    except UnicodeDecodeError as err:
        parsed.problems.append(Problem(file, None, None, None, f"UTF-8 text (undecodable byte at offset {err.start})"))
        return parsed
    records = list(csv.reader(io.StringIO(content, newline="")))
    if not records or not any(cell.strip() for cell in records[0]):
        parsed.problems.append(Problem(file, None, None, None, f"a header row: {', '.join(spec.column_names)} (file is empty)"))
        return parsed
    header = [cell.strip() for cell in records[0]]
    positions = read_header(spec, header, file, parsed)
    if parsed.problems:
        return parsed
    for offset, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # blank line
        if len(record) != len(header):
            parsed.problems.append(Problem(file, offset, None, None, f"{len(header)} fields like the header, found {len(record)}"))
            continue
        row = parse_row(spec, record, positions, offset, file, parsed.problems)
        if row is not None:
            parsed.rows.append(row)
            parsed.row_numbers.append(offset)
    if not parsed.rows and not parsed.problems:
        parsed.problems.append(Problem(file, None, None, None, "at least one data row below the header (file has none)"))
    check_keys(spec, parsed)
    for table_check in spec.table_checks:
        parsed.problems.extend(table_check(parsed.rows, parsed.row_numbers, file))
    return parsed


def shown_path(path: Path) -> str:
    """The path relative to the working directory when it lies below it (shorter error lines)."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def read_header(spec: TableSpec, header: list[str], file: str, parsed: ParsedTable) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        if name in positions:
            parsed.problems.append(Problem(file, 1, name, name, "each column name once in the header"))
        positions[name] = index
    for col in spec.columns:
        if col.name not in positions:
            parsed.problems.append(Problem(file, 1, col.name, None, f"a column named {col.name} in the header (missing)"))
    for name in header:
        if name not in spec.column_names:
            parsed.warnings.append(Problem(file, 1, name, None, f"only the columns of {spec.name} (unknown column ignored)"))
    return positions


def parse_row(spec, record, positions, row_number, file, problems) -> dict | None:
    row: dict = {}
    ok = True
    for col in spec.columns:
        raw = record[positions[col.name]].strip()
        value, expected = parse_cell(col, raw)
        if expected:
            problems.append(Problem(file, row_number, col.name, raw, expected))
            ok = False
        row[col.name] = value
    if not ok:
        return None
    for row_check in spec.row_checks:
        found = row_check(row, row_number, file)
        problems.extend(found)
        ok = ok and not found
    return row if ok else None


def key_of(row: dict, key: tuple[str, ...]) -> tuple:
    return tuple(v.casefold() if isinstance(v, str) else v for v in (row[k] for k in key))


def check_keys(spec: TableSpec, parsed: ParsedTable) -> None:
    seen: dict[tuple, int] = {}
    for row, number in zip(parsed.rows, parsed.row_numbers, strict=True):
        key = key_of(row, spec.key)
        if key in seen:
            shown = " / ".join(str(row[k]) for k in spec.key)
            parsed.problems.append(Problem(shown_path(parsed.path), number, "+".join(spec.key), shown,
                                           f"a unique {'+'.join(spec.key)} (same as row {seen[key]})"))
        else:
            seen[key] = number


def check_source_ids(tables: list[ParsedTable]) -> list[Problem]:
    """Every source_id outside sources.csv must resolve in it."""
    sources = next((t for t in tables if t.spec.name == "sources"), None)
    if sources is None or sources.problems:
        return []  # the sources file's own problems are reported already
    known = {row["source_id"] for row in sources.rows}
    problems = []
    for table in tables:
        if table.spec.name == "sources" or "source_id" not in table.spec.column_names:
            continue
        for row, number in zip(table.rows, table.row_numbers, strict=True):
            if row["source_id"] not in known:
                problems.append(Problem(shown_path(table.path), number, "source_id", row["source_id"],
                                        "a source_id listed in sources.csv (not found)"))
    return problems
