"""Browser tests: pytest-playwright driving Debian's Chromium against a live `streamlit run`.

Never `playwright install`: the plugin's session fixture is overridden to launch /usr/bin/chromium.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bench.live import CHROMIUM, CHROMIUM_ARGS, build_db, streamlit_server

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test` (installs Debian's chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


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
