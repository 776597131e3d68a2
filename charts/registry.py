"""Every chart the app and the CLI can draw, by id: data from the read module and the engine in, figure out.

A `ChartContext` carries what a builder needs (a Store-like reader, the scenario, the language); the
registry's build functions fetch the tables, call the engine where needed, and call the builders.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import pandas as pd
import plotly.graph_objects as go

from charts import demand, forecast, supply
from charts.common import Line, empty_figure
from i18n import t


@dataclass
class ChartContext:
    store: object  # etl.read.Store or anything with the same named queries
    scenario: object  # models.scenario.Scenario
    lang: str = "en"

    @cached_property
    def models(self) -> pd.DataFrame:
        return self.store.models()

    @cached_property
    def claims(self) -> pd.DataFrame:
        return self.store.trend_claims()

    @cached_property
    def events(self) -> pd.DataFrame:
        return self.store.events()


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


def _engine_forecast(ctx: ChartContext):
    """The engine's deterministic forecast, or None while models.forecast is not there yet."""
    try:
        from models import forecast as engine
    except ImportError:
        return None
    return engine


def build_forecast_hero(ctx: ChartContext) -> go.Figure:
    engine = _engine_forecast(ctx)
    if engine is None or not hasattr(engine, "hero_lines"):
        return empty_figure(ctx.lang, "forecast-hero", "charts.registry.engine_missing")
    return engine.hero_lines(ctx)  # pragma: no cover - wired when the engine lands


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
        ChartSpec("supply-capacity", "Foundry and packaging capacity by node (wafers/month) with bands",
                  lambda ctx: supply.foundry_capacity(ctx.store.foundry_capacity(), ctx.lang)),
        ChartSpec("supply-shipments-vendor", "Accelerator shipments by vendor in H100e with 5-95% bands",
                  lambda ctx: supply.shipments(ctx.store.shipments(), ctx.lang, group="vendor")),
        ChartSpec("supply-shipments-chip", "Accelerator shipments by chip in H100e with 5-95% bands",
                  lambda ctx: supply.shipments(ctx.store.shipments(), ctx.lang, group="chip")),
        ChartSpec("supply-stock", "Installed stock of AI accelerators in H100e (log)",
                  lambda ctx: supply.installed_stock(ctx.store.installed_stock(), ctx.lang)),
        ChartSpec("supply-hardware-flops", "Dense BF16 FLOP/s per accelerator by release date (log)",
                  lambda ctx: supply.hardware(ctx.store.accelerators(), ctx.lang, "flops")),
        ChartSpec("supply-hardware-price-performance", "FLOP/s per launch dollar by release date (log)",
                  lambda ctx: supply.hardware(ctx.store.accelerators(), ctx.lang, "price_performance")),
        ChartSpec("forecast-hero", "Demand against available supply, ceiling year marked with its band",
                  build_forecast_hero),
    ]
}

def build(chart_id: str, ctx: ChartContext) -> go.Figure:
    """The figure `chart_id` for this context; ValueError naming the known ids for an unknown one."""
    if chart_id not in CHARTS:
        raise ValueError(f"unknown chart {chart_id!r}; expected one of: {', '.join(CHARTS)}")
    return CHARTS[chart_id].build(ctx)
