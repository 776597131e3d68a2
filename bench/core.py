"""What a measure returns (`Figure`), how it says "cannot run here" (`Skip`), and the statistics.

A figure is one number with its unit and, when DESIGN.md sets one, its budget. Timings are reported,
never enforced: `status` is "pass" or "over" for the reader, and nothing fails on it.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field


class Skip(Exception):  # noqa: N818  (a signal, not an error: the measure's dependency is missing)
    """A measure that cannot run on this machine or tree; the message says why."""


@dataclass
class Figure:
    name: str  # stable id, e.g. "monte_carlo_10k"
    label: str  # what was measured, in words
    value: float | None  # None when skipped or failed
    unit: str  # "ms", "s", "MB"
    budget: float | None = None  # same unit; None = no budget in DESIGN.md
    samples: int = 1
    note: str = ""
    status: str = ""  # pass | over | info | skipped | error (filled by `settle`)
    extra: dict = field(default_factory=dict)
    group: str = ""  # the measure that produced it (what `--only` names); set by the runner
    measured_at: str = ""  # ISO time; set by the runner

    def settle(self) -> Figure:
        if self.status in ("skipped", "error"):
            return self
        if self.value is None or self.budget is None:
            self.status = "info"
        else:
            self.status = "pass" if self.value <= self.budget else "over"
        return self

    def as_dict(self) -> dict:
        out = asdict(self)
        if not out["extra"]:
            out.pop("extra")
        return out


def skipped(name: str, label: str, reason: str, unit: str = "", budget: float | None = None) -> Figure:
    return Figure(name, label, None, unit, budget, samples=0, note=f"skipped: {reason}", status="skipped")


def failed(name: str, label: str, error: BaseException) -> Figure:
    detail = f"{type(error).__name__}: {error}".splitlines()[0][:300]
    return Figure(name, label, None, "", None, samples=0, note=f"error: {detail}", status="error")


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def percentile(values: Iterable[float], q: float) -> float:
    """The q-th percentile (0–100) by linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of no values")
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def time_calls(call: Callable[[], object], repeat: int, warmup: int = 1) -> list[float]:
    """Wall times in ms of `repeat` calls of `call`, after `warmup` untimed calls."""
    for _ in range(warmup):
        call()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times
