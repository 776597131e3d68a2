"""Upload guards and CSV formula-injection escaping (etl.guards)."""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
import pytest

from etl.guards import UploadError, check_upload, escape_csv_cell, escape_csv_frame, to_safe_csv

CSV_ONLY = {"max_bytes": 1_000_000, "allowed_suffixes": (".csv",)}


def refused(name, data, **kwargs) -> UploadError:
    options = {**CSV_ONLY, **kwargs}
    with pytest.raises(UploadError) as info:
        check_upload(name, data, **options)
    error = info.value
    assert "⟦" not in error.message("en") and "⟦" not in error.message("zh")
    return error


# --- accepted uploads ---------------------------------------------------------------------


def test_utf8_csv_comes_back_as_text():
    text = check_upload("models.csv", b"name,flop\nGPT-3,3.14e23\n", **CSV_ONLY)
    assert text == "name,flop\nGPT-3,3.14e23\n"
    assert text.encoding == "utf-8" and text.warning("en") is None


def test_utf8_bom_is_removed():
    text = check_upload("excel.csv", b"\xef\xbb\xbfname\nAlpha\n", **CSV_ONLY)
    assert text == "name\nAlpha\n" and text.encoding == "utf-8-sig"


def test_chinese_utf8_text_survives():
    text = check_upload("zh.csv", "名称,年份\n悟道,2021\n".encode(), **CSV_ONLY)
    assert text.splitlines()[1] == "悟道,2021"


def test_windows_1252_is_decoded_and_reported():
    text = check_upload("legacy.csv", "name\nCafé Ångström\n".encode("cp1252"), **CSV_ONLY)
    assert text == "name\nCafé Ångström\n"
    assert text.encoding == "cp1252"
    assert "legacy.csv" in text.warning("en") and "Windows-1252" in text.warning("en")
    assert "legacy.csv" in text.warning("zh")


def test_suffix_check_ignores_case_and_accepts_suffixes_without_dot():
    assert check_upload("MODELS.CSV", b"a\n1\n", max_bytes=100, allowed_suffixes=["csv", "json"]) == "a\n1\n"
    assert (
        check_upload("scenario.json", b'{"a": 1}', max_bytes=100, allowed_suffixes=["csv", "json"])
        == '{"a": 1}'
    )


def test_size_cap_is_inclusive():
    assert len(check_upload("ten.csv", b"a\n12345678", max_bytes=10, allowed_suffixes=[".csv"])) == 10


# --- refused uploads ----------------------------------------------------------------------


def test_too_large_is_refused_with_sizes():
    error = refused("big.csv", b"a\n" + b"1" * 2047, max_bytes=1024)
    assert error.key == "sql.upload.too_large"
    assert "big.csv" in str(error) and "2.0 KB" in str(error) and "1.0 KB" in str(error)


def test_empty_file_is_refused():
    assert refused("empty.csv", b"").key == "sql.upload.empty"


@pytest.mark.parametrize("name", ["payload.exe", "models.csv.exe", "models", "models.xlsx"])
def test_wrong_suffix_is_refused(name):
    error = refused(name, b"a\n1\n")
    assert error.key == "sql.upload.bad_suffix"
    assert name in str(error) and ".csv" in str(error)


def test_directories_in_the_name_are_not_echoed():
    error = refused("../../etc/passwd", b"root:x:0:0\n")
    assert "passwd" in str(error) and "../" not in str(error)
    assert "..\\" not in str(refused("..\\..\\boot.ini", b"x"))


def test_nul_bytes_mean_binary():
    error = refused("data.csv", b"name\nAl\x00pha\n")
    assert error.key == "sql.upload.binary" and error.params["offset"] == 7


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"PK\x03\x04", "Excel"),
        (b"\x1f\x8b\x08", "gzip"),
        (b"%PDF-1.7", "PDF"),
        (b"SQLite format 3\x00", "SQLite"),
    ],
)
def test_known_binary_formats_are_named(head, kind):
    error = refused("sheet.csv", head + b"rest")
    assert error.key == "sql.upload.binary_format" and kind in str(error)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_a_bom_is_decoded(encoding):
    data = "name\nÄlpha 算力\n".encode(encoding)
    if encoding != "utf-16":  # the plain codec writes its BOM itself
        data = "\ufeff".encode(encoding) + data
    text = check_upload("u16.csv", data, max_bytes=1000, allowed_suffixes=(".csv",))
    assert text == "name\nÄlpha 算力\n" and text.encoding == "utf-16"


def test_bytes_that_are_neither_utf8_nor_cp1252_are_refused():
    # 0x81 is invalid as a UTF-8 start byte and undefined in Windows-1252
    error = refused("odd.csv", b"abc\x81def")
    assert error.key == "sql.upload.not_text" and error.params["offset"] == 3


def test_broken_utf8_after_a_bom_is_refused():
    error = refused("bom.csv", b"\xef\xbb\xbfname\n\xc3(\n")
    assert error.key == "sql.upload.bad_utf8" and error.params["offset"] == 8


def test_binary_without_nul_bytes_is_refused_by_its_control_characters():
    rng = np.random.default_rng(7)
    noise = bytes(int(b) for b in rng.integers(1, 32, size=4000))  # control bytes, no NUL
    error = refused("noise.csv", b"a,b\n" + noise)
    assert error.key == "sql.upload.control_chars"


def test_a_million_columns_are_refused():
    header = ",".join(f"c{i}" for i in range(1_000_000))
    error = refused("wide.csv", (header + "\n" + "1," * 999_999 + "1\n").encode(), max_bytes=50_000_000)
    assert error.key == "sql.upload.too_many_columns"
    assert error.params["columns"] == 1_000_000 and "wide.csv" in str(error)


def test_column_cap_counts_semicolon_and_tab_headers():
    assert refused("semi.csv", b"a;b;c;d\n1;2;3;4\n", max_columns=3).params["columns"] == 4
    assert refused("tabs.csv", b"a\tb\tc\td\n", max_columns=3).params["columns"] == 4


def test_column_cap_is_inclusive_and_respects_quotes():
    assert check_upload("four.csv", b"a,b,c,d\n", **CSV_ONLY, max_columns=4)
    # three commas, but two of them are inside a quoted header name: two columns
    assert check_upload("quoted.csv", b'"flop, total (FLOP)",name\n', **CSV_ONLY, max_columns=2)


def test_column_cap_only_applies_to_delimited_text():
    wide_json = ("[" + ",".join(["1"] * 5000) + "]").encode()
    assert check_upload(
        "scenario.json", wide_json, max_bytes=100_000, allowed_suffixes=[".json"], max_columns=10
    )


# --- formula injection --------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["=SUM(A1:A2)", "+1+2", "-2+3", "@SUM(1)", "\t=1", "\r=1", '=HYPERLINK("http://x","y")', "＝1"]
)
def test_formula_like_text_gets_an_apostrophe(value):
    assert escape_csv_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["GPT-4", "a=b", "", " plain", "3.5e24", "'already"])
def test_ordinary_text_is_unchanged(value):
    assert escape_csv_cell(value) == value


@pytest.mark.parametrize("value", [-1, -2.5, 0, None, True])
def test_non_text_values_are_unchanged(value):
    assert escape_csv_cell(value) is value


def test_nan_is_unchanged():
    assert math.isnan(escape_csv_cell(float("nan")))


def test_escape_frame_escapes_text_but_not_numbers():
    df = pd.DataFrame(
        {
            "name": ["=cmd|' /C calc'!A0", "GPT-3", None],
            "delta": [-1.5, 2.0, -3.0],
            "mixed": ["-5", -5, "@x"],
            "=evil": ["ok", "+1", "fine"],
        }
    )
    out = escape_csv_frame(df)
    assert list(out.columns) == ["name", "delta", "mixed", "'=evil"]
    assert out["name"].iloc[0] == "'=cmd|' /C calc'!A0" and out["name"].iloc[1] == "GPT-3"
    assert pd.isna(out["name"].iloc[2])
    assert out["delta"].tolist() == [-1.5, 2.0, -3.0] and out["delta"].dtype == np.float64
    assert out["mixed"].tolist() == ["'-5", -5, "'@x"]
    assert out["'=evil"].tolist() == ["ok", "'+1", "fine"]
    # the input frame is not modified
    assert df["name"].iloc[0] == "=cmd|' /C calc'!A0" and "=evil" in df.columns


def test_escape_frame_handles_categories_and_round_trips_through_csv():
    df = pd.DataFrame({"kind": pd.Categorical(["=1+1", "launch"]), "year": [2023, 2024]})
    written = escape_csv_frame(df).to_csv(index=False)
    back = pd.read_csv(io.StringIO(written))
    assert back["kind"].tolist() == ["'=1+1", "launch"]
    assert back["year"].tolist() == [2023, 2024]


def test_safe_csv_joins_list_cells_like_the_raw_tables_and_escapes_them():
    df = pd.DataFrame(
        {
            "name": ["GPT-4", "Evil"],
            "domain": [np.array(["Language", "Vision"], dtype=object), ["=cmd", None]],
            "flop": [2.1e25, -1.0],
        }
    )
    assert to_safe_csv(df).splitlines() == [
        "name,domain,flop",
        "GPT-4,Language;Vision,2.1e+25",
        "Evil,'=cmd;,-1.0",
    ]
