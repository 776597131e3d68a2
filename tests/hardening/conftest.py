"""Hardening fixtures: one database built from data/raw per session, AppTest runs through app.py.

AppTest would otherwise take Streamlit's legacy `pages/` mode and run a page file without app.py
on reruns (see tests/pages/conftest.py); the real server never does, so neither do these tests.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import app_test

from etl.paths import RAW_DIR

APP = Path(__file__).resolve().parents[2] / "app.py"


class _ServerLikePagesManager(PagesManager):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


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
    from models.inputs import build_inputs

    store = Store(hard_db)
    return build_inputs(store.models(), store.shipments_annual())


@pytest.fixture(scope="module")
def served_db(hard_db):
    """COMPUTE_CEILING_DB pointing at the session database and AppTest in server-like page mode.

    Module-scoped (not monkeypatch) so that hypothesis can reuse it across its examples."""
    saved_env, saved_manager = os.environ.get("COMPUTE_CEILING_DB"), app_test.PagesManager
    os.environ["COMPUTE_CEILING_DB"] = str(hard_db)
    app_test.PagesManager = _ServerLikePagesManager
    yield hard_db
    app_test.PagesManager = saved_manager
    if saved_env is None:
        os.environ.pop("COMPUTE_CEILING_DB", None)
    else:
        os.environ["COMPUTE_CEILING_DB"] = saved_env
