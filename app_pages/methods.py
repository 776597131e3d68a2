"""Methods: the model's equations and definitions, and the full source list with licences."""

from __future__ import annotations

import streamlit as st

from ui import data, frame, lang, release, views

EQUATIONS = (  # (catalogue key of the explanation, LaTeX) — symbols as in DESIGN.md
    ("methods.eq_trend", r"\log_{10} C(t) = a + s\,t,\quad g = 10^{s}\ \text{@per_year@},\quad "
                         r"T_2 = \frac{12 \log_{10} 2}{s}\ \text{@months@}"),
    ("methods.eq_parameters", r"C = 6\,N\,D,\quad D = r\,N \;\Rightarrow\; g_C = g_N^{2}"),
    ("methods.eq_stock", r"S(t) = \int_{t-L}^{t} q(\tau)\,d\tau\quad (\text{H100e})"),
    ("methods.eq_available", r"A(t) = S(t)\times 989\cdot10^{12}\,\tfrac{\text{FLOP}}{\text{s}}"
                             r"\times u \times f \times d \times 86\,400\,\tfrac{\text{s}}{\text{@day@}}"),
    ("methods.eq_ceiling", r"t^{*} = \min\{\,t > t_0 : D(t) > A(t)\,\}"),
    ("methods.eq_dies", r"\text{@good_dies@} = \text{@dies_per_wafer@}(a)\times e^{-a\,D_0}"),
)
DEFINITIONS = ("h100e", "ceiling", "largest_run", "utilisation", "share", "confidence", "monte_carlo",
               "tornado", "backtest")
EQUATION_WORDS = ("per_year", "months", "day", "good_dies", "dies_per_wafer")  # @word@ in the LaTeX, from the catalogue
SOURCE_COLUMNS = ["source_id", "title", "organisation", "year", "licence", "url", "accessed", "grade"]

tr = frame.page_start()
st.title(tr("methods.title"))
st.write(tr("methods.intro"))

st.header(tr("methods.equations"))
for key, latex in EQUATIONS:
    views.markdown(tr(key))
    for word in EQUATION_WORDS:
        latex = latex.replace(f"@{word}@", tr(f"methods.eq_words.{word}"))
    st.latex(latex)

st.header(tr("methods.definitions"))
for name in DEFINITIONS:
    st.markdown(f"**{tr(f'methods.def_{name}.term')}** — {tr(f'methods.def_{name}.text')}")

st.header(tr("methods.sources"))
st.write(tr("methods.sources_intro"))
sources = data.read("sources")
st.dataframe(
    sources[[c for c in SOURCE_COLUMNS if c in sources]], hide_index=True, width="stretch",
    column_config={"url": st.column_config.LinkColumn(tr("methods.col_url")),
                   "title": tr("methods.col_title"), "organisation": tr("methods.col_organisation"),
                   "licence": tr("methods.col_licence"), "year": st.column_config.NumberColumn(
                       tr("methods.col_year"), format="%d"), "grade": tr("methods.col_grade")},
)
st.caption(tr("methods.licence_note"))

st.header(tr("data_release.heading"))
release.data_version_section(tr, lang.current_language())
