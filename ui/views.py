"""Small view helpers the pages share: a chart with its caption and export, fit metrics, claim lines.

These shape data for display (labels, rows); every number comes from the engine or the database.
"""

from __future__ import annotations

import functools
import math
import re

import pandas as pd
import streamlit as st

from charts import export as chart_export
from charts.theme import ACCENT  # noqa: F401  (pages colour their fits with it)
from ui import data, export, state

# Figure builders registered by `cached_figure`, by a name unique across pages (file and function).
_FIGURE_BUILDERS: dict[str, object] = {}


@st.cache_resource(max_entries=256, show_spinner=False)
def _built_figure(version: int, builder: str, args: tuple):
    return _FIGURE_BUILDERS[builder](*args)


def cached_figure(build):
    """Decorator: a page's figure, built once per database version and arguments, then shared read-only
    between reruns and sessions (building a Plotly figure costs tens to hundreds of ms; a cache hit ~0).

    `build` must depend only on its (hashable) arguments and the database: pass the language, never a
    translator or a frame. Nothing mutates a shown figure (export works on a copy)."""
    name = f"{build.__code__.co_filename}:{build.__qualname__}"
    _FIGURE_BUILDERS[name] = build  # pages are re-executed on every rerun: the newest definition wins

    @functools.wraps(build)
    def cached(*args):
        return _built_figure(data.db_version(), name, args)

    return cached


@st.cache_data(max_entries=256, show_spinner=False)
def _sources_caption(version: int, ids: tuple[str, ...], lang: str) -> str:
    tr = state.tr_for(lang)
    if not ids:
        return tr("ui.caption_no_sources")
    lookup = data.read("sources")
    return tr("ui.caption_sources", sources="; ".join(chart_export.source_credit(i, lookup) for i in ids))


def sources_caption(fig, tr) -> str:
    """"Sources: Organisation, Title (licence); …" for the figure's source ids."""
    lang = getattr(tr, "lang", None)
    ids = tuple(chart_export.figure_sources(fig))
    if lang is None:  # a translator without a language: no cache key, compute directly
        if not ids:
            return tr("ui.caption_no_sources")
        lookup = data.read("sources")
        return tr("ui.caption_sources", sources="; ".join(chart_export.source_credit(i, lookup) for i in ids))
    return _sources_caption(data.db_version(), ids, lang)


def chart(fig, chart_id: str, lang: str) -> None:
    """A chart as every page shows it: the figure, a caption naming its sources, the export control."""
    st.plotly_chart(fig, key=f"chart_{chart_id}", theme=None,
                    config=chart_export.plotly_config(chart_export.export_file_name(chart_id)))
    st.caption(sources_caption(fig, state.tr_for(lang)))
    export.export_control(fig, chart_id, lang)


def year_bounds(models: pd.DataFrame) -> tuple[int, int]:
    """First and last publication year in the models table (for window sliders)."""
    years = pd.to_numeric(models.get("year"), errors="coerce").dropna() if "year" in models else pd.Series()
    if years.empty:
        return 2010, 2025
    return int(years.min()), int(years.max())


def _number(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}" if value is not None and math.isfinite(value) else "–"


def fit_metrics(fit, tr) -> None:
    """Growth per year, doubling time (with the 90% interval), R² and n of a fit, as metrics."""
    low, high = fit.ci90
    d_low, d_high = fit.doubling_ci90
    cols = st.columns(4)
    cols[0].metric(tr("ui.metric.growth"), tr("ui.value.growth", value=_number(fit.growth_per_year)),
                   help=tr("ui.metric.growth_ci", low=_number(low), high=_number(high)))
    cols[1].metric(tr("ui.metric.doubling"), tr("ui.value.months", value=_number(fit.doubling_months)),
                   help=tr("ui.metric.doubling_ci", low=_number(d_low), high=_number(d_high)))
    cols[2].metric(tr("ui.metric.r2"), _number(fit.r2, 2))
    cols[3].metric(tr("ui.metric.n"), str(fit.n))


def claim_label(claim: pd.Series, lang: str) -> str:
    zh = claim.get("label_zh")
    return str(zh) if lang == "zh" and isinstance(zh, str) and zh else str(claim.get("label", ""))


def claims_for(claims: pd.DataFrame, quantity: str) -> pd.DataFrame:
    if claims is None or claims.empty or "quantity" not in claims:
        return pd.DataFrame()
    return claims[claims["quantity"] == quantity]


def claim_lines(claims: pd.DataFrame, quantity: str, fit, lang: str) -> list:
    """The published claims of one quantity, drawn from the fit's value at each claim's start year."""
    from charts.demand import CLAIM_COLOURS, claim_line

    lines = []
    for index, (_, claim) in enumerate(claims_for(claims, quantity).iterrows()):
        start = claim.get("period_start")
        anchor = float(start) if pd.notna(start) else fit.start
        end = claim.get("period_end")
        end_year = max(float(end) if pd.notna(end) else fit.end, anchor + 1)
        lines.append(claim_line(claim, anchor_year=anchor, anchor_value=float(fit.predict([anchor])[0]),
                                end_year=end_year, lang=lang, colour=CLAIM_COLOURS[index % len(CLAIM_COLOURS)],
                                unit="FLOP" if quantity == "training_compute" else quantity))
    return lines


def doubling_rows(fits: list[tuple[str, object]], claims: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Rows for the doubling-time chart: our fits (with their interval) and every published claim."""
    rows = []
    for label, fit in fits:
        if fit is None or not math.isfinite(fit.doubling_months):
            continue
        low, high = fit.doubling_ci90
        rows.append({"label": label, "doubling_months": fit.doubling_months, "low": low, "high": high,
                     "kind": "fit", "source_id": "epoch-notable-models"})
    for _, claim in claims_for(claims, "training_compute").iterrows():
        months = claim.get("doubling_months")
        if pd.notna(months):
            rows.append({"label": claim_label(claim, lang), "doubling_months": float(months),
                         "low": float(months), "high": float(months), "kind": "claim",
                         "source_id": claim.get("source_id")})
    return pd.DataFrame(rows)


def sorted_years(frame: pd.DataFrame) -> list[int]:
    if frame is None or frame.empty or "year" not in frame:
        return []
    return sorted(int(y) for y in pd.to_numeric(frame["year"], errors="coerce").dropna().unique())


def unique_values(frame: pd.DataFrame, column: str) -> list[str]:
    if frame is None or frame.empty or column not in frame:
        return []
    return [str(v) for v in dict.fromkeys(frame[column].dropna())]


def market_definitions(shares: pd.DataFrame, year: int | None, tr) -> None:
    """What each market means, in plain words, for the shares shown (the seed's 80/90/60% differ by it)."""
    if shares is None or shares.empty or year is None or "market_definition" not in shares:
        return
    rows = shares[shares["year"] == year].drop_duplicates("market")
    with st.expander(tr("supply.definitions")):
        for _, row in rows.iterrows():
            st.markdown(f"**{tr('charts.market.' + str(row['market']))}** — {row['market_definition']}")


def claims_check_rows(claims: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Each growth claim beside the fit of the same quantity over the same window (notable models)."""
    from ui import engine

    quantities = {"training_compute": "training_compute_flop", "parameters": "parameters"}
    rows = []
    for _, claim in claims.iterrows() if claims is not None else ():
        column = quantities.get(claim.get("quantity"))
        if column is None or pd.isna(claim.get("growth_per_year")):
            continue
        start, end = claim.get("period_start"), claim.get("period_end")
        fit = engine.model_fit(column, "notable", float(start) if pd.notna(start) else None,
                               float(end) + 1 if pd.notna(end) else None)
        if fit is None:
            continue
        low, high = fit.ci90
        rows.append({"label": claim_label(claim, lang), "claimed_growth": float(claim["growth_per_year"]),
                     "data_growth": fit.growth_per_year, "data_low": low if low == low else fit.growth_per_year,
                     "data_high": high if high == high else fit.growth_per_year, "source_id": claim.get("source_id")})
    return pd.DataFrame(rows)



def stock_frame(stock: pd.DataFrame) -> pd.DataFrame:
    """mart_installed_stock in the shape charts.supply.installed_stock reads (cumulative H100e with its band)."""
    renamed = stock.rename(columns={f"cumulative_h100e_{q}": f"h100e_{q}" for q in ("p5", "median", "p95")})
    if "source_id" not in renamed:
        renamed["source_id"] = "epoch-chip-sales"
    return renamed


def claim_numbers(compute_fit, parameter_fit) -> dict[str, str]:
    """The fitted figures the claims' "what the data says" sentences quote, formatted for reading."""
    return {
        "compute_months": _number(compute_fit.doubling_months) if compute_fit else "–",
        "compute_growth": _number(compute_fit.growth_per_year) if compute_fit else "–",
        "param_growth": _number(parameter_fit.growth_per_year) if parameter_fit else "–",
    }


_BOLD_ENDING_IN_CJK_PUNCTUATION = re.compile(r"\*\*([^*]+?)([：。，；])\*\*")


def markdown(text: str, container=st) -> None:
    """st.markdown that also bolds "**需求：**正文": Markdown does not close bold after CJK punctuation
    followed by a letter, so the punctuation is moved out of the bold run."""
    container.markdown(_BOLD_ENDING_IN_CJK_PUNCTUATION.sub(r"**\1**\2", text))
