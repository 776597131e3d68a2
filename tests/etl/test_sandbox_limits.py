"""The SQL box under attack: memory and time bombs end in the query process, not the caller's; results are
capped by bytes; metadata that describes the server is refused; PIVOT and a trailing comment run."""

from __future__ import annotations

import json
import subprocess
import sys

import duckdb
import pytest

import etl.sandbox as sandbox
from etl.paths import ROOT
from etl.sandbox import SandboxError, run_query

GB = 1_000_000_000

# Runs one query through run_query in a fresh interpreter and reports what the OS measured:
# the peak RSS of the query process (RUSAGE_CHILDREN), its CPU time, and the caller's own peak RSS
# before and after (RUSAGE_SELF), so the caller's memory is seen to be untouched.
_PROBE = r"""
import json, resource, sys, time
from etl.sandbox import SandboxError, run_query
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
started = time.perf_counter()
try:
    run_query(sys.argv[1], sys.argv[2])
    key = None
except SandboxError as error:
    key = error.key
wall = time.perf_counter() - started
child = resource.getrusage(resource.RUSAGE_CHILDREN)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"key": key, "child_peak": child.ru_maxrss * 1024, "child_cpu": child.ru_utime + child.ru_stime,
                  "self_before": before, "self_after": after, "wall": wall}))
"""


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("sandbox") / "compute.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create table models as select 'M' || range as name, range % 3 as kind, range * 1.5 as flop "
                "from range(30)")
    con.close()
    return path


def probe(db, sql) -> dict:
    done = subprocess.run([sys.executable, "-c", _PROBE, str(db), sql], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    "sql",
    [
        "select len(range(100000000))",  # an 800 MB list: DuckDB's memory_limit does not see it
        "select repeat('x', 500000000)",  # a 500 MB cell
        "select unnest(range(1000000000))",
    ],
)
def test_memory_bombs_are_refused_inside_a_bounded_process(db, sql):
    measured = probe(db, sql)
    assert measured["key"] in ("sql.error.out_of_memory", "sandbox.too_large")
    assert measured["child_peak"] < sandbox.MEMORY_LIMIT_BYTES <= GB
    assert measured["self_after"] - measured["self_before"] < 100_000_000  # the caller held no result
    assert measured["child_cpu"] < 10  # CPU seconds the OS charged to the query process


def test_a_time_bomb_is_stopped_and_charged_to_the_query_process(db):
    measured = probe(db, "select count(*) from range(1000000) a, range(1000000) b")
    assert measured["key"] == "sql.error.timeout"
    assert measured["child_cpu"] < sandbox.DEFAULT_TIMEOUT_S + 3  # RLIMIT_CPU would kill it at timeout + 1 s


def test_a_process_killed_by_the_cpu_limit_reads_as_a_timeout():
    assert sandbox._child_failure(-24, 2.0).key == "sql.error.timeout"  # SIGXCPU
    assert sandbox._child_failure(-9, 2.0).key == "sql.error.timeout"  # killed at the deadline
    assert sandbox._child_failure(-6, 2.0).key == "sql.error.out_of_memory"  # abort on a failed allocation


def test_a_result_is_cut_by_bytes_keeping_the_leading_rows(db, monkeypatch):
    monkeypatch.setattr(sandbox, "MAX_RESULT_BYTES", 100_000)
    # each row holds one 10,000-character string: at most 10 rows fit in 100,000 bytes
    result = run_query(db, "select range as n, repeat('x', 10000) as s from range(50) order by n")
    assert result.truncated is True
    assert 1 <= len(result.rows) <= 10
    assert list(result.rows["n"]) == list(range(len(result.rows)))


def test_a_single_row_above_the_byte_cap_is_refused(db, monkeypatch):
    monkeypatch.setattr(sandbox, "MAX_RESULT_BYTES", 100_000)
    with pytest.raises(SandboxError) as info:
        run_query(db, "select repeat('x', 200000) as s")
    assert info.value.key == "sandbox.too_large"


@pytest.mark.parametrize(
    ("sql", "name"),
    [
        ("select * from duckdb_databases()", "duckdb_databases"),
        ("select path from duckdb_databases", "duckdb_databases"),
        ("select * from pragma_database_list", "pragma_database_list"),
        ("show databases", "databases"),
        ("select name, value from duckdb_settings()", "duckdb_settings"),
        ("select current_setting('secret_directory')", "current_setting"),
        ("select version()", "version"),
        ('select "VERSION"()', "version"),
        ("select 1 as x where 'a'.version() is not null", "version"),
        ("select * from pragma_version()", "pragma_version"),
        ("select * from pragma_platform()", "pragma_platform"),
        ("select * from system.main.pragma_user_agent()", "pragma_user_agent"),
        ("select * from duckdb_extensions()", "duckdb_extensions"),
        ("select * from query('select version()')", "query"),
        ("select * from duckdb_temporary_files()", "duckdb_temporary_files"),
        ("explain analyze select * from duckdb_memory()", "duckdb_memory"),
    ],
)
def test_server_metadata_is_refused_before_anything_runs(db, sql, name):
    with pytest.raises(SandboxError) as info:
        run_query(db, sql)
    assert info.value.key == "sandbox.server_info"
    assert name in info.value.params["names"]
    assert str(db.parent) not in str(info.value)


@pytest.mark.parametrize(
    "sql",
    [
        "select 'version() duckdb_settings()' as text -- version()",  # names inside strings and comments
        "select count(*) as c from duckdb_tables()",  # catalogue functions that describe the data
        "select column_name from duckdb_columns() where table_name = 'models'",
        "select * from pragma_table_info('models')",
    ],
)
def test_data_catalogue_and_quoted_names_still_work(db, sql):
    assert len(run_query(db, sql).rows) >= 1


def test_no_answer_names_the_database_path(db):
    result = run_query(db, "select * from duckdb_tables()")
    assert str(db.parent) not in result.rows.to_csv()


def test_pivot_runs_and_gives_one_column_per_value(db):
    # 30 models, kind = n % 3: ten of each kind
    result = run_query(db, "pivot (select kind from models) on kind using count(*)")
    assert sorted(result.columns) == ["0", "1", "2"]
    assert result.rows.iloc[0].tolist() == [10, 10, 10]


@pytest.mark.parametrize("sql", ["select count(*) as c from models; -- how many", "select count(*) as c from models;\n-- done\n"])
def test_a_trailing_comment_after_the_semicolon_runs(db, sql):
    assert run_query(db, sql).rows["c"].iloc[0] == 30


def test_the_query_process_cannot_write_files(db, tmp_path):
    """RLIMIT_FSIZE = 0 in the child, on top of DuckDB's own lock-down."""
    with pytest.raises(SandboxError):
        run_query(db, f"copy (select 1) to '{tmp_path / 'out.csv'}'")
    assert list(tmp_path.iterdir()) == []
