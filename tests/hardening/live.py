"""Helpers for the hardening tests that drive a live server in Chromium (Debian's, never downloaded)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bench.live import CHROMIUM


def require_chromium() -> None:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip(f"Chromium not found at {CHROMIUM}: run `make system-deps`")
