"""The measures that need no browser: ETL build and import (CLI wall time), the engine, AppTest reruns,
PNG export through Kaleido.

Each measure takes the run's `Workspace` and returns a list of `Figure`s. Engine and app code is
imported inside each measure, so a missing piece skips that measure only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench import driver
from bench.core import Figure, Skip, median, time_calls
from bench.live import CHROMIUM, ROOT, build_db

EPOCH_NOTABLE = "epoch_notable_ai_models_2025-05.csv"
RERUN_BUDGET_MS = 150.0  # DESIGN.md: Streamlit rerun after a slider change, server side
SLIDER_FIELD = "demand_growth"  # the main lever of the Forecast page: every move recomputes the Monte Carlo
EXPORT_CHART = "demand-compute"  # the Demand page's main chart: ~200 points, fit band, claim lines


@dataclass
class Workspace:
    """A temporary folder for this run and the database built from data/raw into it (once, on demand)."""

    dir: Path
    _db: Path | None = field(default=None, repr=False)

    @property
    def db(self) -> Path:
        if self._db is None:
            path = self.dir / "compute.duckdb"
            build_db(path)
            self._db = path
        return self._db


def run_cli(args: list[str]) -> float:
    """Run `python -m ...` from the project root; its wall time in s. Raises with stderr's tail on failure."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise RuntimeError(f"`python -m {' '.join(args)}` exited {done.returncode}: {' | '.join(tail)}")
    return elapsed


# --- data pipeline ----------------------------------------------------------------------------------


def etl_build(ws: Workspace, repeat: int = 3) -> list[Figure]:
    times = [run_cli(["etl", "build", "--db", str(ws.dir / f"build-{i}.duckdb")]) for i in range(repeat)]
    return [Figure("etl_build", "python -m etl build (CLI wall time, new temp DB)", median(times), "s", 3.0,
                   samples=repeat, extra={"runs_s": [round(t, 3) for t in times]})]


def import_epoch(ws: Workspace, repeat: int = 3) -> list[Figure]:
    from etl.paths import FULL_EXPORTS_ENV

    folder = os.environ.get(FULL_EXPORTS_ENV)
    source = Path(folder or ".") / EPOCH_NOTABLE
    if not folder or not source.is_file():
        raise Skip(f"set {FULL_EXPORTS_ENV} to a folder holding {EPOCH_NOTABLE} (the real exports are optional)")
    times = []
    for i in range(repeat):
        target = ws.dir / f"import-{i}.duckdb"
        shutil.copyfile(ws.db, target)  # a fresh database each time: importing twice replaces rows
        times.append(run_cli(["etl", "import", str(source), "--db", str(target)]))
    return [Figure("import_epoch", f"python -m etl import {EPOCH_NOTABLE} (CLI wall time)", median(times), "s",
                   budget=2.0, samples=repeat, extra={"runs_s": [round(t, 3) for t in times]})]


# --- engine -----------------------------------------------------------------------------------------


def engine_inputs(db: Path):
    from etl.read import Store
    from models.inputs import inputs_from_store

    return inputs_from_store(Store(db))


def forecast(ws: Workspace, repeat: int = 200) -> list[Figure]:
    from models.forecast import forecast as run_forecast
    from models.forecast import resolve
    from models.scenario import Scenario

    inputs = engine_inputs(ws.db)
    scenario = Scenario.from_preset()
    full = time_calls(lambda: run_forecast(scenario, inputs), repeat, warmup=3)
    fits = time_calls(lambda: resolve(scenario, inputs), repeat, warmup=0)
    return [Figure("forecast", "one deterministic forecast, default scenario (fits included)", median(full),
                   "ms", 5.0, samples=repeat, note=f"of which resolving the fitted inputs: {median(fits):.2f} ms")]


def monte_carlo(ws: Workspace, repeat: int = 10, samples: int = 10_000) -> list[Figure]:
    from models.forecast import resolve
    from models.montecarlo import monte_carlo as run_monte_carlo
    from models.scenario import Scenario

    inputs = engine_inputs(ws.db)
    scenario = Scenario.from_preset()
    resolved = resolve(scenario, inputs)  # the app caches this separately (ui.engine)
    times = time_calls(lambda: run_monte_carlo(scenario, inputs, samples=samples, resolved=resolved), repeat)
    return [Figure("monte_carlo_10k", f"Monte Carlo, {samples:,} samples x monthly grid", median(times), "ms",
                   150.0, samples=repeat)]


def serving_outlook(ws: Workspace, repeat: int = 10) -> list[Figure]:
    """The serving outlook of the chatgpt-2023 preset: roofline, 10,000 Monte Carlo samples, bands."""
    from etl.read import Store
    from models.forecast import forecast as run_forecast
    from models.scenario import Scenario
    from models.serving import chip_of, hardware_trends, outlook, stock_of
    from models.serving_scenario import ServingScenario

    store = Store(ws.db)
    accelerators = store.accelerators()
    serving = ServingScenario()
    stock_t, stock = stock_of(run_forecast(Scenario(), engine_inputs(ws.db)))
    chip, trends = chip_of(serving.chip, accelerators), hardware_trends(accelerators)
    times = time_calls(lambda: outlook(serving, chip, trends, stock_t, stock), repeat)
    return [Figure("serving_outlook_10k", f"Serving outlook, {serving.samples:,} samples x whole years",
                   median(times), "ms", 150.0, samples=repeat)]


# --- Streamlit, headless (AppTest) ------------------------------------------------------------------


def app_pages() -> list[str]:
    """The page files in app.py's order."""
    try:
        return [file for file, _url in driver.app_pages()]
    except LookupError as error:
        raise Skip(str(error)) from error


@contextmanager
def apptest(db: Path):
    """An AppTest of app.py against `db`, run once (app.py routes on every rerun, as served)."""
    from streamlit.testing.v1 import AppTest

    saved_db = os.environ.get("COMPUTE_CEILING_DB")
    os.environ["COMPUTE_CEILING_DB"] = str(db)
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.query_params["lang"] = "en"
        yield at.run()
    finally:
        if saved_db is None:
            os.environ.pop("COMPUTE_CEILING_DB", None)
        else:
            os.environ["COMPUTE_CEILING_DB"] = saved_db


def _raise_on_exception(at, where: str) -> None:
    if at.exception:
        raise RuntimeError(f"{where}: {str(at.exception[0].value).splitlines()[0][:200]}")


def _timed_run(at) -> float:
    start = time.perf_counter()
    at.run()
    return (time.perf_counter() - start) * 1000


def apptest_pages(ws: Workspace, repeat: int = 7) -> list[Figure]:
    figures = []
    with apptest(ws.db) as at:
        for path in app_pages():
            name = Path(path).stem
            at.switch_page(path).run()  # first run of the page fills its caches
            _raise_on_exception(at, f"page {name}")
            times = [_timed_run(at) for _ in range(repeat)]
            _raise_on_exception(at, f"page {name}")
            figures.append(Figure(f"apptest_rerun_{name}", f"AppTest rerun of the {name} page (cached)",
                                  median(times), "ms", RERUN_BUDGET_MS, samples=repeat))
    return figures


CPU_BUDGET_MS = 60.0  # DESIGN.md: server CPU per Forecast rerun after a slider change
CPU_SLIDERS = (SLIDER_FIELD, "run_length_days")  # the browser bench's lever, and bench/wsload.py's


def _cpu_run(at) -> tuple[float, float]:
    """(wall ms, CPU ms) of one rerun. CPU is the whole process's (the script runs in AppTest's thread), so
    it also counts AppTest turning the messages into its element tree: an upper bound on the server's."""
    wall, cpu = time.perf_counter(), time.process_time()
    at.run()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def _slider_moves(at, field: str, moves: int) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """Move one Forecast slider to `moves` new values, then back to 10 seen ones: (new, revisited) timings."""
    slider = at.slider(key=field)
    start_value, step = float(slider.value), float(slider.step)
    top = float(slider.max)
    direction = 1.0 if start_value + step * moves <= top else -1.0
    values = [round(start_value + direction * step * (i + 1), 6) for i in range(moves)]
    new, revisit = [], []
    for value in values:
        at.slider(key=field).set_value(value)
        new.append(_cpu_run(at))
    _raise_on_exception(at, f"forecast after {field} moves")
    for value in values[:10]:  # back to values seen: every engine call is a cache hit
        at.slider(key=field).set_value(value)
        revisit.append(_cpu_run(at))
    return new, revisit


def apptest_slider(ws: Workspace, moves: int = 25) -> list[Figure]:
    """The Forecast page rerun after a slider change: every value new, so forecast and Monte Carlo recompute.
    Reported as server CPU per rerun (the budget's measure) for each of CPU_SLIDERS, and as wall time."""
    figures = []
    with apptest(ws.db) as at:
        at.switch_page("app_pages/forecast.py").run()
        _raise_on_exception(at, "page forecast")
        for field in CPU_SLIDERS:
            new, revisit = _slider_moves(at, field, moves)
            wall, cpu = median([w for w, _ in new]), median([c for _, c in new])
            suffix = "" if field == SLIDER_FIELD else f"_{field}"
            figures.append(Figure(
                f"apptest_slider_cpu{suffix}", f"server CPU per Forecast rerun after a {field} change (AppTest, "
                f"new values)", cpu, "ms", CPU_BUDGET_MS, samples=moves,
                note=f"wall {wall:.0f} ms; revisited values (cache hits): CPU {median([c for _, c in revisit]):.0f} ms",
                extra={"wall_median_ms": round(wall, 1), "cpu_max_ms": round(max(c for _, c in new), 1),
                       "revisit_cpu_median_ms": round(median([c for _, c in revisit]), 1)}))
            if field == SLIDER_FIELD:
                figures.append(Figure("apptest_slider", f"Forecast page rerun after a {field} change (AppTest, "
                                      "new values), wall time", wall, "ms", None, samples=moves,
                                      note=f"revisited values (cache hits): median "
                                           f"{median([w for w, _ in revisit]):.0f} ms",
                                      extra={"max_ms": round(max(w for w, _ in new), 1)}))
    return figures


SERVING_SLIDER = "serve_users"  # the Serving page's main lever: every move recomputes the outlook's Monte Carlo


def apptest_serving_slider(ws: Workspace, moves: int = 25) -> list[Figure]:
    """The Serving page rerun after a slider change: each value new, so the roofline, the 10,000-sample outlook
    and the caps and ceiling charts recompute (the memory-wall charts depend on the table only: cached)."""
    with apptest(ws.db) as at:
        at.switch_page("app_pages/serving.py").run()
        _raise_on_exception(at, "page serving")
        from models.serving_scenario import SERVING_FIELDS
        from ui.serving_state import slider_options

        value = float(at.select_slider(key=SERVING_SLIDER).value)
        options = slider_options(SERVING_FIELDS[SERVING_SLIDER.removeprefix("serve_")], value)
        start = options.index(value)
        values = [options[(start + 1 + i) % len(options)] for i in range(moves)]
        new, revisit = [], []
        for value in values:
            at.select_slider(key=SERVING_SLIDER).set_value(value)
            new.append(_timed_run(at))
        _raise_on_exception(at, "serving after slider moves")
        for value in values[:10]:
            at.select_slider(key=SERVING_SLIDER).set_value(value)
            revisit.append(_timed_run(at))
    return [Figure("apptest_serving_slider", f"Serving page rerun after a {SERVING_SLIDER} change (AppTest, new values)",
                   median(new), "ms", RERUN_BUDGET_MS, samples=moves,
                   note=f"revisited values (cache hits): median {median(revisit):.0f} ms",
                   extra={"max_ms": round(max(new), 1), "revisit_median_ms": round(median(revisit), 1)})]


# --- chart export -----------------------------------------------------------------------------------


def _chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None


def png_export(ws: Workspace, repeat: int = 5) -> list[Figure]:
    if not _chromium_available():
        raise Skip(f"Chromium not found at {CHROMIUM} (run `make system-deps`)")
    from charts import export, kaleido_warm, registry
    from etl.read import Store
    from models.scenario import Scenario

    if kaleido_warm.running():
        export.stop_kaleido_server()  # "first" must include starting Kaleido's Chromium
    store = Store(ws.db)
    figure = registry.build(EXPORT_CHART, registry.ChartContext(store, Scenario.from_preset(), "en"))
    ready = export.prepare_for_export(figure, sources=store.sources())
    try:
        start = time.perf_counter()
        first_png = export.to_image(ready, "png")
        first = time.perf_counter() - start
        if not first_png.startswith(b"\x89PNG\r\n\x1a\n"):
            raise RuntimeError("to_image(png) did not return a PNG")
        warm = time_calls(lambda: export.to_image(ready, "png"), repeat, warmup=0)
    finally:
        export.stop_kaleido_server()
    label = f"PNG export of {EXPORT_CHART}, 800x500"
    return [Figure("png_export_first", f"{label}, first (starts Kaleido's Chromium)", first, "s"),
            Figure("png_export_warm", f"{label}, Kaleido warm", median(warm) / 1000, "s", 0.5, samples=repeat,
                   extra=_page_bundle())]


def _page_bundle() -> dict:
    """Which plotly.js Kaleido's page loads (charts.plotlyjs): the basic bundle starts about 1 s sooner."""
    from charts import plotlyjs

    return {"kaleido_plotly_js": "basic" if plotlyjs.page_bundle() is not None else "full"}


def cli_export(ws: Workspace, repeat: int = 3) -> list[Figure]:
    """`python -m charts export` of the hero chart as a whole process (imports, data, forecast, Monte Carlo,
    the file): CSV needs no browser, PNG starts Kaleido's Chromium (skipped without one)."""
    figures = []
    formats = ("csv", "png") if _chromium_available() else ("csv",)
    for fmt in formats:
        times = [run_cli(["charts", "export", "forecast", "--format", fmt, "--db", str(ws.db),
                          "--out", str(ws.dir / f"hero-{i}.{fmt}")]) for i in range(repeat)]
        figures.append(Figure(f"cli_export_{fmt}", f"python -m charts export forecast --format {fmt} (whole process)",
                              median(times), "s", 2.0, samples=repeat,
                              extra={"runs_s": [round(t, 3) for t in times], **_page_bundle()}))
    return figures


def temp_workspace() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="compute-ceiling-bench-")
