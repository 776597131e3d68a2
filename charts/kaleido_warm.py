"""Kaleido's Chromium, started as early as a process knows it will draw an image.

Starting Kaleido's Chromium and loading plotly.js into its page takes about as long as everything else a
`python -m charts export --format png` does (imports, data, forecast, Monte Carlo). This module imports
nothing heavy, so the CLI can start the browser first thing, in a background thread, and let the two run side
by side; `charts.export` renders through the same server.

`one_shot()` is for a process that renders one image and exits (the CLI run as a program): Kaleido reloads
its page after every image so the next starts clean, and waits for that reload before it returns the image;
with no next image the reload is skipped. Such a process also draws a throwaway image as soon as the page is
up (`prime`): a page's first drawing pays one-time costs (styles, fonts) of about 0.15 s, paid then while
the process is still building its figure. When its file is written, `end_one_shot` kills the browser
instead of waiting for Kaleido's graceful close.

Every request to Kaleido goes through `watched` under `render_lock`: Kaleido's own call would wait forever
once its server thread has ended (Chromium failed to start). Kaleido 1.x internals used here, each guarded
(without them the step is skipped and Kaleido behaves as shipped): `_global_server` and its `_thread`,
`Kaleido._return_kaleido_tab`, and a Kaleido's `subprocess`, `_html_tmp_dir` and `_browser_impl.tmp_dir`.
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
        _quiet_server_failure(getattr(getattr(kaleido, "_global_server", None), "_thread", None))


def _quiet_server_failure(server_thread) -> None:
    """When Chromium fails to start, Kaleido's server thread ends with a traceback that Python prints to
    stderr; the caller reports the failure in one line (`watched`), so the traceback goes to the log."""
    import logging

    # and choreographer's warning as it closes the failed browser ("Wait expired ...") is not shown either
    logging.getLogger("choreographer").setLevel(logging.ERROR)
    if server_thread is None:
        return
    previous = threading.excepthook

    def hook(args) -> None:
        if args.thread is server_thread:
            logging.getLogger(__name__).debug("Kaleido's server ended", exc_info=(args.exc_type, args.exc_value,
                                                                                  args.exc_traceback))
            return
        previous(args)

    threading.excepthook = hook


def ensure_draws(figure) -> None:
    """Restart the server on the full plotly.js when the running page's basic bundle cannot draw `figure`
    (a trace type it does not register); the project's charts never need it, a caller's own figure may."""
    from charts import plotlyjs

    if _started and _bundle is not None and not plotlyjs.basic_draws(figure):
        stop()
        start(full=True)


def loaded_bundle() -> Path | None:
    return _bundle


class BrowserFailed(RuntimeError):
    """Kaleido's Chromium stopped (or never started) before it answered."""


def server_alive() -> bool:
    """Whether Kaleido's sync server thread runs (it ends when Chromium fails to start or dies); True for a
    Kaleido that does not say."""
    import kaleido

    thread = getattr(getattr(kaleido, "_global_server", None), "_thread", None)
    return thread is None or thread.is_alive()


def watched(call):
    """`call()` (one request to Kaleido's sync server), raising BrowserFailed as soon as the server's thread has
    ended instead of waiting forever: Kaleido's own call waits for an answer that a dead server never gives
    (Chromium refused to start, e.g. with a TMPDIR so long its socket path does not fit)."""
    box: dict = {}

    def run() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:  # noqa: BLE001  (handed to the caller below)
            box["error"] = exc

    worker = threading.Thread(target=run, name="kaleido-call", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(0.1)
        if worker.is_alive() and not server_alive():
            raise BrowserFailed("Chromium stopped or could not start (Kaleido's server ended before it drew the "
                                "image); check that /usr/bin/chromium runs, and that TMPDIR is a short path")
    if "error" in box:
        raise box["error"]
    return box["value"]


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
            watched(lambda: server.call_function("_compute_ceiling_prime"))
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
        global _one_shot_page
        _one_shot_page = self
        await self.tabs_ready.put(tab)

    Kaleido._return_kaleido_tab = put_back_without_reload
    Kaleido._compute_ceiling_one_shot = True
    return True


_one_shot_page = None  # a one-shot process's Kaleido, once it has drawn an image


def _singleton_folder(profile) -> str | None:
    """The folder Chromium made beside its profile for its singleton socket (removed by Chromium itself when
    it shuts down, not when killed): the target of the profile's `SingletonSocket` link."""
    import os

    try:
        target = os.readlink(os.path.join(profile, "SingletonSocket"))
    except OSError:
        return None
    folder = os.path.dirname(target)
    return folder if os.path.basename(folder).startswith("org.chromium.Chromium.") else None


def end_one_shot(status: int) -> None:
    """End a one-shot process now that its image is written, without Kaleido's close at exit: that asks
    Chromium to shut down, waits for it and for Kaleido's threads (0.35 s to 2 s). The browser's process group
    is killed instead, Kaleido's two temporary folders and Chromium's singleton folder removed, and the process
    exits with `status`.
    Returns (and leaves the exit to Kaleido) when no image was drawn or this Kaleido keeps them elsewhere."""
    import os
    import shutil
    import signal
    import sys

    page = _one_shot_page
    browser = getattr(page, "subprocess", None)
    folders = [getattr(getattr(page, "_html_tmp_dir", None), "path", None),
               getattr(getattr(getattr(page, "_browser_impl", None), "tmp_dir", None), "path", None)]
    if browser is None or None in folders:
        return
    try:
        os.killpg(browser.pid, signal.SIGKILL)  # Kaleido starts it in a session of its own: its whole group
        browser.wait(timeout=5)
    except Exception:  # noqa: BLE001  (no such group, or a browser outliving SIGKILL: Kaleido's close at exit)
        return
    for folder in [*folders, _singleton_folder(folders[1])]:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
