"""Cell parsing: the number and date spellings the upstream exports use (SOURCES.md pitfalls)."""

from datetime import date

import pytest

from etl.importers.parse import RowProblem, normalise_header, parse_date, parse_number, split_list


@pytest.mark.parametrize(
    ("text", "expected"),
    [("7,604", 7604.0), ("9.90E+22", 9.9e22), ("$36,742", 36742.0), ("1.35e+11", 1.35e11),
     (" 42 ", 42.0), ("2,473.5", 2473.5)],
)
def test_numbers_written_as_text(text, expected):
    assert parse_number(text, "x") == expected


@pytest.mark.parametrize("text", ["", "NA", "N/A", "n/a", "nan", "  "])
def test_unknown_numbers_are_none(text):
    assert parse_number(text, "x") is None


@pytest.mark.parametrize(("text", "code"), [("inf", "not_finite"), ("-inf", "not_finite"),
                                             ("1,2", "bad_number"), ("about 5", "bad_number")])
def test_unusable_numbers_name_the_field(text, code):
    with pytest.raises(RowProblem) as problem:
        parse_number(text, "Training compute (FLOP)")
    assert problem.value.code == code
    assert problem.value.params["field"] == "Training compute (FLOP)"


@pytest.mark.parametrize(
    ("text", "day_first", "expected"),
    [
        ("2025-04-10", False, date(2025, 4, 10)),
        ("2025-04-10", True, date(2025, 4, 10)),  # ISO is never reordered
        ("31/12/2019", True, date(2019, 12, 31)),  # PCD DD/MM/YYYY
        ("05/04/2019", True, date(2019, 4, 5)),
        ("1/31/2024", False, date(2024, 1, 31)),  # ai-chip-counts M/D/YYYY
        ("3/4/2024", False, date(2024, 3, 4)),
        ("6/30/24", False, date(2024, 6, 30)),  # chip_dataset M/D/YY
        ("6/1/87", False, date(1987, 6, 1)),
        ("13/02/2021", False, date(2021, 2, 13)),  # a part above 12 settles the order by itself
    ],
)
def test_date_formats(text, day_first, expected):
    assert parse_date(text, "d", day_first=day_first) == expected


@pytest.mark.parametrize(("text", "code"), [("2017", "bad_date"), ("31/31/2020", "bad_date"),
                                             ("1949-12-31", "date_out_of_range"), ("2/30/2020", "bad_date")])
def test_bad_dates(text, code):
    with pytest.raises(RowProblem) as problem:
        parse_date(text, "Publication date", day_first=False)
    assert problem.value.code == code


def test_blank_date_is_none():
    assert parse_date("N/A", "d", day_first=True) is None


def test_multi_valued_cells_become_lists():
    assert split_list("Multimodal,Language, Vision") == ["Multimodal", "Language", "Vision"]
    assert split_list("Google;DeepMind;Google") == ["Google", "DeepMind"]
    assert split_list("") == []


def test_headers_match_whatever_the_case_and_spacing():
    assert normalise_header("\ufeffTraining  Compute (FLOP) ") == normalise_header("training compute (flop)")
    assert normalise_header("publication_date") == "publication date"
