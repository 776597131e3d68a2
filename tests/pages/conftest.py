"""AppTest fixtures: one database per test session, built from data/raw by etl's build function."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl.paths import RAW_DIR

APP = Path(__file__).resolve().parents[2] / "app.py"
PAGES = ("overview", "demand", "supply", "forecast", "serving", "claims", "data", "methods")


@pytest.fixture(scope="session")
def app_db(tmp_path_factory) -> Path:
    from etl.build import build

    raw = Path(os.environ.get("COMPUTE_CEILING_RAW", RAW_DIR))
    db = tmp_path_factory.mktemp("pages") / "compute.duckdb"
    build(raw, db, log=lambda _message: None)
    return db


@pytest.fixture
def app(app_db, monkeypatch):
    """A factory: `app(page="forecast", lang="zh", **params)` → an AppTest that has run (and switched page)."""
    monkeypatch.setenv("COMPUTE_CEILING_DB", str(app_db))

    def make(page: str = "overview", lang: str | None = "en", locale: str | None = None, **params: str) -> AppTest:
        """`lang=None` leaves the URL without `lang=`; `locale` is the browser's language (st.context.locale)."""
        at = AppTest.from_file(str(APP), default_timeout=60)
        if locale is not None:
            at.context["locale"] = locale
        if lang is not None:
            at.query_params["lang"] = lang
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        if page != "overview":
            at.switch_page(f"app_pages/{page}.py").run()
        return at

    return make


@pytest.fixture(scope="session")
def inputs(app_db):
    """The engine's inputs from the pages' database, as the app reads them."""
    from etl.read import Store
    from models.inputs import inputs_from_store

    return inputs_from_store(Store(app_db))
