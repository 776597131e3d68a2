"""Driving the live app in Chromium: open a page and wait until it is quiet, collect console errors.

Shared by bench/browser.py and tests/e2e, so both wait for the same signals (toolchain.md pitfall 7:
a key pressed before the first run has finished can be lost).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from bench.live import IDLE, ROOT

LOAD_TIMEOUT_MS = 120_000
MAIN = '[data-testid="stMain"]'
CHART_PAINTED = '[data-testid="stPlotlyChart"] .js-plotly-plot .trace'
EXCEPTION = '[data-testid="stException"]'
# On a deep link (/forecast) Streamlit's frontend first looks for its server under the page's path and
# falls back to the root: the two 404s this probe logs are Streamlit's own, not the app's.
_BASE_PATH_PROBE = re.compile(r"/[^/]+/_stcore/(host-config|health)$")


def app_pages() -> list[tuple[str, str]]:
    """(file, url path) of every page, in app.py's order (read from its PAGES tuple, not imported)."""
    tree = ast.parse((ROOT / "app.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "PAGES" for t in node.targets):
            return [(entry[0], entry[1]) for entry in ast.literal_eval(node.value)]
    raise LookupError("app.py has no PAGES tuple of (file, url path, icon)")


def wait_idle(page, timeout_ms: int = LOAD_TIMEOUT_MS) -> None:
    """Until the script has finished its run (Streamlit marks the app "notRunning")."""
    page.wait_for_selector(IDLE, timeout=timeout_ms)


# The script has finished AND the frontend has drawn it: Streamlit shows a skeleton while a lazily
# loaded element (the Plotly chart component) arrives, after the script is already "notRunning".
_QUIET_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  return Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'))
      .filter((chart) => chart.offsetParent !== null)
      .every((chart) => chart.querySelector('.main-svg'));
}"""


def settle(page, timeout_ms: int = LOAD_TIMEOUT_MS) -> None:
    """After an interaction: let the rerun start, then wait until it has finished and is drawn."""
    page.wait_for_timeout(150)
    page.wait_for_function(_QUIET_JS, timeout=timeout_ms)


def open_page(page, url: str, timeout_ms: int = LOAD_TIMEOUT_MS) -> None:
    """Go to `url` and wait for the page's main area and the end of its first run."""
    page.goto(url)
    page.locator(MAIN).wait_for(timeout=timeout_ms)
    settle(page, timeout_ms)


@dataclass
class ConsoleWatch:
    """Console errors and uncaught page errors of one page, minus Streamlit's base-path probe."""

    errors: list[str] = field(default_factory=list)

    def attach(self, page) -> ConsoleWatch:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))
        return self

    def _on_console(self, message) -> None:
        if message.type != "error":
            return
        source = (message.location or {}).get("url", "")
        if _BASE_PATH_PROBE.search(source):
            return
        self.errors.append(f"{message.text} ({source})" if source else message.text)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (bytes 16–24, big-endian)."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ValueError("not a PNG file")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def screenshot_name(stem: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", stem.lower()) + ".png"


def page_url(base: str, url_path: str, **params: str) -> str:
    """The address of a page. The default page (the first in app.py) lives at "/", not at its url_path:
    Streamlit answers "/overview" with a "Page not found" dialog."""
    if url_path == app_pages()[0][1]:
        url_path = ""
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{base.rstrip('/')}/{url_path}" + (f"?{query}" if query else "")

