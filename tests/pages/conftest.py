"""AppTest fixtures: one database per test session, built from data/raw by etl's build function.

AppTest re-creates Streamlit's PagesManager on every run and, because our page files live in `pages/`,
takes the legacy "pages folder" mode that runs a page file without app.py on reruns. The real server
leaves that mode for good on the first `st.navigation` call; `_server_like_pages_manager` does the
same for AppTest so that tests exercise app.py on every run, as users get it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest, app_test

from etl.paths import RAW_DIR

APP = Path(__file__).resolve().parents[2] / "app.py"
PAGES = ("overview", "demand", "supply", "forecast", "claims", "data", "methods")


class _ServerLikePagesManager(PagesManager):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


@pytest.fixture(autouse=True)
def _server_like_pages_manager(monkeypatch):
    monkeypatch.setattr(app_test, "PagesManager", _ServerLikePagesManager)


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
            at.switch_page(f"pages/{page}.py").run()
        return at

    return make
