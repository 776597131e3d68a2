"""Importers for the upstream exports analysts already download (Epoch AI, Our World in Data, OpenAI 2018).

Public API:
    import_bytes(db_path, file_name, data) -> ImportReport   # the Data page's uploader
    import_path(db_path, path) -> ImportReport               # `python -m etl import FILE`
    parse_bytes(file_name, data) -> (Format, Parsed, notes, rows_read)   # no database
    set_source_preference(db_path, "curated" | "upstream")
    ImportRefused (a ValueError with .code, .params, .message(lang)), ImportReport, RejectedRow
"""

from etl.importers.api import ImportReport, import_bytes, import_path, parse_bytes, set_source_preference
from etl.importers.base import ImportRefused, RejectedRow

__all__ = [
    "ImportRefused", "ImportReport", "RejectedRow", "import_bytes", "import_path", "parse_bytes",
    "set_source_preference",
]
