"""Table views for the Data page: filter widgets, the rows they keep, sources of those rows, safe CSV."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from charts import export as chart_export
from etl.guards import escape_csv_frame
from i18n import catalogue
from ui import data

CATEGORY_COLUMNS = ("vendor", "confidence", "market", "kind", "quantity", "node", "foundry", "granularity",
                    "origin", "grade", "chip")
YEAR_COLUMNS = ("year", "period_start", "publication_date", "release_date", "date")


def _year_series(frame: pd.DataFrame) -> tuple[str, pd.Series] | None:
    for column in YEAR_COLUMNS:
        if column in frame:
            values = frame[column]
            years = values.dt.year if pd.api.types.is_datetime64_any_dtype(values) else pd.to_numeric(
                values.astype(str).str[:4], errors="coerce")
            if years.notna().any():
                return column, years
    return None


def filtered(frame: pd.DataFrame, name: str, tr) -> pd.DataFrame:
    """The rows the user's filters keep: text search, category choices and a year range."""
    keep = pd.Series(True, index=frame.index)
    columns = st.columns(3)
    search = columns[0].text_input(tr("data.search"), key=f"data_{name}_search", placeholder=tr("data.search_hint"))
    if search:
        text = frame.astype(str).apply(lambda column: column.str.contains(search, case=False, regex=False))
        keep &= text.any(axis=1)
    labels = column_labels(frame, tr)  # the filters name their columns as the table's headers do
    categories = [c for c in CATEGORY_COLUMNS if c in frame and 1 < frame[c].nunique() <= 40]
    for index, column in enumerate(categories[:2]):
        options = sorted(str(v) for v in frame[column].dropna().unique())
        chosen = columns[1 + index].multiselect(labels.get(column, column), options, key=f"data_{name}_{column}")
        if chosen:
            keep &= frame[column].astype(str).isin(chosen)
    found = _year_series(frame)
    if found is not None:
        column, years = found
        first, last = int(years.min()), int(years.max())
        if first < last:
            label = tr("data.filter.years") if column == "year" else tr("data.years", column=labels.get(column, column))
            low, high = st.slider(label, first, last, (first, last),
                                  key=f"data_{name}_years")
            keep &= years.between(low, high) | years.isna()
    return frame[keep]


def source_credits(frame: pd.DataFrame) -> list[str]:
    """"Organisation, Title (licence)" of every source cited by the rows."""
    if "source_id" not in frame:
        return []
    lookup = data.read("sources")
    ids = [str(s) for s in dict.fromkeys(frame["source_id"].dropna())]
    return [chart_export.source_credit(i, lookup) for i in ids]


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV with spreadsheet formulas neutralised (cells starting = + - @ are prefixed with ')."""
    return escape_csv_frame(frame).to_csv(index=False, lineterminator="\n").encode("utf-8")


def column_labels(frame: pd.DataFrame, tr) -> dict[str, str]:
    """Column headers in the reader's language (st.dataframe column_config); unknown columns keep their name."""
    lang = getattr(tr, "lang", "en")
    known = catalogue(lang)
    return {column: known[f"data.col.{column}"] for column in frame.columns if f"data.col.{column}" in known}


LARGE_NUMBER = 1e6  # from here on a number reads best as 3.14e+23 (FLOP, parameters, H100e, units)


def number_format(values: pd.Series, column: str) -> str | None:
    """A display format for a float column: scientific for large magnitudes, whole numbers where every value
    is whole, two decimals for decimal years, three otherwise; None for other columns (shown as they are)."""
    if not pd.api.types.is_float_dtype(values):
        return None
    finite = pd.to_numeric(values, errors="coerce").dropna()
    finite = finite[finite.abs() != float("inf")]
    if finite.empty:
        return None
    whole = bool((finite == finite.round()).all())
    if column == "year" or column.endswith("_year"):
        return "%d" if whole else "%.2f"
    if finite.abs().max() >= LARGE_NUMBER:
        return "%.3e"
    return "%d" if whole else "%.3f"


def column_config(frame: pd.DataFrame, tr, labels: dict[str, str] | None = None) -> dict:
    """st.dataframe column_config: each column's header in the reader's language (`labels`, else the Data
    page's catalogue) and a readable number format for float columns (raw floats show 3726980000000000.0)."""
    labels = column_labels(frame, tr) if labels is None else labels
    config: dict = {}
    for column in frame.columns:
        label = labels.get(column)
        fmt = number_format(frame[column], str(column))
        if fmt is not None:
            config[column] = st.column_config.NumberColumn(label, format=fmt)
        elif label is not None:
            config[column] = label
    return config

