"""Fixtures for the etl tests: a valid raw folder in tmp_path and a database path beside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.etl.rawdata import write_raw


@pytest.fixture
def raw(tmp_path) -> Path:
    return write_raw(tmp_path / "raw")


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "db" / "compute.duckdb"
