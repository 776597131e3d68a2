"""Batch export for articles.

    python -m charts list
    python -m charts export CHART [--preset NAME] [--scenario FILE.json] [--set KEY=VALUE ...]
        [--option NAME=VALUE ...] --format png|svg|pdf|html|csv|json
        [--size article|wide|social-square|social-portrait|link-card|print|print:MM] [--theme light|dark]
        [--width W --height H] [--scale S] [--lang en|zh] [--db PATH] --out FILE

Sizes: `social-square` 1080×1080 (`square` is the same), `social-portrait` 1080×1350, `link-card`
1200×630; `print` is a 180 mm column (`print:MM` another width) at 300 dpi with larger type and
greyscale-safe line styles. The background is always solid: white, or near-black with `--theme dark`.

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
    export.add_argument("--size", default="article", metavar="NAME",
                        help="article, wide, social-square, social-portrait, link-card, print or print:MM")
    export.add_argument("--theme", default="light", choices=["light", "dark"])
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


def _warm_kaleido_meanwhile() -> None:
    """Start Chromium for Kaleido in a background thread while the figure is being built (the two take
    about as long as each other; the export waits for the server under its lock)."""
    import threading

    from charts import export

    def start() -> None:
        with export._kaleido_lock:
            export._ensure_kaleido_server()

    threading.Thread(target=start, name="kaleido-warm-up", daemon=True).start()


def _render(figure, fmt: str, width: int, height: int, scale: float, lang: str = "en", sources=None) -> bytes:
    from charts import publish

    return publish.render(figure, fmt, width=width, height=height, scale=scale, lang=lang, sources=sources)


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_atomically(path: Path, data: bytes) -> None:
    """Write through a temporary file renamed into place, with the mode a plain `open` would give
    (0666 less the umask: 0644 usually), not mkstemp's private 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o666 & ~_current_umask())
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
        raise BadInput(f"{'--width/--height' if args.width else '--size'}: {exc}") from None
    scale = args.scale
    if export.print_width_mm(size) is not None and args.scale == 1.0:
        scale = export.print_scale()  # 300 dpi on paper
    options = parse_options(args.options)
    scenario = load_scenario(args.preset, args.scenario, args.sets)
    if not args.db.is_file():
        raise BadInput(f"--db {args.db}: no database there; build it with `python -m etl build --db {args.db}`")
    from etl.read import Store

    if args.format in export.IMAGE_FORMATS:
        _warm_kaleido_meanwhile()
    store = Store(args.db)
    try:
        figure = build(chart_id, ChartContext(store=store, scenario=scenario, lang=args.lang, options=options))
    except OptionError as exc:
        raise BadInput(f"--option: {exc}") from None
    if args.format != "csv":
        figure = export.prepare_for_export(
            figure, title=args.title, subtitle=args.subtitle, size=size, lang=args.lang,
            share_link=share_query(scenario), today=dt.date.today(), sources=store.sources(),
            data_age=data_age_line(store, args.lang), theme=args.theme)
    _write_atomically(args.out, _render(figure, args.format, width, height, scale, args.lang, store.sources()))
    print(f"wrote {args.out} ({chart_id}, {args.format}, {width}x{height} px x{scale:g})")
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
