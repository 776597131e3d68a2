"""Opening the DuckDB file: read-only for readers, and an atomic copy-edit-swap for writers.

Every write to `data/compute.duckdb` goes through a temporary file beside the target that is
renamed into place with `os.replace()` only on success, so readers never see a half-written
database and a failed write leaves the previous file byte-for-byte unchanged. Writers (imports,
builds) take an exclusive lock on `<db>.lock` beside the file first (`write_lock`), so two writers run
one after the other and neither copies the file before the other's swap and loses its change.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
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
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    os.unlink(name)  # DuckDB refuses to open an empty non-database file; we only wanted the unique name
    return Path(name)


def remove_quietly(path: Path) -> None:
    """Delete a temporary database and its write-ahead log, ignoring files that are already gone."""
    for leftover in (path, path.with_name(path.name + ".wal")):
        with suppress(FileNotFoundError):
            leftover.unlink()


def swap_into_place(temp: Path, target: Path) -> None:
    """Rename the finished temporary database over the target (atomic on one filesystem)."""
    os.replace(temp, target)


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
    copies the file as the previous one left it.

    Raises `DatabaseMissing` when there is no database to update.
    """
    target = Path(db_path)
    if not target.is_file():
        raise DatabaseMissing(f"database not found: {target} (build it with `python -m etl build --db {target}`)")
    with write_lock(target):
        if not target.is_file():  # removed while we waited for the lock
            raise DatabaseMissing(f"database not found: {target} (build it with `python -m etl build --db {target}`)")
        with _copy_edit_swap(target) as con:
            yield con


@contextmanager
def _copy_edit_swap(target: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    temp = temp_path_beside(target)
    con = None
    try:
        shutil.copyfile(target, temp)
        con = duckdb.connect(str(temp))
        yield con
        con.close()
        con = None
        swap_into_place(temp, target)
    except BaseException:
        if con is not None:
            with suppress(Exception):
                con.close()
        remove_quietly(temp)
        raise
