"""`python -m bench [--only NAME ...] [--json]`: the performance budget of DESIGN.md, measured.

Prints every figure beside its budget with pass/over, and writes bench/results.json with a
description of the machine. Timings never fail anything: a measure that cannot run here (no
Chromium, no upstream file, a module not written yet) is reported as "skipped: reason". The exit
code is 1 only when a measure broke (the app raised), 2 for a bad command line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from bench import browser, measures, report
from bench.core import Figure, Skip, failed, skipped
from bench.machine import describe

Measure = Callable[[measures.Workspace], list[Figure]]


def users(ws: measures.Workspace) -> list[Figure]:
    """20 simultaneous sessions over Streamlit's protocol (bench/wsload.py): one process, then the team
    deployment (two processes behind nginx). The client costs the server's cores next to nothing."""
    if importlib.util.find_spec("websockets") is None:
        raise Skip("the websockets package is not installed")
    from bench import wsload

    return wsload.measure(ws)


def browser_users(ws: measures.Workspace) -> list[Figure]:
    """20 sessions as Chromium tabs (bench/load.py): the browsers share the server's cores, so this is the
    worst case of one machine, not the server's capacity."""
    from bench import load

    return load.measure(ws)


# name -> (what it measures, function); run in this order.
MEASURES: dict[str, tuple[str, Measure]] = {
    "etl_build": ("python -m etl build into a temp DB (CLI wall time)", measures.etl_build),
    "import_epoch": ("python -m etl import of the Epoch notable-models export", measures.import_epoch),
    "forecast": ("one deterministic forecast (median of 200)", measures.forecast),
    "monte_carlo": ("10,000 Monte Carlo samples (median of 10)", measures.monte_carlo),
    "serving_outlook": ("serving outlook, 10,000 Monte Carlo samples (median of 10)", measures.serving_outlook),
    "apptest_pages": ("AppTest rerun of each page (median of 7)", measures.apptest_pages),
    "apptest_slider": ("server CPU per Forecast rerun after a slider change (two sliders), AppTest (median of 25)",
                       measures.apptest_slider),
    "apptest_serving_slider": ("Serving page rerun after a slider change, AppTest (median of 25)",
                               measures.apptest_serving_slider),
    "browser": ("cold start, slider-to-redraw in Chromium (30 moves), server peak memory",
                browser.browser_session),
    "png_export": ("PNG export through Kaleido, first and warm", measures.png_export),
    "cli_export": ("python -m charts export of the hero chart, CSV and PNG, whole process (median of 3)",
                   measures.cli_export),
    "users": ("20 simultaneous sessions, protocol-level: 1 process, then 2 behind nginx (bench/wsload.py)", users),
    "browser_users": ("20 sessions as Chromium tabs on the same cores (bench/load.py); only with --only",
                      browser_users),
}
OPTIONAL = {"browser_users"}  # not in a default run: the tabs measure the browsers as much as the server
# Figure names that select their measure with --only (e.g. --only cold_start).
ALIASES = {"cold_start": "browser", "slider": "browser", "memory": "browser", "montecarlo": "monte_carlo",
           "import": "import_epoch", "etl": "etl_build", "png": "png_export", "load": "users",
           "export": "cli_export"}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    epilog = "measures:\n" + "\n".join(f"  {name:<15} {what}" for name, (what, _) in MEASURES.items())
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0], epilog=epilog,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these measures (see below)")
    parser.add_argument("--json", action="store_true", help="print the results document as JSON, not a table")
    parser.add_argument("--out", type=Path, default=report.RESULTS, help="results file (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.only:
        chosen = [ALIASES.get(name, name) for name in args.only]
        unknown = [name for name, real in zip(args.only, chosen, strict=True) if real not in MEASURES]
        if unknown:
            parser.error(f"unknown measure(s) {', '.join(unknown)}; expected some of: {', '.join(MEASURES)}")
        args.only = list(dict.fromkeys(chosen))
    return args


def run_measure(name: str, ws: measures.Workspace) -> list[Figure]:
    """One measure's figures; a missing dependency becomes "skipped", a failure "error" — never a crash."""
    what, function = MEASURES[name]
    try:
        figures = function(ws)
    except Skip as reason:
        figures = [skipped(name, what, str(reason))]
    except ModuleNotFoundError as error:
        figures = [skipped(name, what, f"module {error.name} not found")]
    except Exception as error:  # report and go on: the other measures still mean something
        traceback.print_exc(file=sys.stderr)
        figures = [failed(name, what, error)]
    stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    for figure in figures:
        figure.group, figure.measured_at = name, stamp
        figure.settle()
    return figures


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    names = args.only or [name for name in MEASURES if name not in OPTIONAL]
    figures: list[Figure] = []
    with measures.temp_workspace() as folder:
        ws = measures.Workspace(Path(folder))
        for name in names:
            print(f"bench: {name} …", file=sys.stderr, flush=True)
            start = time.perf_counter()
            figures += run_measure(name, ws)
            print(f"bench: {name} done in {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
    document = report.merged(report.read_results(args.out), describe(), figures, names)
    report.write_results(document, args.out)
    if args.json:
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        machine = document["machine"]
        print(f"\n{machine['cpu_model']}, {machine['usable_cores']} cores, {machine['ram_gb']} GB RAM, "
              f"Python {machine['python']}, load average {machine['load_average_1m']}, {machine['date']}\n")
        print(report.table(figures))
        print(f"\nwritten to {args.out}")
    return 1 if any(f.status == "error" for f in figures) else 0


if __name__ == "__main__":
    sys.exit(main())
