"""Small view helpers the pages share: a chart with its caption and export, fit metrics, market definitions,
Markdown that bolds Chinese text. No figure is built or shaped here: charts/registry.py builds every one
(ui/registry_figures.py and ui/figures.py cache them); every number comes from the engine or the database.
"""

from __future__ import annotations

import base64
import math
import re

import numpy as np
import pandas as pd
import streamlit as st
from _plotly_utils.basevalidators import is_homogeneous_array
from _plotly_utils.utils import is_skipped_key, plotlyjsShortTypes, to_typed_array_spec
from plotly.basedatatypes import BaseFigure

from charts import export as chart_export
from ui import data, export, state


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


CHART_BOX = "chartbox_"  # key prefix of the container around each chart: Streamlit gives it the class st-key-<key>


class _Drawn(BaseFigure):
    """A figure as `st.plotly_chart` reads it: its `to_dict()` only (then Plotly's JSON of that dict). Plotly's
    own to_dict deep-copies the whole figure, arrays and template included, on every call (~1.6 ms for the
    Forecast hero); here the dict is made once per figure from new containers around the figure's own values
    (figures are never changed after they are built), and each draw gets new containers around it again,
    which the JSON step may rewrite without touching what is kept: the same JSON, character for character
    (tests/pages/test_chart_spec.py). Never initialised as a BaseFigure: nothing but to_dict is read."""

    def __init__(self, fig):  # the BaseFigure machinery is deliberately not set up
        object.__setattr__(self, "_kept", _kept_dict(fig))

    def to_dict(self) -> dict:
        return _containers_copied(self._kept)


def _kept_dict(fig) -> dict:
    """BaseFigure.to_dict without its deep copy: data and layout with their containers copied, then its base64
    conversion of the arrays (which rewrites those copies only); a figure with frames goes Plotly's own way."""
    kept = fig.__dict__.get(_KEPT_DICT)
    if kept is None:
        if fig.frames:
            kept = fig.to_dict()
        else:
            kept = {"data": _typed_copy(fig._data), "layout": _typed_copy(fig._layout)}
        object.__setattr__(fig, _KEPT_DICT, kept)  # BaseFigure's __setattr__ takes plotly properties only
    return kept


_KEPT_DICT = "_screen_dict"
_PLAIN = (str, int, float, bool, type(None))  # never arrays to Plotly (is_homogeneous_array is False for them)


def _typed_copy(value):
    """`_containers_copied` with Plotly's `convert_to_base64` done on the way: each dict value that Plotly
    counts as an array becomes its typed-array spec (keys it skips left alone, arrays in lists too). A float
    array takes the short way (its bytes in base64, as Plotly's `to_typed_array_spec` encodes them, without
    its narwhals round trip, ~0.1 ms an array); anything else is Plotly's own conversion."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if type(item) in _PLAIN or is_skipped_key(key):
                out[key] = _containers_copied(item)
            elif type(item) is np.ndarray and item.dtype.kind == "f" and item.size \
                    and str(item.dtype) in plotlyjsShortTypes:
                out[key] = _float_spec(item)
            elif isinstance(item, dict | list | tuple) or not is_homogeneous_array(item):
                out[key] = _typed_copy(item)
            else:
                out[key] = to_typed_array_spec(item)
        return out
    if isinstance(value, list):
        return [_typed_copy(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_typed_copy(item) for item in value)
    return value


def _float_spec(array: np.ndarray) -> dict:
    spec = {"dtype": plotlyjsShortTypes[str(array.dtype)],
            "bdata": base64.b64encode(np.ascontiguousarray(array)).decode("ascii")}
    if array.ndim > 1:
        spec["shape"] = str(array.shape)[1:-1]
    return spec


def _containers_copied(value):
    """`value` with every dict and list copied, the values in them (strings, numbers, arrays) shared."""
    if isinstance(value, dict):
        return {key: _containers_copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_containers_copied(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_containers_copied(item) for item in value)
    return value


def chart(fig, chart_id: str, lang: str) -> None:
    """A chart as every page shows it: the figure, a caption naming its sources, the export control."""
    with st.container(key=f"{CHART_BOX}{chart_id}"):  # scrolls sideways on a phone (ui.frame.PHONE_CSS)
        st.plotly_chart(_Drawn(fig), key=f"chart_{chart_id}", theme=None,
                        config=chart_export.plotly_config(chart_export.export_file_name(chart_id)))
    st.caption(sources_caption(fig, state.tr_for(lang)))
    export.export_control(fig, chart_id, lang)


def _number(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}" if value is not None and math.isfinite(value) else "–"


def fit_metrics(fit, tr, count_key: str = "ui.metric.n") -> None:
    """Growth per year, doubling time (with the 90% interval), R² and n of a fit, as metrics; `count_key`
    names what was counted (models by default; accelerators on the hardware charts)."""
    low, high = fit.ci90
    d_low, d_high = fit.doubling_ci90
    cols = st.columns(4)
    cols[0].metric(tr("ui.metric.growth"), tr("ui.value.growth", value=_number(fit.growth_per_year)),
                   help=tr("ui.metric.growth_ci", low=_number(low), high=_number(high)))
    cols[1].metric(tr("ui.metric.doubling"), tr("ui.value.months", value=_number(fit.doubling_months)),
                   help=tr("ui.metric.doubling_ci", low=_number(d_low), high=_number(d_high)))
    cols[2].metric(tr("ui.metric.r2"), _number(fit.r2, 2))
    cols[3].metric(tr(count_key), str(fit.n))


def market_definitions(shares: pd.DataFrame, year: int | None, tr) -> None:
    """What each market means, in plain words, for the shares shown (the seed's 80/90/60% differ by it)."""
    if shares is None or shares.empty or year is None or "market_definition" not in shares:
        return
    rows = shares[shares["year"] == year].drop_duplicates("market")
    with st.expander(tr("supply.definitions")):
        for _, row in rows.iterrows():
            st.markdown(f"**{tr('charts.market.' + str(row['market']))}** — {row['market_definition']}")


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
