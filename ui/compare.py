"""Comparing two scenarios on the Forecast page: pin the current scenario as A, move the controls (the live
scenario is B), and read both side by side: the inputs that differ and the ceiling years.

A is the session's pinned scenario of `ui.state` (`pinned()`, in the URL as `compare=`); the buttons change
it from callbacks, like every other control. Its forecast and Monte Carlo come from `ui.engine`'s caches,
so moving B's sliders does not recompute A.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from i18n import catalogue
from models.headline import headline_year
from models.scenario import FIELDS, PRESETS, Scenario
from ui import engine, state
from ui.controls import label_for, step_format
from ui.notes import year_text

PIN_KEY, REPIN_KEY, UNPIN_KEY = "compare_pin", "compare_repin", "compare_unpin"


def _on_pin() -> None:
    state.pin(state.scenario())


def _on_unpin() -> None:
    state.pin(None)


def pin_controls(tr) -> Scenario | None:
    """"Pin as A" (or, with A pinned, "Pin the current scenario instead" and "Unpin A"); returns A or None."""
    pinned = state.pinned()
    if pinned is None:
        st.button(tr("compare.pin"), key=PIN_KEY, on_click=_on_pin, icon=":material/push_pin:",
                  help=tr("compare.pin_help"))
        return None
    left, right, _rest = st.columns([1, 1, 2])
    left.button(tr("compare.repin"), key=REPIN_KEY, on_click=_on_pin, icon=":material/push_pin:",
                help=tr("compare.pin_help"))
    right.button(tr("compare.unpin"), key=UNPIN_KEY, on_click=_on_unpin, icon=":material/close:")
    return pinned


def _number(spec, value: float) -> str:
    """A field's number as its control shows it (a log field in three significant digits)."""
    if spec.kind == "int":
        return str(int(value))
    if spec.log:
        return f"{value:.3g}"
    if spec.step and spec.step >= 1:
        return f"{value:,.0f}"
    return step_format(spec) % value


def value_text(name: str, value, fitted: dict, tr, lang: str) -> str:
    """One input's value in words: a number, an option's label, on/off, or "follows the data (fit)"."""
    spec = FIELDS[name]
    if value is None:
        fit = fitted.get(name)
        return tr("compare.fitted", value=_number(spec, fit)) if fit is not None else tr("compare.fitted_unknown")
    if spec.kind == "bool":
        return tr("compare.on" if value else "compare.off")
    if spec.kind == "choice":
        return catalogue(lang).get(f"scenario.{name}.options.{value}", str(value))
    return _number(spec, value)


def differences(pinned: Scenario, current: Scenario, tr, lang: str) -> pd.DataFrame:
    """The inputs that differ between A and B, in the controls' order: label (with unit), A value, B value."""
    rows = []
    if pinned.preset != current.preset:
        rows.append((tr("forecast.preset"), tr(PRESETS[pinned.preset].label_key), tr(PRESETS[current.preset].label_key)))
    a_values, b_values = pinned.values(), current.values()
    changed = [name for name in FIELDS if a_values[name] != b_values[name]]
    if changed:
        a_fit, b_fit = engine.fitted_defaults(pinned), engine.fitted_defaults(current)
        rows += [(label_for(FIELDS[name], tr), value_text(name, a_values[name], a_fit, tr, lang),
                  value_text(name, b_values[name], b_fit, tr, lang)) for name in changed]
    return _table(rows, tr)


def _table(rows: list[tuple[str, str, str]], tr) -> pd.DataFrame:
    """Rows (item, A, B) as a frame indexed by item. Built from columns of plain text (object dtype): a frame
    from rows with string inference and `set_index` took ~10x longer, on every move of B."""
    items, a_values, b_values = (list(column) for column in zip(*rows, strict=True)) if rows else ([], [], [])
    return pd.DataFrame({tr("compare.column_a"): a_values, tr("compare.column_b"): b_values},
                        index=pd.Index(items, name=tr("compare.column_item")), dtype=object)


def _decimal_year(value, fc, tr) -> str:
    return year_text(None, fc, tr) if value is None or value != value else f"{value:.1f}"


YEAR_ROWS = ("headline", "p10", "p50", "p90")


def ceiling_column(fc, mc, tr) -> tuple[str, ...]:
    """One scenario's ceiling years as the table shows them: the headline year (the page's metric) and the
    Monte Carlo 10/50/90%, in the order of `YEAR_ROWS`."""
    return (year_text(headline_year(fc, mc), fc, tr),
            *(_decimal_year(getattr(mc, f"p{level}"), fc, tr) for level in (10, 50, 90)))


def years_table(column_a, column_b, tr) -> pd.DataFrame:
    return _table([(tr(f"compare.row_{row}"), a, b) for row, a, b in zip(YEAR_ROWS, column_a, column_b, strict=True)],
                  tr)


def ceiling_years(pinned_result: tuple, current_result: tuple, tr) -> pd.DataFrame:
    """The ceiling years of A and B: the headline year (the page's metric) and the Monte Carlo 10/50/90%."""
    return years_table(ceiling_column(*pinned_result, tr), ceiling_column(*current_result, tr), tr)


@st.cache_resource(max_entries=64, show_spinner=False)
def _ceiling_column(version, key: str, lang: str, _scenario: Scenario) -> tuple[str, ...]:
    """`ceiling_column` of one scenario in one language, kept: A's column is the same on every move of B,
    and each percentile sorts all the Monte Carlo's samples."""
    return ceiling_column(engine.forecast(_scenario), engine.monte_carlo(_scenario), state.tr_for(lang))


@st.cache_resource(max_entries=64, show_spinner=False)
def _tables(version, pinned_key: str, current_key: str, lang: str, _pinned: Scenario, _current: Scenario):
    """(inputs that differ, ceiling years) of a pair, built once per pair and language and shared read-only:
    the Monte Carlo's percentiles sort every sample on each call, and a rerun that saw the pair skips that."""
    tr = state.tr_for(lang)
    columns = [_ceiling_column(version, key, lang, value) for key, value in ((pinned_key, _pinned),
                                                                            (current_key, _current))]
    return differences(_pinned, _current, tr, lang), years_table(*columns, tr)


def comparison(current: Scenario, tr, lang: str) -> None:
    """With A pinned: the inputs that differ and the ceiling years of A and B, side by side."""
    from ui import data

    pinned = state.pinned()
    if pinned is None:
        return
    changed, years = _tables(data.db_version(), repr(pinned), repr(current), lang, pinned, current)
    st.caption(tr("compare.caption"))
    inputs_column, years_column = st.columns(2)
    inputs_column.markdown(f"**{tr('compare.inputs_heading')}**")
    if changed.empty:
        inputs_column.caption(tr("compare.no_difference"))
    else:
        inputs_column.table(changed)
    years_column.markdown(f"**{tr('compare.years_heading')}**")
    years_column.table(years)
