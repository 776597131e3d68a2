"""Shared test fixtures: project paths, and the upstream exports (full copies when present, else samples)."""

from __future__ import annotations

import os
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


# Committed samples of every upstream layout the importers read (scripts/make_upstream_samples.py).
UPSTREAM_SAMPLES = Path(__file__).resolve().parent / "importers" / "samples"
SHARED_DATA_ENV = "COMPUTE_CEILING_SHARED_DATA"  # another folder of full exports (a missing one: samples)


def full_exports_dir() -> Path:
    return Path(os.environ.get(SHARED_DATA_ENV) or SHARED_DATA)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real upstream exports when it is at hand, else the committed samples of the same
    files (same names and layouts, a few dozen rows each): the importer tests never skip."""
    full = full_exports_dir()
    return full if full.is_dir() else UPSTREAM_SAMPLES


@pytest.fixture(scope="session")
def full_exports(shared_data) -> bool:
    """True when `shared_data` holds the full exports (tests then also check figures of the whole files)."""
    return shared_data != UPSTREAM_SAMPLES
