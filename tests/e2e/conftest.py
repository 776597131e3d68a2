"""Browser tests: pytest-playwright driving Debian's Chromium against a live `streamlit run`.

Never `playwright install`: tests/conftest.py overrides the plugin's launch arguments to use /usr/bin/chromium.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.live import build_db, streamlit_server

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def e2e_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("e2e") / "compute.duckdb"
    build_db(db)
    return db


@pytest.fixture(scope="session")
def live_app(e2e_db, tmp_path_factory):
    log = tmp_path_factory.mktemp("e2e-log") / "streamlit.log"
    with streamlit_server(e2e_db, log_path=log) as (url, proc):
        yield {"url": url, "proc": proc, "log": log}


@pytest.fixture(scope="session")
def base_url(live_app):
    return live_app["url"]


@pytest.fixture(scope="session")
def screenshots_dir():
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS
