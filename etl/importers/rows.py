"""Row builders shared by the model importers: contract vocabulary, range checks, the reject loop."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd

from etl.importers.base import MODEL_COLUMNS, Parsed, RejectedRow, Table
from etl.importers.parse import RowProblem

FLOP_RANGE = (1e3, 1e31)  # the contract's plausible range for training compute

# Upstream domains mapped onto the contract's nine (docs/CONTRACTS.md §1); anything else is Other.
DOMAINS = {
    "language": "Language", "vision": "Vision", "image generation": "Vision", "video": "Vision",
    "3d modeling": "Vision", "multimodal": "Multimodal", "multiple domains": "Multimodal",
    "games": "Games", "speech": "Speech", "audio": "Speech", "biology": "Biology",
    "medicine": "Biology", "robotics": "Robotics", "driving": "Robotics",
    "recommendation": "Recommendation",
}
# Epoch's confidence words mapped onto the contract's three; "Unknown" and blank count as estimates.
CONFIDENCE = {"confident": "confirmed", "likely": "estimate", "speculative": "speculative"}


def contract_domains(upstream: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(DOMAINS.get(name.strip().lower(), "Other") for name in upstream))


def contract_confidence(upstream: str | None) -> str:
    return CONFIDENCE.get((upstream or "").strip().lower(), "estimate")


def check_flop(value: float | None, field: str) -> float | None:
    if value is not None and not FLOP_RANGE[0] <= value <= FLOP_RANGE[1]:
        raise RowProblem("flop_out_of_range", field=field, value=f"{value:.3g}", low="1e3", high="1e31")
    return value


def model_row(**values: object) -> dict:
    """A full `models` row: every contract column present, unknowns as None."""
    row = dict.fromkeys(MODEL_COLUMNS)
    row.update(openai_2018=False, organisation=[], domain=[])
    row.update(values)
    return row


def collect(table: Table, build: Callable[[dict], dict], columns: Iterable[str]) -> Parsed:
    """Run `build` over every row; a RowProblem becomes a rejected row, anything else is kept.

    Rows with the same name and date as an earlier accepted row are rejected as duplicates, so a
    file never adds the same model twice.
    """
    kept: list[dict] = []
    rejected: list[RejectedRow] = []
    first_seen: dict[tuple, int] = {}
    for row_number, record in table.records():
        try:
            row = build(record)
        except RowProblem as problem:
            rejected.append(RejectedRow(row_number, problem.code, problem.params))
            continue
        key = duplicate_key(row)
        if key is not None and key in first_seen:
            rejected.append(RejectedRow(row_number, "duplicate", {"first_row": first_seen[key]}))
            continue
        if key is not None:
            first_seen[key] = row_number
        row["source_row"] = row_number
        kept.append(row)
    frame = pd.DataFrame(kept, columns=[*columns, "source_row"])
    return Parsed(frame=frame, rejected=rejected)


def duplicate_key(row: dict) -> tuple | None:
    if "name" in row:
        return (" ".join(str(row["name"]).lower().split()), row["publication_date"])
    if "vendor" in row:
        return (row["vendor"], row["chip"], row["period_start"], row["period_end"])
    return None
