"""Batch export for articles.

    python -m charts list
    python -m charts cite CHART [--style apa|bibtex] [--link SHARE_LINK] [scenario, options, --lang, --db as for export]
    python -m charts embed CHART [--link SHARE_LINK] [--theme light|dark|auto] [as for export]
    python -m charts export CHART [--preset NAME] [--scenario FILE.json | --link SHARE_LINK] [--set KEY=VALUE ...]
        (serving charts: --set serve_<setting>=VALUE, e.g. serve_users=2e6 or serve_preset=llama-70b-h100)
        [--option NAME=VALUE ...] --format png|svg|pdf|html|csv|json
        [--size article|wide|social-square|social-portrait|link-card|print|print:MM] [--theme light|dark]
        [--width W --height H] [--scale S] [--lang en|zh] [--db PATH] --out FILE

Sizes: `social-square` 1080×1080 (`square` is the same), `social-portrait` 1080×1350, `link-card`
1200×630; `print` is a 180 mm column (`print:MM` another width) at 300 dpi with larger type and
greyscale-safe line styles. The background is always solid: white, or near-black with `--theme dark`.

`--set` changes a scenario field (the forecast's assumptions); `--option` picks one of the chart's own
choices (population, window, year, unit, ...), the ones its page offers: `list` names them per chart.
`json` writes the Plotly figure as JSON (title, traces and data exactly as exported).
`--link` takes the scenario from a share link of the app (full URL or query string), as the app reads it;
a link with a pinned scenario A (`compare=`) draws A in grey beside it on the hero chart (`forecast`); that
chart's citation then gives the pair's share link, and its ZIP holds scenario-a.json and scenario-b.json.

Exit 0 on success, 2 on bad input (the message names the field) or when Chromium cannot draw the image; a
failed export writes no file:
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

from charts import kaleido_warm  # imports nothing heavy
from etl.paths import DEFAULT_DB

EXIT_BAD_INPUT = 2


class BadInput(Exception):
    """An argument, scenario or --set value that is not allowed."""


def _figure_arguments() -> argparse.ArgumentParser:
    """The arguments that pick one figure: chart, scenario, options, language and database."""
    figure = argparse.ArgumentParser(add_help=False)
    figure.add_argument("chart")
    figure.add_argument("--preset", default=None)
    figure.add_argument("--scenario", type=Path, default=None, help="scenario JSON file")
    figure.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE")
    figure.add_argument("--option", dest="options", action="append", default=[], metavar="NAME=VALUE",
                        help="one of the chart's options (see `python -m charts list`)")
    figure.add_argument("--lang", default="en", choices=["en", "zh"])
    figure.add_argument("--db", type=Path, default=DEFAULT_DB)
    return figure


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m charts", description="List and export Compute Ceiling charts.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="one chart id per line with a short description, then its options")
    figure = _figure_arguments()
    export = sub.add_parser("export", parents=[figure], help="export one chart to a file")
    export.add_argument("--format", required=True, choices=["png", "svg", "pdf", "html", "csv", "json", "zip"])
    export.add_argument("--size", default="article", metavar="NAME",
                        help="article, wide, social-square, social-portrait, link-card, print or print:MM")
    export.add_argument("--theme", default="light", choices=["light", "dark"])
    export.add_argument("--width", type=int)
    export.add_argument("--height", type=int)
    export.add_argument("--scale", type=float, default=1.0)
    export.add_argument("--title")
    export.add_argument("--subtitle")
    export.add_argument("--alt", default=None, help="the description (alt text) for SVG, HTML and ZIP; "
                        "built from the chart's data when not given")
    export.add_argument("--out", type=Path, required=True)
    export.add_argument("--link", default=None, help="a share link of the app (full URL or query string): its "
                        "scenario and, on the hero chart, its pinned scenario A (compare=)")
    cite = sub.add_parser("cite", parents=[figure], help="print the chart's citation")
    cite.add_argument("--style", default="apa", choices=["apa", "bibtex"])
    cite.add_argument("--link", default=None, help="a share link of the app: its scenario and, on the hero chart, "
                      "its pinned scenario A (compare=); the citation then gives the pair's link")
    embed = sub.add_parser("embed", parents=[figure], help="print an <iframe> snippet of the chart-only view")
    embed.add_argument("--link", default=None, help="a share link of the app: its scenario, language and address")
    embed.add_argument("--theme", default=None, choices=["light", "dark", "auto"])
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
    return _apply_sets(scenario, params)


def _apply_sets(scenario, params: dict[str, str]):
    """The scenario with the --set values (KEY: text) applied; BadInput names the first refused one."""
    from models.scenario import Scenario

    if not params:
        return scenario
    params = {**scenario.to_params(), **params, "preset": scenario.preset}
    updated, warnings = Scenario.from_params(params)
    if warnings:
        first = warnings[0]
        raise BadInput(f"--set {first.field}={first.value}: field {first.field!r}: expected {first.allowed}")
    return updated


def load_link(link: str, sets: list[str]):
    """(scenario, pinned scenario A or None) of a share link, read as the app reads its address bar but
    strictly: a parameter the app would drop is BadInput here. --set values apply on top of the scenario."""
    from models.scenario import FIELDS, compare_from_link, scenario_from_link

    scenario, warnings = scenario_from_link(link)
    pinned, pinned_warnings = compare_from_link(link)
    for warning in [*warnings, *pinned_warnings]:
        raise BadInput(f"--link: parameter {warning.field}={warning.value}: expected {warning.allowed}")
    params = {}
    for item in sets:
        key, sep, value = item.partition("=")
        if not sep or key.strip() not in FIELDS:
            raise BadInput(f"--set {item!r}: expected KEY=VALUE with a scenario field as KEY")
        params[key.strip()] = value
    return _apply_sets(scenario, params), pinned


def _render(figure, fmt: str, width: int, height: int, scale: float, lang: str = "en", sources=None,
            description: str | None = None) -> bytes:
    from charts import publish

    return publish.render(figure, fmt, width=width, height=height, scale=scale, lang=lang, sources=sources,
                          description=description)


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


def share_query(scenario, compare=None) -> str | None:
    """The scenario (and a pinned scenario A) as URL parameters ("?preset=...&..."), or None for the default
    scenario alone."""
    from urllib.parse import urlencode

    from models.scenario import compare_params

    params = {**scenario.to_params(), **compare_params(compare)}
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


def _chart_id(name: str) -> str:
    from charts.registry import CHARTS, resolve_id

    try:
        return resolve_id(name)
    except ValueError:
        raise BadInput(f"unknown chart {name!r}; run `python -m charts list` (known: {', '.join(CHARTS)})") from None


def _build_figure(args: argparse.Namespace, chart_id: str, scenario, serving=None, compare=None):
    """(store, figure) for the chart, scenario (and pinned scenario A) and options the arguments name."""
    from charts.registry import ChartContext, OptionError, build

    options = parse_options(args.options)
    if not args.db.is_file():
        raise BadInput(f"--db {args.db}: no database there; build it with `python -m etl build --db {args.db}`")
    from etl.read import Store

    store = Store(args.db)
    try:
        figure = build(chart_id, ChartContext(store=store, scenario=scenario, lang=args.lang, options=options,
                                              serving=serving, compare=compare))
    except OptionError as exc:
        raise BadInput(f"--option: {exc}") from None
    except ValueError as exc:  # a serving chip not in the accelerators table
        raise BadInput(str(exc)) from None
    return store, figure


def command_export(args: argparse.Namespace) -> int:
    from charts import export
    from charts.common import data_age_line

    chart_id = _chart_id(args.chart)
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
        scale = export.print_scale(size)  # 300 dpi on paper
    serving = load_serving([item for item in args.sets if item.strip().startswith("serve_")])
    training_sets = [item for item in args.sets if not item.strip().startswith("serve_")]
    compare = None
    if args.link is not None:
        if args.preset is not None or args.scenario is not None:
            raise BadInput("--link gives the whole scenario; use it without --preset or --scenario")
        scenario, compare = load_link(args.link, training_sets)
    else:
        scenario = load_scenario(args.preset, args.scenario, training_sets)
    store, figure = _build_figure(args, chart_id, scenario, serving=serving, compare=compare)
    link = share_query(scenario, compare if chart_id == "forecast" else None)
    sources = store.sources()  # read once: the footer, the renderer and the package all name them
    if chart_id.startswith("serving-") and serving.to_params():
        link = f"{link or '?'}{'&' if link else ''}{urlencode(serving.to_params())}"
    if args.format == "zip":
        from charts import publish

        data = publish.data_package(figure, chart_id=chart_id, scenario=scenario, lang=args.lang,
                                    build_info=store.build_info(), sources=sources, description=args.alt)
    else:
        if args.format != "csv":
            figure = export.prepare_for_export(
                figure, title=args.title, subtitle=args.subtitle, size=size, lang=args.lang,
                share_link=link, today=dt.date.today(), sources=sources,
                data_age=data_age_line(store, args.lang), theme=args.theme)
        data = _render(figure, args.format, width, height, scale, args.lang, sources, args.alt)
    _write_atomically(args.out, data)
    print(f"wrote {args.out} ({chart_id}, {args.format}, {width}x{height} px x{scale:g})")
    return 0


def command_cite(args: argparse.Namespace) -> int:
    from charts import publish

    chart_id = _chart_id(args.chart)
    compare = None
    if args.link is not None:
        if args.preset is not None or args.scenario is not None:
            raise BadInput("--link gives the whole scenario; use it without --preset or --scenario")
        scenario, compare = load_link(args.link, args.sets)
    else:
        scenario = load_scenario(args.preset, args.scenario, args.sets)
    store, figure = _build_figure(args, chart_id, scenario, compare=compare)
    print(publish.citation(figure, args.style, chart_id=chart_id, lang=args.lang,
                           url=publish.citation_url(figure, chart_id, scenario, args.lang),
                           build_info=store.build_info(), sources=store.sources()))
    return 0


def _embed_source(args: argparse.Namespace):
    """(scenario, lang, base URL) for the embed: from --link when given (a share link of the app), else from
    --preset/--scenario/--set, --lang and COMPUTE_CEILING_PUBLIC_URL."""
    from urllib.parse import parse_qs, urlsplit

    from charts import publish
    from models.scenario import scenario_from_link

    if args.link is None:
        return load_scenario(args.preset, args.scenario, args.sets), args.lang, publish.public_base_url()
    parts = urlsplit(args.link)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BadInput(f"--link {args.link!r}: expected the app's share link, http(s)://host/page?...")
    scenario, warnings = scenario_from_link(args.link)
    if warnings:
        first = warnings[0]
        raise BadInput(f"--link: parameter {first.field}={first.value}: expected {first.allowed}")
    lang = (parse_qs(parts.query).get("lang") or [args.lang])[-1]
    lang = lang if lang in ("en", "zh") else args.lang
    path = parts.path.rsplit("/", 1)[0] + "/"  # the app's root: the page name is the last path part
    return scenario, lang, f"{parts.scheme}://{parts.netloc}{path}"


def command_embed(args: argparse.Namespace) -> int:
    from charts import publish

    chart_id = _chart_id(args.chart)
    scenario, lang, base = _embed_source(args)
    args.lang = lang
    store, figure = _build_figure(args, chart_id, scenario)
    url = publish.chart_url(chart_id, scenario, lang, base, theme=args.theme)
    print(publish.embed_snippet(url, title=publish.figure_title(figure),
                                description=publish.alt_text(figure, lang, store.sources()), lang=lang))
    return 0


def _draws_an_image(args: argparse.Namespace) -> bool:
    return args.command == "export" and args.format in ("png", "svg", "pdf")


def main(argv: list[str] | None = None, *, one_shot: bool = False) -> int:
    """`one_shot`: this process renders one image and exits (run as a program), so Kaleido need not make its
    page ready for another."""
    args = _parser().parse_args(argv)
    if _draws_an_image(args):  # Chromium starts now, and loads its page beside the imports and the figure's build
        # Wait the ~0.25 s until Chromium is launching: started beside this thread's own imports, the two
        # would take turns on the interpreter and the browser would be ready later.
        kaleido_warm.start_in_background(one_shot_process=one_shot).wait(timeout=10)
    try:
        commands = {"list": lambda _: command_list(), "export": command_export, "cite": command_cite,
                    "embed": command_embed}
        return commands[args.command](args)
    except BadInput as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except kaleido_warm.BrowserFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    status = main(one_shot=True)
    kaleido_warm.end_one_shot(status)  # when an image was drawn: its browser ends now, not at exit
    sys.exit(status)
