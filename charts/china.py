"""China's AI chip supply as ranges with their definitions (china_supply table), and a vendor's market
share as a trend under each market definition (market_share table and the shipments mart)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts.common import Line, add_line, confidence_label, empty_figure, finish, sources_of
from charts.supply import ACCENT_VENDOR
from charts.theme import ACCENT, CONTEXT_GREY, colour_for, format_sci, new_figure, year_axis
from i18n import t

CHINA_CHARTS = {  # chart id -> metric of the china_supply table
    "supply-china-units": "units_shipped_in_china",
    "supply-china-production": "ascend_production",
    "supply-china-factors": "h100e_per_unit",
    "supply-china-world-share": "china_share_of_world_compute",
}
SEED_SOURCE = "tmtpost-2023-seed"
TRACKED_VENDORS = ("NVIDIA", "Google", "AMD", "AWS")  # the vendors of Epoch's chip-sales rows


def _scaled(values: pd.Series, unit: str) -> pd.Series:
    return values * 100 if unit == "fraction" else values


def _row_label(row: pd.Series) -> str:
    """Year · vendor · who made the estimate (the definition is in the hover: categories stay one line)."""
    organisation = str(row.get("organisation") or row["source_id"]).split(" via ")[0].split(" (")[0]
    return f"{int(row['year'])} · {row['vendor']} · {organisation}"


def china_ranges(frame: pd.DataFrame, lang: str = "en", metric: str = "ascend_production",
                 sources: pd.DataFrame | None = None) -> go.Figure:
    """One row per estimate of `metric`: a bar from low to high where both are given, a dot for the central
    value, a '≤' or '≥' mark for a bound; each estimate keeps its own definition (in the hover)."""
    chart_id = next((cid for cid, m in CHINA_CHARTS.items() if m == metric), f"supply-china-{metric}")
    rows = frame[frame["metric"] == metric].copy() if not frame.empty else frame
    if rows.empty:
        return empty_figure(lang, chart_id)
    if sources is not None and not sources.empty:
        rows = rows.merge(sources[["source_id", "organisation"]], on="source_id", how="left")
    rows = rows.sort_values(["year", "vendor", "source_id"], ascending=[False, True, True]).reset_index(drop=True)
    unit = str(rows["unit"].iloc[0])
    shown_unit = "%" if unit == "fraction" else unit
    low, mid, high = (_scaled(rows[c].astype(float), unit) for c in ("value_low", "value_central", "value_high"))
    labels = [_row_label(r) for _, r in rows.iterrows()]
    fig = new_figure()
    spans = rows.index[low.notna() & high.notna()]
    for i in spans:
        fig.add_trace(go.Scatter(x=[low[i], high[i]], y=[labels[i]] * 2, mode="lines", showlegend=False,
                                 line=dict(color=colour_for(1), width=8), hoverinfo="skip",
                                 meta={"sources": [rows.loc[i, "source_id"]], "unit": shown_unit}))
    value = mid.fillna(high).fillna(low)
    kind = np.where(mid.notna(), "central", np.where(high.notna(), "upper", "lower"))
    symbols = {"central": "circle", "upper": "triangle-left", "lower": "triangle-right"}
    for k in ("central", "upper", "lower"):
        pick = kind == k
        if not pick.any():
            continue
        part = rows[pick]
        custom = np.column_stack([part["definition"].astype(str), [format_sci(v) for v in value[pick]],
                                  [confidence_label(c, lang) for c in part["confidence"]],
                                  part["source_id"].astype(str), part["notes"].fillna("").astype(str)])
        fig.add_trace(go.Scatter(
            x=value[pick].tolist(), y=[labels[i] for i in np.flatnonzero(pick)], mode="markers",
            name=t(f"charts.china.value_{k}", lang),
            marker=dict(size=12, symbol=symbols[k], color=ACCENT if k == "central" else CONTEXT_GREY),
            customdata=custom, meta={"sources": sources_of(part), "unit": shown_unit},
            hovertemplate=(f"<b>%{{y}}</b><br>%{{customdata[0]}}<br>{t(f'charts.china.value_{k}', lang)}: "
                           f"%{{customdata[1]}} {shown_unit}<br>%{{customdata[4]}}<br>"
                           f"{t('charts.hover.confidence', lang)}: %{{customdata[2]}}<br>"
                           f"{t('charts.hover.source', lang)}: %{{customdata[3]}}<extra></extra>"),
        ))
    fig.update_layout(xaxis=dict(title=dict(text=t("charts.china.axis", lang, unit=shown_unit)), rangemode="tozero"),
                      yaxis=dict(autorange="reversed", type="category"), showlegend=True,
                      legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom"))
    return finish(fig, chart_id=chart_id, sources=sources_of(rows), units={"x": shown_unit, "y": ""},
                  title=t(f"charts.china.title_{metric}", lang), subtitle=t(f"charts.china.subtitle_{metric}", lang))


def shipped_share(annual: pd.DataFrame, vendor: str = ACCENT_VENDOR) -> pd.DataFrame:
    """The vendor's share of the H100e shipped each full year by the vendors of Epoch's chip-sales rows
    (year, share, vendors): a market definition of its own, computed here from the shipments mart."""
    rows = annual[annual["vendor"].isin(TRACKED_VENDORS) & annual["basis"].eq("quarters")].dropna(subset=["h100e_median"])
    if rows.empty:
        return pd.DataFrame(columns=["year", "share", "vendors"])
    counted = rows.groupby("year")["vendor"].transform("nunique")
    rows = rows[counted >= 2]  # a year with one vendor's full quarters only would read as 100%
    if rows.empty:
        return pd.DataFrame(columns=["year", "share", "vendors"])
    totals = rows.groupby("year")["h100e_median"].sum()
    own = rows[rows["vendor"] == vendor].set_index("year")["h100e_median"]
    vendors = rows.groupby("year")["vendor"].apply(lambda v: ", ".join(sorted(v)))
    out = pd.DataFrame({"share": own / totals, "vendors": vendors}).dropna(subset=["share"]).reset_index()
    return out.rename(columns={"index": "year"})


def share_trend(shares: pd.DataFrame, annual: pd.DataFrame | None = None, lang: str = "en",
                vendor: str = ACCENT_VENDOR) -> go.Figure:
    """The vendor's share year by year, one line per market definition; the seed article's figures are drawn
    as stars on the series they belong to, and the share of H100e shipped comes from the shipments mart."""
    rows = shares[shares["vendor"] == vendor] if not shares.empty else shares
    derived = shipped_share(annual, vendor) if annual is not None and not annual.empty else pd.DataFrame()
    if rows.empty and derived.empty:
        return empty_figure(lang, "supply-share-trend")
    fig = new_figure()
    for index, (market, part) in enumerate(rows.groupby("market", sort=True)):
        part = part.sort_values("year")
        colour = colour_for(index + 1)
        label = t(f"charts.market.{market}", lang)
        fig.add_trace(go.Scatter(
            x=part["year"].astype(float).tolist(), y=(part["share"] * 100).round(1).tolist(), mode="lines+markers",
            name=label, line=dict(color=colour, width=2), marker=dict(size=9, color=colour),
            customdata=np.column_stack([part["market_definition"].fillna("").astype(str),
                                        [confidence_label(c, lang) for c in part["confidence"]],
                                        part["source_id"].astype(str)]),
            meta={"sources": sources_of(part), "unit": "%"},
            hovertemplate=(f"<b>{label}</b> %{{x}}: %{{y:.0f}}%<br>%{{customdata[0]}}<br>"
                           f"{t('charts.hover.confidence', lang)}: %{{customdata[1]}}<br>"
                           f"{t('charts.hover.source', lang)}: %{{customdata[2]}}<extra></extra>"),
        ))
        seed = part[part["source_id"] == SEED_SOURCE]
        if not seed.empty:
            fig.add_trace(go.Scatter(
                x=seed["year"].astype(float).tolist(), y=(seed["share"] * 100).tolist(), mode="markers+text",
                name=t("charts.share_trend.seed", lang), showlegend=False,
                marker=dict(symbol="star", size=16, color=colour, line=dict(color="white", width=1)),
                text=[t("charts.share_trend.seed_label", lang, share=f"{v * 100:.0f}") for v in seed["share"]],
                textposition="middle right", hoverinfo="skip", meta={"sources": [SEED_SOURCE], "unit": "%"},
            ))
    if not derived.empty:
        add_line(fig, Line(label=t("charts.share_trend.shipped", lang), x=derived["year"].astype(float).tolist(),
                           y=(derived["share"] * 100).tolist(), colour=ACCENT, width=3, unit="%",
                           sources=("epoch-chip-sales",),
                           note=t("charts.share_trend.shipped_note", lang)), lang=lang)
    year_axis(fig, t("charts.axis.year", lang))
    fig.update_layout(yaxis=dict(title=dict(text=t("charts.axis.share", lang)), range=[0, 105]), showlegend=True,
                      legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom"))
    sources = sources_of(rows) + (["epoch-chip-sales"] if not derived.empty else [])
    return finish(fig, chart_id="supply-share-trend", sources=sources, units={"x": "year", "y": "%"},
                  title=t("charts.share_trend.title", lang, vendor=vendor),
                  subtitle=t("charts.share_trend.subtitle", lang))
