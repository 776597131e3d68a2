"""`python -m charts export --format png|svg|pdf` starts Kaleido's Chromium before its heavy imports, so the
browser's start overlaps them and the figure's build; run as a program it renders its one image without
waiting for Kaleido to reload its page. Checked by what has been imported when the browser is asked for and
by the files written, never by timing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from charts import __main__ as cli
from charts import kaleido_warm
from tests.charts.test_cli_imports import ROOT, real_db  # noqa: F401  (a fixture)

chromium = pytest.mark.skipif(shutil.which("chromium") is None and not shutil.os.path.exists("/usr/bin/chromium"),
                              reason="Debian's chromium is not installed")

NOWHERE = ["--out", "/nonexistent/x", "--db", "/nonexistent.duckdb"]  # exits 2 before building anything
PROBE = """
import sys
from charts import __main__ as cli, kaleido_warm
seen = {}
def record(one_shot_process=False):
    seen["heavy"] = sorted(m for m in ("pandas", "plotly", "duckdb", "numpy") if m in sys.modules)
    seen["one_shot"] = one_shot_process
    raise SystemExit(0)
kaleido_warm.start_in_background = record
try:
    cli.main(%r, one_shot=True)
finally:
    print(seen)
"""


def asked_for_the_browser(argv: list[str]) -> dict:
    """What a fresh interpreter running the CLI had imported when it asked for Kaleido's browser."""
    run = subprocess.run([sys.executable, "-c", PROBE % (argv,)], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    return eval(run.stdout.strip().splitlines()[-1])  # noqa: S307  (our own probe's dict)


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_image_export_asks_for_the_browser_before_pandas_plotly_duckdb_or_numpy(fmt):
    seen = asked_for_the_browser(["export", "forecast", "--format", fmt, *NOWHERE])
    assert seen == {"heavy": [], "one_shot": True}


@pytest.mark.parametrize("fmt", ["csv", "html", "json", "zip"])
def test_exports_without_an_image_never_start_the_browser(fmt):
    assert asked_for_the_browser(["export", "forecast", "--format", fmt, *NOWHERE]) == {}


def test_cite_and_embed_never_start_the_browser():
    assert asked_for_the_browser(["cite", "forecast", "--db", "/nonexistent.duckdb"]) == {}


@chromium
@pytest.mark.parametrize("fmt, magic", [("png", b"\x89PNG\r\n\x1a\n"), ("svg", b"<svg"), ("pdf", b"%PDF")])
def test_cli_as_a_program_writes_each_image_format_and_leaves_no_browser_or_folder(real_db, tmp_path, fmt,  # noqa: F811
                                                                                   magic):
    """Run as a program, the CLI kills its browser once the file is written and removes what it left."""
    out, scratch = tmp_path / f"chart.{fmt}", Path(tempfile.mkdtemp(prefix="cc-", dir="/tmp"))  # short: see below
    run = subprocess.run([sys.executable, "-m", "charts", "export", "demand-compute", "--format", fmt,
                          "--db", str(real_db), "--out", str(out)], cwd=ROOT, capture_output=True, text=True,
                         timeout=300, env={**os.environ, "TMPDIR": str(scratch)})
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(f"wrote {out}")  # printed before the fast exit
    assert magic in out.read_bytes()[:400]
    assert sorted(p.name for p in scratch.iterdir()) == []  # Kaleido's page and profile, Chromium's singleton
    assert not [cmd for cmd in _command_lines() if str(scratch) in cmd]  # no browser of this run lives on
    scratch.rmdir()


@chromium
def test_a_browser_that_cannot_start_ends_the_export_with_one_line_and_exit_2(real_db, tmp_path):  # noqa: F811
    """Chromium refuses to start when its singleton socket's path (in TMPDIR) exceeds the 107 bytes a Unix
    socket path may have; Kaleido's server then ends, and its own call would wait for an answer forever."""
    long_tmp = tmp_path / ("t" * 120)
    long_tmp.mkdir()
    out = tmp_path / "chart.png"
    run = subprocess.run([sys.executable, "-m", "charts", "export", "forecast", "--format", "png", "--db",
                          str(real_db), "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300,
                         env={**os.environ, "TMPDIR": str(long_tmp)})
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [run.stderr.strip()] and run.stderr.startswith("error: Chromium")
    assert "Traceback" not in run.stderr and not out.exists()


def test_watched_returns_the_answer_re_raises_an_error_and_gives_up_on_a_dead_server(monkeypatch):
    import threading

    assert kaleido_warm.watched(lambda: 42) == 42
    with pytest.raises(ZeroDivisionError):
        kaleido_warm.watched(lambda: 1 / 0)
    never = threading.Event()
    monkeypatch.setattr(kaleido_warm, "server_alive", lambda: False)
    with pytest.raises(kaleido_warm.BrowserFailed, match="Chromium"):
        kaleido_warm.watched(never.wait)  # a call the dead server never answers
    never.set()


def _command_lines() -> list[str]:
    lines = []
    for proc in Path("/proc").iterdir():
        try:
            lines.append((proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except OSError:
            continue
    return lines


def test_a_failed_export_as_a_program_exits_2_through_kaleidos_own_close(real_db, tmp_path):  # noqa: F811
    run = subprocess.run([sys.executable, "-m", "charts", "export", "forecast", "--format", "png", "--set",
                          "utilisation=2", "--db", str(real_db), "--out", str(tmp_path / "x.png")], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 2 and "utilisation" in run.stderr and not (tmp_path / "x.png").exists()


ONE_SHOT_PROBE = """
import plotly.graph_objects as go
from charts import export, kaleido_warm
assert kaleido_warm.one_shot() and kaleido_warm.one_shot()  # applied once, then a no-op
fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4]))
first, second = export.to_image(fig, "png"), export.to_image(fig.update_layout(title="Two"), "png")
print(first[:8] == b"\\x89PNG\\r\\n\\x1a\\n", second[:8] == b"\\x89PNG\\r\\n\\x1a\\n", first != second)
"""


@chromium
def test_one_shot_kaleido_still_renders_and_a_second_image_differs():
    run = subprocess.run([sys.executable, "-c", ONE_SHOT_PROBE], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert run.stdout.split() == ["True", "True", "True"], run.stderr


@pytest.mark.parametrize("bundle", [None, Path("/venv/share/compute-ceiling/plotly-basic.min.js")])
def test_start_is_idempotent_and_stop_allows_a_restart(monkeypatch, bundle):
    import kaleido

    from charts import plotlyjs

    calls = []
    monkeypatch.setattr(kaleido, "start_sync_server", lambda **kw: calls.append(("start", kw)))
    monkeypatch.setattr(kaleido, "stop_sync_server", lambda **kw: calls.append(("stop", kw)))
    monkeypatch.setattr(plotlyjs, "page_bundle", lambda: bundle)
    monkeypatch.setattr(kaleido_warm, "_started", False)
    kaleido_warm.start()
    kaleido_warm.start()
    assert kaleido_warm.loaded_bundle() == bundle
    kaleido_warm.stop()
    kaleido_warm.start(full=True)
    assert [name for name, _ in calls] == ["start", "stop", "start"]
    page = {} if bundle is None else {"plotlyjs": "file:///venv/share/compute-ceiling/plotly-basic.min.js"}
    assert calls[0][1] == {"mathjax": False, "silence_warnings": True, **page}
    assert calls[2][1] == {"mathjax": False, "silence_warnings": True} and kaleido_warm.loaded_bundle() is None
    kaleido_warm.stop()


class _FakeKaleido:
    def __init__(self):
        self.drawn = []

    async def calc_fig(self, figure, opts):
        self.drawn.append((figure, opts))


@pytest.mark.parametrize("wanted", [False, True])
def test_the_throwaway_image_is_drawn_only_while_no_real_one_is_wanted(monkeypatch, wanted):
    import asyncio

    import kaleido

    page = _FakeKaleido()

    class Server:
        def call_function(self, name):
            from kaleido.kaleido import Kaleido

            asyncio.run(getattr(Kaleido, name)(page))  # as Kaleido's server runs the method on its page

    monkeypatch.setattr(kaleido, "_global_server", Server())
    monkeypatch.setattr(kaleido_warm, "_image_wanted", kaleido_warm.threading.Event())
    if wanted:
        kaleido_warm.want_image()
    kaleido_warm.prime()
    assert page.drawn == ([] if wanted else [(kaleido_warm.PRIMER, {"format": "png", "width": 64, "height": 64})])
    assert not kaleido_warm.render_lock.locked()


def test_main_in_process_is_not_one_shot(monkeypatch, tmp_path):
    seen = []
    def record(one_shot_process=False):
        seen.append(one_shot_process)
        started = kaleido_warm.threading.Event()
        started.set()
        return started

    monkeypatch.setattr(kaleido_warm, "start_in_background", record)
    cli.main(["export", "forecast", "--format", "png", "--db", str(tmp_path / "none.duckdb"), "--out",
              str(tmp_path / "x.png")])
    assert seen == [False]  # tests and other callers keep Kaleido's reload between images
