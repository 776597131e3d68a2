"""Which upstream layout a file is, from its header row alone.

A format is recognised when all of its anchor columns are present (matched by name, any case or
spacing, aliases allowed; extra columns are ignored). Among recognised formats the one with every
required column wins, then the one that matched more columns (so a chip-sales file with `Chip
type` is per-quarter, without it cumulative). A recognised format that lacks a required column is
an error naming that column; no recognised format is an error listing what we can read.
"""

from __future__ import annotations

from etl.importers.base import Format, ImportRefused, Table
from etl.importers.chip_sales import EPOCH_CHIPS_BY_QUARTER, EPOCH_CHIPS_CUMULATIVE
from etl.importers.epoch_models import EPOCH_MODELS, EPOCH_PCD
from etl.importers.openai2018 import OPENAI_2018
from etl.importers.owid import OWID_TRAINING_COMPUTE
from etl.importers.parse import normalise_header

FORMATS: tuple[Format, ...] = (
    EPOCH_MODELS, EPOCH_PCD, OWID_TRAINING_COMPUTE, OPENAI_2018, EPOCH_CHIPS_BY_QUARTER, EPOCH_CHIPS_CUMULATIVE,
)


def resolve(fmt: Format, headers: dict[str, str]) -> dict[str, str]:
    """Field key -> the file's header, for the fields of `fmt` that the file has."""
    found = {}
    for column in fmt.columns:
        header = column.find(headers)
        if header is not None and header not in found.values():
            found[column.key] = header
    return found


def missing_required(fmt: Format, found: dict[str, str]) -> list[str]:
    return [column.aliases[0] for column in fmt.columns if column.required and column.key not in found]


def detect(file_name: str, header_row: list[str]) -> tuple[Format, dict[str, str]]:
    """The format of a file and its resolved columns, or ImportRefused naming what is missing."""
    headers = {}
    for original in header_row:
        headers.setdefault(normalise_header(str(original)), original)
    candidates = []
    for fmt in FORMATS:
        found = resolve(fmt, headers)
        if all(anchor in found for anchor in fmt.anchors):
            candidates.append((not missing_required(fmt, found), len(found), fmt, found))
    if not candidates:
        raise ImportRefused("unknown_format", file=file_name, columns=_preview(header_row),
                            expected="; ".join(_signature(fmt) for fmt in FORMATS))
    complete, _count, fmt, found = max(candidates, key=lambda c: (c[0], c[1]))
    if not complete:
        raise ImportRefused("missing_columns", file=file_name, format_id=fmt.id,
                            columns=", ".join(f"'{name}'" for name in missing_required(fmt, found)))
    return fmt, found


def table_for(file_name: str, frame) -> tuple[Format, Table]:
    fmt, found = detect(file_name, list(frame.columns))
    return fmt, Table(file_name=file_name, frame=frame, headers=found)


def _signature(fmt: Format) -> str:
    required = ", ".join(column.aliases[0] for column in fmt.columns if column.required)
    return f"{fmt.label('en')} ({required})"


def _preview(header_row: list[str], limit: int = 8, max_chars: int = 40) -> str:
    """The first `limit` headers, each cut to `max_chars` on one line: a hostile 15 MB header is not echoed."""
    shown = ", ".join(_cut(" ".join(str(name).split()), max_chars) for name in header_row[:limit])
    return shown + (", …" if len(header_row) > limit else "")


def _cut(text: str, max_chars: int) -> str:
    return text if len(text) <= max_chars else text[: max_chars - 1] + "…"
