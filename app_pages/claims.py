"""Claims: each claim of the 2023 seed article checked against the data (original Chinese beside the
English, what the data says, a verdict, its chart), the published growth claims against our fits, and
the backtest."""

from __future__ import annotations

import streamlit as st

from charts import demand as demand_charts
from charts import forecast as forecast_charts
from charts import supply as supply_charts
from ui import backtest, data, engine, frame, lang, state, views

SEED_CLAIMS = tuple(f"s{n}" for n in range(1, 16))
VERDICT_ICONS = {"supported": ":material/check_circle:", "partly": ":material/change_circle:",
                 "refuted": ":material/cancel:", "unverified": ":material/help:"}

tr = frame.page_start()
language = lang.current_language()
st.title(tr("claims.title"))
st.write(tr("claims.intro"))

compute_fit = engine.model_fit("training_compute_flop", "notable", 2010.0)
parameter_fit = engine.model_fit("parameters", "notable", 2010.0)
CHARTED_CLAIMS = ("s1", "s2", "s7", "s10", "s11")


@views.cached_figure
def claim_figure(claim: str, lang: str):
    """The chart that checks one seed claim (built once per language and database)."""
    page_tr = state.tr_for(lang)
    models, claims = data.read("models"), data.read("trend_claims")
    compute_fit = engine.model_fit("training_compute_flop", "notable", 2010.0)
    parameter_fit = engine.model_fit("parameters", "notable", 2010.0)
    if claim == "s1":
        return demand_charts.training_compute(
            models, lang, claims=views.claim_lines(claims, "training_compute", compute_fit, lang),
            fits=engine.fit_lines(compute_fit, page_tr("demand.fit_compute"), views.ACCENT,
                                  ("epoch-notable-models",), "FLOP", lang), events=data.read("events"))
    if claim == "s2":
        return demand_charts.parameters(
            models, lang, claims=views.claim_lines(claims, "parameters", parameter_fit, lang),
            fits=engine.fit_lines(parameter_fit, page_tr("demand.fit_parameters"), views.ACCENT,
                                  ("epoch-notable-models",), "parameters", lang))
    if claim == "s7":
        return supply_charts.market_share(data.read("market_share"), lang)
    if claim == "s10":
        return supply_charts.foundry_capacity(data.read("foundry_capacity"), lang)
    return claims_check_figure(lang)


@views.cached_figure
def claims_check_figure(lang: str):
    return forecast_charts.claims_check(views.claims_check_rows(data.read("trend_claims"), lang), lang)


def claim_chart(claim: str) -> None:
    """The chart that checks one seed claim, where one exists."""
    missing_fit = (claim == "s1" and compute_fit is None) or (claim == "s2" and parameter_fit is None)
    if claim in CHARTED_CLAIMS and not missing_fit:
        views.chart(claim_figure(claim, language), f"claims-{claim}", language)


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
views.chart(claims_check_figure(language), "claims-check", language)

st.header(tr("claims.backtest_heading"))
st.write(tr("claims.backtest_intro"))
backtest.section(tr, language)
