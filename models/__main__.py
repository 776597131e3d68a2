"""`python -m models {presets,forecast,fit}`: scripted scenarios. Exit 0 on success, 2 on bad input."""

from __future__ import annotations

import argparse
import functools
import json
import math
import sys
from pathlib import Path

from models.scenario import FIELDS, PRESETS, Scenario, ScenarioError, compare_from_link, scenario_from_link

DEFAULT_DB = Path(__file__).resolve().parents[1] / "data" / "compute.duckdb"


class UsageError(Exception):
    pass


def _store(db: str):
    """etl.read.Store over the file (the only DuckDB access)."""
    if not Path(db).is_file():
        raise UsageError(f"--db {db}: no database file; build it with `python -m etl build --db {db}`")
    from etl.read import Store

    return Store(db)


@functools.lru_cache(maxsize=4)
def _inputs(db: str):
    from models.inputs import inputs_from_store

    return inputs_from_store(_store(db))


def _parse_sets(scenario: Scenario, items: list[str]) -> Scenario:
    """Apply --set KEY=VALUE strictly: an unknown key or a bad value is an error."""
    changes = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise ScenarioError(item, "expected KEY=VALUE")
        if key not in FIELDS:
            raise ScenarioError(key, "unknown field; run `python -m models presets --json` for the list")
        parsed, warnings = Scenario.from_params({key: value})
        if warnings:
            raise ScenarioError(key, f"got {value!r}; expected {FIELDS[key].allowed()}")
        changes[key] = getattr(parsed, key)
    return scenario.replace(**changes)


def _scenario_from_link(link: str) -> Scenario:
    """The scenario of a share link, parsed exactly as the app parses its address bar; every parameter
    dropped or resolved is said on stderr."""
    scenario, warnings = scenario_from_link(link)
    for warning in warnings:
        print(f"models forecast: --link: {warning.message}", file=sys.stderr)
    return scenario


def _compare_from_link(link: str) -> Scenario | None:
    """The pinned scenario A a share link carries (`compare=`), parsed as the app parses it; None without one."""
    scenario, warnings = compare_from_link(link)
    for warning in warnings:
        print(f"models forecast: --link: {warning.message}", file=sys.stderr)
    return scenario


def _ceiling(scenario: Scenario, inputs, samples: int | None):
    """(scenario as run, forecast, Monte Carlo) of one scenario."""
    from models.forecast import forecast
    from models.montecarlo import monte_carlo

    if samples is not None:
        scenario = scenario.replace(samples=samples)
    result = forecast(scenario, inputs)
    return scenario, result, monte_carlo(scenario, inputs, resolved=result.resolved)


def cmd_presets(args) -> int:
    rows = {name: {"description": p.description, "source_id": p.source_id, "overrides": p.overrides}
            for name, p in PRESETS.items()}
    if args.json:
        fields = {name: {"kind": f.kind, "unit": f.unit, "default": f.default, "min": f.min, "max": f.max,
                         "main": f.main, "group": f.group, "source_id": f.source_id}
                  for name, f in FIELDS.items()}
        print(json.dumps({"presets": rows, "fields": fields}, indent=2, default=str))
    else:
        for name, row in rows.items():
            print(f"{name:14s} {row['description']}")
    return 0


def _scenario_of(args) -> Scenario:
    """The scenario of --scenario FILE and/or --preset, then --set overrides."""
    if args.scenario:
        path = Path(args.scenario)
        if not path.is_file():
            raise UsageError(f"--scenario {path}: file not found")
        scenario = Scenario.from_json(path.read_text(encoding="utf-8"))
        if args.preset:
            scenario = Scenario.from_preset(args.preset, **{
                k: v for k, v in scenario.values().items() if v != Scenario.from_preset(scenario.preset).values()[k]})
    else:
        scenario = Scenario.from_preset(args.preset or "data-trend")
    return _parse_sets(scenario, args.set or [])


def cmd_constraints(args) -> int:
    from models import constraints as con
    from models.forecast import forecast

    scenario = _scenario_of(args)
    year = scenario.base_year if args.year is None else args.year
    if not scenario.base_year <= year < scenario.horizon:
        raise UsageError(f"--year {year}: expected a year from the base year {scenario.base_year} to "
                         f"{scenario.horizon - 1}")
    inputs = _inputs(args.db)
    result = con.at_year(forecast(scenario, inputs), year, inputs)
    out = {"year": result.year, "constraints": result.constraints, "binding": result.binding,
           "feasible_flop": result.feasible, "in_use": list(con.in_use(scenario)), "preset": scenario.preset}
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print(f"preset {scenario.preset}, {year}: largest run feasible under each constraint alone")
        for name, value in result.constraints.items():
            mark = " <- binding" if name == result.binding else ("" if name in out["in_use"] else " (not in use)")
            print(f"  {name:8s} {value:.2e} FLOP{mark}")
    return 0


def cmd_backtest(args) -> int:
    from models.backtest import engine_backtest

    if args.as_of is None:
        raise UsageError("--as-of YEAR is required")
    scenario = _scenario_of(args)
    result = engine_backtest(_store(args.db), args.as_of, scenario, samples=args.samples)
    out = result.as_dict()
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print(f"as of {args.as_of} (newest input {out['latest_input_date']}): coverage of the 80% band "
              f"{out['coverage_80']:.0%}, mean absolute error {out['mean_abs_error_oom']:.2f} OOM")
        for row in out["rows"]:
            print(f"  {row['year']}  actual {row['actual_flop']:.2e}  p10 {row['p10']:.2e}  p50 {row['p50']:.2e}"
                  f"  p90 {row['p90']:.2e}")
    return 0


def _compare_summary(scenario: Scenario, result, mc) -> dict:
    """What a script checks of a link's pinned scenario A: its ceiling years and its link parameters."""
    from models.headline import headline_year

    return {"preset": scenario.preset, "headline_year": headline_year(result, mc),
            "ceiling_year": result.ceiling_year, "ceiling_p10": mc.p10, "ceiling_p50": mc.p50,
            "ceiling_p90": mc.p90, "params": scenario.to_params()}


def _forecast_scenarios(args) -> list[tuple[Scenario, Scenario | None]]:
    """(scenario, its pinned scenario A or None) to forecast: one per --link (in order), else the one of
    --preset/--scenario/--set."""
    if args.link:
        if args.scenario or args.preset:
            raise UsageError("--link gives the whole scenario; use it without --preset or --scenario")
        return [(_parse_sets(_scenario_from_link(link), args.set or []), _compare_from_link(link))
                for link in args.link]
    return [(_scenario_of(args), None)]


def _forecast_of(scenario: Scenario, compare: Scenario | None, inputs, samples: int | None) -> dict:
    """The forecast of one scenario as `--json` prints it (with `compare` when a link pins a scenario A)."""
    from models.headline import headline_year

    scenario, result, mc = _ceiling(scenario, inputs, samples)
    out = {"preset": scenario.preset, "headline_year": headline_year(result, mc),
           "ceiling_year": result.ceiling_year, "ceiling_time": result.ceiling_time,
           "ceiling_p10": mc.p10, "ceiling_p50": mc.p50, "ceiling_p90": mc.p90,
           "p_by_year": mc.summary()["p_by_year"], "samples": mc.samples, "seed": mc.seed,
           "resolved": result.resolved.as_dict(), "notes": [n.message for n in result.notes],
           "inputs": scenario.values(), "annual": result.annual_rows()}
    if compare is not None:  # the link's pinned scenario A (`compare=`), as the Forecast page draws it in grey
        out["compare"] = _compare_summary(*_ceiling(compare, inputs, samples))
    return out


def _print_forecast(out: dict) -> None:
    def year(v):
        return "none before the horizon" if v is None else f"{v:.1f}"
    horizon = out["inputs"]["horizon"]
    print(f"preset {out['preset']}: ceiling year {out['headline_year'] or 'none before ' + str(horizon)} "
          f"(Monte Carlo median; the central scenario crosses in {out['ceiling_year'] or 'no year before the horizon'})")
    print(f"Monte Carlo ({out['samples']} samples): 10% {year(out['ceiling_p10'])}, 50% {year(out['ceiling_p50'])}, "
          f"90% {year(out['ceiling_p90'])}")
    for note in out["notes"]:
        print("note:", note)
    pinned = out.get("compare")
    if pinned is not None:
        print(f"pinned scenario A (preset {pinned['preset']}): ceiling year "
              f"{pinned['headline_year'] or 'none before the horizon'}; Monte Carlo 10% "
              f"{year(pinned['ceiling_p10'])}, 50% {year(pinned['ceiling_p50'])}, 90% {year(pinned['ceiling_p90'])}")


def cmd_forecast(args) -> int:
    """One scenario: one forecast (a JSON object). Several --link: one forecast per link, in their order (a JSON
    list; in text, each under its link), from one load of the database."""
    pairs = _forecast_scenarios(args)
    inputs = _inputs(args.db)
    outs = [_forecast_of(scenario, compare, inputs, args.samples) for scenario, compare in pairs]
    if args.json:
        print(json.dumps(outs if len(outs) > 1 else outs[0], indent=2))
        return 0
    for index, out in enumerate(outs):
        if len(outs) > 1:
            print(f"{'' if index == 0 else chr(10)}--link {args.link[index]}")
        _print_forecast(out)
    return 0


def cmd_fit(args) -> int:
    from models.trends import fit_models

    inputs = _inputs(args.db)
    fit = fit_models(inputs.models, population=args.population, since=args.since,
                     until=None if args.until is None else args.until + 1, breaks=args.breaks, seed=args.seed)
    out = {"population": args.population, "since": args.since, "until": args.until, **fit.as_dict()}
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        low, high = fit.ci90
        doubling = "no growth" if math.isinf(fit.doubling_months) else f"{fit.doubling_months:.1f} months"
        print(f"{args.population}: {fit.growth_per_year:.2f}x/year (90% CI {low:.2f}–{high:.2f}), doubling "
              f"{doubling}, R² {fit.r2:.2f}, n {fit.n}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m models", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, func, help_text in (("presets", cmd_presets, "list the scenario presets"),
                                  ("forecast", cmd_forecast, "the ceiling year for a scenario"),
                                  ("fit", cmd_fit, "fit the training-compute trend"),
                                  ("constraints", cmd_constraints,
                                   "the largest run feasible in a year under each constraint alone"),
                                  ("backtest", cmd_backtest,
                                   "the whole engine as of a past year, scored against what came")):
        sp = sub.add_parser(name, help=help_text)
        sp.add_argument("--db", default=str(DEFAULT_DB), help="database file (default: %(default)s)")
        sp.add_argument("--json", action="store_true", help="print JSON")
        sp.set_defaults(func=func)
        if name in ("forecast", "constraints", "backtest"):
            sp.add_argument("--preset", choices=list(PRESETS))
            sp.add_argument("--scenario", help="a scenario JSON file (Scenario.to_json)")
            sp.add_argument("--set", action="append", metavar="KEY=VALUE", help="override one field (repeatable)")
        if name == "forecast":
            sp.add_argument("--link", action="append", metavar="URL",
                            help="a share link of the app (full URL or query string): its scenario; repeatable "
                                 "(--json then prints a list, one forecast per link, in order)")
        if name in ("forecast", "backtest"):
            sp.add_argument("--samples", type=int, help="Monte Carlo samples")
        if name == "constraints":
            sp.add_argument("--year", type=int, help="the year (default: the base year)")
        if name == "backtest":
            sp.add_argument("--as-of", type=int, help="use only data published by the end of this year")
        if name == "fit":
            sp.add_argument("--since", type=int, default=2010)
            sp.add_argument("--until", type=int, help="last publication year included")
            sp.add_argument("--population", default="notable",
                            help="all, notable, frontier, top10 (topN), language, or a domain name")
            sp.add_argument("--breaks", type=int, default=0, choices=(0, 1, 2))
            sp.add_argument("--seed", type=int, default=0)
    # the serving ceiling (models/serving_cli.py)
    from models import serving_cli

    serving_cli.add_parser(sub, str(DEFAULT_DB), lambda cmd: lambda args: cmd(args, lambda: _store(args.db)))
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (ScenarioError, UsageError, ValueError) as exc:
        print(f"models {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
