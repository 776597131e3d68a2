"""What the data charts draw, shaped from the store's tables: fitted trends, claims drawn from them, the rows
of the doubling-time and claims-check charts, the backtest.

These are the only copies of this preparation: the registry's builders call them for the screen and for
`python -m charts export` alike, and a page that quotes a fitted number (growth, doubling time, R², n)
asks the same function with the same arguments, so the number it writes is the one the chart draws.
"""

from __future__ import annotations

import math

import pandas as pd

from charts.common import Line
from charts.demand import CLAIM_COLOURS, claim_line
from charts.forecast import line_from_fit
from charts.theme import ACCENT
from i18n import t

BOOTSTRAP = 400  # resamples behind every 90% interval a chart draws or a page quotes, screen and export alike
DATA_SEED = 0  # the bootstrap seed of the data charts (Demand, Supply); scenario charts use the scenario's
MODEL_SOURCES = ("epoch-notable-models",)
HARDWARE_SOURCES = ("epoch-ml-hardware",)
MODEL_QUANTITIES = {"training_compute_flop": ("FLOP", "training_compute"), "parameters": ("parameters", "parameters")}
CLAIM_QUANTITIES = {"training_compute": "training_compute_flop", "parameters": "parameters"}
HARDWARE_QUANTITIES = {"flops": "bf16_dense_flops", "price_performance": "price_performance"}


def model_years(models: pd.DataFrame) -> tuple[int, int]:
    """First and last publication year in the models table (the window a fit can take); 2010–2025 if empty."""
    years = pd.to_numeric(models["year"], errors="coerce").dropna() if "year" in models else pd.Series(dtype=float)
    if years.empty:
        return 2010, 2025
    return int(math.floor(years.min())), int(math.floor(years.max()))


def models_fit(models: pd.DataFrame, quantity: str, population: str, since: float, until: float, breaks: int = 0,
               seed: int = DATA_SEED):
    """The trend of one models column over a population and the publication years since..until (both
    included), with BOOTSTRAP resamples; None when too few models have a value there."""
    from models.trends import TrendError, fit_models

    try:
        return fit_models(models, quantity=quantity, population=population, since=float(since),
                          until=float(until) + 1, breaks=int(breaks), bootstrap=BOOTSTRAP, seed=seed)
    except TrendError:
        return None


def hardware_fit(accelerators: pd.DataFrame, metric: str, seed: int = DATA_SEED):
    """Trend of accelerator FLOP/s ("flops") or FLOP/s per launch dollar ("price_performance") against
    release date; None when unavailable."""
    from models.trends import TrendError, fit_hardware

    try:
        return fit_hardware(accelerators, quantity=HARDWARE_QUANTITIES[metric], bootstrap=BOOTSTRAP, seed=seed)
    except (TrendError, KeyError):
        return None


def fit_lines(fit, label: str, sources: tuple[str, ...], unit: str, lang: str, colour: str = ACCENT) -> list[Line]:
    """A fitted trend as Lines with their 90% bands (one per segment of a breakpoint fit, numbered)."""
    if fit is None:
        return []
    pieces = fit.segments or (fit,)
    return [
        line_from_fit(piece, label=label if len(pieces) == 1 else f"{label} ({index + 1})", start=piece.start,
                      end=piece.end, colour=colour, sources=sources, unit=unit, lang=lang)
        for index, piece in enumerate(pieces)
    ]


def fit_label(population: str, since: int, until: int, lang: str) -> str:
    return t("charts.figures.fit_label", lang, population=t(f"charts.population.{population}", lang), since=since,
             until=until)


def claim_label(claim, lang: str) -> str:
    zh = claim.get("label_zh")
    return str(zh) if lang == "zh" and isinstance(zh, str) and zh else str(claim.get("label", ""))


def claims_about(claims: pd.DataFrame | None, quantity: str) -> pd.DataFrame:
    """The published claims about one quantity ("training_compute", "parameters")."""
    if claims is None or claims.empty or "quantity" not in claims:
        return pd.DataFrame()
    return claims[claims["quantity"] == quantity]


def claim_lines(claims: pd.DataFrame, quantity: str, fit, lang: str) -> list[Line]:
    """Each claim about `quantity` drawn from the fit's value at the claim's start year (the fit's first
    year when it has none) to its end year; none without a fit."""
    if fit is None:
        return []
    lines = []
    for index, (_, claim) in enumerate(claims_about(claims, quantity).iterrows()):
        start, end = claim.get("period_start"), claim.get("period_end")
        anchor_year = float(start) if pd.notna(start) else fit.start
        end_year = max(float(end) if pd.notna(end) else fit.end, anchor_year + 1)
        anchor = float(fit.predict([anchor_year])[0])
        if not (math.isfinite(anchor) and anchor > 0):
            continue
        lines.append(claim_line(claim, anchor_year=anchor_year, anchor_value=anchor, end_year=end_year, lang=lang,
                                colour=CLAIM_COLOURS[index % len(CLAIM_COLOURS)],
                                unit="FLOP" if quantity == "training_compute" else quantity))
    return lines


def doubling_rows(fits: list[tuple[str, object]], claims: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Rows of the doubling-time chart: the fits (with their 90% interval) and every published claim about
    training compute."""
    rows = []
    for label, fit in fits:
        if fit is None or not math.isfinite(fit.doubling_months):
            continue
        low, high = fit.doubling_ci90
        rows.append({"label": label, "doubling_months": fit.doubling_months, "low": low, "high": high,
                     "kind": "fit", "source_id": MODEL_SOURCES[0]})
    for _, claim in claims_about(claims, "training_compute").iterrows():
        months = claim.get("doubling_months")
        if pd.notna(months):
            rows.append({"label": claim_label(claim, lang), "doubling_months": float(months),
                         "low": float(months), "high": float(months), "kind": "claim",
                         "source_id": claim.get("source_id")})
    return pd.DataFrame(rows)


def claims_check_rows(models: pd.DataFrame, claims: pd.DataFrame, population: str, seed: int,
                      lang: str) -> pd.DataFrame:
    """Each growth claim about training compute or parameters beside the trend fitted on `population` over
    the claim's own years (claims whose years hold too few models are left out)."""
    rows = []
    for claim in claims_about_growth(claims).to_dict("records"):
        fit = models_fit(models, CLAIM_QUANTITIES[claim["quantity"]], population, claim["period_start"],
                         claim["period_end"], seed=seed)
        if fit is None:
            continue
        low, high = fit.ci90
        rows.append(dict(label=claim_label(claim, lang), claimed_growth=float(claim["growth_per_year"]),
                         data_growth=fit.growth_per_year, data_low=low, data_high=high,
                         source_id=claim["source_id"]))
    return pd.DataFrame(rows, columns=["label", "claimed_growth", "data_growth", "data_low", "data_high",
                                       "source_id"])


def claims_about_growth(claims: pd.DataFrame) -> pd.DataFrame:
    if claims is None or claims.empty or "quantity" not in claims:
        return pd.DataFrame(columns=["quantity", "period_start", "period_end", "growth_per_year", "source_id"])
    keep = claims["quantity"].isin(list(CLAIM_QUANTITIES)) & claims["growth_per_year"].notna()
    keep &= claims["period_start"].notna() & claims["period_end"].notna()
    return claims[keep]


def backtest_result(inputs, fit_through: int, population: str, since: int, seed: int):
    """The backtest the Claims page shows and `backtest` exports: fit through `fit_through`, project the record,
    compare; None when too few models."""
    from models.backtest import backtest
    from models.trends import TrendError

    try:
        return backtest(inputs, int(fit_through), population=population, since=int(since), bootstrap=BOOTSTRAP,
                        seed=seed)
    except TrendError:
        return None
