"""Every chart the app and the CLI can draw, by id: data from the read module and the engine in, figure out.

This is the only place a figure is built. A `ChartContext` carries what a builder needs (a Store-like
reader, the scenario, the language, and the chart's options); `build(chart_id, ctx)` checks the options
against the chart's `ChartOption`s, fetches the tables, calls the engine where needed (the data shaping
is in charts/prepare.py) and calls the figure modules. The pages draw `build`'s figure (through
ui/figures.py and ui/registry_figures.py) and `python -m charts export CHART --option NAME=VALUE` writes
it, so the screen and the export show the same title, series and numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd
import plotly.graph_objects as go

from charts import china, demand, forecast, prepare, serving, sites, supply
from charts.common import empty_figure
from i18n import t
from models.scenario import POPULATIONS


class _ContextReads:
    """The context's store, with the tables the context also keeps (models, shipments, claims, capacity,
    accelerators) read through it: the engine's inputs and the figures share one read of each (about 70 ms a
    chart in a fresh process; `build_inputs` copies what it keeps)."""

    SHARED = {"models": "models", "shipments_annual": "shipments_annual", "trend_claims": "claims",
              "foundry_capacity": "foundry_capacity", "accelerators": "accelerators"}

    def __init__(self, context: ChartContext):
        self._context = context

    def __getattr__(self, name: str):
        query = getattr(self._context.store, name)  # the store's own AttributeError when it lacks one
        if name in self.SHARED:
            return lambda: getattr(self._context, self.SHARED[name])
        return query


@dataclass
class ChartContext:
    store: object  # etl.read.Store or anything with the same named queries
    scenario: object  # models.scenario.Scenario
    lang: str = "en"
    # Source lists (and other data-only results, e.g. the record runs) that depend only on the store's tables
    # and a few scenario fields, by key. A caller that builds many contexts over one database (the app)
    # passes one shared dict so a slider move reuses them.
    sources_memo: dict = field(default_factory=dict, repr=False)
    # The chart's options by name (population, since, year, ...): values, or strings as typed on the command
    # line; an option left out takes its default. `build` checks them against the chart's ChartOptions.
    options: dict = field(default_factory=dict)
    serving: object = None  # models.serving_scenario.ServingScenario; None = its default preset
    # A pinned scenario A (models.scenario.Scenario) that the hero chart draws in grey beside this one (then
    # labelled B); None: no comparison. Other charts ignore it.
    compare: object = None
    # Prepared pieces of figures that depend only on the store's tables and the language (event marks, the
    # caps set), by key: like `sources_memo`, one shared dict per database lets a slider move reuse them.
    data_memo: dict = field(default_factory=dict, repr=False)
    # A models.serving.OutlookMemo shared by the contexts of one database: a serving slider move recomputes
    # only the Monte Carlo part (capacity or demand) it touches. None = compute it all.
    outlook_memo: object = field(default=None, repr=False)

    def memoised(self, key: tuple, compute: Callable[[], list[str]]) -> list[str]:
        if key not in self.sources_memo:
            self.sources_memo[key] = compute()
        return list(self.sources_memo[key])

    def shared(self, key: tuple, compute: Callable[[], object]) -> object:
        """`compute()` once per `data_memo` (the caller treats the value as read-only)."""
        if key not in self.data_memo:
            self.data_memo[key] = compute()
        return self.data_memo[key]

    @cached_property
    def models(self) -> pd.DataFrame:
        return self.store.models()

    @cached_property
    def claims(self) -> pd.DataFrame:
        return self.store.trend_claims()

    @cached_property
    def events(self) -> pd.DataFrame:
        return self.store.events()

    @cached_property
    def market_share(self) -> pd.DataFrame:
        return self.store.market_share()

    @cached_property
    def foundry_capacity(self) -> pd.DataFrame:
        return self.store.foundry_capacity()

    @cached_property
    def accelerators(self) -> pd.DataFrame:
        return self.store.accelerators()

    # --- the engine, run once per context --------------------------------------------------------
    @cached_property
    def inputs(self):
        from models.inputs import inputs_from_store

        return inputs_from_store(_ContextReads(self))

    @cached_property
    def resolved(self):
        from models.forecast import resolve

        return resolve(self.scenario, self.inputs)

    @cached_property
    def forecast(self):
        from models.forecast import forecast as run_forecast

        return run_forecast(self.scenario, self.inputs, self.resolved)

    @cached_property
    def monte_carlo(self):
        from models.montecarlo import monte_carlo

        return monte_carlo(self.scenario, self.inputs, resolved=self.resolved)

    @cached_property
    def tornado(self):
        """(ceiling time at the central values, bars) of the one-at-a-time sensitivity."""
        from models.montecarlo import tornado

        return tornado(self.scenario, self.inputs, self.resolved)

    @cached_property
    def compare_forecast(self):
        """The deterministic forecast of the pinned scenario A (over the same inputs)."""
        from models.forecast import forecast as run_forecast

        return run_forecast(self.compare, self.inputs)

    @cached_property
    def compare_monte_carlo(self):
        from models.montecarlo import monte_carlo

        return monte_carlo(self.compare, self.inputs, resolved=self.compare_forecast.resolved)

    @cached_property
    def shipments_annual(self) -> pd.DataFrame:
        return self.store.shipments_annual()

    # --- serving (models/serving.py) ---------------------------------------------------------------
    @cached_property
    def serving_scenario(self):
        from models.serving_scenario import ServingScenario

        return self.serving if self.serving is not None else ServingScenario()

    @cached_property
    def serving_chip(self):
        from models.serving import chip_of

        return chip_of(self.serving_scenario.chip, self.accelerators)

    @cached_property
    def serving_answer(self):
        from models.serving import serve

        return serve(self.serving_scenario, self.serving_chip)

    @cached_property
    def stock_forecast(self):
        """The training forecast whose installed stock the serving fleet follows: the context's own, or the
        same scenario run to a later horizon when the serving outlook reaches further."""
        sv = self.serving_scenario
        if self.scenario.horizon >= sv.horizon:
            return self.forecast
        from models.forecast import forecast as run_forecast

        return run_forecast(self.scenario.replace(horizon=sv.horizon), self.inputs, self.resolved)

    @cached_property
    def serving_trends(self):
        from models.serving import hardware_trends

        return hardware_trends(self.accelerators)

    @cached_property
    def serving_outlook(self):
        from models.serving import outlook, stock_of

        stock_t, stock = stock_of(self.stock_forecast)
        return outlook(self.serving_scenario, self.serving_chip, self.serving_trends, stock_t, stock,
                       memo=self.outlook_memo)


class OptionError(ValueError):
    """An option the chart does not have, or a value outside its choices (the message names both)."""


@dataclass(frozen=True)
class ChartOption:
    """One choice a chart offers (the page's control, the CLI's `--option NAME=VALUE`)."""

    name: str
    kind: type  # int or str: what a typed string is parsed into
    description: str  # one line for `python -m charts list` (English)
    default: Callable[[ChartContext], object]
    choices: Callable[[ChartContext], list]

    def parse(self, value: object) -> object:
        if isinstance(value, str) and self.kind is int:
            try:
                return int(value.strip())
            except ValueError:
                raise OptionError(f"option {self.name}={value!r}: expected a whole number") from None
        return self.kind(value)


@dataclass(frozen=True)
class ChartSpec:
    chart_id: str
    description: str  # one line for `python -m charts list` (English; the app uses the figure's title)
    build: Callable[..., go.Figure]  # build(ctx, **options)
    options: tuple[ChartOption, ...] = ()
    uses_scenario: bool = True  # False: the figure depends on the data, language and options only
    fitted: Callable[..., object] | None = None  # fitted(ctx, **options): the trend (or backtest) it draws


# --- options -----------------------------------------------------------------------------------------


def _model_year_range(ctx: ChartContext) -> list[int]:
    first, last = prepare.model_years(ctx.models)
    return list(range(first, last + 1))


FIRST_FIT_YEAR = 2010  # the deep-learning era: the window's default start

POPULATION = ChartOption("population", str, "models fitted: " + ", ".join(POPULATIONS),
                         lambda ctx: "notable", lambda ctx: list(POPULATIONS))
SINCE = ChartOption("since", int, "first publication year fitted (default 2010)",
                    lambda ctx: max(prepare.model_years(ctx.models)[0], FIRST_FIT_YEAR), _model_year_range)
UNTIL = ChartOption("until", int, "last publication year fitted (default: the latest)",
                    lambda ctx: prepare.model_years(ctx.models)[1], _model_year_range)
BREAKS = ChartOption("breaks", int, "breakpoints of the fit: 0, 1 or 2", lambda ctx: 0, lambda ctx: [0, 1, 2])
FIT_OPTIONS = (POPULATION, SINCE, UNTIL, BREAKS)


def _share_years(ctx: ChartContext) -> list[int]:
    frame = ctx.market_share
    return sorted(int(y) for y in pd.to_numeric(frame["year"], errors="coerce").dropna().unique()) if len(frame) else []


SHARE_YEAR = ChartOption("year", int, "year of the shares (default: the latest)",
                         lambda ctx: (_share_years(ctx) or [None])[-1], _share_years)


def _capacity_units(ctx: ChartContext) -> list[str]:
    frame = ctx.foundry_capacity
    return [str(u) for u in dict.fromkeys(frame["unit"].dropna())] if "unit" in frame else []


DEFAULT_CAPACITY_UNIT = "wafers/month"
CAPACITY_UNIT = ChartOption(
    "unit", str, "capacity unit (default wafers/month)",
    lambda ctx: DEFAULT_CAPACITY_UNIT if DEFAULT_CAPACITY_UNIT in _capacity_units(ctx) else
    (_capacity_units(ctx) or [DEFAULT_CAPACITY_UNIT])[0], lambda ctx: _capacity_units(ctx) or [DEFAULT_CAPACITY_UNIT])

BACKTEST_YEARS_BACK = 7  # the backtest fits through base_year − 7 (2018 for the default 2025)
BACKTEST_MIN_YEARS = 3  # at least this many years fitted before the cut-off


def _fit_through_years(ctx: ChartContext) -> list[int]:
    last = prepare.model_years(ctx.models)[1]
    return list(range(ctx.scenario.fit_since + BACKTEST_MIN_YEARS, last))


def _default_fit_through(ctx: ChartContext) -> int:
    sc = ctx.scenario
    wanted = max(sc.base_year - BACKTEST_YEARS_BACK, sc.fit_since + BACKTEST_MIN_YEARS)
    years = _fit_through_years(ctx)
    return min(wanted, years[-1]) if years else wanted


FIT_THROUGH = ChartOption("fit_through", int, "last year the backtest fits (default: base year - 7)",
                          _default_fit_through, _fit_through_years)


def _describe(option: ChartOption, value: object, choices: list) -> str:
    if option.kind is int and len(choices) > 5 and choices == list(range(choices[0], choices[-1] + 1)):
        return f"a year from {choices[0]} to {choices[-1]}"
    return "one of " + ", ".join(str(c) for c in choices) if choices else "nothing (the table is empty)"


def resolve_options(chart_id: str, ctx: ChartContext) -> dict[str, object]:
    """Every option of the chart: the context's value (parsed from a string if need be) or the default;
    OptionError for an option the chart lacks or a value outside the choices."""
    chart_id = resolve_id(chart_id)
    spec = CHARTS[chart_id]
    known = {option.name: option for option in spec.options}
    unknown = [name for name in (ctx.options or {}) if name not in known]
    if unknown:
        offered = ", ".join(known) if known else "none"
        raise OptionError(f"{chart_id} has no option {unknown[0]!r} (its options: {offered})")
    values = {}
    for name, option in known.items():
        given = (ctx.options or {}).get(name)
        try:
            value = option.default(ctx) if given is None else option.parse(given)
        except (OptionError, TypeError, ValueError) as exc:
            raise OptionError(f"{chart_id}: {exc}") from None
        choices = option.choices(ctx)
        if choices and value not in choices:  # an empty table offers nothing: the builder draws "no data"
            raise OptionError(f"{chart_id}: option {name}={given if given is not None else value!r}: expected "
                              f"{_describe(option, value, choices)}")
        values[name] = value
    if "since" in values and "until" in values and values["since"] > values["until"]:
        raise OptionError(f"{chart_id}: option since={values['since']} is after until={values['until']}")
    return values


def option_choices(chart_id: str, ctx: ChartContext) -> dict[str, tuple[list, object]]:
    """(choices, default) of each option of the chart, by name: what a page offers in its controls."""
    spec = CHARTS[resolve_id(chart_id)]
    return {option.name: (option.choices(ctx), option.default(ctx)) for option in spec.options}


# --- data charts: Demand, Supply ---------------------------------------------------------------------


def demand_fit(ctx: ChartContext, quantity: str, population: str, since: int, until: int, breaks: int):
    """The trend a demand chart draws (and the Demand page quotes); None when too few models."""
    return prepare.models_fit(ctx.models, quantity, population, since, until, breaks)


def _models_figure(ctx: ChartContext, quantity: str, population: str, since: int, until: int,
                   breaks: int) -> go.Figure:
    unit, claim_quantity = prepare.MODEL_QUANTITIES[quantity]
    fit = demand_fit(ctx, quantity, population, since, until, breaks)
    fits = prepare.fit_lines(fit, prepare.fit_label(population, since, until, ctx.lang), prepare.MODEL_SOURCES, unit,
                             ctx.lang)
    claims = prepare.claim_lines(ctx.claims, claim_quantity, fit, ctx.lang)
    if quantity == "parameters":
        return demand.parameters(ctx.models, ctx.lang, fits=fits, claims=claims, events=ctx.events)
    return demand.training_compute(ctx.models, ctx.lang, fits=fits, claims=claims, events=ctx.events,
                                   growth_per_year=fit.growth_per_year if fit else None)


def build_demand_compute(ctx: ChartContext, **options) -> go.Figure:
    return _models_figure(ctx, "training_compute_flop", **options)


def build_demand_parameters(ctx: ChartContext, **options) -> go.Figure:
    return _models_figure(ctx, "parameters", **options)


def build_demand_doubling(ctx: ChartContext, **options) -> go.Figure:
    """Doubling times of the compute and parameter trends fitted with the options, beside every published
    claim about training compute."""
    fits = [(t(f"charts.figures.doubling_{name}", ctx.lang), demand_fit(ctx, quantity, **options))
            for name, quantity in (("compute", "training_compute_flop"), ("parameters", "parameters"))]
    return demand.doubling_times(prepare.doubling_rows(fits, ctx.claims, ctx.lang), ctx.lang)


def hardware_fit(ctx: ChartContext, metric: str):
    return prepare.hardware_fit(ctx.accelerators, metric)


def build_hardware(ctx: ChartContext, metric: str) -> go.Figure:
    """Accelerators by release date with their fitted trend and its 90% band."""
    fits = prepare.fit_lines(hardware_fit(ctx, metric), t("charts.figures.hardware_fit", ctx.lang),
                             prepare.HARDWARE_SOURCES, supply.HARDWARE_METRICS[metric][1], ctx.lang)
    return supply.hardware(ctx.accelerators, ctx.lang, metric, fits)


def build_shipments(ctx: ChartContext, group: str) -> go.Figure:
    """Shipments per quarter: the vendor totals of the mart, or the chips of the shipments table."""
    frame = ctx.store.shipments() if group == "vendor" else ctx.store.table("shipments")
    fig = supply.shipments(frame, ctx.lang, group=group, events=ctx.events)
    return _add_sources(fig, shipment_sources(ctx)) if group == "vendor" else fig


# --- forecast charts: the engine's results, with the sources of the data and of the assumptions ----

HISTORY_YEARS = 8  # record training runs drawn before the base year on the hero chart
MAIN_SOURCE_SHARE = 0.05  # a source of at least 5% of the fitted models is credited


def _unique(ids) -> list[str]:
    return list(dict.fromkeys(str(i) for i in ids if isinstance(i, str) and i))


def scenario_sources(ctx: ChartContext, groups: tuple[str, ...]) -> list[str]:
    """source_ids of the preset and of the assumptions in use in these field groups (demand, supply,
    allocation), plus the growth claim's own source when demand follows a claim."""
    from models.scenario import DEFAULT_PRESET, FIELDS, PRESETS, fields_in_use

    sc = ctx.scenario
    ids = [PRESETS[sc.preset].source_id] if sc.preset != DEFAULT_PRESET else []
    ids += [FIELDS[name].source_id for name in fields_in_use(sc) if FIELDS[name].group in groups]
    if "demand" in groups and ctx.resolved.claim is not None:
        ids.append(ctx.resolved.claim.source_id)
    return _unique(ids)


def _fitted_models(ctx: ChartContext, until: float | None = None) -> pd.DataFrame:
    """The models of the scenario's population and window that have a training compute."""
    from models.trends import population_mask

    sc, models = ctx.scenario, ctx.models
    year = pd.to_numeric(models["year"], errors="coerce")
    compute = pd.to_numeric(models["training_compute_flop"], errors="coerce")
    keep = population_mask(models, sc.fit_population) & (year >= sc.fit_since).to_numpy() & (compute > 0).to_numpy()
    if until is not None:
        keep &= (year < until).to_numpy()
    return models[keep]


def record_sources(ctx: ChartContext) -> list[str]:
    """Sources of the models that held the training-compute record in the hero chart's history years."""
    return ctx.memoised(("record", ctx.scenario.base_year), lambda: _record_sources(ctx))


def _record_sources(ctx: ChartContext) -> list[str]:
    models = ctx.models
    year = pd.to_numeric(models["year"], errors="coerce")
    compute = pd.to_numeric(models["training_compute_flop"], errors="coerce")
    ids = []
    for until in range(ctx.scenario.base_year - HISTORY_YEARS, ctx.scenario.base_year + 1):
        known = compute[(year < until + 1) & (compute > 0)]
        if len(known):
            ids.append(models.loc[known.idxmax(), "source_id"])
    return _unique(ids)


def model_sources(ctx: ChartContext, until: float | None = None) -> list[str]:
    """The data behind the demand side: the sources holding at least MAIN_SOURCE_SHARE of the fitted models,
    and those of the record-holders (a source behind one or two fitted points is left out of the footer)."""
    sc = ctx.scenario
    return ctx.memoised(("models", sc.fit_population, sc.fit_since, sc.base_year, until),
                        lambda: _model_sources(ctx, until))


def _model_sources(ctx: ChartContext, until: float | None) -> list[str]:
    data = _fitted_models(ctx, until)
    shares = data["source_id"].value_counts(normalize=True) if len(data) else pd.Series(dtype=float)
    return _unique([*shares[shares >= MAIN_SOURCE_SHARE].index, *record_sources(ctx)])


def demand_sources(ctx: ChartContext) -> list[str]:
    return _unique([*model_sources(ctx, until=ctx.scenario.base_year + 1), *scenario_sources(ctx, ("demand",))])


def shipment_sources(ctx: ChartContext) -> list[str]:
    """The chip-sales sources behind the annual shipments (and the installed stock summed from them)."""
    return ctx.memoised(("shipments",), lambda: _shipment_sources(ctx))


def _shipment_sources(ctx: ChartContext) -> list[str]:
    frame = ctx.shipments_annual
    data = []
    for column in ("source_ids", "source_id"):
        if column in frame:
            for cell in frame[column].dropna():
                data += [cell] if isinstance(cell, str) else list(cell)
    return _unique(data)


def supply_sources(ctx: ChartContext) -> list[str]:
    return _unique([*shipment_sources(ctx), *scenario_sources(ctx, ("supply", "allocation"))])


def record_runs(models: pd.DataFrame) -> pd.DataFrame:
    """The models that set a training-compute record when published (year, training_compute_flop, name,
    source_id), oldest first: the data behind the demand side of the hero chart."""
    columns = ["year", "training_compute_flop", "name", "source_id"]
    frame = models.reindex(columns=columns).copy()
    frame["year"] = pd.to_numeric(frame["year"], errors="coerce")
    frame["training_compute_flop"] = pd.to_numeric(frame["training_compute_flop"], errors="coerce")
    frame = frame.dropna(subset=["year", "training_compute_flop"]).sort_values("year", kind="stable")
    frame = frame[frame["training_compute_flop"] > 0]
    earlier_best = frame["training_compute_flop"].cummax().shift(fill_value=0.0)
    return frame[frame["training_compute_flop"] > earlier_best].reset_index(drop=True)


def _record_points(ctx: ChartContext) -> pd.DataFrame | None:
    """Record training runs for the hero, when demand is the largest run (other scopes are not one run);
    they depend on the models table and the base year only, so a slider move finds them in the memo."""
    if ctx.scenario.demand_scope != "largest_run":
        return None
    key = ("record_points", ctx.scenario.base_year)
    if key not in ctx.sources_memo:
        years = pd.to_numeric(ctx.models["year"], errors="coerce")
        ctx.sources_memo[key] = record_runs(ctx.models[years < ctx.scenario.base_year + 1])
    return ctx.sources_memo[key]


def _supply_history_since(ctx: ChartContext) -> float | None:
    years = getattr(ctx.inputs, "shipment_years", None)
    return float(min(years)) if years is not None and len(years) else None


def _compare_context(ctx: ChartContext) -> ChartContext:
    """A context for the pinned scenario A over the same store, tables and engine inputs (for its sources)."""
    pinned = ChartContext(ctx.store, ctx.compare, ctx.lang, sources_memo=ctx.sources_memo)
    pinned.models, pinned.shipments_annual, pinned.inputs = ctx.models, ctx.shipments_annual, ctx.inputs
    pinned.resolved = ctx.compare_forecast.resolved
    return pinned


def build_forecast(ctx: ChartContext) -> go.Figure:
    """The hero; with `ctx.compare`, the pinned scenario A drawn in grey beside the context's scenario (B)."""
    compare = None
    if ctx.compare is not None:
        pinned = _compare_context(ctx)
        compare = forecast.Comparison(ctx.compare_forecast, ctx.compare_monte_carlo,
                                      demand_sources=demand_sources(pinned), supply_sources=supply_sources(pinned))
    return forecast.hero_figure(ctx.forecast, ctx.monte_carlo, ctx.lang, demand_sources=demand_sources(ctx),
                                supply_sources=supply_sources(ctx), records=_record_points(ctx),
                                supply_history_since=_supply_history_since(ctx), compare=compare)


def build_forecast_fan(ctx: ChartContext) -> go.Figure:
    return forecast.fan_figure(ctx.monte_carlo, ctx.scenario, ctx.lang, demand_sources=demand_sources(ctx),
                               supply_sources=supply_sources(ctx))


def build_ceiling_probability(ctx: ChartContext) -> go.Figure:
    return forecast.probability_figure(ctx.monte_carlo, ctx.lang,
                                       sources=[*demand_sources(ctx), *supply_sources(ctx)])


def build_tornado(ctx: ChartContext) -> go.Figure:
    base, bars = ctx.tornado
    return forecast.tornado_figure(base, bars, ctx.scenario, ctx.lang,
                                   sources=[*demand_sources(ctx), *supply_sources(ctx)])


def build_binding_link(ctx: ChartContext) -> go.Figure:
    """Binding link per year; a scenario without the weakest-link cap is run with it on (the subtitle says so)."""
    fc = ctx.forecast
    if not ctx.scenario.weakest_link:
        from models.forecast import forecast as run_forecast

        fc = run_forecast(ctx.scenario.replace(weakest_link=True), ctx.inputs)
    from models.scenario import FIELDS, fields_in_use

    link_sources = [FIELDS[name].source_id for name in fields_in_use(fc.scenario) if FIELDS[name].group == "supply"]
    return forecast.binding_figure(fc, ctx.lang, sources=_unique([*supply_sources(ctx), *link_sources]),
                                   cap_switched_on=not ctx.scenario.weakest_link)


def build_allocation_share(ctx: ChartContext) -> go.Figure:
    """The share of the world's AI compute the largest run needs, against today's share rising to its cap,
    with the record runs and record clusters (÷ the stock at their date) that calibrate today's share."""
    from models.forecast import calibration_points

    fc = ctx.forecast
    points = calibration_points(ctx.scenario, ctx.inputs, fc.resolved)
    point_sources = _unique(ctx.models.loc[ctx.models["name"].isin(points.loc[points["kind"] == "record", "name"]),
                                           "source_id"].dropna().tolist()) if "name" in ctx.models else []
    sources = _unique([*point_sources, *supply_sources(ctx)])
    return forecast.share_figure(fc.annual(), points, ctx.scenario.base_year, ctx.lang, sources=sources)


def claims_rows(ctx: ChartContext) -> pd.DataFrame:
    """Each claim about training compute or parameters beside the trend fitted on the scenario's population
    over the claim's own years (claims whose years hold too few models are left out)."""
    sc = ctx.scenario
    return prepare.claims_check_rows(ctx.models, ctx.claims, sc.fit_population, sc.seed, ctx.lang)


def build_claims_check(ctx: ChartContext) -> go.Figure:
    fig = forecast.claims_figure(claims_rows(ctx), ctx.lang)
    return _add_sources(fig, model_sources(ctx))


def backtest_of(ctx: ChartContext, fit_through: int):
    """The backtest the `backtest` chart draws (and the Claims page tabulates); None when too few models."""
    sc = ctx.scenario
    return prepare.backtest_result(ctx.inputs, fit_through, sc.fit_population, sc.fit_since, sc.seed)


def build_backtest(ctx: ChartContext, fit_through: int) -> go.Figure:
    bt = backtest_of(ctx, fit_through)
    if bt is None or bt.table.empty:
        return empty_figure(ctx.lang, "backtest")
    used = _fitted_models(ctx)
    actual = pd.DataFrame({"year": pd.to_numeric(used["year"]), "value": pd.to_numeric(used["training_compute_flop"]),
                           "name": used["name"], "source_id": used["source_id"]})
    return forecast.backtest_figure(bt, actual, ctx.lang, sources=[*model_sources(ctx), *scenario_sources(
        ctx, ("demand",))])


def build_engine_backtest(ctx: ChartContext) -> go.Figure:
    """The whole engine as of base year − 7 (2018 for 2025) on the data published by then, against the
    records that came."""
    from models.backtest import engine_backtest

    sc = ctx.scenario
    as_of = getattr(ctx, "backtest_as_of", None) or max(sc.base_year - BACKTEST_YEARS_BACK, 2018)
    bt = engine_backtest(ctx.store, as_of, sc, seed=sc.seed)
    return forecast.engine_backtest_figure(bt, _records(ctx), ctx.lang, sources=[
        *model_sources(ctx), *scenario_sources(ctx, ("demand", "supply", "allocation", "constraints"))])


def _records(ctx: ChartContext) -> pd.DataFrame:
    """The record training runs (each a new maximum when published): year, value, name, source_id."""
    models = ctx.models
    compute = pd.to_numeric(models["training_compute_flop"], errors="coerce")
    frame = pd.DataFrame({"year": pd.to_numeric(models["year"], errors="coerce"), "value": compute,
                          "name": models["name"], "source_id": models["source_id"]}).dropna(subset=["year", "value"])
    frame = frame.sort_values("year")
    return frame[frame["value"] >= frame["value"].cummax()].reset_index(drop=True)


def build_constraints(ctx: ChartContext) -> go.Figure:
    """Every run-level constraint by year with the binding one named (models.constraints)."""
    from models import constraints as con

    fc = ctx.forecast
    frame = con.table(fc, ctx.inputs)
    return forecast.constraints_figure(frame, con.in_use(ctx.scenario), ctx.lang, ceiling_year=fc.ceiling_year,
                                       sources=scenario_sources(ctx, ("constraints",)),
                                       demand_label_text=forecast.demand_label(ctx.scenario, ctx.lang))


def serving_sources(ctx: ChartContext) -> list[str]:
    """The serving assumptions' sources, the chip's row, and the chip sales behind the installed stock."""
    from models.serving_scenario import serving_sources as assumption_sources

    return _unique([*assumption_sources(ctx.serving_scenario), ctx.serving_chip.source_id, "epoch-ml-hardware",
                    *shipment_sources(ctx)])


def build_serving_ceiling(ctx: ChartContext) -> go.Figure:
    view = ctx.serving_outlook
    x_range = serving.ceiling_x_range(view)
    marks = ctx.shared(("serving-rate-limits", ctx.lang, x_range),
                       lambda: serving.rate_limit_marks(ctx.events, ctx.lang, x_range))
    return serving.ceiling_figure(view, ctx.lang, sources=serving_sources(ctx), horizon=ctx.serving_scenario.horizon,
                                  marks=marks)


def build_serving_caps(ctx: ChartContext) -> go.Figure:
    from models.serving_scenario import SERVING_PRESETS

    sv = ctx.serving_scenario
    label = t(SERVING_PRESETS[sv.preset].label_key, ctx.lang)
    caps = ctx.shared(("serving-observed-caps",), lambda: serving.observed_caps(ctx.store.usage()))
    observed = ctx.shared(("serving-observed-bar", ctx.lang), lambda: serving.observed_caps_bar(caps, ctx.lang))
    return serving.caps_figure(caps, ctx.serving_answer.messages_per_user_per_3h, ctx.serving_outlook.cap_range80(),
                               label, ctx.lang, sources=serving_sources(ctx), observed=observed)


def _memory_wall(ctx: ChartContext):
    from models.serving import memory_wall

    return memory_wall(ctx.accelerators)


def _add_sources(fig: go.Figure, extra) -> go.Figure:
    meta = dict(fig.layout.meta or {})
    meta["sources"] = _unique([*(meta.get("sources") or []), *extra])
    fig.update_layout(meta=meta)
    return fig


CHARTS: dict[str, ChartSpec] = {
    spec.chart_id: spec
    for spec in [
        ChartSpec("demand-compute", "Training compute of models over time (FLOP, log), fitted trend, claims, events",
                  build_demand_compute, FIT_OPTIONS, uses_scenario=False,
                  fitted=lambda ctx, **o: demand_fit(ctx, "training_compute_flop", **o)),
        ChartSpec("demand-parameters", "Parameter counts of models over time (log), fitted trend, claims, events",
                  build_demand_parameters, FIT_OPTIONS, uses_scenario=False,
                  fitted=lambda ctx, **o: demand_fit(ctx, "parameters", **o)),
        ChartSpec("demand-doubling", "Doubling times of the compute and parameter fits against published claims",
                  build_demand_doubling, FIT_OPTIONS, uses_scenario=False),
        ChartSpec("supply-market-share", "Vendor market share under each market definition, one year",
                  lambda ctx, year: supply.market_share(ctx.market_share, ctx.lang, year), (SHARE_YEAR,),
                  uses_scenario=False),
        ChartSpec("supply-capacity", "Foundry and packaging capacity by node with bands, events",
                  lambda ctx, unit: supply.foundry_capacity(ctx.foundry_capacity, ctx.lang, unit, events=ctx.events),
                  (CAPACITY_UNIT,), uses_scenario=False),
        ChartSpec("supply-shipments-vendor", "Accelerator shipments by vendor in H100e with 5-95% bands, events",
                  lambda ctx: build_shipments(ctx, "vendor"), uses_scenario=False),
        ChartSpec("supply-shipments-chip", "Accelerator shipments by chip in H100e with 5-95% bands, events",
                  lambda ctx: build_shipments(ctx, "chip"), uses_scenario=False),
        ChartSpec("supply-stock", "Installed stock of AI accelerators in H100e (log), events",
                  lambda ctx: _add_sources(supply.installed_stock(ctx.store.installed_stock(), ctx.lang, events=ctx.events),
                                           shipment_sources(ctx)), uses_scenario=False),
        ChartSpec("supply-hardware-flops", "Dense BF16 FLOP/s per accelerator by release date (log), fitted trend",
                  lambda ctx: build_hardware(ctx, "flops"), uses_scenario=False,
                  fitted=lambda ctx: hardware_fit(ctx, "flops")),
        ChartSpec("supply-hardware-price-performance", "FLOP/s per launch dollar by release date (log), fitted trend",
                  lambda ctx: build_hardware(ctx, "price_performance"), uses_scenario=False,
                  fitted=lambda ctx: hardware_fit(ctx, "price_performance")),
        ChartSpec("forecast", "Demand against available supply, the crossing marked, Monte Carlo 10-90% bands",
                  build_forecast),
        ChartSpec("forecast-fan", "Monte Carlo fan: demand and available compute, median and 10-90% band",
                  build_forecast_fan),
        ChartSpec("ceiling-probability", "Probability that the ceiling is reached by each year",
                  build_ceiling_probability),
        ChartSpec("tornado", "Ceiling year when each uncertain assumption moves to its 10th or 90th percentile",
                  build_tornado),
        ChartSpec("binding-link", "Which supply-chain link caps chip output, year by year (weakest-link cap)",
                  build_binding_link),
        ChartSpec("allocation-share", "Share of the world's AI compute the largest run needs, against its allowed "
                  "share and cap, with record runs and clusters", build_allocation_share),
        ChartSpec("claims-check", "Published growth claims against trends fitted on the same years",
                  build_claims_check),
        ChartSpec("backtest", "A compute trend fitted through a year, against the records that followed",
                  build_backtest, (FIT_THROUGH,), fitted=backtest_of),
        ChartSpec("serving-ceiling", "Messages a day demanded against what the fleet sustains, Monte Carlo 10-90% bands",
                  build_serving_ceiling),
        ChartSpec("serving-caps", "Messages per user per 3 hours: the deployment's sustainable cap beside the caps set",
                  build_serving_caps),
        ChartSpec("serving-memory-wall", "Accelerator FLOP/s against memory bandwidth since 2017, each fitted",
                  lambda ctx: serving.memory_wall_figure(_memory_wall(ctx), ctx.lang)),
        ChartSpec("serving-flop-per-byte", "FLOP per byte of memory bandwidth of each accelerator, fitted",
                  lambda ctx: serving.flop_per_byte_figure(_memory_wall(ctx), ctx.lang)),
        ChartSpec("engine-backtest", "The whole engine as of base year - 7 on the data published by then: 10-90% band "
                  "of the largest run against the records that came", build_engine_backtest),
        ChartSpec("constraints", "The largest run feasible under each constraint (chips, power, money, data, "
                  "latency) by year, their minimum, demand, and the binding constraint named", build_constraints),
    ]
}
# Where the compute is and China's supply (charts/sites.py, charts/china.py), registered as a block of their own.
def _china_chart(metric: str):
    return lambda ctx: china.china_ranges(ctx.store.china_supply(), ctx.lang, metric, sources=ctx.store.sources())


CHARTS.update({spec.chart_id: spec for spec in [
    ChartSpec("supply-sites", "Largest AI sites over time (log H100e): operational, planned, running record",
              lambda ctx: sites.largest_sites(ctx.store.clusters(), ctx.lang, events=ctx.events),
              uses_scenario=False),
    ChartSpec("supply-owners", "H100e bought per quarter by owner group (hyperscalers, China, others), 5-95% bands",
              lambda ctx: sites.owners(ctx.store.chip_owner_groups(), ctx.lang), uses_scenario=False),
    ChartSpec("supply-share-trend", "NVIDIA's share year by year under each market definition, seed figures marked",
              lambda ctx: china.share_trend(ctx.store.market_share(), ctx.shipments_annual, ctx.lang),
              uses_scenario=False),
    *[ChartSpec(chart_id, f"China: {metric.replace('_', ' ')}, each estimate with its definition and range",
                _china_chart(metric), uses_scenario=False) for chart_id, metric in china.CHINA_CHARTS.items()],
]})
ALIASES: dict[str, str] = {"forecast-hero": "forecast"}  # earlier names that keep working


def resolve_id(chart_id: str) -> str:
    """The registered id for `chart_id` (an alias maps to its chart); ValueError for an unknown id."""
    chart_id = ALIASES.get(chart_id, chart_id)
    if chart_id not in CHARTS:
        raise ValueError(f"unknown chart {chart_id!r}; expected one of: {', '.join(CHARTS)}")
    return chart_id


def build(chart_id: str, ctx: ChartContext) -> go.Figure:
    """The figure `chart_id` for this context and its options (its meta names the registered id);
    ValueError naming the known ids for an unknown one, OptionError for a bad option."""
    chart_id = resolve_id(chart_id)
    fig = CHARTS[chart_id].build(ctx, **resolve_options(chart_id, ctx))
    fig.layout.meta = {**dict(fig.layout.meta or {}), "chart_id": chart_id}  # one property: no layout walk
    return fig


def fitted(chart_id: str, ctx: ChartContext):
    """The trend (or backtest) the chart draws, from the same function and options as `build`: what a page
    quotes beside it (growth, doubling time, R², n, the backtest's error). None for a chart without one."""
    chart_id = resolve_id(chart_id)
    spec = CHARTS[chart_id]
    return spec.fitted(ctx, **resolve_options(chart_id, ctx)) if spec.fitted else None
