"""A live app for browser tests and benchmarks: `streamlit run` on a free port, Debian's Chromium.

Shared by tests/e2e and bench so both measure the same thing the user gets.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps trying hosts this closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout_s: float, name: str = "streamlit") -> None:
    """Poll the app's health endpoint at `url` (directly or through a proxy) until it answers 200."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with code {proc.returncode} before answering")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{name} did not answer at {url} within {timeout_s:.0f} s")


@contextmanager
def streamlit_server(db_path: Path | str, *, port: int | None = None, log_path: Path | None = None):
    """Run `streamlit run app.py` against `db_path`; yield (url, process)."""
    port = port or free_port()
    env = {**os.environ, "COMPUTE_CEILING_DB": str(db_path), "PYTHONUNBUFFERED": "1"}
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        with serving(proc, f"http://127.0.0.1:{port}", timeout_s=60) as url:
            yield url, proc
    finally:
        if log_path:
            log.close()


@contextmanager
def serving(proc: subprocess.Popen, url: str, timeout_s: float, name: str = "streamlit"):
    """A started server process: wait until `url` answers, yield it, and stop the process on the way out."""
    try:
        wait_healthy(url, proc, timeout_s, name)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM) in MB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def build_db(db_path: Path) -> None:
    """Build a database from data/raw with the real CLI (what `make etl` does)."""
    subprocess.run([sys.executable, "-m", "etl", "build", "--db", str(db_path)], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
