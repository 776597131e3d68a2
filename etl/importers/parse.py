"""Cell-level parsing shared by every importer: text in, typed value out, or a `RowProblem`.

Upstream exports write numbers and dates many ways ("7,604", "9.90E+22", "N/A", 31/12/2019,
1/31/2024, 1/31/24); these helpers accept all of them and raise a `RowProblem` whose code and
parameters name what was wrong, so the row can be rejected with a reason the user can read.

They are strict about everything else: ASCII digits only (Python's int() and float() also read
Arabic-Indic "٢٠٢٤" and full-width "２０２４" digits, and float() reads "1_000e20"), a date is the date
and at most a valid time of day ("2024-01-01 garbage" and "2024-01-01T25:99:99" are not dates), and
the value a problem echoes is cut to a short excerpt.
"""

from __future__ import annotations

import io
import math
import re
from datetime import date

import pandas as pd

# Cells that mean "unknown" in the exports we read (OWID writes NA, the 2022 PCD sheet N/A).
MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "none", "null", "-", "--", "—", "?", "unknown"})
EARLIEST_YEAR, LATEST_YEAR = 1950, 2035  # the contract's date range for every table
TWO_DIGIT_YEAR_PIVOT = 35  # "24" → 2024, "87" → 1987 (dates must fall in 1950–2035 anyway)

MAX_ECHO_CHARS = 80  # a rejected value is quoted back this long at most
_NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_INFINITE = frozenset({"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"})
_THOUSANDS = re.compile(r"[-+]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?([eE][-+]?[0-9]+)?")
# An optional time of day after a date: HH:MM[:SS[.fraction]], then Z or an offset; checked for range below.
_TIME = r"(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]{1,9})?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?"
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})" + _TIME)
_SLASH_DATE = re.compile(r"([0-9]{1,2})[/.]([0-9]{1,2})[/.]([0-9]{4}|[0-9]{2})" + _TIME)


class RowProblem(Exception):
    """Why one row cannot be used; `code` selects the message `importers.reason.<code>`."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = {key: echo(value) if key == "value" else value for key, value in params.items()}


def echo(value: object) -> object:
    """A cell's text as a problem quotes it: at most MAX_ECHO_CHARS characters, on one line."""
    if not isinstance(value, str):
        return value
    flat = " ".join(value.split())
    return flat if len(flat) <= MAX_ECHO_CHARS else flat[: MAX_ECHO_CHARS - 1] + "…"


def is_missing(text: str | None) -> bool:
    return text is None or text.strip().lower() in MISSING_TOKENS


def parse_number(text: str | None, field: str) -> float | None:
    """A number written as text; None when the cell means unknown.

    Accepts thousands separators ("7,604"), a leading "$", and any case of exponent ("9.90E+22").
    Infinite or unreadable values raise a RowProblem naming `field`.
    """
    if is_missing(text):
        return None
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").lstrip("$")
    if cleaned.lower() in _INFINITE:
        raise RowProblem("not_finite", field=field, value=text.strip())
    if "," in cleaned:
        if not _THOUSANDS.fullmatch(cleaned):
            raise RowProblem("bad_number", field=field, value=text.strip())
        cleaned = cleaned.replace(",", "")
    if not _NUMBER.fullmatch(cleaned):  # ASCII digits only: no "1_000", no "٥", no "５"
        raise RowProblem("bad_number", field=field, value=text.strip())
    value = float(cleaned)
    if not math.isfinite(value):
        raise RowProblem("not_finite", field=field, value=text.strip())
    return value


def parse_nonnegative(text: str | None, field: str) -> float | None:
    value = parse_number(text, field)
    if value is not None and value < 0:
        raise RowProblem("negative", field=field, value=text.strip())
    return value


def _expand_year(digits: str) -> int:
    year = int(digits)
    if len(digits) == 2:
        year += 2000 if year <= TWO_DIGIT_YEAR_PIVOT else 1900
    return year


def parse_date(text: str | None, field: str, *, day_first: bool) -> date | None:
    """ISO, DD/MM/YYYY, M/D/YYYY or M/D/YY; None when blank.

    `day_first` settles ambiguous slash dates (3/4/2020) by the layout's convention; a part above
    12 settles it by itself. Dates outside 1950–2035 raise a RowProblem.
    """
    if is_missing(text):
        return None
    cleaned = text.strip()
    if match := _ISO_DATE.fullmatch(cleaned):
        year, month, day = (int(part) for part in match.groups()[:3])
    elif match := _SLASH_DATE.fullmatch(cleaned):
        first, second, year = int(match[1]), int(match[2]), _expand_year(match[3])
        if first > 12 or (day_first and second <= 12):
            day, month = first, second
        else:
            month, day = first, second
    else:
        raise RowProblem("bad_date", field=field, value=cleaned)
    if not _valid_time(*match.groups()[3:]):
        raise RowProblem("bad_date", field=field, value=cleaned)
    try:
        value = date(year, month, day)
    except ValueError:
        raise RowProblem("bad_date", field=field, value=cleaned) from None
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise RowProblem("date_out_of_range", field=field, value=cleaned, low=EARLIEST_YEAR, high=LATEST_YEAR)
    return value


def _valid_time(hour: str | None, minute: str | None, second: str | None) -> bool:
    """A time of day written after the date is in range (absent counts as valid; 60 s is a leap second)."""
    if hour is None:
        return True
    return int(hour) <= 23 and int(minute) <= 59 and (second is None or int(second) <= 60)


def split_list(text: str | None) -> list[str]:
    """A comma- or semicolon-joined cell ("Language,Vision") as a list without blanks or repeats."""
    if is_missing(text):
        return []
    items = (part.strip() for part in re.split(r"[,;]", text))
    return list(dict.fromkeys(item for item in items if item))


def parse_flag(text: str | None) -> bool | None:
    """Epoch writes True/blank for flags; None only when the cell is unreadable."""
    if is_missing(text):
        return False
    lowered = text.strip().lower()
    if lowered in {"true", "yes", "y", "1", "checked", "x"}:
        return True
    if lowered in {"false", "no", "n", "0"}:
        return False
    return None


def normalise_header(name: str) -> str:
    """Header spelling used for matching: case, spacing, underscores and a BOM do not matter."""
    cleaned = name.replace("\ufeff", "").replace("\u00a0", " ").replace("_", " ").strip().lower()
    return re.sub(r"\s+", " ", cleaned)


def sniff_delimiter(text: str) -> str:
    """Comma unless the header line clearly uses semicolons or tabs (European spreadsheet exports)."""
    header = text.split("\n", 1)[0]
    counts = {delimiter: header.count(delimiter) for delimiter in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def read_csv_text(text: str) -> pd.DataFrame:
    """Every cell as text (no pandas NA guessing: "NA" and "N/A" are decided by the importers)."""
    frame = pd.read_csv(
        io.StringIO(text),
        sep=sniff_delimiter(text),
        dtype=str,
        keep_default_na=False,
        skip_blank_lines=False,
    )
    return frame
