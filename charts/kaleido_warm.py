"""Kaleido's Chromium, started as early as a process knows it will draw an image.

Starting Kaleido's Chromium and loading plotly.js into its page takes about as long as everything else a
`python -m charts export --format png` does (imports, data, forecast, Monte Carlo). This module imports
nothing heavy, so the CLI can start the browser first thing, in a background thread, and let the two run side
by side; `charts.export` renders through the same server.

`one_shot()` is for a process that renders one image and exits (the CLI run as a program): Kaleido reloads
its page after every image so the next starts clean, and waits for that reload before it returns the image;
with no next image the reload is skipped.
"""

from __future__ import annotations

import threading

_lock = threading.Lock()
_started = False


def start() -> None:
    """Start the shared Kaleido sync server once. Returns at once: Chromium starts in Kaleido's own thread,
    and the first render waits for it. MathJax is off (its default is a CDN URL, unreachable offline)."""
    global _started
    with _lock:
        if _started:
            return
        import kaleido

        kaleido.start_sync_server(mathjax=False, silence_warnings=True)
        _started = True


def stop() -> None:
    """Stop the server (Kaleido also does so at exit); `start` may start it again."""
    global _started
    with _lock:
        if _started:
            import kaleido

            kaleido.stop_sync_server(silence_warnings=True)
            _started = False


def running() -> bool:
    return _started


def start_in_background(one_shot_process: bool = False) -> threading.Thread:
    """`start` in a daemon thread (the import of kaleido, ~0.3 s, overlaps the caller's own imports);
    with `one_shot_process`, `one_shot` first."""

    def run() -> None:
        if one_shot_process:
            one_shot()
        start()

    thread = threading.Thread(target=run, name="kaleido-warm-up", daemon=True)
    thread.start()
    return thread


def one_shot() -> bool:
    """In a process that renders a single image: return each image without waiting for Kaleido to reload its
    page for a next one. True when applied (False if this Kaleido has no such step: nothing changes)."""
    from kaleido.kaleido import Kaleido

    if getattr(Kaleido, "_compute_ceiling_one_shot", False):
        return True
    if not hasattr(Kaleido, "_return_kaleido_tab"):
        return False

    async def put_back_without_reload(self, tab) -> None:
        await self.tabs_ready.put(tab)

    Kaleido._return_kaleido_tab = put_back_without_reload
    Kaleido._compute_ceiling_one_shot = True
    return True
