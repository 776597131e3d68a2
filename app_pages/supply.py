"""Supply: market share under each definition, foundry and packaging capacity, shipments, installed stock,
hardware trends, and the binding link of the supply chain per year."""

from __future__ import annotations

import streamlit as st

from charts import china as china_charts
from ui import data, figures, frame, lang, state, views
from ui.registry_figures import chart_options, registry_figure, registry_fit

HARDWARE_CHARTS = {"flops": "supply-hardware-flops", "price_performance": "supply-hardware-price-performance"}
SHIPMENT_CHARTS = {"vendor": "supply-shipments-vendor", "chip": "supply-shipments-chip"}

tr = frame.page_start()
language = lang.current_language()
st.title(tr("supply.title"))
st.write(tr("supply.intro"))

share_tab, capacity_tab, shipments_tab, stock_tab, hardware_tab, link_tab = st.tabs([
    tr("supply.tab_share"), tr("supply.tab_capacity"), tr("supply.tab_shipments"), tr("supply.tab_stock"),
    tr("supply.tab_hardware"), tr("supply.tab_binding"),
])

with share_tab:
    years, default_year = chart_options("supply-market-share")["year"]
    year = st.selectbox(tr("supply.share_year"), years, index=years.index(default_year),
                        key="supply_share_year") if years else None
    views.chart(registry_figure("supply-market-share", language, year=year), "supply-market-share", language)
    st.caption(tr("supply.share_note"))
    views.market_definitions(data.read("market_share"), year, tr)

with capacity_tab:
    units, default_unit = chart_options("supply-capacity")["unit"]
    unit = st.radio(tr("supply.capacity_unit"), units, index=units.index(default_unit), horizontal=True,
                    key="supply_capacity_unit")
    views.chart(registry_figure("supply-capacity", language, unit=unit), "supply-capacity", language)

with shipments_tab:
    group = st.radio(tr("supply.shipments_group"), tuple(SHIPMENT_CHARTS), horizontal=True, key="supply_group",
                     format_func=lambda g: tr(f"supply.group_{g}"))
    views.chart(registry_figure(SHIPMENT_CHARTS[group], language), SHIPMENT_CHARTS[group], language)

with stock_tab:
    views.chart(registry_figure("supply-stock", language), "supply-stock", language)
    st.caption(tr("supply.stock_note"))

with hardware_tab:
    metric = st.radio(tr("supply.hardware_metric"), tuple(HARDWARE_CHARTS), horizontal=True,
                      key="supply_metric", format_func=lambda m: tr(f"supply.metric_{m}"))
    fit = registry_fit(HARDWARE_CHARTS[metric])
    if fit is not None:
        views.fit_metrics(fit, tr, count_key="ui.fit_count.accelerators")
    views.chart(registry_figure(HARDWARE_CHARTS[metric], language), HARDWARE_CHARTS[metric], language)

with link_tab:
    st.write(tr("supply.binding_intro"))
    views.chart(figures.binding_figure(state.scenario(), language), "binding-link", language)


# --- Where the compute is: the largest sites, who owns the chips, China's own supply, share as a trend.
# Each figure is the chart registry's (charts/sites.py, charts/china.py), so the export matches the screen.


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
