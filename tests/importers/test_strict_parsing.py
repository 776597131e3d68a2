"""Strict input: the upload guards refuse NUL bytes anywhere and hidden control characters (naming the line
and column), decode UTF-16 with a BOM, and the cell parsers reject dates with trailing text or an
impossible time, non-ASCII digits and Python-only number spellings, naming the column and value."""

from __future__ import annotations

from datetime import date

import pytest

from etl.guards import UploadError, check_upload
from etl.importers.parse import MAX_ECHO_CHARS, RowProblem, parse_date, parse_number

CSV = {"max_bytes": 20_000_000, "allowed_suffixes": (".csv",)}
HEADER = "System,Publication date,Training compute (FLOP)\n"


def guard_refuses(data: bytes) -> UploadError:
    with pytest.raises(UploadError) as info:
        check_upload("models.csv", data, **CSV)
    return info.value


# --- the guards ------------------------------------------------------------------------------


def test_a_nul_byte_after_the_first_8_kb_is_refused():
    body = "".join(f"Model {i},2020-01-01,1e20\n" for i in range(1000))  # ~25 KB
    data = (HEADER + body).encode() + b"Late\x00Model,2021-01-01,1e21\n"
    error = guard_refuses(data)
    assert error.key == "sql.upload.binary" and error.params["offset"] > 8192


@pytest.mark.parametrize("control", ["\x01", "\x07", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9b"])
def test_one_control_character_in_a_cell_is_refused_with_its_position(control):
    text = HEADER + "GPT-3,2020-05-28,3.14e23\n" + f"Ev{control}il,2021-01-01,1e21\n"
    error = guard_refuses(text.encode())
    assert error.key == "guards.control_char"
    assert (error.params["line"], error.params["column"]) == (3, 3)  # header = line 1; "Ev" then the character
    assert error.params["char"] == f"U+{ord(control):04X}"


def test_tabs_and_windows_line_ends_are_fine():
    text = check_upload("models.csv", (HEADER + "GPT-3,2020-05-28,3.14e23\r\n").encode(), **CSV)
    assert text.endswith("3.14e23\r\n")
    assert check_upload("models.tsv", b"a\tb\n1\t2\n", max_bytes=100, allowed_suffixes=(".tsv",)) == "a\tb\n1\t2\n"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_with_a_bom_is_decoded_not_refused_as_binary(encoding):
    content = HEADER + "Ünïcode-Modell,2020-05-28,3.14e23\n"
    data = content.encode(encoding) if encoding == "utf-16" else ("\ufeff" + content).encode(encoding)
    assert check_upload("models.csv", data, **CSV) == content


def test_a_nul_character_inside_utf16_text_is_still_refused():
    error = guard_refuses((HEADER + "Bad\x00Name,2020-05-28,1e20\n").encode("utf-16"))
    assert error.key == "guards.control_char" and error.params["char"] == "U+0000"


# --- the cell parsers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["2024-01-01 garbage", "2024-01-01T25:99:99", "2024-01-01T23:60", "2024-01-01 12:00:61", "2024-01-01T",
     "1/31/2024 later", "٢٠٢٤-٠١-٠١", "２０２４-０１-０１", "2024-０１-01", "2024-01-01x"],
)
def test_dates_with_trailing_text_impossible_times_or_other_digits_are_rejected(text):
    with pytest.raises(RowProblem) as info:
        parse_date(text, "Publication date", day_first=False)
    assert info.value.code == "bad_date"
    assert info.value.params == {"field": "Publication date", "value": text.strip()}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2024-01-01", date(2024, 1, 1)), ("2024-01-01T23:59:59", date(2024, 1, 1)),
     ("2024-01-01 00:00:00", date(2024, 1, 1)), ("2024-01-01T12:30:00.123Z", date(2024, 1, 1)),
     ("2024-01-01T12:30+02:00", date(2024, 1, 1)), ("1/31/2024 08:15", date(2024, 1, 31))],
)
def test_dates_with_a_valid_time_of_day_still_parse(text, expected):
    assert parse_date(text, "d", day_first=False) == expected


@pytest.mark.parametrize(
    "text",
    ["1_000e20", "1_000", "٣٫١٤e23", "３.１４e23", "3.14e２３", "0x10", "1e", "--5", "5-", "1.2.3", "١٠٠"],
)
def test_numbers_outside_plain_ascii_notation_are_rejected(text):
    with pytest.raises(RowProblem) as info:
        parse_number(text, "Training compute (FLOP)")
    assert info.value.code == "bad_number"
    assert info.value.params == {"field": "Training compute (FLOP)", "value": text}


@pytest.mark.parametrize(("text", "expected"), [("3.14e23", 3.14e23), ("-2.5", -2.5), (".5", 0.5), ("5.", 5.0),
                                                ("+1E+3", 1000.0), ("7,604", 7604.0), ("1 000", 1000.0)])
def test_plain_numbers_still_parse(text, expected):
    assert parse_number(text, "x") == expected


def test_a_long_bad_value_is_quoted_as_a_short_excerpt():
    with pytest.raises(RowProblem) as info:
        parse_date("2024-01-01 " + "x" * 100_000, "Publication date", day_first=False)
    assert len(info.value.params["value"]) == MAX_ECHO_CHARS and info.value.params["value"].endswith("…")


def test_a_rejected_row_names_row_column_and_value_in_an_import():
    from etl.importers.api import parse_bytes

    csv = ("Model,Domain,Publication date,Training compute (FLOP),Parameters,Organization\n"
           "Good,Language,2020-05-28,3.14e23,1.75e11,OpenAI\n"
           "Bad,Language,2024-01-01 garbage,1e21,1e9,Lab\n"
           "Wide,Language,2021-01-01,1_000e20,1e9,Lab\n")
    _fmt, parsed, _notes, _rows = parse_bytes("models.csv", csv.encode())
    reasons = {rejected.row: rejected.reason("en") for rejected in parsed.rejected}
    assert list(parsed.frame["name"]) == ["Good"]
    assert "Publication date" in reasons[3] and "2024-01-01 garbage" in reasons[3]
    assert "Training compute (FLOP)" in reasons[4] and "1_000e20" in reasons[4]


# --- one set of guards for the uploader and the CLI -------------------------------------------


def test_imports_have_a_guarded_reader_that_refuses_what_uploads_refuse():
    from etl.importers.base import ImportRefused, guarded_text

    late_nul = (HEADER + "x" * 10_000 + "\n").encode() + b"Late\x00Model\n"
    with pytest.raises(ImportRefused) as info:
        guarded_text("models.csv", late_nul, max_bytes=20_000_000, max_columns=1_000)
    assert info.value.code == "binary" and "models.csv" in info.value.message("en")
    assert "⟦" not in info.value.message("zh")
    # a stray control character inside a cell (Epoch's real export has one) is never stored: it becomes a
    # space, and the import says so; a file full of them is binary and refused
    text, notes = guarded_text("models.csv", (HEADER + "Ev\x1bil,2021-01-01,1e21\n").encode(),
                               max_bytes=20_000_000, max_columns=1_000)
    assert "\x1b" not in text and "Ev il" in text and [n.code for n in notes] == ["controls_replaced"]
    with pytest.raises(ImportRefused):
        guarded_text("models.csv", (HEADER + "\x1b" * 200 + "\n").encode(), max_bytes=20_000_000, max_columns=1_000)
    text, notes = guarded_text("models.csv", (HEADER + "A,2020-01-01,1e20\n").encode("utf-16"),
                               max_bytes=20_000_000, max_columns=1_000)
    assert text.startswith("System,") and notes == []
    _text, notes = guarded_text("models.csv", "System\nCafé\n".encode("cp1252"), max_bytes=1000, max_columns=10)
    assert [note.code for note in notes] == ["cp1252"]
