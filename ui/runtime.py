"""One server process, many sessions: two process-wide settings that keep reruns fast under load.

Measured with `python -m bench.wsload` (20 sessions moving a Forecast slider, docs/DEPLOY.md):

- Python's cyclic garbage collector scanned every object the process holds (~230,000 after imports:
  pandas, plotly's validators, the caches) about once per rerun, which doubled a rerun's CPU time with five
  sessions. `freeze_startup_objects` moves what exists after the first page run into the permanent
  generation, so collections walk only what reruns create (~40,000 objects). Frozen objects are still freed
  by reference counting; only reference cycles among them would never be collected.
- Reruns are CPU-bound and share one core (the GIL). Twenty running at once all finish late; a few at a
  time, first come first served, keeps the wait short and the total work lower. `run_slot` admits
  COMPUTE_CEILING_RUN_SLOTS page runs at once (default 2); the others wait their turn.
- Each session's script runs in a thread of its own, and glibc gives threads malloc arenas of their own,
  which it shrinks when their large blocks are freed: the Monte Carlo's 7 MB arrays were then mapped afresh
  on every rerun (~750–1,200 page faults, 21.8 ms instead of 19.2 ms of CPU for one run in a new thread).
  `limit_malloc_arenas` (at import, before the sessions' threads) keeps one arena, reused from run to run;
  the GIL already serialises the allocations it would spread. MALLOC_ARENA_MAX in the environment wins.
"""

from __future__ import annotations

import ctypes
import gc
import os
import threading
from contextlib import contextmanager

RUN_SLOTS_ENV = "COMPUTE_CEILING_RUN_SLOTS"
DEFAULT_RUN_SLOTS = 2


def run_slots() -> int:
    """The number of page runs admitted at once, from the environment (at least 1)."""
    try:
        return max(1, int(os.environ.get(RUN_SLOTS_ENV, DEFAULT_RUN_SLOTS)))
    except ValueError:
        return DEFAULT_RUN_SLOTS


M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)
MALLOC_ARENAS = 1


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """Let glibc's malloc use at most `arenas` arenas from now on (threads then share them); True when set.
    Nothing when MALLOC_ARENA_MAX is set (the operator's choice, which glibc applied at start) or when the C
    library has no mallopt (not glibc)."""
    if os.environ.get("MALLOC_ARENA_MAX"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return mallopt(M_ARENA_MAX, arenas) == 1


limit_malloc_arenas()  # at import: before the sessions' script threads make arenas of their own
_SLOTS = threading.BoundedSemaphore(run_slots())
_frozen = threading.Event()


_holder = threading.local()  # .slot: True while this thread (one session's script run) holds a page-run slot


@contextmanager
def run_slot():
    """Hold one of the process's page-run slots while the page runs."""
    with _SLOTS:
        _holder.slot = True
        try:
            yield
        finally:
            _holder.slot = False


@contextmanager
def outside_run_slot():
    """Give this run's slot back while it only waits on work done elsewhere (an SQL-box query process),
    so that other users' pages run meanwhile; take a slot again before drawing the answer."""
    if not getattr(_holder, "slot", False):
        yield
        return
    _holder.slot = False
    _SLOTS.release()
    try:
        yield
    finally:
        _SLOTS.acquire()
        _holder.slot = True


def freeze_startup_objects() -> bool:
    """Once per process, after the first page run: collect, then freeze the survivors. True when it froze."""
    if _frozen.is_set():
        return False
    _frozen.set()
    gc.collect()
    gc.freeze()
    return True
