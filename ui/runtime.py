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
"""

from __future__ import annotations

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
