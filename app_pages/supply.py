"""Supply: market share under each definition, foundry and packaging capacity, shipments, installed stock,
hardware trends, and the binding link of the supply chain per year."""

from __future__ import annotations

import streamlit as st

from charts import supply as supply_charts
from charts.forecast import line_from_fit
from charts.theme import ACCENT
from ui import data, engine, figures, frame, lang, state, views

HARDWARE_QUANTITIES = {"flops": "bf16_dense_flops", "price_performance": "price_performance"}

tr = frame.page_start()
language = lang.current_language()
st.title(tr("supply.title"))
st.write(tr("supply.intro"))

@views.cached_figure
def supply_figure(chart: str, lang: str, *option):
    """One of the supply tables' charts (market_share, foundry_capacity, shipments, installed_stock) with
    the option its tab chose (year, unit, grouping); the time charts carry the events, as in the export."""
    if chart == "installed_stock":
        return supply_charts.installed_stock(views.stock_frame(data.read("installed_stock")), lang,
                                             events=data.read("events"))
    if chart == "market_share":
        return supply_charts.market_share(data.read(chart), lang, *option)
    return getattr(supply_charts, chart)(data.read(chart), lang, *option, events=data.read("events"))


@views.cached_figure
def hardware_figure(metric: str, lang: str):
    fit = engine.hardware_fit(HARDWARE_QUANTITIES[metric])
    fits = [] if fit is None else [line_from_fit(
        fit, label=state.tr_for(lang)("supply.hardware_fit"), start=fit.start, end=fit.end, colour=ACCENT,
        sources=("epoch-ml-hardware",), unit=supply_charts.HARDWARE_METRICS[metric][1], lang=lang)]
    return supply_charts.hardware(data.read("accelerators"), lang, metric, fits)


share_tab, capacity_tab, shipments_tab, stock_tab, hardware_tab, link_tab = st.tabs([
    tr("supply.tab_share"), tr("supply.tab_capacity"), tr("supply.tab_shipments"), tr("supply.tab_stock"),
    tr("supply.tab_hardware"), tr("supply.tab_binding"),
])

with share_tab:
    shares = data.read("market_share")
    years = views.sorted_years(shares)
    year = st.selectbox(tr("supply.share_year"), years, index=len(years) - 1, key="supply_share_year") if years else None
    views.chart(supply_figure("market_share", language, year), "supply-market-share", language)
    st.caption(tr("supply.share_note"))
    views.market_definitions(shares, year, tr)

with capacity_tab:
    capacity = data.read("foundry_capacity")
    units = views.unique_values(capacity, "unit") or ["wafers/month"]
    unit = st.radio(tr("supply.capacity_unit"), units, horizontal=True, key="supply_capacity_unit")
    views.chart(supply_figure("foundry_capacity", language, unit), "supply-capacity", language)

with shipments_tab:
    group = st.radio(tr("supply.shipments_group"), ("vendor", "chip"), horizontal=True, key="supply_group",
                     format_func=lambda g: tr(f"supply.group_{g}"))
    views.chart(supply_figure("shipments", language, group), f"supply-shipments-{group}", language)

with stock_tab:
    views.chart(supply_figure("installed_stock", language), "supply-stock", language)
    st.caption(tr("supply.stock_note"))

with hardware_tab:
    metric = st.radio(tr("supply.hardware_metric"), tuple(supply_charts.HARDWARE_METRICS), horizontal=True,
                      key="supply_metric", format_func=lambda m: tr(f"supply.metric_{m}"))
    fit = engine.hardware_fit(HARDWARE_QUANTITIES[metric])
    if fit is not None:
        views.fit_metrics(fit, tr)
    views.chart(hardware_figure(metric, language), f"supply-hardware-{metric}", language)

with link_tab:
    st.write(tr("supply.binding_intro"))
    views.chart(figures.binding_figure(state.scenario(), language), "binding-link", language)


# --- Where the compute is: the largest sites, who owns the chips, China's own supply, share as a trend.
# Each figure is the chart registry's (charts/sites.py, charts/china.py), so the export matches the screen.
from charts import china as china_charts  # noqa: E402  (kept with the block it serves)


@views.cached_figure
def registry_figure(chart_id: str, lang: str):
    """A registry chart that needs no scenario, built as `python -m charts export` builds it."""
    from charts.registry import ChartContext, build

    return build(chart_id, ChartContext(store=data.store(), scenario=None, lang=lang))


st.header(tr("supply.world.heading"))
st.subheader(tr("supply.world.sites_heading"))
views.chart(registry_figure("supply-sites", language), "supply-sites", language)
st.caption(tr("supply.world.sites_note"))

st.subheader(tr("supply.world.owners_heading"))
views.chart(registry_figure("supply-owners", language), "supply-owners", language)
st.caption(tr("supply.world.owners_note"))

st.subheader(tr("supply.world.china_heading"))
china_chart = st.radio(tr("supply.world.china_metric"), tuple(china_charts.CHINA_CHARTS), horizontal=True,
                       key="supply_china_metric",
                       format_func=lambda cid: tr(f"supply.world.china_{china_charts.CHINA_CHARTS[cid]}"))
views.chart(registry_figure(china_chart, language), china_chart, language)
st.caption(tr("supply.world.china_note"))

st.subheader(tr("supply.world.share_heading"))
views.chart(registry_figure("supply-share-trend", language), "supply-share-trend", language)
