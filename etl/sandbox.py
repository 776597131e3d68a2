"""The SQL sandbox shared by the Data page's SQL box and `python -m etl query`.

Every query gets a fresh in-memory DuckDB that ATTACHes the database file READ_ONLY, then turns
off everything a hostile query could use to reach outside it: external access, the local file
system (so not even the database file can be read as a blob), extension loading, and finally
locks the configuration so the query cannot switch any of it back on. Attaching (instead of
`duckdb.connect(path, read_only=True, config=...)`) matters: DuckDB refuses a second connection
to a file already opened in the same process with a different configuration, and the app's
`etl.read.Store` holds one.

Only one statement is accepted, and only a read: SELECT (including WITH, VALUES, FROM-first,
DESCRIBE, SHOW, SUMMARIZE, which DuckDB all parses as SELECT) or EXPLAIN [ANALYZE] of one.
A row cap (fetch max_rows + 1, flag truncated) and a timer that interrupts the query bound the
work one request can do.
"""

from __future__ import annotations

import math
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from i18n import t

DEFAULT_MAX_ROWS = 10_000
DEFAULT_TIMEOUT_S = 5.0
MAX_SQL_CHARS = 20_000  # a long paste is a mistake or an attack; real queries are far shorter
MAX_ROWS_LIMIT = 1_000_000
MAX_TIMEOUT_S = 600.0
MAX_CONCURRENT_QUERIES = 2  # per process: bounds memory (256 MB each) and CPU when many users query at once
# The query the Data page's SQL box starts with: the twenty largest training runs on record.
EXAMPLE_QUERY = ("select name, publication_date, training_compute_flop\nfrom mart_models\n"
                 "order by training_compute_flop desc nulls last\nlimit 20")
CATALOG_ALIAS = "compute"  # the attached database's name; hides the file path from error messages

# Applied before the database is attached; the rest is switched off after attaching (see _open).
_BASE_CONFIG = {
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "allow_unsigned_extensions": False,
    "allow_community_extensions": False,
    "memory_limit": "256MB",
    "threads": 1,
    "temp_directory": "",  # no spilling to disk: a query that needs more memory fails instead
}
_LOCKDOWN = (
    "SET enable_external_access = false",
    "SET disabled_filesystems = 'LocalFileSystem'",
    "SET lock_configuration = true",
)
_SLOTS = threading.BoundedSemaphore(MAX_CONCURRENT_QUERIES)
_EXPLAIN_PREFIX = re.compile(r"^\s*explain\s+(?:analy[sz]e\s+)?", re.IGNORECASE)


class SandboxError(Exception):
    """A query was refused or stopped. `key`/`params` let a page show it in the user's language."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key if "." in key else f"sql.error.{key}"
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        return t(self.key, lang, **self.params)


@dataclass(frozen=True)
class QueryResult:
    columns: tuple[str, ...]
    rows: pd.DataFrame
    truncated: bool  # True when the query had more than max_rows rows; only the first max_rows are kept
    elapsed_s: float


def run_query(
    db_path: str | Path,
    sql: str,
    *,
    max_rows: int = DEFAULT_MAX_ROWS,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> QueryResult:
    """Run one read-only statement against the database; raise SandboxError when refused or stopped."""
    _check_limits(max_rows, timeout_s)
    statement = single_read_statement(sql)
    started = time.perf_counter()
    if not _SLOTS.acquire(timeout=timeout_s):
        raise SandboxError("sql.limits.busy", limit=MAX_CONCURRENT_QUERIES)
    try:
        return _run_statement(Path(db_path), statement, max_rows, timeout_s, started)
    finally:
        _SLOTS.release()


def _run_statement(
    db_path: Path, statement: str, max_rows: int, timeout_s: float, started: float
) -> QueryResult:
    con = _open(db_path)
    timer = threading.Timer(timeout_s, con.interrupt)
    timer.daemon = True
    try:
        timer.start()
        rows = _fetch_capped(con, statement, max_rows + 1)
    except duckdb.InterruptException as exc:
        raise SandboxError("timeout", seconds=_format_seconds(timeout_s)) from exc
    except duckdb.PermissionException as exc:
        raise SandboxError("file_access") from exc
    except duckdb.OutOfMemoryException as exc:
        raise SandboxError("out_of_memory") from exc
    except duckdb.Error as exc:
        raise SandboxError("failed", detail=_first_lines(str(exc))) from exc
    finally:
        timer.cancel()
        timer.join()  # never close the connection while the timer thread may be interrupting it
        con.close()
    truncated = len(rows) > max_rows
    if truncated:
        rows = rows.iloc[:max_rows]
    return QueryResult(tuple(map(str, rows.columns)), rows, truncated, time.perf_counter() - started)


def single_read_statement(sql: str) -> str:
    """The text of the one read statement in `sql`; SandboxError for anything else."""
    if not isinstance(sql, str) or not sql.strip():
        raise SandboxError("empty")
    if len(sql) > MAX_SQL_CHARS:
        raise SandboxError("too_long", limit=MAX_SQL_CHARS)
    statements = _parse(sql)
    if not statements:
        raise SandboxError("empty")
    if len(statements) > 1:
        raise SandboxError("multiple", count=len(statements))
    statement = statements[0]
    if statement.type == duckdb.StatementType.SELECT:
        return statement.query
    if statement.type == duckdb.StatementType.EXPLAIN and _explains_a_select(statement.query):
        return statement.query
    raise SandboxError("not_read", kind=_statement_kind(statement))


def _parse(sql: str) -> list:
    try:
        return duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise SandboxError("parse", detail=_first_lines(str(exc))) from exc


def _explains_a_select(query: str) -> bool:
    """EXPLAIN ANALYZE runs its statement, so the explained statement must itself be a read."""
    match = _EXPLAIN_PREFIX.match(query)
    if not match:
        return False
    try:
        inner = duckdb.extract_statements(query[match.end() :])
    except duckdb.Error:
        return False
    return len(inner) == 1 and inner[0].type == duckdb.StatementType.SELECT


def _statement_kind(statement) -> str:
    """The word the user typed (INSTALL, CHECKPOINT) when it names the statement, else DuckDB's type."""
    words = statement.query.split()
    first = words[0].upper() if words else ""
    return first if first.isalpha() and first != "WITH" else statement.type.name


def _check_limits(max_rows: object, timeout_s: object) -> None:
    if isinstance(max_rows, bool) or not isinstance(max_rows, int) or not 1 <= max_rows <= MAX_ROWS_LIMIT:
        raise SandboxError("bad_max_rows", value=max_rows, limit=MAX_ROWS_LIMIT)
    if (
        isinstance(timeout_s, bool)
        or not isinstance(timeout_s, (int, float))
        or not math.isfinite(timeout_s)
        or not 0 < timeout_s <= MAX_TIMEOUT_S
    ):
        raise SandboxError("bad_timeout", value=timeout_s, limit=_format_seconds(MAX_TIMEOUT_S))


def _open(db_path: Path) -> duckdb.DuckDBPyConnection:
    """A locked-down connection whose default catalog is the database file, attached read-only."""
    if not db_path.is_file():
        raise SandboxError("no_database", path=str(db_path))
    con = duckdb.connect(":memory:", config=_BASE_CONFIG)
    try:
        con.execute(f"ATTACH ? AS {CATALOG_ALIAS} (READ_ONLY)", [str(db_path)])
        con.execute(f"USE {CATALOG_ALIAS}")
        for setting in _LOCKDOWN:
            con.execute(setting)
    except duckdb.Error as exc:
        con.close()
        raise SandboxError("open_failed", path=str(db_path), detail=_first_lines(str(exc))) from exc
    return con


def _fetch_capped(con: duckdb.DuckDBPyConnection, statement: str, limit: int) -> pd.DataFrame:
    # LIMIT on the relation (not on the text) keeps the user's ORDER BY and lets DuckDB stop early.
    relation = con.sql(statement)
    if relation is None:
        return pd.DataFrame()
    return relation.limit(limit).df()


def _first_lines(text: str, max_chars: int = 400) -> str:
    """DuckDB's message without the trailing context lines; enough to fix the query."""
    lines = [line for line in text.splitlines() if line.strip()]
    return " ".join(lines[:2])[:max_chars]


def _format_seconds(seconds: float) -> str:
    return f"{seconds:g}"
