"""The child process that runs one SQL-box query under operating-system limits (see etl/sandbox.py).

Started as `python -I etl/sandbox_worker.py` with a JSON request on stdin:
{"db", "sql", "max_rows", "max_bytes", "timeout_s", "memory_bytes", "cpu_seconds"}. Before it imports DuckDB it
caps its own address space (RLIMIT_AS: every allocation beyond it fails, whatever DuckDB's own
memory_limit misses, such as list and string functions), its CPU time (RLIMIT_CPU: the kernel stops
it) and the size of any file it could write (RLIMIT_FSIZE = 0). The parent kills it at the wall-clock
deadline. It writes one JSON header line to stdout, then, on success, the rows as an Arrow IPC stream:

    {"ok": true, "truncated": false, "bytes": N}\n<N bytes of Arrow IPC>
    {"ok": false, "key": "out_of_memory", "params": {}}\n

Only the standard library, DuckDB and pyarrow are imported here: no pandas, no project modules, so
that the child starts fast and small.
"""

from __future__ import annotations

import json
import resource
import sys
import threading

BATCH_ROWS = 1_000
CATALOG_ALIAS = "compute"
BASE_CONFIG = {
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "allow_unsigned_extensions": False,
    "allow_community_extensions": False,
    "memory_limit": "256MB",
    "threads": 1,
    "temp_directory": "",  # no spilling to disk: a query that needs more memory fails instead
}
LOCKDOWN = (
    "SET enable_external_access = false",
    "SET disabled_filesystems = 'LocalFileSystem'",
    "SET lock_configuration = true",
)


class Refusal(Exception):
    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def limit_resources(memory_bytes: int, cpu_seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def open_locked(duckdb, db_path: str):
    con = duckdb.connect(":memory:", config=BASE_CONFIG)
    try:
        con.execute(f"ATTACH ? AS {CATALOG_ALIAS} (READ_ONLY)", [db_path])
        con.execute(f"USE {CATALOG_ALIAS}")
        for setting in LOCKDOWN:
            con.execute(setting)
    except duckdb.Error as exc:
        con.close()
        raise Refusal("open_failed", detail=first_lines(str(exc))) from exc
    return con


def capped_batches(reader, max_rows: int, max_bytes: int) -> tuple[list, bool]:
    """The leading batches of `reader` within `max_rows` rows and `max_bytes` bytes; True when cut."""
    kept, rows, size = [], 0, 0
    for batch in reader:
        if rows + batch.num_rows > max_rows:
            batch = batch.slice(0, max_rows - rows)
            return kept + [batch] if batch.num_rows else kept, True
        if size + batch.nbytes > max_bytes:
            fitting = rows_within(batch, max_bytes - size)
            if rows + fitting == 0:
                raise Refusal("sandbox.too_large", limit_mb=max_bytes // 1_000_000)
            return kept + ([batch.slice(0, fitting)] if fitting else []), True
        kept.append(batch)
        rows += batch.num_rows
        size += batch.nbytes
    return kept, False


def rows_within(batch, budget: int) -> int:
    """The most leading rows of `batch` whose bytes fit in `budget` (binary search over slices)."""
    low, high = 0, batch.num_rows
    while low < high:
        middle = (low + high + 1) // 2
        if batch.slice(0, middle).nbytes <= budget:
            low = middle
        else:
            high = middle - 1
    return low


def run(request: dict) -> tuple[dict, bytes]:
    import duckdb
    import pyarrow as pa

    con = open_locked(duckdb, request["db"])
    timer = threading.Timer(request["timeout_s"], con.interrupt)  # a clean stop before the parent's kill
    timer.daemon = True
    timer.start()
    try:
        reader = con.sql(request["sql"]).to_arrow_reader(BATCH_ROWS)
        batches, truncated = capped_batches(reader, request["max_rows"], request["max_bytes"])
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, reader.schema) as writer:
            for batch in batches:
                writer.write_batch(batch)
        payload = sink.getvalue().to_pybytes()
    except (MemoryError, duckdb.OutOfMemoryException, pa.ArrowMemoryError) as exc:
        raise Refusal("out_of_memory") from exc
    except duckdb.InterruptException as exc:
        raise Refusal("timeout", seconds=f"{request['timeout_s']:g}") from exc
    except duckdb.PermissionException as exc:
        raise Refusal("file_access") from exc
    except duckdb.Error as exc:
        raise Refusal("failed", detail=first_lines(str(exc))) from exc
    finally:
        timer.cancel()
        timer.join()  # never close the connection while the timer thread may be interrupting it
        con.close()
    return {"ok": True, "truncated": truncated, "bytes": len(payload)}, payload


def first_lines(text: str, max_chars: int = 400) -> str:
    """DuckDB's message without the trailing context lines; enough to fix the query."""
    lines = [line for line in text.splitlines() if line.strip()]
    return " ".join(lines[:2])[:max_chars]


def main() -> int:
    request = json.loads(sys.stdin.buffer.read())
    limit_resources(request["memory_bytes"], request["cpu_seconds"])
    try:
        header, payload = run(request)
    except Refusal as refusal:
        header, payload = {"ok": False, "key": refusal.key, "params": refusal.params}, b""
    except MemoryError:
        header, payload = {"ok": False, "key": "out_of_memory", "params": {}}, b""
    out = sys.stdout.buffer
    out.write(json.dumps(header).encode() + b"\n" + payload)
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
