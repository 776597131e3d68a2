"""Fixtures for the importer tests: a small database shaped like the build's, and file helpers."""

from __future__ import annotations

import hashlib

import duckdb
import pytest

from etl.importers.store import DDL


@pytest.fixture
def db(tmp_path):
    """A database with the import tables as `python -m etl build` creates them (empty)."""
    path = tmp_path / "compute.duckdb"
    con = duckdb.connect(str(path))
    for statement in DDL.values():
        con.execute(statement)
    con.close()
    return path


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows(db_path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()
