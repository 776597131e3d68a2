"""Shared test fixtures: project paths and the real upstream exports in ../shared/data (optional)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bench.live import CHROMIUM, CHROMIUM_ARGS
from etl.paths import RAW_DIR, ROOT, SHARED_DATA


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright launches Debian's Chromium (never a downloaded browser) with quiet-network flags."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test` (installs Debian's chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def raw_dir():
    return RAW_DIR


@pytest.fixture(scope="session")
def shared_data():
    """The folder of real upstream exports; tests that need it skip with a reason when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real upstream exports not found at {SHARED_DATA}")
    return SHARED_DATA
