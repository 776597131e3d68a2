"""`python -m models serve`: the serving ceiling of one deployment from the command line (exit 2 on bad input)."""

from __future__ import annotations

import json
import math

from models.serving_scenario import SERVING_FIELDS, SERVING_PRESETS, ServingScenario, serving_sources


def add_parser(sub, default_db: str, func_wrapper) -> None:
    sp = sub.add_parser("serve", help="messages a fleet can serve, the binding bound and the serving ceiling year")
    sp.add_argument("--db", default=default_db, help="database file (default: %(default)s)")
    sp.add_argument("--json", action="store_true", help="print JSON")
    sp.add_argument("--preset", choices=list(SERVING_PRESETS), default="chatgpt-2023")
    sp.add_argument("--set", action="append", metavar="KEY=VALUE",
                    help="override one setting (repeatable): " + ", ".join(SERVING_FIELDS))
    sp.add_argument("--samples", type=int, help="Monte Carlo samples")
    sp.set_defaults(func=func_wrapper(cmd_serve))


def build(preset: str, sets: list[str], samples: int | None = None) -> ServingScenario:
    scenario = ServingScenario.from_preset(preset).with_sets(sets or [])
    return scenario if samples is None else scenario.with_sets([f"samples={samples}"])


def training_forecast(store, serving: ServingScenario):
    """The training engine's default forecast, long enough to cover the serving horizon (its stock curve)."""
    from models.forecast import forecast
    from models.inputs import inputs_from_store
    from models.scenario import Scenario

    return forecast(Scenario(horizon=max(Scenario().horizon, serving.horizon)), inputs_from_store(store))


def result(serving: ServingScenario, accelerators, fc) -> dict:
    """Everything `serve --json` prints, from the scenario, the accelerators table and a training forecast."""
    from models import serving as sv

    chip = sv.chip_of(serving.chip, accelerators)
    answer = sv.serve(serving, chip)
    stock_t, stock = sv.stock_of(fc)
    view = sv.outlook(serving, chip, sv.hardware_trends(accelerators), stock_t, stock)
    low, high = view.cap_range80()
    return {
        "preset": serving.preset, **answer.as_dict(),
        "serving_ceiling_year": view.ceiling_year, "serving_ceiling_time": view.ceiling_time,
        "serving_ceiling_p10": view.p10, "serving_ceiling_p50": view.p50, "serving_ceiling_p90": view.p90,
        "cap_p10": low, "cap_p90": high, "chip_growth": view.growth,
        "implied_inference_share": sv.implied_inference_share(serving, chip, stock_t, stock),
        "samples": view.samples, "seed": view.seed, "sources": serving_sources(serving) + [chip.source_id],
        "inputs": serving.values(),
    }


def cmd_serve(args, open_store) -> int:
    serving = build(args.preset, args.set or [], args.samples)  # bad settings fail before the database is read
    store = open_store()
    out = result(serving, store.accelerators(), training_forecast(store, serving))
    if args.json:
        print(json.dumps(out, indent=2, allow_nan=False))
        return 0

    def year(value):
        return "none before the horizon" if value is None else f"{value:.1f}"

    print(f"preset {serving.preset}: {serving.chips:,} × {out['chip_name']}, replicas of {serving.chips_per_replica}")
    print(f"decode: {out['tokens_per_second_per_chip']:.1f} tokens/s per chip at batch {out['batch']:g} "
          f"(max {out['max_batch'] or math.inf:g}), {out['bound']}-bound")
    print(f"fleet: {out['messages_per_day']:.3g} messages/day sustained, {out['users_supported']:.3g} users at "
          f"{serving.messages_per_user_per_day:g} a day; cap {out['messages_per_user_per_3h']:.3g} messages per user "
          f"per 3 hours (80%: {out['cap_p10']:.3g}–{out['cap_p90']:.3g})")
    ceiling = out["serving_ceiling_year"]
    print(f"serving ceiling: {ceiling if ceiling is not None else 'none before ' + str(serving.horizon)}; "
          f"Monte Carlo 10% {year(out['serving_ceiling_p10'])}, 50% {year(out['serving_ceiling_p50'])}, "
          f"90% {year(out['serving_ceiling_p90'])}")
    if not math.isfinite(out["chips_needed"] or math.inf):
        print("the weights do not fit in one replica's memory")
    return 0
