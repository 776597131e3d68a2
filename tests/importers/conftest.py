"""Fixtures for the importer tests: a small database shaped like the build's, and file helpers."""

from __future__ import annotations

import hashlib

import duckdb
import pytest

from etl.importers.store import DDL

# tests/etl/rawdata.py's curated models plus one without a compute estimate (as Grok 4 was curated)
GROK_CURATED = "Grok 4,xAI,2025-07-09,Language,,,,true,true,false,speculative,src-grok,no public estimate\n"
# Its source was read after its release (a build refuses rows dated after their source's access date).
GROK_SOURCE = "src-grok,Source Grok,Org A,2025,https://example.org/grok,CC BY 4.0,2025-08-01,P,\n"


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


@pytest.fixture
def built(tmp_path):
    """A database built by `etl build` from tests/etl/rawdata.py (curated rows, marts) plus GROK_CURATED."""
    from etl.build import build
    from tests.etl.rawdata import VALID_TABLES, write_raw

    raw = write_raw(tmp_path / "raw", models=VALID_TABLES["models"] + GROK_CURATED,
                    sources=VALID_TABLES["sources"] + GROK_SOURCE)
    db = tmp_path / "compute.duckdb"
    build(raw, db, log=lambda _message: None)
    return db


def epoch_csv(*lines: str) -> bytes:
    """An export in Epoch AI's current models layout (name, date, compute, parameters)."""
    return ("Model,Publication date,Training compute (FLOP),Parameters\n" + "".join(f"{line}\n" for line in lines)).encode()
