"""Every chart the app and the CLI can draw, by id: data from the read module and the engine in, figure out.

A `ChartContext` carries what a builder needs (a Store-like reader, the scenario, the language); the
registry's build functions fetch the tables, call the engine where needed, and call the builders.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd
import plotly.graph_objects as go

from charts import demand, forecast, supply
from charts.common import Line
from i18n import t


@dataclass
class ChartContext:
    store: object  # etl.read.Store or anything with the same named queries
    scenario: object  # models.scenario.Scenario
    lang: str = "en"
    # Source lists that depend only on the store's tables and a few scenario fields, by key. A caller that
    # builds many contexts over one database (the app) passes one shared dict so a slider move reuses them.
    sources_memo: dict = field(default_factory=dict, repr=False)

    def memoised(self, key: tuple, compute: Callable[[], list[str]]) -> list[str]:
        if key not in self.sources_memo:
            self.sources_memo[key] = compute()
        return list(self.sources_memo[key])

    @cached_property
    def models(self) -> pd.DataFrame:
        return self.store.models()

    @cached_property
    def claims(self) -> pd.DataFrame:
        return self.store.trend_claims()

    @cached_property
    def events(self) -> pd.DataFrame:
        return self.store.events()

    # --- the engine, run once per context --------------------------------------------------------
    @cached_property
    def inputs(self):
        from models.inputs import inputs_from_store

        return inputs_from_store(self.store)

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
    def shipments_annual(self) -> pd.DataFrame:
        return self.store.shipments_annual()


@dataclass(frozen=True)
class ChartSpec:
    chart_id: str
    description: str  # one line for `python -m charts list` (English; the app uses the figure's title)
    build: Callable[[ChartContext], go.Figure]


def _fit_line(ctx: ChartContext, quantity: str) -> tuple[list[Line], float | None]:
    """The scenario's fit (population, window) of a models column, as a Line with its 90% band."""
    from models.trends import TrendError, fit_models

    sc = ctx.scenario
    try:
        fit = fit_models(ctx.models, quantity=quantity, population=sc.fit_population, since=sc.fit_since,
                         bootstrap=400, seed=sc.seed)
    except TrendError:
        return [], None
    label = t("charts.registry.fit_label", ctx.lang, population=t(f"charts.population.{sc.fit_population}", ctx.lang), since=sc.fit_since)
    unit = "FLOP" if quantity == "training_compute_flop" else "parameters"
    line = forecast.line_from_fit(fit, label=label, start=fit.start, end=fit.end, sources=["epoch-notable-models"],
                                  unit=unit, lang=ctx.lang)
    return [line], fit


def _claim_lines(ctx: ChartContext, quantity: str, fit) -> list[Line]:
    """Each claim about `quantity`, anchored on the fit (or the data) at the claim's start year."""
    rows = ctx.claims[ctx.claims["quantity"] == quantity] if not ctx.claims.empty else ctx.claims
    colours = demand.CLAIM_COLOURS
    lines = []
    for index, (_, claim) in enumerate(rows.iterrows()):
        start, end = float(claim["period_start"]), float(claim["period_end"])
        anchor = float(fit.predict([start])[0]) if fit is not None else None
        if anchor is None or not anchor > 0:
            continue
        lines.append(demand.claim_line(claim, anchor_year=start, anchor_value=anchor, end_year=end, lang=ctx.lang,
                                       colour=colours[index % len(colours)],
                                       unit="FLOP" if quantity == "training_compute" else "parameters"))
    return lines


def build_demand_compute(ctx: ChartContext) -> go.Figure:
    fits, fit = _fit_line(ctx, "training_compute_flop")
    return demand.training_compute(ctx.models, ctx.lang, fits=fits, claims=_claim_lines(ctx, "training_compute", fit),
                                   events=ctx.events, growth_per_year=fit.growth_per_year if fit else None)


def build_demand_parameters(ctx: ChartContext) -> go.Figure:
    fits, fit = _fit_line(ctx, "parameters")
    return demand.parameters(ctx.models, ctx.lang, fits=fits, claims=_claim_lines(ctx, "parameters", fit),
                             events=ctx.events)


def build_demand_doubling(ctx: ChartContext) -> go.Figure:
    from models.trends import TrendError, fit_models

    rows = []
    for population in ("notable", "frontier"):
        try:
            fit = fit_models(ctx.models, population=population, since=ctx.scenario.fit_since, bootstrap=400)
        except TrendError:
            continue
        low, high = fit.doubling_ci90
        rows.append(dict(label=t("charts.registry.fit_label", ctx.lang, population=t(f"charts.population.{population}", ctx.lang),
                                 since=ctx.scenario.fit_since), doubling_months=fit.doubling_months,
                         low=low, high=high, kind="fit", source_id="epoch-notable-models"))
    claims = ctx.claims[ctx.claims["quantity"] == "training_compute"] if not ctx.claims.empty else ctx.claims
    label_column = "label_zh" if ctx.lang == "zh" else "label"
    for _, claim in claims.iterrows():
        months = float(claim["doubling_months"])
        rows.append(dict(label=claim.get(label_column) or claim["label"], doubling_months=months, low=months,
                         high=months, kind="claim", source_id=claim["source_id"]))
    return demand.doubling_times(pd.DataFrame(rows), ctx.lang)


# --- forecast charts: the engine's results, with the sources of the data and of the assumptions ----

BACKTEST_YEARS_BACK = 7  # the backtest fits through base_year − 7 (2018 for the default 2025)
CLAIM_QUANTITIES = {"training_compute": "training_compute_flop", "parameters": "parameters"}
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
    """Record training runs for the hero, when demand is the largest run (other scopes are not one run)."""
    if ctx.scenario.demand_scope != "largest_run":
        return None
    return record_runs(ctx.models[pd.to_numeric(ctx.models["year"], errors="coerce") < ctx.scenario.base_year + 1])


def _supply_history_since(ctx: ChartContext) -> float | None:
    years = getattr(ctx.inputs, "shipment_years", None)
    return float(min(years)) if years is not None and len(years) else None


def build_forecast(ctx: ChartContext) -> go.Figure:
    return forecast.hero_figure(ctx.forecast, ctx.monte_carlo, ctx.lang, demand_sources=demand_sources(ctx),
                                supply_sources=supply_sources(ctx), records=_record_points(ctx),
                                supply_history_since=_supply_history_since(ctx))


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


def claims_rows(ctx: ChartContext) -> pd.DataFrame:
    """Each claim about training compute or parameters beside the trend fitted on the scenario's population
    over the claim's own years (claims whose years hold too few models are left out)."""
    from models.trends import TrendError, fit_models

    claims = ctx.claims
    label_column = "label_zh" if ctx.lang == "zh" else "label"
    rows = []
    for claim in claims[claims["quantity"].isin(list(CLAIM_QUANTITIES))].to_dict("records"):
        try:
            fit = fit_models(ctx.inputs.models, quantity=CLAIM_QUANTITIES[claim["quantity"]],
                             population=ctx.scenario.fit_population, since=float(claim["period_start"]),
                             until=float(claim["period_end"]) + 1, bootstrap=400, seed=ctx.scenario.seed)
        except TrendError:
            continue
        low, high = fit.ci90
        rows.append(dict(label=claim.get(label_column) or claim["label"], claimed_growth=float(claim["growth_per_year"]),
                         data_growth=fit.growth_per_year, data_low=low, data_high=high,
                         source_id=claim["source_id"]))
    return pd.DataFrame(rows, columns=["label", "claimed_growth", "data_growth", "data_low", "data_high",
                                       "source_id"])


def build_claims_check(ctx: ChartContext) -> go.Figure:
    fig = forecast.claims_figure(claims_rows(ctx), ctx.lang)
    return _add_sources(fig, model_sources(ctx))


def build_backtest(ctx: ChartContext) -> go.Figure:
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


def _add_sources(fig: go.Figure, extra) -> go.Figure:
    meta = dict(fig.layout.meta or {})
    meta["sources"] = _unique([*(meta.get("sources") or []), *extra])
    fig.update_layout(meta=meta)
    return fig


CHARTS: dict[str, ChartSpec] = {
    spec.chart_id: spec
    for spec in [
        ChartSpec("demand-compute", "Training compute of models over time (FLOP, log), fitted trend, claims, events",
                  build_demand_compute),
        ChartSpec("demand-parameters", "Parameter counts of models over time (log), fitted trend, claims",
                  build_demand_parameters),
        ChartSpec("demand-doubling", "Doubling times of training compute: fits against published claims",
                  build_demand_doubling),
        ChartSpec("supply-market-share", "Vendor market share under each market definition, latest year",
                  lambda ctx: supply.market_share(ctx.store.market_share(), ctx.lang)),
        ChartSpec("supply-capacity", "Foundry and packaging capacity by node (wafers/month) with bands, events",
                  lambda ctx: supply.foundry_capacity(ctx.store.foundry_capacity(), ctx.lang, events=ctx.events)),
        ChartSpec("supply-shipments-vendor", "Accelerator shipments by vendor in H100e with 5-95% bands, events",
                  lambda ctx: supply.shipments(ctx.store.shipments(), ctx.lang, group="vendor", events=ctx.events)),
        ChartSpec("supply-shipments-chip", "Accelerator shipments by chip in H100e with 5-95% bands, events",
                  lambda ctx: supply.shipments(ctx.store.table("shipments"), ctx.lang, group="chip",  # per chip
                                               events=ctx.events)),
        ChartSpec("supply-stock", "Installed stock of AI accelerators in H100e (log), events",
                  lambda ctx: _add_sources(supply.installed_stock(ctx.store.installed_stock(), ctx.lang, events=ctx.events),
                                           shipment_sources(ctx))),
        ChartSpec("supply-hardware-flops", "Dense BF16 FLOP/s per accelerator by release date (log)",
                  lambda ctx: supply.hardware(ctx.store.accelerators(), ctx.lang, "flops")),
        ChartSpec("supply-hardware-price-performance", "FLOP/s per launch dollar by release date (log)",
                  lambda ctx: supply.hardware(ctx.store.accelerators(), ctx.lang, "price_performance")),
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
        ChartSpec("claims-check", "Published growth claims against trends fitted on the same years",
                  build_claims_check),
        ChartSpec("backtest", "The whole engine as of base year - 7 on the data published by then: 10-90% band "
                  "of the largest run against the records that came", build_backtest),
        ChartSpec("constraints", "The largest run feasible under each constraint (chips, power, money, data, "
                  "latency) by year, their minimum, demand, and the binding constraint named", build_constraints),
    ]
}
ALIASES: dict[str, str] = {"forecast-hero": "forecast"}  # earlier names that keep working


def resolve_id(chart_id: str) -> str:
    """The registered id for `chart_id` (an alias maps to its chart); ValueError for an unknown id."""
    chart_id = ALIASES.get(chart_id, chart_id)
    if chart_id not in CHARTS:
        raise ValueError(f"unknown chart {chart_id!r}; expected one of: {', '.join(CHARTS)}")
    return chart_id

def build(chart_id: str, ctx: ChartContext) -> go.Figure:
    """The figure `chart_id` for this context (its meta names the registered id); ValueError naming the
    known ids for an unknown one."""
    chart_id = resolve_id(chart_id)
    fig = CHARTS[chart_id].build(ctx)
    fig.update_layout(meta={**dict(fig.layout.meta or {}), "chart_id": chart_id})
    return fig
