"""Hardening fixtures: one database built from data/raw per session, AppTest runs through app.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from etl.paths import RAW_DIR

APP = Path(__file__).resolve().parents[2] / "app.py"


@pytest.fixture(scope="session")
def hard_db(tmp_path_factory) -> Path:
    from etl.build import build

    db = tmp_path_factory.mktemp("hardening") / "compute.duckdb"
    build(Path(os.environ.get("COMPUTE_CEILING_RAW", RAW_DIR)), db, log=lambda _message: None)
    return db


@pytest.fixture(scope="session")
def engine_inputs(hard_db):
    """The forecast engine's inputs from the built database (what the app feeds models/)."""
    from etl.read import Store
    from models.inputs import inputs_from_store

    return inputs_from_store(Store(hard_db))


@pytest.fixture(scope="session")
def hard_app(hard_db, tmp_path_factory):
    """(url, process) of one `streamlit run` on the session database, shared by the tests that only read
    through it (sessions moving sliders, the proxy's first upstream): one server start and one cold first
    run for all of them. A test that needs its own settings or a database it may change starts its own."""
    from bench.live import streamlit_server

    log = tmp_path_factory.mktemp("hardening-log") / "streamlit.log"
    with streamlit_server(hard_db, log_path=log) as (url, proc):
        yield url, proc


@pytest.fixture(scope="module")
def served_db(hard_db):
    """COMPUTE_CEILING_DB pointing at the session database.

    Module-scoped (not monkeypatch) so that hypothesis can reuse it across its examples."""
    saved_env = os.environ.get("COMPUTE_CEILING_DB")
    os.environ["COMPUTE_CEILING_DB"] = str(hard_db)
    yield hard_db
    if saved_env is None:
        os.environ.pop("COMPUTE_CEILING_DB", None)
    else:
        os.environ["COMPUTE_CEILING_DB"] = saved_env
