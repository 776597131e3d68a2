"""The server process keeps glibc's malloc to one arena (ui.runtime.limit_malloc_arenas) unless the operator
chose a number with MALLOC_ARENA_MAX."""

from __future__ import annotations

import ctypes.util
import sys

import pytest

from ui import runtime

GLIBC = sys.platform.startswith("linux") and "musl" not in (ctypes.util.find_library("c") or "")


@pytest.mark.skipif(not GLIBC, reason="mallopt's arena limit is glibc's")
def test_the_arena_limit_is_set_on_glibc(monkeypatch):
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert runtime.limit_malloc_arenas() is True


def test_an_operators_malloc_arena_max_stands(monkeypatch):
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert runtime.limit_malloc_arenas() is False
