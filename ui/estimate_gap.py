"""The finding that the newest frontier models come without a compute estimate, as one sentence.

`estimate_gap_sentence` is pure (a DataFrame of `Store.frontier_estimate_gap()` in, text out);
`show_estimate_gap` draws it under a page's charts.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from i18n import t
from ui import data

SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
MAX_NAMED = 4  # models named in the sentence; the rest are counted


def flop_text(value: float) -> str:
    """5e26 -> "5×10²⁶"; 3.8e26 -> "3.8×10²⁶" (plain text, same in every language)."""
    exponent = math.floor(math.log10(value))
    mantissa = round(value / 10**exponent, 1)
    if mantissa >= 10:
        mantissa, exponent = mantissa / 10, exponent + 1
    return f"{mantissa:g}×10{str(exponent).translate(SUPERSCRIPT)}"


def month_text(day, lang: str) -> str:
    day = pd.Timestamp(day)
    month = t("data_release.months", lang).split(",")[day.month - 1]
    return t("data_release.month_year", lang, month=month, year=day.year)


def estimate_gap_sentence(gap: pd.DataFrame, lang: str) -> str | None:
    """"No training-compute estimate above 5×10²⁶ FLOP has been published since July 2025 (Grok 4): the 11
    frontier models released since then have none (GPT-5.5, …)",
    or None when the table holds no estimate at all."""
    if gap is None or gap.empty or pd.isna(gap["largest_flop"].iloc[0]):
        return None
    first = gap.iloc[0]
    missing = gap.dropna(subset=["name"])
    fields = dict(flop=flop_text(float(first["largest_flop"])), since=month_text(first["largest_date"], lang),
                  model=first["largest_name"])
    if missing.empty:
        return t("data_release.gap_none_missing", lang, **fields)
    names = list(missing["name"])[::-1]  # newest first
    shown = t("data_release.list_separator", lang).join(names[:MAX_NAMED])
    if len(names) > MAX_NAMED:
        shown += t("data_release.and_more", lang, n=len(names) - MAX_NAMED)
    return t("data_release.gap_sentence", lang, n=len(names), names=shown, **fields)


def show_estimate_gap(lang: str, container=st) -> None:
    """The sentence as a caption (nothing when the database has no estimate)."""
    sentence = estimate_gap_sentence(data.read("frontier_estimate_gap"), lang)
    if sentence:
        container.caption(sentence)
