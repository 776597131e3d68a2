"""Supply figures: market share by definition, foundry and packaging capacity, shipments, installed stock,
hardware performance and price-performance, the binding link of the chain."""

from __future__ import annotations

from collections.abc import Sequence

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
from charts.onepass import FigureDict
from charts.theme import ACCENT, colour_for, format_sci, log_axis, new_figure, year_axis
from i18n import t

ACCENT_VENDOR = "NVIDIA"  # the vendor whose share the charts are about
SUPPLY_EVENT_KINDS = ("launch", "policy", "export_control")  # chip launches and export rules bear on supply; model releases do not


def supply_events(events: pd.DataFrame | None) -> pd.DataFrame | None:
    """The events a supply chart marks: launches and policy."""
    if events is None or events.empty or "kind" not in events:
        return events
    return events[events["kind"].isin(SUPPLY_EVENT_KINDS)]


def _mark_events(fig: go.Figure, events: pd.DataFrame | None, lang: str, lines: Sequence[Line]) -> None:
    """Event ticks along the bottom over the years the lines cover, named in the legend (the lines carry
    direct labels, so "Events" is the only legend entry)."""
    xs = [float(x) for line in lines for x in line.x if x is not None and np.isfinite(float(x))]
    if not xs:
        return
    before = len(fig.data)
    add_events(fig, supply_events(events), lang, (min(xs), max(xs)))
    if len(fig.data) > before:
        fig.update_layout(showlegend=True)


def _year_column(frame: pd.DataFrame) -> pd.Series:
    """Decimal years: `year` if present, else the middle of period_start..period_end."""
    if "year" in frame:
        return frame["year"].astype(float)
    start, end = decimal_year(frame["period_start"]), decimal_year(frame["period_end"])
    return (start + end) / 2


def market_share(frame: pd.DataFrame, lang: str = "en", year: int | None = None) -> go.Figure:
    """Each vendor's share under each market definition, for one year (the latest by default)."""
    if frame.empty:
        return empty_figure(lang, "supply-market-share")
    year = int(year if year is not None else frame["year"].max())
    rows = frame[frame["year"] == year]
    if rows.empty:
        return empty_figure(lang, "supply-market-share")
    markets = list(dict.fromkeys(rows["market"]))
    labels = {m: t(f"charts.market.{m}", lang) for m in markets}
    vendors = sorted(rows["vendor"].unique(), key=lambda v: (v != ACCENT_VENDOR, v))
    fig = new_figure()
    for index, vendor in enumerate(vendors):
        # A vendor absent from a market gets no bar (not a NaN bar, which the browser cannot draw).
        part = rows[rows["vendor"] == vendor].set_index("market").reindex(markets).dropna(subset=["share"])
        fig.add_trace(go.Bar(
            y=[labels[m] for m in part.index], x=(part["share"] * 100).round(1), orientation="h", name=vendor,
            marker_color=ACCENT if vendor == ACCENT_VENDOR else colour_for(index),
            text=[f"{v:.0f}%" if v == v else "" for v in part["share"] * 100], textposition="auto",
            customdata=np.column_stack([part.get("market_definition", pd.Series("", index=part.index)).fillna(""),
                                        [confidence_label(c, lang) for c in part.get("confidence", [None] * len(part))],
                                        part["source_id"].fillna("")]),
            hovertemplate=(f"<b>{vendor}</b> · %{{y}}<br>%{{x:.1f}}%<br>%{{customdata[0]}}<br>"
                           f"{t('charts.hover.confidence', lang)}: %{{customdata[1]}}<br>"
                           f"{t('charts.hover.source', lang)}: %{{customdata[2]}}<extra></extra>"),
            meta={"sources": sources_of(part.reset_index()), "unit": "%"},
        ))
    fig.update_layout(barmode="group", xaxis=dict(title=dict(text=t("charts.axis.share", lang)), range=[0, 100]),
                      yaxis=dict(autorange="reversed"), legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom"))
    return finish(fig, chart_id="supply-market-share", sources=sources_of(rows), units={"x": "%", "y": ""},
                  title=t("charts.supply.share.title", lang, vendor=ACCENT_VENDOR),
                  subtitle=t("charts.supply.share.subtitle", lang, year=year))


def _banded_lines(frame: pd.DataFrame, group: Sequence[str], low: str, mid: str, high: str, unit: str,
                  band_label: str, projection_from: float | None = None) -> list[Line]:
    lines = []
    for index, (key, part) in enumerate(frame.groupby(list(group), sort=True)):
        part = part.assign(_x=_year_column(part)).sort_values("_x")
        label = " ".join(str(k) for k in (key if isinstance(key, tuple) else (key,)))
        has_band = low in part and high in part and part[[low, high]].notna().any().all()
        lines.append(Line(label=label, x=part["_x"].tolist(), y=part[mid].astype(float).tolist(),
                          low=part[low].astype(float).tolist() if has_band else None,
                          high=part[high].astype(float).tolist() if has_band else None,
                          colour=ACCENT if label.startswith(ACCENT_VENDOR) else colour_for(index), unit=unit,
                          sources=tuple(sources_of(part)), band_label=band_label))
    return lines


def foundry_capacity(frame: pd.DataFrame, lang: str = "en", unit: str = "wafers/month",
                     events: pd.DataFrame | None = None) -> go.Figure:
    """Capacity by foundry and node (CoWoS packaging among them), central estimate with low–high band."""
    rows = frame[frame["unit"] == unit] if "unit" in frame else frame
    if rows.empty:
        return empty_figure(lang, "supply-capacity")
    fig = new_figure()
    lines = _banded_lines(rows, ["foundry", "node"], "capacity_low", "capacity_central", "capacity_high",
                          unit, t("charts.band.low_high", lang))
    for line in lines:
        add_line(fig, line, lang=lang)
    _mark_events(fig, events, lang, lines)
    year_axis(fig, t("charts.axis.year", lang))
    fig.update_layout(yaxis=dict(title=dict(text=t("charts.axis.capacity", lang, unit=unit)), rangemode="tozero"))
    return finish(fig, chart_id="supply-capacity", sources=sources_of(rows), units={"x": "year", "y": unit},
                  title=t("charts.supply.capacity.title", lang), subtitle=t("charts.supply.capacity.subtitle", lang,
                                                                            unit=unit))


def shipments(frame: pd.DataFrame, lang: str = "en", group: str = "vendor",
              events: pd.DataFrame | None = None) -> go.Figure:
    """Accelerators shipped per period in H100e, by vendor (vendor totals) or by chip, with 5–95% bands."""
    rows = frame
    if "chip" in frame:
        rows = frame[frame["chip"] == "all"] if group == "vendor" else frame[frame["chip"] != "all"]
    rows = rows.dropna(subset=["h100e_median"])
    if rows.empty:
        return empty_figure(lang, f"supply-shipments-{group}")
    fig = new_figure()
    lines = _banded_lines(rows, [group], "h100e_p5", "h100e_median", "h100e_p95", "H100e",
                          t("charts.band.p5_p95", lang))
    for line in lines:
        add_line(fig, line, lang=lang)
    _mark_events(fig, events, lang, lines)
    year_axis(fig, t("charts.axis.year", lang))
    fig.update_layout(yaxis=dict(title=dict(text=t("charts.axis.h100e_per_period", lang)), rangemode="tozero"))
    return finish(fig, chart_id=f"supply-shipments-{group}", sources=sources_of(rows),
                  units={"x": "year", "y": "H100e"}, title=t(f"charts.supply.shipments.title_{group}", lang),
                  subtitle=t("charts.supply.shipments.subtitle", lang))


def installed_stock(frame: pd.DataFrame, lang: str = "en", projection: Line | None = None,
                    events: pd.DataFrame | None = None) -> go.Figure:
    """Installed stock of AI accelerators in H100e (log axis): history solid, the projection dashed."""
    if frame.empty:
        return empty_figure(lang, "supply-stock")
    # mart_installed_stock names its columns cumulative_h100e_*; the builder also takes them as they are
    frame = frame.rename(columns={f"cumulative_h100e_{k}": f"h100e_{k}" for k in ("p5", "median", "p95")})
    if "vendor" in frame:  # the mart's whole-market row
        frame["vendor"] = frame["vendor"].mask(frame["vendor"].astype(str).str.lower().eq("all"),
                                               t("charts.supply.stock.all", lang))
    group = [c for c in ("vendor",) if c in frame] or None
    if group is None:
        frame["series"] = t("charts.supply.stock.all", lang)
        group = ["series"]
    fig = new_figure()
    lines = _banded_lines(frame, group, "h100e_p5", "h100e_median", "h100e_p95", "H100e",
                          t("charts.band.p5_p95", lang))
    for line in lines:
        add_line(fig, line, lang=lang)
    if projection is not None:
        add_line(fig, projection, lang=lang)
    drawn = [*lines, *([projection] if projection else [])]
    _mark_events(fig, events, lang, drawn)
    values = [v for line in drawn for v in line.y]
    log_axis(fig, t("charts.axis.h100e_stock", lang), values)
    year_axis(fig, t("charts.axis.year", lang))
    return finish(fig, chart_id="supply-stock", sources=sources_of(frame) + list(projection.sources if projection
                                                                                else ()),
                  units={"x": "year", "y": "H100e"}, title=t("charts.supply.stock.title", lang),
                  subtitle=t("charts.supply.stock.subtitle", lang))


HARDWARE_METRICS = {
    "flops": ("bf16_dense_flops", "FLOP/s"),
    "price_performance": ("flops_per_dollar", "FLOP/s per US$"),
}


def hardware(accelerators: pd.DataFrame, lang: str = "en", metric: str = "flops",
             fits: Sequence[Line] = ()) -> go.Figure:
    """Dense BF16 FLOP/s per chip, or FLOP/s per launch dollar, by release date and vendor (log axis)."""
    if metric not in HARDWARE_METRICS:
        raise ValueError(f"unknown hardware metric {metric!r}; expected one of {', '.join(HARDWARE_METRICS)}")
    column, unit = HARDWARE_METRICS[metric]
    rows = accelerators.copy()
    if metric == "price_performance":
        rows[column] = rows["bf16_dense_flops"] / rows["launch_price_usd"]
    rows = rows.dropna(subset=[column, "release_date"]).loc[lambda f: f[column] > 0]
    chart_id = f"supply-hardware-{metric.replace('_', '-')}"
    if rows.empty:
        return empty_figure(lang, chart_id)
    rows["_x"] = decimal_year(rows["release_date"])
    fig = new_figure()
    for index, (vendor, part) in enumerate(rows.groupby("vendor", sort=True)):
        custom = np.column_stack([part["name"].astype(str), [format_sci(v) for v in part[column]],
                                  [confidence_label(c, lang) for c in part.get("confidence", [None] * len(part))],
                                  part["source_id"].astype(str)])
        fig.add_trace(go.Scatter(
            x=part["_x"], y=part[column].astype(float), mode="markers", name=vendor,
            marker=dict(size=9, color=ACCENT if vendor == ACCENT_VENDOR else colour_for(index)),
            customdata=custom, meta={"sources": sources_of(part), "unit": unit},
            hovertemplate=(f"<b>%{{customdata[0]}}</b> ({vendor})<br>{t('charts.hover.value', lang)}: "
                           f"%{{customdata[1]}} {unit}<br>{t('charts.hover.confidence', lang)}: %{{customdata[2]}}"
                           f"<br>{t('charts.hover.source', lang)}: %{{customdata[3]}}<extra></extra>"),
        ))
    for line in fits:
        add_line(fig, line, lang=lang)
    log_axis(fig, t(f"charts.axis.{metric}", lang), list(rows[column]) + [v for f in fits for v in f.y])
    year_axis(fig, t("charts.axis.release_year", lang))
    fig.update_layout(legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom"))
    return finish(fig, chart_id=chart_id, sources=sources_of(rows) + [s for f in fits for s in f.sources],
                  units={"x": "year", "y": unit}, title=t(f"charts.supply.hardware.title_{metric}", lang),
                  subtitle=t(f"charts.supply.hardware.subtitle_{metric}", lang))


def binding_link(frame: pd.DataFrame, lang: str = "en", sources: Sequence[str] = ()) -> go.Figure:
    """Capacity of each link of the chain (chips/year it allows, in H100e) and, per year, the one that binds.

    `frame`: year, link (logic, cowos, hbm, power, ...), capacity_h100e; optional `binding` (bool).
    Without a `binding` column the smallest capacity in a year is the binding link.
    """
    if frame.empty:
        return empty_figure(lang, "supply-binding-link")
    fig = FigureDict()
    _binding_link(fig, frame, lang, sources)
    return fig.figure()


def _binding_link(fig: FigureDict, frame: pd.DataFrame, lang: str = "en", sources: Sequence[str] = ()) -> None:
    """`binding_link` written into `fig` (`frame` not empty)."""
    rows = frame.dropna(subset=["capacity_h100e"]).copy()
    if "binding" not in rows:
        rows["binding"] = rows["capacity_h100e"] == rows.groupby("year")["capacity_h100e"].transform("min")
    for index, (link, part) in enumerate(rows.groupby("link", sort=True)):
        part = part.sort_values("year")
        fig.line(Line(label=t(f"charts.link.{link}", lang), x=part["year"].tolist(),
                      y=part["capacity_h100e"].tolist(), colour=colour_for(index), unit="H100e/year",
                      sources=tuple(sources)), lang=lang)
    binding = rows[rows["binding"].astype(bool)].sort_values("year")
    fig.scatter(
        x=binding["year"], y=binding["capacity_h100e"], mode="markers", name=t("charts.supply.binding.marker", lang),
        marker={"color": ACCENT, "size": 11, "symbol": "diamond", "line": {"color": "white", "width": 1}},
        customdata=[t(f"charts.link.{link}", lang) for link in binding["link"]],
        hovertemplate="%{x}: <b>%{customdata}</b><extra></extra>", meta={"unit": "H100e/year"},
    )
    fig.log_axis(t("charts.axis.h100e_per_year", lang), rows["capacity_h100e"])
    fig.year_axis(t("charts.axis.year", lang))
    fig.update_layout({"legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"}})
    fig.finish(chart_id="supply-binding-link", sources=sources, units={"x": "year", "y": "H100e/year"},
               title=t("charts.supply.binding.title", lang), subtitle=t("charts.supply.binding.subtitle", lang))

