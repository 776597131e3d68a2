"""Opening the DuckDB file: read-only for readers, and an atomic copy-edit-swap for writers.

Every write to `data/compute.duckdb` goes through a temporary file beside the target that is
renamed into place with `os.replace()` only on success, so readers never see a half-written
database and a failed write leaves the previous file byte-for-byte unchanged. Writers (imports,
builds) take an exclusive lock on `<db>.lock` beside the file first (`write_lock`), so two writers run
one after the other and neither copies the file before the other's swap and loses its change. "Success" is checked,
not assumed: the new file is checkpointed (a full disk makes that fail loudly instead of leaving rows
in a `.wal` the swap would discard), reopened read-only, and must hold every table with the row
count the writer saw, before it is swapped in. Any I/O problem (full disk, read-only folder, damaged
database) becomes a `StorageError` with a one-line message; `python -m etl` exits 2 on it.

Temporary files are named `.<database>.<pid>.<random>.tmp`: a build or import killed half-way leaves
one behind, and the next writer removes those whose process is gone (`remove_orphans`).
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb

# The manifest of `python -m etl import`: one row per imported file (content), kept across rebuilds.
IMPORTS_DDL = """create table if not exists imports (
    sha256 varchar, file_name varchar, size_bytes bigint, accessed date, import_format varchar,
    target varchar, rows_stored integer, imported_at timestamp)"""
IMPORTS_COMMENT = ("Files loaded by python -m etl import: SHA-256, size, access date, format, rows; "
                   "kept across rebuilds.")
LEGACY_TEMP_AGE_S = 3600  # a temporary file without a process id in its name is an orphan after an hour


class DatabaseMissing(FileNotFoundError):
    """The database file does not exist (run `python -m etl build` first)."""


def lock_path(db_path: str | os.PathLike) -> Path:
    """The lock file beside the database (`compute.duckdb` → `compute.duckdb.lock`); never deleted."""
    target = Path(db_path)
    return target.with_name(target.name + ".lock")


@contextmanager
def write_lock(db_path: str | os.PathLike) -> Iterator[None]:
    """Hold the database's exclusive writer lock (fcntl.flock) for the block; waits while another
    process or thread holds it. Not re-entrant: do not nest for the same database.

    Raises OSError when the lock file can neither be created nor opened (e.g. a read-only folder
    without one); then no write could succeed either."""
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except PermissionError:
        descriptor = os.open(path, os.O_RDONLY)  # an existing lock file in a folder we may not write to
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing the descriptor releases the lock


class StorageError(Exception):
    """Writing or checking the database file failed; the previous database is unchanged. One line."""


def describe_io_error(error: BaseException) -> str:
    """One line for an OSError or a DuckDB error: what failed and on which file, no traceback."""
    if isinstance(error, OSError):
        reason = error.strerror or errno.errorcode.get(error.errno or 0, "") or str(error)
        return f"{reason}: {error.filename}" if error.filename else reason
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


@contextmanager
def storage_errors(what: str, target: Path) -> Iterator[None]:
    """Turn an I/O failure inside the block into a StorageError naming `what` was being done to `target`."""
    try:
        yield
    except (OSError, duckdb.IOException, duckdb.FatalException) as error:  # Fatal: a checkpoint on a full disk
        raise StorageError(f"{what} {target} failed ({describe_io_error(error)}); "
                           f"the database was not changed") from error


def connect_readonly(db_path: str | os.PathLike) -> duckdb.DuckDBPyConnection:
    """Open the database read-only.

    Raises `DatabaseMissing` (a FileNotFoundError) with a message that says how to build it,
    instead of letting DuckDB create an empty file.
    """
    path = Path(db_path)
    if not path.is_file():
        raise DatabaseMissing(f"database not found: {path} (build it with `python -m etl build --db {path}`)")
    return duckdb.connect(str(path), read_only=True)


def temp_path_beside(target: Path) -> Path:
    """A fresh, unused file name in the target's directory (same filesystem, so os.replace is atomic)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    os.unlink(name)  # DuckDB refuses to open an empty non-database file; we only wanted the unique name
    return Path(name)


def remove_quietly(path: Path) -> None:
    """Delete a temporary database and its write-ahead log, ignoring files that are already gone."""
    for leftover in (path, path.with_name(path.name + ".wal")):
        with suppress(FileNotFoundError):
            leftover.unlink()


def remove_orphans(target: Path) -> list[Path]:
    """Delete the temporary files of earlier writers to `target` that were killed; return what was removed.

    A file whose name carries the id of a live process belongs to a writer still at work and is kept.
    """
    removed = []
    prefix = f".{target.name}."
    for path in target.parent.glob(f".{glob_escape(target.name)}.*.tmp*"):
        if not path.name.endswith((".tmp", ".tmp.wal")) or not _orphaned(path.name[len(prefix):], path):
            continue
        with suppress(FileNotFoundError):
            path.unlink()
            removed.append(path)
    return removed


def glob_escape(name: str) -> str:
    return "".join(f"[{ch}]" if ch in "*?[" else ch for ch in name)


def _orphaned(rest: str, path: Path) -> bool:
    owner = rest.split(".", 1)[0]
    if owner.isdigit():
        return not _process_alive(int(owner))
    with suppress(FileNotFoundError):  # a name from before process ids were recorded: judge by age
        return time.time() - path.stat().st_mtime > LEGACY_TEMP_AGE_S
    return False


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by another user
        return True
    return True


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Every base table of the connection's own database with its row count."""
    names = [row[0] for row in con.execute(
        "select table_name from duckdb_tables() where database_name = current_database() "
        "and schema_name = 'main' order by table_name"
    ).fetchall()]
    return {name: con.execute(f'select count(*) from "{name}"').fetchone()[0] for name in names}


def finish_and_verify(con: duckdb.DuckDBPyConnection, path: Path, required: set[str] = frozenset()) -> dict[str, int]:
    """Checkpoint and close `con` (a writer on `path`), then reopen `path` read-only and check that it holds
    every table with the row count the writer saw (and every `required` table). StorageError otherwise."""
    expected = table_counts(con)
    con.execute("checkpoint")
    con.close()
    verify_file(path, expected, required)
    return expected


def verify_file(path: Path, expected: dict[str, int], required: set[str] = frozenset()) -> None:
    missing = sorted(set(required) - set(expected))
    if missing or not expected:
        raise StorageError(f"the new database {path} lacks tables {', '.join(missing) or '(all)'}; "
                           "the database was not changed")
    if path.with_name(path.name + ".wal").exists():
        raise StorageError(f"the new database {path} was not fully written (its log was not checkpointed); "
                           "the database was not changed")
    try:
        check = duckdb.connect(str(path), read_only=True)
        try:
            found = table_counts(check)
        finally:
            check.close()
    except duckdb.Error as error:
        raise StorageError(f"the new database {path} cannot be read back ({describe_io_error(error)}); "
                           "the database was not changed") from error
    if found != expected:
        wrong = sorted(name for name in expected if found.get(name) != expected[name])
        raise StorageError(f"the new database {path} reads back wrong: {', '.join(wrong)} differ from what was "
                           "written; the database was not changed")
    with open(path, "rb") as handle:  # on disk before the rename makes it the database
        os.fsync(handle.fileno())


def swap_into_place(temp: Path, target: Path) -> None:
    """Rename the finished, verified temporary database over the target (atomic on one filesystem)."""
    os.replace(temp, target)
    with suppress(OSError):  # make the rename itself durable where the platform allows it
        directory = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


@contextmanager
def atomic_update(db_path: str | os.PathLike) -> Iterator[duckdb.DuckDBPyConnection]:
    """Edit the database as one all-or-nothing step.

        with atomic_update("data/compute.duckdb") as con:
            con.execute("insert into models_imported ...")

    Copies the current database to a temporary file beside it, yields a read-write connection to
    the copy, and when the block ends without an exception closes the connection (which
    checkpoints it) and `os.replace()`s the copy into place. On any exception the copy is removed
    and the exception re-raised: the original file is untouched. Readers holding the old file
    open keep reading the old version; `etl.read.Store` reconnects on its next call.

    The whole copy-edit-swap holds `write_lock`, so concurrent updates are serialised: each one
    copies the file as the previous one left it. Before the swap the copy is checkpointed and verified (`finish_and_verify`): a full disk, a
    read-only folder or a damaged database raises `StorageError` and leaves the original untouched.
    Raises `DatabaseMissing` when there is no database to update.
    """
    target = Path(db_path)
    if not target.is_file():
        raise DatabaseMissing(f"database not found: {target} (build it with `python -m etl build --db {target}`)")
    with storage_errors("locking", target), write_lock(target):
        if not target.is_file():  # removed while we waited for the lock
            raise DatabaseMissing(f"database not found: {target} (build it with `python -m etl build --db {target}`)")
        with _copy_edit_swap(target) as con:
            yield con


@contextmanager
def _copy_edit_swap(target: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = None
    temp = None
    try:
        with storage_errors("updating", target):
            remove_orphans(target)
            temp = temp_path_beside(target)
            shutil.copyfile(target, temp)
            con = _open_copy(temp, target)
            yield con
            finish_and_verify(con, temp)
            con = None
            swap_into_place(temp, target)
    except BaseException:
        if con is not None:
            with suppress(Exception):
                con.close()
        if temp is not None:
            remove_quietly(temp)
        raise


def _open_copy(temp: Path, target: Path) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(temp))
    except duckdb.Error as error:
        raise StorageError(f"{target} is not a readable DuckDB database ({describe_io_error(error)}); "
                           "rebuild it with `python -m etl build` (imports in it are lost) or restore a copy") from error
