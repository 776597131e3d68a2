"""Claims: each claim of the 2023 seed article checked against the data (original Chinese beside the
English, what the data says, a verdict, its chart), the published growth claims against our fits, and
the backtest."""

from __future__ import annotations

import streamlit as st

from ui import backtest, frame, lang, state, views
from ui.registry_figures import registry_figure, registry_fit

SEED_CLAIMS = tuple(f"s{n}" for n in range(1, 16))
VERDICT_ICONS = {"supported": ":material/check_circle:", "partly": ":material/change_circle:",
                 "refuted": ":material/cancel:", "unverified": ":material/help:"}
# The registry chart that checks a seed claim, at its default options: the figure `python -m charts export`
# writes for that id (s11's is the growth-claims chart shown again below the claims).
CLAIM_CHARTS = {"s1": "demand-compute", "s2": "demand-parameters", "s7": "supply-market-share",
                "s10": "supply-capacity", "s11": "claims-check"}

tr = frame.page_start()
language = lang.current_language()
scenario = state.scenario()
st.title(tr("claims.title"))
st.write(tr("claims.intro"))

compute_fit = registry_fit("demand-compute")  # the trends the s1 and s2 charts draw
parameter_fit = registry_fit("demand-parameters")


def claim_chart(claim: str) -> None:
    """The chart that checks one seed claim, where one exists."""
    missing_fit = (claim == "s1" and compute_fit is None) or (claim == "s2" and parameter_fit is None)
    if claim in CLAIM_CHARTS and not missing_fit:
        views.chart(registry_figure(CLAIM_CHARTS[claim], language, scenario), f"claims-{claim}", language)


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
views.chart(registry_figure("claims-check", language, scenario), "claims-check", language)

st.header(tr("claims.backtest_heading"))
st.write(tr("claims.backtest_intro"))
backtest.section(tr, language, scenario)
