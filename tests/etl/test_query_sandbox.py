"""The SQL sandbox (etl.sandbox) and `python -m etl query`: hostile SQL is refused or stopped with a
clear message, the CLI exits non-zero, and neither the database nor the file system changes."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import threading

import duckdb
import pytest

import etl.sandbox as sandbox
from etl.__main__ import main as etl_main
from etl.paths import ROOT
from etl.sandbox import SandboxError, run_query
from i18n import catalogue

SECRET = "TOP-SECRET-CONTENT-42"
MODELS = [  # name, training_compute_flop, publication_date
    ("Alpha", 1.0e20, "2019-03-01"),
    ("Beta", 3.0e22, "2021-06-15"),
    ("Gamma", 2.0e24, "2023-11-30"),
]


@pytest.fixture
def db(tmp_path):
    """A tiny database plus a secret file beside it; on teardown, checks that neither changed
    and that no new file appeared in the folder (no WAL, no spill directory, no COPY target)."""
    path = tmp_path / "compute.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create table models (name varchar, training_compute_flop double, publication_date date)")
    con.executemany("insert into models values (?, ?, ?)", MODELS)
    con.execute("create table numbers as select range as n from range(20)")
    con.close()
    secret = tmp_path / "secret.csv"
    secret.write_text(f"token\n{SECRET}\n")
    before = _snapshot(tmp_path)
    yield path
    assert _snapshot(tmp_path) == before, "the sandbox changed or created a file"


def _snapshot(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()}


def refused(db, sql, **kwargs) -> SandboxError:
    with pytest.raises(SandboxError) as info:
        run_query(db, sql, **kwargs)
    error = info.value
    assert SECRET not in str(error) and "root:" not in str(error)
    assert "⟦" not in error.message("en") and "⟦" not in error.message("zh")
    return error


# --- what works ---------------------------------------------------------------------------


def test_select_returns_the_rows_and_values(db):
    result = run_query(
        db, "select name, training_compute_flop from models where training_compute_flop > 1e21 order by name"
    )
    assert result.columns == ("name", "training_compute_flop")
    assert list(result.rows["name"]) == ["Beta", "Gamma"]
    assert list(result.rows["training_compute_flop"]) == [3.0e22, 2.0e24]
    assert result.truncated is False
    assert result.elapsed_s >= 0


def test_aggregate_matches_hand_computed_sum(db):
    # 0 + 1 + … + 19 = 190; 3 models
    result = run_query(
        db,
        "with s as (select sum(n) as total from numbers) select total, (select count(*) from models) as m from s",
    )
    assert result.rows.iloc[0].tolist() == [190, 3]


@pytest.mark.parametrize(
    ("sql", "expected_first_column"),
    [
        ("describe models", "column_name"),
        ("show tables", "name"),
        ("explain select * from models", "explain_key"),
        ("explain analyze select count(*) from models", "explain_key"),
        ("from models select name;", "name"),  # FROM-first and a trailing semicolon
    ],
)
def test_other_read_statements_work(db, sql, expected_first_column):
    result = run_query(db, sql)
    assert result.columns[0] == expected_first_column
    assert len(result.rows) >= 1


def test_row_cap_truncates_and_keeps_the_order(db):
    capped = run_query(db, "select n from numbers order by n desc", max_rows=5)
    assert capped.truncated is True
    assert list(capped.rows["n"]) == [19, 18, 17, 16, 15]
    exact = run_query(db, "select n from numbers", max_rows=20)
    assert exact.truncated is False and len(exact.rows) == 20


def test_works_while_the_app_holds_the_database_open(db):
    # etl.read.Store keeps a plain read-only connection; DuckDB refuses a second one with another config
    app_connection = duckdb.connect(str(db), read_only=True)
    try:
        assert run_query(db, "select count(*) as c from models").rows["c"].iloc[0] == 3
    finally:
        app_connection.close()


def test_concurrent_queries_each_get_their_own_answer(db):
    answers = {}

    def ask(k):
        # a queued query waits about as long as one may run: a long limit keeps a loaded machine from
        # turning the queue into "busy" refusals (their own test is below), which is not what this tests
        answers[k] = run_query(db, f"select sum(n) + {k} as v from numbers", timeout_s=60).rows["v"].iloc[0]

    threads = [threading.Thread(target=ask, args=(k,)) for k in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == {k: 190 + k for k in range(6)}


# --- what is refused ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "select * from read_csv('/etc/passwd')",
        "select * from read_text('/etc/passwd')",
        "select * from read_csv('{secret}')",
        "select content from read_blob('{db}')",  # not even the database file itself as bytes
        "select * from glob('/etc/*')",
    ],
)
def test_reading_files_is_refused(db, sql):
    error = refused(db, sql.format(secret=db.parent / "secret.csv", db=db))
    assert error.key == "sql.error.file_access"


def test_a_quoted_path_is_not_read_as_a_table(db):
    error = refused(db, "select * from '/etc/passwd'")
    assert error.key == "sql.error.failed"
    assert "does not exist" in str(error)


def test_a_quoted_csv_path_is_refused_as_file_access(db):
    # a quoted name ending in .csv makes DuckDB try read_csv, which the locked file system refuses
    error = refused(db, f"select * from '{db.parent / 'secret.csv'}'")
    assert error.key == "sql.error.file_access"


@pytest.mark.parametrize(
    ("sql", "kind"),
    [
        ("copy models to '{out}'", "COPY"),
        ("attach '{out}' as other", "ATTACH"),
        ("install httpfs", "INSTALL"),
        ("load httpfs", "LOAD"),
        ("pragma version", "PRAGMA"),
        ("set enable_external_access = true", "SET"),
        ("set threads = 64", "SET"),
        ("create table stolen as select 1", "CREATE"),
        ("insert into models values ('Evil', 1, '2020-01-01')", "INSERT"),
        ("update models set name = 'x'", "UPDATE"),
        ("delete from models", "DELETE"),
        ("drop table models", "DROP"),
        ("export database '{out}'", "EXPORT"),
        ("call pragma_version()", "CALL"),
        ("checkpoint", "CHECKPOINT"),
        ("explain analyze copy models to '{out}'", "EXPLAIN"),
        ("with x as (select 1) insert into models select 'Evil', 1, null", "INSERT"),
        ("/* looks harmless */ drop table models", "DROP"),
    ],
)
def test_statements_other_than_reads_are_refused(db, sql, kind):
    error = refused(db, sql.format(out=db.parent / "out.csv"))
    assert error.key == "sql.error.not_read"
    assert error.params["kind"] == kind
    assert kind in str(error)


@pytest.mark.parametrize("sql", ["select 1; select 2", "select * from models; drop table models"])
def test_several_statements_are_refused_before_any_runs(db, sql):
    error = refused(db, sql)
    assert error.key == "sql.error.multiple"
    assert error.params["count"] == 2


@pytest.mark.parametrize(
    ("sql", "key"), [("", "empty"), ("   ;  ", "empty"), ("selec name from models", "parse")]
)
def test_empty_or_invalid_sql_gets_a_clear_message(db, sql, key):
    assert refused(db, sql).key == f"sql.error.{key}"


def test_an_overlong_query_is_refused(db):
    assert refused(db, "select 1" + " " * 30_000).key == "sql.error.too_long"


def test_a_huge_cross_join_is_stopped_by_the_timeout(db):
    error = refused(db, "select count(*) from range(1000000) a, range(1000000) b", timeout_s=0.3)
    assert error.key == "sql.error.timeout"
    assert "0.3 s" in str(error)


def test_a_cross_join_too_big_for_memory_is_stopped(db):
    # 10^8 build rows need ~800 MB; the sandbox allows 256 MB and may not spill to disk
    error = refused(db, "select count(*) from range(100000000) a, range(100000000) b")
    assert error.key == "sql.error.out_of_memory"


def test_a_huge_cross_join_is_cut_by_the_row_cap(db):
    result = run_query(db, "select * from range(1000000) a cross join range(1000000) b", max_rows=50)
    assert result.truncated is True and len(result.rows) == 50


def test_the_connection_after_a_timeout_still_serves_the_next_query(db):
    refused(db, "select count(*) from range(1000000) a, range(1000000) b", timeout_s=0.2)
    assert run_query(db, "select count(*) as c from models").rows["c"].iloc[0] == 3


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"max_rows": 0}, "bad_max_rows"),
        ({"max_rows": True}, "bad_max_rows"),
        ({"timeout_s": 0}, "bad_timeout"),
        ({"timeout_s": float("nan")}, "bad_timeout"),
        ({"timeout_s": float("inf")}, "bad_timeout"),
    ],
)
def test_bad_limits_are_refused(db, kwargs, key):
    assert refused(db, "select 1", **kwargs).key == f"sql.error.{key}"


def test_a_missing_database_is_reported_and_not_created(tmp_path):
    missing = tmp_path / "nothing.duckdb"
    error = refused(missing, "select 1")
    assert error.key == "sql.error.no_database" and str(missing) in str(error)
    assert list(tmp_path.iterdir()) == []


# --- the CLI ------------------------------------------------------------------------------


def cli(db, *args):
    return etl_main(["query", *args, "--db", str(db)])


def test_cli_prints_csv(db, capsys):
    assert cli(db, "select name, training_compute_flop from models order by name") == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["name,training_compute_flop", "Alpha,1e+20", "Beta,3e+22", "Gamma,2e+24"]


def test_cli_prints_json(db, capsys):
    assert cli(db, "select name, publication_date from models order by name limit 1", "--format", "json") == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["columns"] == ["name", "publication_date"]
    assert payload["rows"][0][0] == "Alpha" and payload["rows"][0][1].startswith("2019-03-01")
    assert payload["truncated"] is False


def test_cli_escapes_formula_cells_in_csv(db, capsys):
    assert cli(db, "select '=HYPERLINK(1)' as x, -5 as y") == 0
    assert capsys.readouterr().out.splitlines() == ["x,y", "'=HYPERLINK(1),-5"]


def test_cli_reports_truncation_on_stderr(db, capsys):
    assert cli(db, "select n from numbers order by n", "--max-rows", "3") == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines() == ["n", "0", "1", "2"]
    assert "first 3 rows" in captured.err


@pytest.mark.parametrize(
    "sql",
    [
        "select * from read_csv('/etc/passwd')",
        "copy models to '/tmp/cc-sandbox-should-not-exist.csv'",
        "drop table models",
        "select 1; select 2",
    ],
)
def test_cli_exits_non_zero_on_refusal(db, capsys, sql):
    assert cli(db, sql) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("etl query: ")


def test_cli_timeout_exits_non_zero(db, capsys):
    assert cli(db, "select count(*) from range(1000000) a, range(1000000) b", "--timeout", "0.2") == 2
    assert "stopped after 0.2 s" in capsys.readouterr().err


def test_python_dash_m_etl_query_runs_as_a_command(db):
    ok = subprocess.run(
        [sys.executable, "-m", "etl", "query", "select count(*) as c from models", "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (ok.returncode, ok.stdout) == (0, "c\n3\n")
    bad = subprocess.run(
        [sys.executable, "-m", "etl", "query", "delete from models", "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "DELETE" in bad.stderr and bad.stdout == ""


def test_when_every_slot_is_taken_the_query_is_refused_as_busy(db, monkeypatch):
    monkeypatch.setattr(sandbox, "_SLOTS", sandbox.threading.BoundedSemaphore(1))
    sandbox._SLOTS.acquire()  # another user's query is running
    try:
        error = refused(db, "select 1", timeout_s=0.1)
    finally:
        sandbox._SLOTS.release()
    assert error.key == "sql.limits.busy"
    assert run_query(db, "select 1 as one").rows["one"].iloc[0] == 1  # the slot is free again


def test_every_sql_string_exists_in_both_languages():
    english = {k for k in catalogue("en") if k.startswith("sql.")}
    chinese = {k for k in catalogue("zh") if k.startswith("sql.")}
    assert english == chinese
    assert len(english) >= 30
