"""The Forecast page's constraints section: every run-level constraint by year, the binding one named,
and the table behind the chart."""

from __future__ import annotations

import streamlit as st

from ui import engine, figures, views


def section(scenario, tr, lang: str) -> None:
    from models import constraints as con

    st.caption(tr("forecast_constraints.note"))
    if not con.applies(scenario):
        st.info(tr("forecast_constraints.off"))
    views.chart(figures.forecast_figure(scenario, lang, "constraints"), "forecast-constraints", lang)
    table = con.table(engine.forecast(scenario), engine.inputs())
    table["binding"] = [tr(f"charts.constraints.{name}") for name in table["binding"]]
    st.markdown(f"**{tr('forecast_constraints.table_heading')}**")
    flop = {c: st.column_config.NumberColumn(format="%.2e") for c in table.columns if c.endswith("_flop")}
    st.dataframe(table.rename(columns=lambda c: tr(f"forecast_constraints.col.{c}")), hide_index=True,
                 column_config={tr(f"forecast_constraints.col.{c}"): v for c, v in flop.items()})
