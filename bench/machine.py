"""The machine a benchmark ran on: CPU, cores, RAM, Python, package and browser versions, date.

Figures are only comparable on the same kind of machine, so every results.json carries this.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from bench.live import CHROMIUM, ROOT

PACKAGES = ("streamlit", "plotly", "kaleido", "duckdb", "pandas", "numpy", "scipy", "scikit-learn", "pyarrow",
            "pydantic", "playwright")


def _first_line_with(path: str, prefix: str) -> str | None:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def cpu_model() -> str:
    return _first_line_with("/proc/cpuinfo", "model name") or platform.processor() or platform.machine()


def ram_gb() -> float | None:
    total = _first_line_with("/proc/meminfo", "MemTotal")
    return round(int(total.split()[0]) / 1024**2, 1) if total else None


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def package_versions() -> dict[str, str]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def _command_output(args: list[str]) -> str | None:
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=20, cwd=ROOT)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.strip() or None


def describe() -> dict:
    """Everything needed to tell whether two results files are comparable."""
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cpu_model": cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": usable_cores(),
        "ram_gb": ram_gb(),
        # Other work on the machine slows every figure: the 1-minute load average when the run ended.
        "load_average_1m": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": package_versions(),
        "chromium": _command_output([CHROMIUM, "--version"]) if Path(CHROMIUM).exists() else None,
        "git_commit": _command_output(["git", "rev-parse", "--short", "HEAD"]),
    }
