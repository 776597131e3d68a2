"""Claims: each claim of the 2023 seed article checked against the data (original Chinese beside the
English, what the data says, a verdict, its chart), the published growth claims against our fits, and
the backtest."""

from __future__ import annotations

import streamlit as st

from charts import demand as demand_charts
from charts import forecast as forecast_charts
from charts import supply as supply_charts
from ui import backtest, data, engine, frame, lang, views

SEED_CLAIMS = tuple(f"s{n}" for n in range(1, 16))
VERDICT_ICONS = {"supported": ":material/check_circle:", "partly": ":material/change_circle:",
                 "refuted": ":material/cancel:", "unverified": ":material/help:"}

tr = frame.page_start()
language = lang.current_language()
st.title(tr("claims.title"))
st.write(tr("claims.intro"))

models, claims, events = data.read("models"), data.read("trend_claims"), data.read("events")
compute_fit = engine.model_fit("training_compute_flop", "notable", 2010.0)
parameter_fit = engine.model_fit("parameters", "notable", 2010.0)


def claim_chart(claim: str) -> None:
    """The chart that checks one seed claim, where one exists."""
    if claim == "s1" and compute_fit is not None:
        fig = demand_charts.training_compute(
            models, language, claims=views.claim_lines(claims, "training_compute", compute_fit, language),
            fits=engine.fit_lines(compute_fit, tr("demand.fit_compute"), views.ACCENT, ("epoch-notable-models",),
                                  "FLOP", language), events=events)
    elif claim == "s2" and parameter_fit is not None:
        fig = demand_charts.parameters(
            models, language, claims=views.claim_lines(claims, "parameters", parameter_fit, language),
            fits=engine.fit_lines(parameter_fit, tr("demand.fit_parameters"), views.ACCENT,
                                  ("epoch-notable-models",), "parameters", language))
    elif claim == "s7":
        fig = supply_charts.market_share(data.read("market_share"), language)
    elif claim == "s10":
        fig = supply_charts.foundry_capacity(data.read("foundry_capacity"), language)
    elif claim == "s11":
        fig = forecast_charts.claims_check(views.claims_check_rows(claims, language), language)
    else:
        return
    views.chart(fig, f"claims-{claim}", language)


numbers = views.claim_numbers(compute_fit, parameter_fit)
for claim in SEED_CLAIMS:
    verdict = tr(f"claims.{claim}.verdict_kind")
    with st.expander(f"{claim.upper()} · {tr(f'claims.{claim}.short')}", icon=VERDICT_ICONS.get(verdict)):
        english, chinese = st.columns(2)
        english.markdown(f"**{tr('claims.claim_en')}**  \n{tr(f'claims.{claim}.claim')}")
        chinese.markdown(f"**{tr('claims.claim_zh')}**  \n{tr(f'claims.{claim}.original')}")
        st.markdown(f"**{tr('claims.data_says')}** {tr(f'claims.{claim}.data', **numbers)}")
        st.markdown(f"**{tr('claims.verdict')}** {tr(f'claims.verdict_{verdict}')} — {tr(f'claims.{claim}.verdict')}")
        claim_chart(claim)

st.header(tr("claims.growth_heading"))
st.write(tr("claims.growth_intro"))
views.chart(forecast_charts.claims_check(views.claims_check_rows(claims, language), language), "claims-check",
            language)

st.header(tr("claims.backtest_heading"))
st.write(tr("claims.backtest_intro"))
backtest.section(tr, language)
