"""Batch export for articles.

    python -m charts list
    python -m charts export CHART [--preset NAME] [--scenario FILE.json] [--set KEY=VALUE ...]
        (serving charts: --set serve_<setting>=VALUE, e.g. serve_users=2e6 or serve_preset=llama-70b-h100)
        [--option NAME=VALUE ...] --format png|svg|pdf|html|csv|json [--size article|wide|square]
        [--width W --height H] [--scale S] [--lang en|zh] [--db PATH] --out FILE

`--set` changes a scenario field (the forecast's assumptions); `--option` picks one of the chart's own
choices (population, window, year, unit, ...), the ones its page offers: `list` names them per chart.
`json` writes the Plotly figure as JSON (title, traces and data exactly as exported).

Exit 0 on success, 2 on bad input (the message names the field); a failed export writes no file:
the bytes are rendered first and then written to a temporary file that is renamed into place.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from etl.paths import DEFAULT_DB

EXIT_BAD_INPUT = 2


class BadInput(Exception):
    """An argument, scenario or --set value that is not allowed."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m charts", description="List and export Compute Ceiling charts.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="one chart id per line with a short description, then its options")
    export = sub.add_parser("export", help="export one chart to a file")
    export.add_argument("chart")
    export.add_argument("--preset", default=None)
    export.add_argument("--scenario", type=Path, default=None, help="scenario JSON file")
    export.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE")
    export.add_argument("--option", dest="options", action="append", default=[], metavar="NAME=VALUE",
                        help="one of the chart's options (see `python -m charts list`)")
    export.add_argument("--format", required=True, choices=["png", "svg", "pdf", "html", "csv", "json"])
    export.add_argument("--size", default="article", choices=["article", "wide", "square"])
    export.add_argument("--width", type=int)
    export.add_argument("--height", type=int)
    export.add_argument("--scale", type=float, default=1.0)
    export.add_argument("--lang", default="en", choices=["en", "zh"])
    export.add_argument("--title")
    export.add_argument("--subtitle")
    export.add_argument("--db", type=Path, default=DEFAULT_DB)
    export.add_argument("--out", type=Path, required=True)
    return parser


def load_scenario(preset: str | None, scenario_file: Path | None, sets: list[str]):
    """Scenario from preset, then the JSON file, then each --set; BadInput names the field at fault."""
    from models.scenario import FIELDS, Scenario, ScenarioError

    try:
        if scenario_file is not None:
            try:
                text = scenario_file.read_text(encoding="utf-8")
            except OSError as exc:
                raise BadInput(f"--scenario {scenario_file}: cannot read ({exc.strerror})") from None
            scenario = Scenario.from_json(text)
            if preset is not None and preset != scenario.preset:
                scenario = Scenario.from_preset(preset, **{k: v for k, v in scenario.values().items()})
        else:
            scenario = Scenario.from_preset(preset or "data-trend")
    except ScenarioError as exc:
        where = f"--scenario {scenario_file}" if scenario_file is not None else "--preset"
        raise BadInput(f"{where}: field {exc.field!r}: {exc.message}") from None
    params = {}
    for item in sets:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise BadInput(f"--set {item!r}: expected KEY=VALUE")
        if key.strip() not in FIELDS:
            raise BadInput(f"--set {item!r}: unknown field {key.strip()!r}")
        params[key.strip()] = value
    if not params:
        return scenario
    params = {**scenario.to_params(), **params, "preset": scenario.preset}
    updated, warnings = Scenario.from_params(params)
    if warnings:
        first = warnings[0]
        raise BadInput(f"--set {first.field}={first.value}: field {first.field!r}: expected {first.allowed}")
    return updated


def _render(figure, fmt: str, width: int, height: int, scale: float) -> bytes:
    from charts import export

    if fmt == "html":
        return export.to_html(figure).encode("utf-8")
    if fmt == "csv":
        return export.to_csv(figure).encode("utf-8")
    if fmt == "json":
        return export.to_json(figure).encode("utf-8")
    return export.to_image(figure, fmt, width=width, height=height, scale=scale)


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def share_query(scenario) -> str | None:
    """The scenario as URL parameters ("?preset=...&..."), or None for the default scenario."""
    from urllib.parse import urlencode

    params = scenario.to_params()
    return "?" + urlencode(params) if params else None


def command_list() -> int:
    from charts.registry import CHARTS

    for spec in CHARTS.values():
        print(f"{spec.chart_id}  {spec.description}")
        for option in spec.options:
            print(f"    --option {option.name}=...  {option.description}")
    return 0


def parse_options(items: list[str]) -> dict[str, str]:
    """--option NAME=VALUE items as a dict; BadInput for an item without '=' or given twice."""
    options: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise BadInput(f"--option {item!r}: expected NAME=VALUE")
        if name in options:
            raise BadInput(f"--option {name}: given twice")
        options[name] = value
    return options


def load_serving(sets: list[str]):
    """The Serving page's settings from `--set serve_<field>=VALUE` (chatgpt-2023 preset, or serve_preset=NAME)."""
    from models.scenario import ScenarioError
    from models.serving_scenario import PARAM_PREFIX, ServingScenario

    items = [item.strip()[len(PARAM_PREFIX):] for item in sets]
    preset = [item.partition("=")[2] for item in items if item.startswith("preset=")]
    try:
        serving = ServingScenario.from_preset(preset[-1] if preset else "chatgpt-2023")
        return serving.with_sets([item for item in items if not item.startswith("preset=")])
    except ScenarioError as exc:
        raise BadInput(f"--set {PARAM_PREFIX}{exc.field}: {exc.message}") from None


def command_export(args: argparse.Namespace) -> int:
    from charts import export
    from charts.common import data_age_line
    from charts.registry import CHARTS, ChartContext, OptionError, build, resolve_id

    try:
        chart_id = resolve_id(args.chart)
    except ValueError:
        raise BadInput(f"unknown chart {args.chart!r}; run `python -m charts list` (known: {', '.join(CHARTS)})") from None
    if (args.width is None) != (args.height is None):
        raise BadInput("--width and --height go together")
    if not 0 < args.scale <= 10:
        raise BadInput(f"--scale {args.scale}: expected a number above 0 and at most 10")
    try:
        size = (args.width, args.height) if args.width else args.size
        width, height = export.resolve_size(size)
    except ValueError as exc:
        raise BadInput(f"--width/--height: {exc}") from None
    options = parse_options(args.options)
    serving = load_serving([item for item in args.sets if item.strip().startswith("serve_")])
    scenario = load_scenario(args.preset, args.scenario, [item for item in args.sets
                                                          if not item.strip().startswith("serve_")])
    if not args.db.is_file():
        raise BadInput(f"--db {args.db}: no database there; build it with `python -m etl build --db {args.db}`")
    from etl.read import Store

    store = Store(args.db)
    try:
        figure = build(chart_id, ChartContext(store=store, scenario=scenario, lang=args.lang, options=options,
                                              serving=serving))
    except OptionError as exc:
        raise BadInput(f"--option: {exc}") from None
    except ValueError as exc:  # a serving chip not in the accelerators table
        raise BadInput(str(exc)) from None
    if args.format != "csv":
        link = share_query(scenario)
        if chart_id.startswith("serving-") and serving.to_params():
            link = f"{link or '?'}{'&' if link else ''}{urlencode(serving.to_params())}"
        figure = export.prepare_for_export(
            figure, title=args.title, subtitle=args.subtitle, size=(width, height), lang=args.lang,
            share_link=link, today=dt.date.today(), sources=store.sources(),
            data_age=data_age_line(store, args.lang))
    _write_atomically(args.out, _render(figure, args.format, width, height, args.scale))
    print(f"wrote {args.out} ({chart_id}, {args.format}, {width}x{height} px x{args.scale:g})")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return command_list() if args.command == "list" else command_export(args)
    except BadInput as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
