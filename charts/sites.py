"""Where the compute is: the largest AI sites over time (clusters table) and who owns the chips shipped
(mart_chip_owner_groups)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts.common import (
    Line,
    add_events,
    add_line,
    confidence_label,
    decimal_year,
    empty_figure,
    finish,
    sources_of,
)
from charts.supply import supply_events
from charts.theme import ACCENT, CONTEXT_GREY, colour_for, format_sci, log_axis, new_figure, year_axis
from i18n import t

OWNER_GROUPS = ("hyperscaler", "other", "china")
OWNER_COLOURS = {"hyperscaler": ACCENT, "other": colour_for(2), "china": colour_for(3)}


def largest_operational(clusters: pd.DataFrame) -> pd.DataFrame:
    """The running record of operational sites: each row whose H100e beats every earlier operational row
    (date, h100e, name), oldest first. The largest operational site at a date t is the last record on or before t."""
    rows = clusters[(clusters["status"] == "operational")].dropna(subset=["h100e", "date"]).copy()
    rows["date"] = pd.to_datetime(rows["date"])
    rows = rows.sort_values(["date", "h100e"], ascending=[True, False], kind="stable")
    earlier_best = rows["h100e"].cummax().shift(fill_value=0.0)
    return rows[rows["h100e"] > earlier_best].reset_index(drop=True)


def _site_trace(rows: pd.DataFrame, lang: str, name: str, colour: str, planned: bool) -> go.Scatter:
    power = [f"{v:,.0f} MW" if v == v else "–" for v in rows["power_mw"]]
    custom = np.column_stack([rows["name"].astype(str), rows["owner"].fillna("–").astype(str),
                              rows["country"].fillna("–").astype(str), [format_sci(v) for v in rows["h100e"]], power,
                              [confidence_label(c, lang) for c in rows["confidence"]],
                              rows["source_id"].astype(str), pd.to_datetime(rows["date"]).dt.strftime("%Y-%m-%d")])
    return go.Scatter(
        x=decimal_year(rows["date"]).tolist(), y=rows["h100e"].astype(float).tolist(), mode="markers", name=name,
        marker=dict(size=10 if planned else 9, color=colour, symbol="circle-open" if planned else "circle",
                    line=dict(width=2, color=colour)),
        customdata=custom, meta={"sources": sources_of(rows), "unit": "H100e"},
        hovertemplate=(f"<b>%{{customdata[0]}}</b> (%{{customdata[7]}})<br>%{{customdata[1]}} · %{{customdata[2]}}<br>"
                       f"%{{customdata[3]}} H100e · %{{customdata[4]}}<br>{t('charts.hover.confidence', lang)}: "
                       f"%{{customdata[5]}}<br>{t('charts.hover.source', lang)}: %{{customdata[6]}}<extra></extra>"),
    )


def largest_sites(clusters: pd.DataFrame, lang: str = "en", events: pd.DataFrame | None = None) -> go.Figure:
    """Every site at each dated size (log H100e): operational filled, planned open, and the running record of
    the largest operational site as a step line."""
    rows = clusters.dropna(subset=["h100e", "date"]) if not clusters.empty else clusters
    if rows.empty:
        return empty_figure(lang, "supply-sites")
    fig = new_figure()
    operational, planned = rows[rows["status"] == "operational"], rows[rows["status"] == "planned"]
    record = largest_operational(rows)
    if not record.empty:
        x = decimal_year(record["date"]).tolist()
        end = max(x[-1], float(decimal_year(operational["date"]).max()))
        add_line(fig, Line(label=t("charts.sites.record", lang), x=[*x, end], y=[*record["h100e"], record["h100e"].iloc[-1]],
                           colour=ACCENT, width=2.5, unit="H100e", sources=tuple(sources_of(record))), lang=lang)
        fig.data[-1].line.shape = "hv"
    fig.add_trace(_site_trace(operational, lang, t("charts.sites.operational", lang), ACCENT, planned=False))
    if not planned.empty:
        fig.add_trace(_site_trace(planned, lang, t("charts.sites.planned", lang), CONTEXT_GREY, planned=True))
    years = decimal_year(rows["date"])
    add_events(fig, supply_events(events), lang, (float(years.min()), float(years.max())))
    log_axis(fig, t("charts.sites.axis", lang), rows["h100e"])
    year_axis(fig, t("charts.axis.year", lang))
    fig.update_layout(showlegend=True, legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom"))
    latest = record.iloc[-1] if not record.empty else None
    title = (t("charts.sites.title", lang, name=latest["name"], h100e=format_sci(latest["h100e"]))
             if latest is not None else t("charts.sites.title_none", lang))
    return finish(fig, chart_id="supply-sites", sources=sources_of(rows), units={"x": "year", "y": "H100e"},
                  title=title, subtitle=t("charts.sites.subtitle", lang))


def owners(groups: pd.DataFrame, lang: str = "en") -> go.Figure:
    """H100e bought per quarter by owner group (hyperscalers, China, others) with 5–95% bands, and the
    shipped total of the same vendors as a grey line (Epoch's owner model attributes 85–100% of it)."""
    if groups.empty:
        return empty_figure(lang, "supply-owners")
    frame = groups.copy()
    frame["_x"] = frame["decimal_year"].astype(float) + 0.125  # the middle of the quarter
    fig = new_figure()
    for group in OWNER_GROUPS:
        part = frame[frame["owner_group"] == group].sort_values("_x")
        if part.empty:
            continue
        add_line(fig, Line(label=t(f"charts.owners.group_{group}", lang), x=part["_x"].tolist(),
                           y=part["h100e_median"].astype(float).tolist(), low=part["h100e_p5"].astype(float).tolist(),
                           high=part["h100e_p95"].astype(float).tolist(), colour=OWNER_COLOURS[group], unit="H100e",
                           band_label=t("charts.band.p5_p95", lang), sources=("epoch-chip-owners",)), lang=lang)
    total = frame.drop_duplicates("period_start").sort_values("_x").dropna(subset=["shipped_median"])
    if not total.empty:
        add_line(fig, Line(label=t("charts.owners.total", lang), x=total["_x"].tolist(),
                           y=total["shipped_median"].astype(float).tolist(), colour=CONTEXT_GREY, dashed=True,
                           unit="H100e", sources=("epoch-chip-sales",)), lang=lang)
    year_axis(fig, t("charts.axis.year", lang))
    fig.update_layout(yaxis=dict(title=dict(text=t("charts.owners.axis", lang)), rangemode="tozero"))
    share = (frame.groupby("owner_group")["h100e_median"].sum() / frame["h100e_median"].sum()).to_dict()
    return finish(fig, chart_id="supply-owners", sources=["epoch-chip-owners", "epoch-chip-sales"],
                  units={"x": "year", "y": "H100e per quarter"},
                  title=t("charts.owners.title", lang, hyperscaler=round(100 * share.get("hyperscaler", 0)),
                          china=f"{100 * share.get('china', 0):.0f}"),
                  subtitle=t("charts.owners.subtitle", lang))
