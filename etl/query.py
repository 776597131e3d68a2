"""`python -m etl query "SQL" [--db PATH] [--format csv|json] [--max-rows N] [--timeout S]`.

Runs one read-only statement in the same sandbox as the Data page's SQL box and prints the
result to stdout. CSV output is escaped against formula injection (it is often opened in a
spreadsheet); JSON is not. Exit codes: 0 success, 2 refused, failed or stopped (message on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys

from etl.guards import to_safe_csv
from etl.sandbox import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT_S, QueryResult, SandboxError, run_query
from i18n import t


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sql", help="one read-only statement: SELECT, WITH … SELECT, DESCRIBE, SHOW, EXPLAIN")
    parser.add_argument(
        "--format", choices=("csv", "json"), default="csv", help="output format (default: csv)"
    )
    parser.add_argument(
        "--max-rows",
        type=int,
        default=DEFAULT_MAX_ROWS,
        help="row cap; more rows are cut (default: %(default)s)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        help="seconds before the query is stopped (default: %(default)s)",
    )


def run(args: argparse.Namespace) -> int:
    try:
        result = run_query(args.db, args.sql, max_rows=args.max_rows, timeout_s=args.timeout)
    except SandboxError as exc:
        print(f"etl query: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(to_json(result) if args.format == "json" else to_csv(result))
    if result.truncated:
        print(f"etl query: {t('sql.truncated', 'en', max_rows=args.max_rows)}", file=sys.stderr)
    return 0


def to_csv(result: QueryResult) -> str:
    return to_safe_csv(result.rows)


def to_json(result: QueryResult) -> str:
    """{"columns": [...], "rows": [[...], ...], "truncated": bool}; NaN becomes null, dates ISO 8601."""
    rows = json.loads(result.rows.to_json(orient="values", date_format="iso")) if len(result.rows) else []
    payload = {"columns": list(result.columns), "rows": rows, "truncated": result.truncated}
    return json.dumps(payload, ensure_ascii=False) + "\n"
