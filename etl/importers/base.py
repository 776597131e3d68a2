"""The shapes every importer shares: column specs, the parsed result, rejected rows and refusals.

Messages are not written here: each problem carries a code and parameters, and its text comes from
the catalogue (`importers.reason.<code>`, `importers.error.<code>`, `importers.note.<code>`), so
the CLI (English) and the Data page (English or Chinese) say the same thing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from etl.guards import DELIMITED_SUFFIXES, UploadError, check_upload
from etl.importers.parse import normalise_header
from i18n import t

# Columns of the `models` and `shipments` contract tables (docs/CONTRACTS.md §1), in order.
MODEL_COLUMNS = (
    "name", "organisation", "publication_date", "domain", "parameters", "training_compute_flop",
    "training_tokens", "notable", "frontier", "openai_2018", "confidence", "source_id", "notes",
)
SHIPMENT_COLUMNS = (
    "vendor", "chip", "period_start", "period_end", "granularity", "units_p5", "units_median",
    "units_p95", "h100e_p5", "h100e_median", "h100e_p95", "confidence", "source_id", "notes",
)
PROVENANCE_COLUMNS = ("import_file", "import_format", "imported_at", "source_row")
FIRST_DATA_ROW = 2  # row numbers as a spreadsheet shows them: the header is row 1


class ImportRefused(ValueError):
    """The whole file is refused; nothing was written. `message(lang)` is the user-facing text."""

    def __init__(self, code: str, catalogue_key: str | None = None, **params: object) -> None:
        self.code = code
        self.catalogue_key = catalogue_key or f"importers.error.{code}"
        self.params = params
        super().__init__(self.message("en"))

    @classmethod
    def from_upload(cls, error: UploadError) -> ImportRefused:
        """The upload guards' refusal (etl.guards), with the guards' own message and the importer's code for it."""
        return cls(_UPLOAD_CODES.get(error.key, "upload"), catalogue_key=error.key, **error.params)

    def message(self, lang: str = "en", escape: Callable[[dict], dict] | None = None) -> str:
        """The text in `lang`; `escape` (ui.text.escape_params on a page) makes the file's own words safe to show."""
        params = escape(self.params) if escape else dict(self.params)
        if "format_id" in params:  # the format's name in the reader's language
            params["format"] = t(f"importers.format.{params['format_id']}", lang)
        return t(self.catalogue_key, lang, **params)


# The importer's refusal code for each guard refusal (the code callers and tests match on).
_UPLOAD_CODES = {
    "sql.upload.empty": "empty", "sql.upload.too_large": "too_large", "sql.upload.binary": "binary",
    "sql.upload.binary_format": "binary", "sql.upload.control_chars": "binary", "sql.upload.not_text": "encoding",
    "sql.upload.bad_utf8": "encoding", "sql.upload.too_many_columns": "too_many_columns",
    "guards.control_char": "control_char",
}


def guarded_text(file_name: str, data: bytes, *, max_bytes: int, max_columns: int) -> tuple[str, list[Note]]:
    """An import's text through the same guards as every other upload (etl.guards.check_upload): size,
    binary content (a NUL byte anywhere), encoding (UTF-8, UTF-16 with a BOM, Windows-1252 with a note),
    control characters and the column cap. Raises ImportRefused naming the file and the problem."""
    try:
        text = check_upload(file_name, data, max_bytes=max_bytes, allowed_suffixes=DELIMITED_SUFFIXES,
                            max_columns=max_columns, replace_controls=True)
    except UploadError as error:
        raise ImportRefused.from_upload(error) from None
    notes = [Note("cp1252")] if text.encoding == "cp1252" else []
    if text.controls_replaced:  # e.g. Epoch's export holds a stray U+0014 in one notes cell
        notes.append(Note("controls_replaced", {"count": text.controls_replaced}))
    return str(text), notes


@dataclass(frozen=True)
class Note:
    """Something the user should know about an accepted import (encoding guessed, totals converted)."""

    code: str
    params: dict = field(default_factory=dict)

    def message(self, lang: str = "en", escape: Callable[[dict], dict] | None = None) -> str:
        return t(f"importers.note.{self.code}", lang, **(escape(self.params) if escape else self.params))


@dataclass(frozen=True)
class RejectedRow:
    """One row left out, with its spreadsheet row number (header = row 1) and the reason."""

    row: int
    code: str
    params: dict = field(default_factory=dict)

    def reason(self, lang: str = "en") -> str:
        return t(f"importers.reason.{self.code}", lang, **self.params)


@dataclass(frozen=True)
class Column:
    """One field an importer reads, found under any of its header spellings.

    `aliases` are compared after `normalise_header`; `contains` is a fallback for headers whose
    wording drifts between releases (every listed fragment must appear).
    """

    key: str
    aliases: tuple[str, ...]
    required: bool = True
    contains: tuple[str, ...] = ()

    def find(self, headers: dict[str, str]) -> str | None:
        """The original header that holds this field, or None."""
        for alias in self.aliases:
            if normalise_header(alias) in headers:
                return headers[normalise_header(alias)]
        if self.contains:
            for normalised, original in headers.items():
                if all(fragment in normalised for fragment in self.contains):
                    return original
        return None


@dataclass
class Parsed:
    """An importer's output: rows shaped like the target table plus `source_row`, and the rejects."""

    frame: pd.DataFrame
    rejected: list[RejectedRow]
    notes: list[Note] = field(default_factory=list)


@dataclass(frozen=True)
class Format:
    """An upstream layout: how to recognise it and how to turn it into target rows.

    A file is recognised as this format when every `anchors` column is present; it is then an
    error if any other required column is missing.
    """

    id: str
    table: str  # "models" or "shipments"
    columns: tuple[Column, ...]
    anchors: tuple[str, ...]
    parse: Callable[[Table], Parsed]

    def label(self, lang: str = "en") -> str:
        return t(f"importers.format.{self.id}", lang)

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)


@dataclass
class Table:
    """A CSV read as text with the format's fields resolved to the file's own headers."""

    file_name: str
    frame: pd.DataFrame
    headers: dict[str, str]  # field key -> original header (only fields that were found)

    def cell(self, record: dict, key: str) -> str | None:
        header = self.headers.get(key)
        return None if header is None else record[header]

    def header(self, key: str) -> str:
        return self.headers.get(key, key)

    def records(self):
        """(spreadsheet row number, row as a dict of text) for every row that is not blank."""
        for index, record in enumerate(self.frame.to_dict("records")):
            if any(str(value).strip() for value in record.values()):
                yield index + FIRST_DATA_ROW, record
