"""Guards for files users hand us (imports, scenario files) and for CSV files we hand back.

`check_upload` runs before any parser sees the bytes: size cap, suffix check, binary content,
encoding, and (for delimited text) a column cap read from the header line alone, so a hostile
file is refused with a message naming the file and the problem and nothing else happens.
Text is UTF-8 (with or without BOM), UTF-16 with a BOM (what Excel's "Unicode text" writes), or
Windows-1252 as a reported fallback; a NUL byte anywhere, or any control character other than tab
and line breaks, refuses the file (naming the line and column of the first one).

`escape_csv_cell` / `escape_csv_frame` defend CSV downloads against formula injection: a
spreadsheet runs a cell that starts with = + - @ (or tab / CR, which some strip first) as a
formula, so such text gets a leading apostrophe. Real numbers are left alone.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from pathlib import PureWindowsPath

import numpy as np
import pandas as pd
from pandas.api.types import is_object_dtype, is_string_dtype

from i18n import t

DEFAULT_MAX_COLUMNS = 1_000
DELIMITED_SUFFIXES = (".csv", ".tsv", ".txt")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")  # with full-width forms
_DELIMITERS = (",", ";", "\t")
_DISALLOWED_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # C0 but \t \n \r, DEL, C1
_MAX_NAME_CHARS = 120

# Leading bytes of formats people upload by mistake; named so the message can say what it is.
_MAGIC = (
    (b"PK\x03\x04", "ZIP / Excel (.xlsx)"),
    (b"\xd0\xcf\x11\xe0", "Excel 97-2003 (.xls)"),
    (b"\x1f\x8b", "gzip"),
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG"),
    (b"SQLite format 3\x00", "SQLite"),
)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF8_BOM = b"\xef\xbb\xbf"


class UploadError(ValueError):
    """An upload was refused. `key`/`params` let a page show it in the user's language."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key if "." in key else f"sql.upload.{key}"
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str, escape: Callable[[dict], dict] | None = None) -> str:
        """The text in `lang`; `escape` (ui.text.escape_params on a page) makes the file name safe to show."""
        return t(self.key, lang, **(escape(self.params) if escape else self.params))


class UploadText(str):
    """The decoded text of an upload (a plain str), remembering which encoding was used."""

    encoding: str
    file: str
    controls_replaced: int = 0

    def __new__(cls, text: str, encoding: str, file: str) -> UploadText:
        obj = super().__new__(cls, text)
        obj.encoding = encoding
        obj.file = file
        return obj

    def warning(self, lang: str) -> str | None:
        """A note for the user when the text was not UTF-8 (so accents may need checking)."""
        if self.encoding == "cp1252":
            return t("sql.upload.cp1252_fallback", lang, file=self.file)
        return None


def check_upload(
    file_name: str,
    data: bytes,
    *,
    max_bytes: int,
    allowed_suffixes: Iterable[str],
    max_columns: int = DEFAULT_MAX_COLUMNS,
    replace_controls: bool = False,
) -> UploadText:
    """The upload's text, or UploadError naming the file and the problem. With `replace_controls` (a data
    export), a few stray control characters inside cells are replaced by spaces, never stored, and counted
    in `.controls_replaced`; many of them still mean binary data and are refused."""
    name = display_name(file_name)
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise UploadError("not_bytes", file=name)
    data = bytes(data)
    _check_size(name, data, max_bytes)
    _check_suffix(name, allowed_suffixes)
    _check_not_binary(name, data)
    text, encoding = _decode(name, data)
    replaced = 0
    if replace_controls:
        replaced = _stray_control_count(name, text)
        text = _DISALLOWED_CONTROL.sub(" ", text) if replaced else text
    _check_control_characters(name, text)
    if name.lower().endswith(DELIMITED_SUFFIXES):
        _check_column_count(name, text, max_columns)
    result = UploadText(text, encoding, name)
    result.controls_replaced = replaced
    return result


def display_name(file_name: object) -> str:
    """The file's base name, safe to print: no directories, no control characters, not too long."""
    base = PureWindowsPath(str(file_name or "")).name  # splits on both / and \
    base = _DISALLOWED_CONTROL.sub("?", base).replace("\n", "?").replace("\r", "?")
    if len(base) > _MAX_NAME_CHARS:
        base = base[: _MAX_NAME_CHARS - 1] + "…"
    return base or "(unnamed)"


def _check_size(name: str, data: bytes, max_bytes: int) -> None:
    if not data:
        raise UploadError("empty", file=name)
    if len(data) > max_bytes:
        raise UploadError("too_large", file=name, size=_human_bytes(len(data)), limit=_human_bytes(max_bytes))


def _check_suffix(name: str, allowed_suffixes: Iterable[str]) -> None:
    allowed = tuple("." + s.lower().lstrip(".") for s in allowed_suffixes)
    if not name.lower().endswith(allowed):
        raise UploadError("bad_suffix", file=name, allowed=", ".join(allowed))


def _check_not_binary(name: str, data: bytes) -> None:
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise UploadError("binary_format", file=name, kind=kind)
    if data.startswith(_UTF16_BOMS):
        return  # UTF-16 holds NUL bytes by design; a NUL character is caught after decoding
    nul = data.find(b"\x00")
    if nul >= 0:
        raise UploadError("binary", file=name, offset=nul)


def _decode(name: str, data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM), UTF-16 with a BOM; Windows-1252 as a reported fallback; anything else refused."""
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise UploadError("not_text", file=name, offset=exc.start) from exc
    if data.startswith(_UTF8_BOM):
        try:
            return data[len(_UTF8_BOM) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise UploadError("bad_utf8", file=name, offset=exc.start + len(_UTF8_BOM)) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            raise UploadError("not_text", file=name, offset=utf8_error.start) from utf8_error


def _stray_control_count(name: str, text: str) -> int:
    """How many control characters a text holds, refusing it as binary when they are many."""
    count = len(_DISALLOWED_CONTROL.findall(text))
    if count > 16 and count > len(text) // 1000:
        raise UploadError("control_chars", file=name, count=count)
    return count


def _check_control_characters(name: str, text: str) -> None:
    """Refuse any control character: binary data (many of them) or one hidden in a cell, which would be stored."""
    first = _DISALLOWED_CONTROL.search(text)
    if first is None:
        return
    count = len(_DISALLOWED_CONTROL.findall(text))
    if count > 16 and count > len(text) // 1000:  # binary data that slipped past the NUL check
        raise UploadError("control_chars", file=name, count=count)
    line = text.count("\n", 0, first.start()) + 1
    column = first.start() - (text.rfind("\n", 0, first.start()) + 1) + 1
    raise UploadError("guards.control_char", file=name, line=line, column=column,
                      char=f"U+{ord(first.group()):04X}", count=count)


def _check_column_count(name: str, text: str, max_columns: int) -> None:
    """Count header fields without parsing the body; the exact CSV parse runs only when suspicious."""
    end = text.find("\n")
    header = text if end < 0 else text[:end]
    suspicious = [d for d in _DELIMITERS if header.count(d) + 1 > max_columns]
    if not suspicious:
        return
    columns = max(_count_fields(header, d) for d in suspicious)
    if columns > max_columns:
        raise UploadError("too_many_columns", file=name, columns=columns, limit=max_columns)


def _count_fields(header: str, delimiter: str) -> int:
    try:
        return len(next(csv.reader([header], delimiter=delimiter), []))
    except csv.Error:  # e.g. a field over the csv module's size limit: keep the cheap count
        return header.count(delimiter) + 1


def _human_bytes(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    return str(size)


def escape_csv_cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; anything else is returned as is."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def escape_csv_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of `df` safe to write as CSV: text cells and column names escaped, numbers untouched."""
    out = df.copy()
    out.columns = [escape_csv_cell(c) for c in out.columns]
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if isinstance(column.dtype, pd.CategoricalDtype):
            out.isetitem(position, column.astype(object).map(escape_csv_cell))
        elif is_object_dtype(column.dtype) or is_string_dtype(column.dtype):
            out.isetitem(position, _escape_text_column(column))
    return out


def to_safe_csv(df: pd.DataFrame) -> str:
    """CSV text for a download: list cells joined with ';' (as in data/raw), formula cells escaped."""
    return escape_csv_frame(_join_list_cells(df)).to_csv(index=False)


def _join_list_cells(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if is_object_dtype(column.dtype) and column.map(_is_list).any():
            out.isetitem(position, column.map(_join_if_list))
    return out


def _is_list(value: object) -> bool:
    return isinstance(value, (list, tuple, np.ndarray))


def _join_if_list(value: object) -> object:
    return ";".join("" if pd.isna(item) else str(item) for item in value) if _is_list(value) else value


def _escape_text_column(column: pd.Series) -> pd.Series:
    if is_string_dtype(column.dtype) and not is_object_dtype(column.dtype):
        mask = column.str.startswith(FORMULA_PREFIXES, na=False)
        return column.where(~mask, "'" + column)
    return column.map(escape_csv_cell)
