"""`python -m etl build`: bad raw data is refused line by line and the database is left as it was."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys

import duckdb
import pytest

from etl.__main__ import main
from etl.paths import ROOT
from tests.etl.rawdata import VALID_TABLES, edit, sha256_of, write_raw


def build(raw, db_path, capsys):
    code = main(["build", "--raw", str(raw), "--db", str(db_path)])
    out, err = capsys.readouterr()
    return code, out, err


def without_column(table: str, column: str) -> str:
    rows = list(csv.DictReader(io.StringIO(VALID_TABLES[table])))
    names = [n for n in rows[0] if n != column]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=names, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def problem_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if not line.startswith("etl build:")]


# Each case: the table texts to write, then what the single problem line must name.
BAD_INPUTS = {
    "missing column": (
        {"models": without_column("models", "training_compute_flop")},
        ["models.csv", "row 1", "column training_compute_flop", "missing"],
    ),
    "unparseable number": (
        {"models": edit("models", "3.14e23", "about 3e23")},
        ["models.csv", "row 3", "column training_compute_flop", "'about 3e23'", "a number"],
    ),
    "negative value": (
        {"accelerators": edit("accelerators", ",80,3.35,", ",-80,3.35,")},
        ["accelerators.csv", "row 2", "column memory_gb", "'-80'", "at least 0"],
    ),
    "date out of range": (
        {"events": edit("events", "2022-11-30", "1949-12-31")},
        ["events.csv", "row 2", "column date", "'1949-12-31'", "1950–2035"],
    ),
    "impossible date": (
        {"models": edit("models", "2021-01-01", "2021-02-30")},
        ["models.csv", "row 4", "column publication_date", "'2021-02-30'", "calendar date"],
    ),
    "duplicate key": (
        {"models": VALID_TABLES["models"] + "gpt-3,OpenAI,2020-06-01,Language,,,,,,,estimate,src-a,\n"},
        ["models.csv", "row 6", "column name", "'gpt-3'", "unique name", "row 3"],
    ),
    "duplicate composite key": (
        {"events": VALID_TABLES["events"] + "2022-11-30,ChatGPT released,,launch,src-a,\n"},
        ["events.csv", "row 4", "column date+label", "unique date+label", "row 2"],
    ),
    "dangling source_id": (
        {"events": edit("events", "outage,src-b", "outage,src-nowhere")},
        ["events.csv", "row 3", "column source_id", "'src-nowhere'", "sources.csv"],
    ),
    "empty file": (
        {"market_share": ""},
        ["market_share.csv", "header row", "empty"],
    ),
    "header only": (
        {"market_share": VALID_TABLES["market_share"].splitlines()[0] + "\n"},
        ["market_share.csv", "at least one data row"],
    ),
    "missing raw file": (
        {"foundry_capacity": None},
        ["foundry_capacity.csv", "missing"],
    ),
    "FLOP out of range": (
        {"models": edit("models", "2.1e25", "2.1e32")},
        ["models.csv", "row 5", "column training_compute_flop", "'2.1e32'", "1e3–1e31 FLOP"],
    ),
    "shares sum above 1": (
        {"market_share": edit("market_share", "AMD,0.1,", "AMD,0.2,")},
        ["market_share.csv", "rows 2, 3", "column share", "at most 1"],
    ),
    "share above 1": (
        {"market_share": edit("market_share", "NVIDIA,0.9,", "NVIDIA,1.5,")},
        ["market_share.csv", "row 2", "column share", "'1.5'", "0–1"],
    ),
    "doubling inconsistent with growth": (
        {"trend_claims": edit("trend_claims", "11.3,3.43", "11.3,5.0")},
        ["trend_claims.csv", "row 2", "column doubling_months", "'5.0'", "3.43"],
    ),
    "unknown enum value": (
        {"models": edit("models", "estimate,src-b", "likely,src-b")},
        ["models.csv", "row 4", "column confidence", "'likely'", "confirmed, estimate, speculative"],
    ),
    "unknown list item": (
        {"models": edit("models", "Language;Vision", "Language;Poetry")},
        ["models.csv", "row 4", "column domain", "Poetry"],
    ),
    "not a boolean": (
        {"models": edit("models", "true,true,true", "yes,true,true")},
        ["models.csv", "row 2", "column notable", "'yes'", "true or false"],
    ),
    "band out of order": (
        {"foundry_capacity": edit("foundry_capacity", "30000,35000,40000", "30000,45000,40000")},
        ["foundry_capacity.csv", "row 2", "column capacity_high", "capacity_high ≥ capacity_central"],
    ),
    "wrong number of fields": (
        {"events": VALID_TABLES["events"] + "2024-01-01,too short\n"},
        ["events.csv", "row 4", "6 fields", "found 2"],
    ),
    "required cell empty": (
        {"shipments": edit("shipments", "NVIDIA,H100,2024-04-01", "NVIDIA,,2024-04-01")},
        ["shipments.csv", "row 4", "column chip", "required"],
    ),
}


@pytest.mark.parametrize("replacements, fragments", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_exits_2_with_one_line_naming_it_and_keeps_the_database(tmp_path, db_path, capsys,
                                                                          replacements, fragments):
    good = write_raw(tmp_path / "good")
    assert build(good, db_path, capsys)[0] == 0
    before = sha256_of(db_path)

    code, _out, err = build(write_raw(tmp_path / "bad", **replacements), db_path, capsys)

    assert code == 2
    lines = problem_lines(err)
    assert len(lines) == 1, err
    for fragment in fragments:
        assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"
    assert "the database was not changed" in err
    assert sha256_of(db_path) == before
    leftovers = sorted(p.name for p in db_path.parent.iterdir() if p.name != db_path.name + ".lock")  # the lock stays
    assert leftovers == [db_path.name]  # no temp file left


def test_every_problem_gets_its_own_line(tmp_path, db_path, capsys):
    raw = write_raw(
        tmp_path / "raw",
        models=edit("models", "3.14e23", "x"),
        events=edit("events", "outage,src-b", "outage,src-nowhere"),
        accelerators=edit("accelerators", ",80,3.35,700,", ",-80,3.35,-700,"),
    )
    code, _out, err = build(raw, db_path, capsys)
    assert code == 2
    lines = problem_lines(err)
    assert [line.split(":")[0].rsplit("/", 1)[-1] for line in lines] == [
        "models.csv", "accelerators.csv", "accelerators.csv", "events.csv",
    ]
    assert err.splitlines()[-1].startswith("etl build: 4 problem(s)")


def test_failed_first_build_creates_no_file(tmp_path, db_path, capsys):
    code, _out, _err = build(write_raw(tmp_path / "raw", sources=None), db_path, capsys)
    assert code == 2
    assert not db_path.exists()


def test_utf8_bom_is_accepted(tmp_path, db_path, capsys):
    raw = write_raw(tmp_path / "raw")
    (raw / "models.csv").write_bytes(b"\xef\xbb\xbf" + VALID_TABLES["models"].encode("utf-8"))
    code, _out, err = build(raw, db_path, capsys)
    assert code == 0, err
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute("select count(*) from models where name = 'GPT-3'").fetchone() == (1,)


def test_unknown_extra_column_is_a_warning_and_is_not_loaded(tmp_path, db_path, capsys):
    lines = VALID_TABLES["events"].splitlines()
    with_extra = "\n".join([lines[0] + ",colour"] + [line + ",red" for line in lines[1:]]) + "\n"
    code, _out, err = build(write_raw(tmp_path / "raw", events=with_extra), db_path, capsys)
    assert code == 0, err
    assert "warning: " in err and "events.csv: row 1, column colour" in err
    with duckdb.connect(str(db_path), read_only=True) as con:
        columns = [row[0] for row in con.execute("describe events").fetchall()]
    assert "colour" not in columns and columns[0] == "date"


def test_invalid_utf8_is_refused(tmp_path, db_path, capsys):
    raw = write_raw(tmp_path / "raw")
    (raw / "events.csv").write_bytes(VALID_TABLES["events"].encode("utf-8") + b"2024-01-01,caf\xe9,,launch,src-a,\n")
    code, _out, err = build(raw, db_path, capsys)
    assert code == 2
    assert "events.csv" in err and "UTF-8" in err


def test_growth_without_doubling_and_doubling_without_growth_are_accepted(tmp_path, db_path, capsys):
    claims = VALID_TABLES["trend_claims"] + "ten-x-18m,parameters,,10x per 18 months,,,18,2018,2023,S2,src-a,\n"
    code, _out, err = build(write_raw(tmp_path / "raw", trend_claims=claims), db_path, capsys)
    assert code == 0, err


def test_command_line_build_of_the_fixture_prints_progress_and_summary(raw, db_path):
    done = subprocess.run([sys.executable, "-m", "etl", "build", "--raw", str(raw), "--db", str(db_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert re.search(r"^ +models +4 rows +ok$", done.stdout, re.MULTILINE), done.stdout
    assert re.search(r"^ +mart_models +4$", done.stdout, re.MULTILINE), done.stdout
    assert f"Built {db_path} in" in done.stdout
    assert "mart_frontier_models" in done.stdout
    assert db_path.is_file()


def test_usage_and_model_serving_rows_are_checked(tmp_path):
    """A message cap without its window, and more active than total parameters, are refused by row and column."""
    from etl.build import RawDataError, build

    usage = VALID_TABLES["usage"] + "2024-05-13,message_cap,GPT-4o,80,messages per window,per subscriber,,confirmed,src-a,\n"
    serving = VALID_TABLES["model_serving"] + "MoE,1e11,2e11,,,,,,,,estimate,src-a,\n"
    raw = write_raw(tmp_path / "raw", usage=usage, model_serving=serving)
    with pytest.raises(RawDataError) as caught:
        build(raw, tmp_path / "db.duckdb", log=lambda _m: None)
    text = "\n".join(str(p) for p in caught.value.problems)
    assert "usage.csv: row 4, column window_hours" in text
    assert "model_serving.csv: row 3, column params_active" in text
