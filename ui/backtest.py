"""The backtest on the Claims page: fit through a year, project the record forward, compare with what happened.
The chart, its metrics and its table are the registry's `backtest` at the chosen `fit_through`."""

from __future__ import annotations

import streamlit as st

from ui import engine, views
from ui.registry_figures import chart_options, registry_figure, registry_fit
from ui.tables import column_config

BAND_COLUMNS = ("predicted_low", "predicted_high")  # the projection at the fit's 90% growth interval


def column_label(column: str, tr) -> str:
    return tr(f"claims.backtest_band.{column}") if column in BAND_COLUMNS else tr(f"claims.backtest_col.{column}")


def section(tr, lang: str, scenario) -> None:
    years, default = chart_options("backtest", scenario)["fit_through"]
    if len(years) < 2:
        st.info(tr("claims.backtest_too_few"))
        return
    cutoff = int(st.slider(tr("claims.backtest_cutoff"), years[0], years[-1], default, key="claims_cutoff"))
    result = registry_fit("backtest", scenario, fit_through=cutoff)
    if result is None or result.table.empty:
        st.info(tr("claims.backtest_too_few"))
        return
    cols = st.columns(3)
    cols[0].metric(tr("ui.metric.growth"), tr("ui.value.growth", value=f"{result.fit.growth_per_year:.1f}"))
    cols[1].metric(tr("ui.metric.doubling"), tr("ui.value.months", value=f"{result.fit.doubling_months:.1f}"))
    cols[2].metric(tr("claims.backtest_error"), tr("claims.backtest_error_value", oom=result.mean_abs_error_oom),
                   help=tr("claims.backtest_error_help"))
    views.chart(registry_figure("backtest", lang, scenario, fit_through=cutoff), "claims-backtest", lang)
    table = result.table.rename(columns=lambda c: column_label(c, tr))
    st.dataframe(table, hide_index=True, column_config=column_config(table, tr, labels={}))


AS_OF_YEARS = (2018, 2020, 2022, 2023)


def engine_section(scenario, tr, lang: str) -> None:
    """The Forecast page's backtest: the whole engine as of a past year on the data published by then,
    its 10–90% band of the largest run against the records that came, coverage and error."""
    from ui import figures

    as_of = st.radio(tr("forecast_backtest.as_of"), AS_OF_YEARS, horizontal=True, key="forecast_backtest_as_of",
                     help=tr("forecast_backtest.as_of_help"))
    result = engine.engine_backtest(scenario, int(as_of))
    cols = st.columns(3)
    cols[0].metric(tr("forecast_backtest.coverage"),
                   tr("forecast_backtest.coverage_value", value=round(100 * result.coverage_80)))
    cols[1].metric(tr("forecast_backtest.error"), tr("forecast_backtest.error_value", value=result.mean_abs_error_oom))
    cols[2].metric(tr("forecast_backtest.latest"), result.latest_input_date)
    views.chart(figures.backtest_figure(scenario, lang, int(as_of)), "forecast-backtest", lang)
    st.caption(tr("forecast_backtest.note"))
    flop = {tr(f"forecast_backtest.col.{c}"): st.column_config.NumberColumn(format="%.2e")
            for c in ("actual_flop", "p10", "p50", "p90")}
    st.dataframe(result.rows.rename(columns=lambda c: tr(f"forecast_backtest.col.{c}")), hide_index=True,
                 column_config=flop)
    if not result.shipments.empty:
        st.markdown(f"**{tr('forecast_backtest.shipments_heading')}**")
        h100e = {tr(f"forecast_backtest.shipments_col.{c}"): st.column_config.NumberColumn(format="%.3g")
                 for c in ("actual_h100e", "p10", "p50", "p90")}
        st.dataframe(result.shipments.rename(columns=lambda c: tr(f"forecast_backtest.shipments_col.{c}")),
                     hide_index=True, column_config=h100e)
