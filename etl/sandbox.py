"""The SQL sandbox shared by the Data page's SQL box and `python -m etl query`.

Every query runs in a child process (etl/sandbox_worker.py) that the operating system bounds: an
address-space limit (MEMORY_LIMIT_BYTES; DuckDB's own memory_limit does not bound list and string
functions such as `range(100000000)` or `repeat('x', 500000000)`), a CPU-time limit, no file writes,
and a kill at the wall-clock deadline. The calling process only waits on a pipe, so its memory and
its other threads (other users' pages) are untouched. In the child a fresh in-memory DuckDB ATTACHes
the database file READ_ONLY, then turns off external access, the local file system and extension
loading, and locks the configuration.

Only one statement is accepted, and only a read: SELECT (including WITH, VALUES, FROM-first,
DESCRIBE, SHOW, SUMMARIZE, which DuckDB all parses as SELECT), PIVOT / UNPIVOT, or EXPLAIN [ANALYZE]
of one. Functions and views that reveal the server (paths, settings, versions, attached databases,
extensions, logs) are refused by name before anything runs. The result is capped by rows (fetch
max_rows, flag truncated) and by bytes (MAX_RESULT_BYTES: fewer rows, or a refusal when one row is
already larger).
"""

from __future__ import annotations

import json
import math
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from i18n import t

DEFAULT_MAX_ROWS = 10_000
DEFAULT_TIMEOUT_S = 5.0
MAX_SQL_CHARS = 20_000  # a long paste is a mistake or an attack; real queries are far shorter
MAX_ROWS_LIMIT = 1_000_000
MAX_TIMEOUT_S = 600.0
MAX_RESULT_BYTES = 16_000_000  # a result's Arrow size; far above 10,000 ordinary rows, far below a browser's limit
MEMORY_LIMIT_BYTES = 800_000_000  # the query process's whole address space: ~0.36 GB for Python, DuckDB and pyarrow, the rest for the query
STARTUP_GRACE_S = 2.0  # the child's start-up (Python, DuckDB, pyarrow imports) on a busy machine
MAX_CONCURRENT_QUERIES = 2  # per process: bounds memory (one query process each) and CPU when many users query
# The query the Data page's SQL box starts with: the twenty largest training runs on record.
EXAMPLE_QUERY = ("select name, publication_date, training_compute_flop\nfrom mart_models\n"
                 "order by training_compute_flop desc nulls last\nlimit 20")
CATALOG_ALIAS = "compute"  # the attached database's name; hides the file path from error messages
WORKER = Path(__file__).resolve().with_name("sandbox_worker.py")
# Catalogue functions that describe the data are fine; every other duckdb_*/pragma_* one describes the server.
_ALLOWED_CATALOGUE = frozenset({
    "duckdb_columns", "duckdb_constraints", "duckdb_dependencies", "duckdb_functions", "duckdb_indexes",
    "duckdb_keywords", "duckdb_schemas", "duckdb_sequences", "duckdb_tables", "duckdb_types", "duckdb_views",
    "pragma_table_info", "pragma_show", "pragma_collations",
})
_SERVER_NAMES = frozenset({
    "version", "current_setting", "databases", "query", "query_table", "which_secret", "getvariable",
    "enable_logging", "disable_logging", "enable_profiling", "disable_profiling", "write_log",
})
_SLOTS = threading.BoundedSemaphore(MAX_CONCURRENT_QUERIES)
_EXPLAIN_PREFIX = re.compile(r"^\s*explain\s+(?:analy[sz]e\s+)?", re.IGNORECASE)
_READ_KINDS = {"SELECT", "PIVOT", "UNPIVOT"}  # PIVOT is a MULTI statement (it creates its enum types first)


class SandboxError(Exception):
    """A query was refused or stopped. `key`/`params` let a page show it in the user's language."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key if "." in key else f"sql.error.{key}"
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str, escape: Callable[[dict], dict] | None = None) -> str:
        """The text in `lang`; `escape` (ui.text.escape_params on a page) makes echoed SQL safe to show."""
        return t(self.key, lang, **(escape(self.params) if escape else self.params))


@dataclass(frozen=True)
class QueryResult:
    columns: tuple[str, ...]
    rows: pd.DataFrame
    truncated: bool  # True when the rows were cut by max_rows or MAX_RESULT_BYTES; only the leading ones are kept
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
    db_path = Path(db_path)
    if not db_path.is_file():
        raise SandboxError("no_database", path=str(db_path))
    started = time.perf_counter()
    if not _SLOTS.acquire(timeout=timeout_s + STARTUP_GRACE_S):  # a queued query waits about as long as one runs
        raise SandboxError("sql.limits.busy", limit=MAX_CONCURRENT_QUERIES)
    try:
        return _run_in_child(db_path, statement, max_rows, timeout_s, started)
    finally:
        _SLOTS.release()


def _run_in_child(db_path: Path, statement: str, max_rows: int, timeout_s: float, started: float) -> QueryResult:
    request = {
        "db": str(db_path.resolve()), "sql": statement, "max_rows": max_rows, "max_bytes": MAX_RESULT_BYTES, "timeout_s": timeout_s,
        "memory_bytes": MEMORY_LIMIT_BYTES, "cpu_seconds": math.ceil(timeout_s) + 1,
    }
    try:
        done = subprocess.run(
            [sys.executable, "-I", str(WORKER)], input=json.dumps(request).encode(), capture_output=True,
            timeout=timeout_s + STARTUP_GRACE_S, env=_CHILD_ENV, cwd="/",
        )
    except subprocess.TimeoutExpired as exc:  # subprocess.run has killed the child (SIGKILL)
        raise SandboxError("timeout", seconds=_format_seconds(timeout_s)) from exc
    except OSError as exc:
        raise SandboxError("sandbox.start_failed", detail=_first_lines(str(exc))) from exc
    header, _, payload = done.stdout.partition(b"\n")
    if done.returncode != 0 or not header:
        raise _child_failure(done.returncode, timeout_s)
    answer = json.loads(header)
    if not answer["ok"]:
        params = {"path": str(db_path), **answer["params"]} if answer["key"] == "open_failed" else answer["params"]
        raise SandboxError(answer["key"], **params)
    rows = pa.ipc.open_stream(payload).read_all().to_pandas()
    return QueryResult(tuple(map(str, rows.columns)), rows, answer["truncated"], time.perf_counter() - started)


_CHILD_ENV = {  # one malloc arena and one thread each: reserved address space counts against the limit
    "MALLOC_ARENA_MAX": "1", "ARROW_DEFAULT_MEMORY_POOL": "system", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "LANG": "C.UTF-8",
}


def _child_failure(returncode: int, timeout_s: float) -> SandboxError:
    """The query process ended without an answer: the CPU limit, the memory limit (an allocation that
    could not be handled) or a crash."""
    if returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        return SandboxError("timeout", seconds=_format_seconds(timeout_s))
    return SandboxError("out_of_memory")


def _hidden_names(sql: str) -> list[str]:
    """The names in `sql` that would describe the server rather than the data (outside strings and comments)."""
    found = []
    for name in _names(sql):
        hidden = name in _SERVER_NAMES or (name.startswith(("duckdb_", "pragma_")) and name not in _ALLOWED_CATALOGUE)
        if hidden and name not in found:
            found.append(name)
    return found


def _names(sql: str):
    """Each identifier and keyword of `sql` as DuckDB's tokenizer sees it, lower-case and unquoted."""
    marks = duckdb.tokenize(sql)
    for index, (start, kind) in enumerate(marks):
        if kind.name not in ("identifier", "keyword"):
            continue
        text = sql[start : marks[index + 1][0] if index + 1 < len(marks) else len(sql)]
        quoted = re.match(r'"((?:[^"]|"")*)"', text)
        word = quoted.group(1).replace('""', '"') if quoted else re.match(r"\w*", text).group(0)
        yield word.lower()


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
    if not _is_read(statement):
        raise SandboxError("not_read", kind=_statement_kind(statement))
    hidden = _hidden_names(statement.query)
    if hidden:
        raise SandboxError("sandbox.server_info", names=", ".join(hidden))
    return statement.query


def _is_read(statement) -> bool:
    if statement.type == duckdb.StatementType.SELECT:
        return True
    if statement.type == duckdb.StatementType.MULTI:  # PIVOT / UNPIVOT: enum types for the columns, then a SELECT
        return _statement_kind(statement) in _READ_KINDS
    return statement.type == duckdb.StatementType.EXPLAIN and _explains_a_select(statement.query)


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


def _first_lines(text: str, max_chars: int = 400) -> str:
    """DuckDB's message without the trailing context lines; enough to fix the query."""
    lines = [line for line in text.splitlines() if line.strip()]
    return " ".join(lines[:2])[:max_chars]


def _format_seconds(seconds: float) -> str:
    return f"{seconds:g}"
