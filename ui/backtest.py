"""The backtest on the Claims page: fit through a year, project the record forward, compare with what happened.
The chart, its metrics and its table are the registry's `backtest` at the chosen `fit_through`."""

from __future__ import annotations

import streamlit as st

from ui import views
from ui.registry_figures import chart_options, registry_figure, registry_fit

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
    st.dataframe(result.table.rename(columns=lambda c: column_label(c, tr)), hide_index=True)
