"""Shared test fixtures: project paths, and the upstream exports (full copies when present, else samples)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bench.live import CHROMIUM, CHROMIUM_ARGS
from etl.paths import FULL_EXPORTS_ENV, RAW_DIR, ROOT


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


# Small hand-made tables in the layout of every upstream export the importers read (synthetic values; each
# NAME.csv.meta.json says whose layout it is and which quirks of it the table keeps).
UPSTREAM_SAMPLES = Path(__file__).resolve().parent / "importers" / "samples"
SHARED_DATA_ENV = FULL_EXPORTS_ENV  # the folder of full exports, when a machine has them


def full_exports_dir() -> Path:
    folder = os.environ.get(SHARED_DATA_ENV)
    return Path(folder) if folder else Path("/nonexistent-full-exports")


@pytest.fixture(scope="session")
def upstream_samples() -> Path:
    return UPSTREAM_SAMPLES


@pytest.fixture(scope="session")
def full_exports() -> Path:
    """The folder of the real upstream exports; a test that needs it is skipped where it is absent (a fresh
    clone, CI): the committed samples cover every importer without it."""
    folder = full_exports_dir()
    if not folder.is_dir():
        pytest.skip(f"the full upstream exports are not at hand (set {SHARED_DATA_ENV} to their folder)")
    return folder
