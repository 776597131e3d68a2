"""Kaleido's Chromium, started as early as a process knows it will draw an image.

Starting Kaleido's Chromium and loading plotly.js into its page takes about as long as everything else a
`python -m charts export --format png` does (imports, data, forecast, Monte Carlo). This module imports
nothing heavy, so the CLI can start the browser first thing, in a background thread, and let the two run side
by side; `charts.export` renders through the same server.

`one_shot()` is for a process that renders one image and exits (the CLI run as a program): Kaleido reloads
its page after every image so the next starts clean, and waits for that reload before it returns the image;
with no next image the reload is skipped. Such a process also draws a throwaway image as soon as the page is
up (`prime`): a page's first drawing pays one-time costs (styles, fonts) of about 0.15 s, paid then while
the process is still building its figure.
"""

from __future__ import annotations

import threading
from pathlib import Path

_lock = threading.Lock()
# Kaleido's sync server answers one caller at a time: two threads asking at once could each get the other's
# image. Everything that draws through it holds this lock.
render_lock = threading.Lock()
_started = False
_bundle: Path | None = None  # the plotly.js the running page loaded; None: Kaleido's default, the full one


def start(full: bool = False) -> None:
    """Start the shared Kaleido sync server once. Returns at once: Chromium starts in Kaleido's own thread,
    and the first render waits for it. MathJax is off (its default is a CDN URL, unreachable offline). The
    page loads plotly.js's basic bundle when it is installed (`charts.plotlyjs`), unless `full`."""
    global _started, _bundle
    with _lock:
        if _started:
            return
        import kaleido

        from charts import plotlyjs

        bundle = None if full else plotlyjs.page_bundle()
        extra = {"plotlyjs": bundle.as_uri()} if bundle else {}
        kaleido.start_sync_server(mathjax=False, silence_warnings=True, **extra)
        _started, _bundle = True, bundle


def ensure_draws(figure) -> None:
    """Restart the server on the full plotly.js when the running page's basic bundle cannot draw `figure`
    (a trace type it does not register); the project's charts never need it, a caller's own figure may."""
    from charts import plotlyjs

    if _started and _bundle is not None and not plotlyjs.basic_draws(figure):
        stop()
        start(full=True)


def loaded_bundle() -> Path | None:
    return _bundle


def stop() -> None:
    """Stop the server (Kaleido also does so at exit); `start` may start it again."""
    global _started, _bundle
    with _lock:
        if _started:
            import kaleido

            kaleido.stop_sync_server(silence_warnings=True)
            _started, _bundle = False, None


def running() -> bool:
    return _started


def start_in_background(one_shot_process: bool = False) -> threading.Event:
    """`start` in a daemon thread. Returns an Event set once the server has been asked to start: Kaleido is
    imported (~0.25 s) and Chromium is launching. A caller that waits for it before its own heavy imports
    keeps the two from taking turns on the interpreter, so the browser starts sooner. With
    `one_shot_process`, `one_shot` first and `prime` once the server is asked for."""
    asked = threading.Event()

    def run() -> None:
        try:
            if one_shot_process:
                one_shot()
            start()
        finally:
            asked.set()
        if one_shot_process:
            prime()

    threading.Thread(target=run, name="kaleido-warm-up", daemon=True).start()
    return asked


PRIMER = {"data": [{"type": "scatter", "x": [0, 1], "y": [0, 1]}], "layout": {}}
_image_wanted = threading.Event()


def want_image() -> None:
    """Say that a real image is about to be asked for: a throwaway one not yet drawn is then skipped."""
    _image_wanted.set()


def prime() -> None:
    """Draw a throwaway image as soon as the page is up, so that its one-time costs are paid while the caller
    still builds its figure; skipped when the caller already wants its own image by then (it would only wait
    longer). Only for a `one_shot` page, which the real image then reuses. Uses Kaleido's sync server
    directly (its `calc_fig_sync` would draw even when no longer wanted); with another Kaleido, or on any
    failure, nothing is drawn and the real image reports what is wrong."""
    import kaleido
    from kaleido.kaleido import Kaleido

    server = getattr(kaleido, "_global_server", None)
    if server is None or not hasattr(server, "call_function"):
        return

    async def prime_unless_wanted(self):
        if not _image_wanted.is_set():
            await self.calc_fig(PRIMER, opts={"format": "png", "width": 64, "height": 64})

    Kaleido._compute_ceiling_prime = prime_unless_wanted
    with render_lock:
        try:
            server.call_function("_compute_ceiling_prime")
        except Exception:  # noqa: BLE001  (the caller's own image says what is wrong)
            pass


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
