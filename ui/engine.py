"""Cached calls into the engine (`models/`). Results are shared read-only between sessions.

`st.cache_resource` (not cache_data) because engine results hold large NumPy arrays that would be
pickled and copied on every hit; nothing on a page mutates them. Every cache is bounded and keyed
on the database version, so a rebuild gives fresh results.
"""

from __future__ import annotations

import streamlit as st

from models import trends
from ui import data


@st.cache_resource(max_entries=64, show_spinner=False)
def _model_fit(version: int, quantity: str, population: str, since: float | None, until: float | None,
               breaks: int):
    try:
        return trends.fit_models(data.read("models"), quantity=quantity, population=population, since=since,
                                 until=until, breaks=breaks)
    except trends.TrendError:
        return None


def model_fit(quantity: str, population: str, since: float | None = None, until: float | None = None,
              breaks: int = 0):
    """The trend of one models column over a population and window; None when too few points."""
    return _model_fit(data.db_version(), quantity, population, since, until, breaks)


@st.cache_resource(max_entries=16, show_spinner=False)
def _hardware_fit(version: int, quantity: str):
    try:
        return trends.fit_hardware(data.read("accelerators"), quantity=quantity)
    except (trends.TrendError, KeyError):
        return None


def hardware_fit(quantity: str):
    """Trend of accelerator FLOP/s or price-performance against release date; None when unavailable."""
    return _hardware_fit(data.db_version(), quantity)



def fit_lines(fit, label: str, colour: str, sources: tuple[str, ...], unit: str, lang: str) -> list:
    """The fitted trend as chart Lines with their 90% bands (one per segment of a breakpoint fit)."""
    from charts.forecast import line_from_fit

    pieces = fit.segments or (fit,)
    return [
        line_from_fit(piece, label=label if len(pieces) == 1 else f"{label} ({index + 1})", start=piece.start,
                      end=piece.end, colour=colour, sources=sources, unit=unit, lang=lang)
        for index, piece in enumerate(pieces)
    ]


@st.cache_resource(max_entries=8, show_spinner=False)  # the shared file's, plus sessions with their own uploads
def _inputs(version: int | str):
    from models.inputs import inputs_from_store

    return inputs_from_store(data.store())


def inputs():
    """The engine's inputs, built once per database version by the same builder as every CLI
    (`models.inputs.inputs_from_store`), so the app and `python -m models` compute from the same tables."""
    return _inputs(data.db_version())


def _key(scenario) -> str:
    """A scenario's cache key: its repr names every field and value. Streamlit hashing the dataclass
    itself costs ~0.5 ms a call, and a Forecast rerun makes a dozen such calls."""
    return repr(scenario)


@st.cache_resource(max_entries=256, show_spinner=False)
def _forecast(version: int, key: str, _scenario):
    from models.forecast import forecast as run_forecast

    # the cached resolution: the fitted defaults and the Monte Carlo of this scenario read the same one
    return run_forecast(_scenario, _inputs(version), _resolved(version, key, _scenario))


def forecast(scenario):
    """The deterministic forecast of a scenario (shared, read-only)."""
    return _forecast(data.db_version(), _key(scenario), scenario)


@st.cache_resource(max_entries=128, show_spinner=False)
def _resolved(version: int, key: str, _scenario):
    from models.forecast import resolve

    return resolve(_scenario, _inputs(version))


def _clamp(spec, value):
    return min(max(float(value), spec.min), spec.max)


def fitted_defaults(scenario) -> dict[str, float]:
    """The values the engine uses for the scenario's fitted (None) fields, within each field's range."""
    from models.scenario import FIELDS

    resolved = _resolved(data.db_version(), _key(scenario), scenario)
    values = resolved.fitted_values()
    return {name: _clamp(FIELDS[name], value) for name, value in values.items() if value == value}


def monte_carlo(scenario):
    """The Monte Carlo result of a scenario (its own samples and seed)."""
    return _monte_carlo(data.db_version(), _key(scenario), scenario)


@st.cache_resource(max_entries=32, show_spinner=False)
def _monte_carlo(version: int, key: str, _scenario):
    from models.montecarlo import monte_carlo as run

    return run(_scenario, _inputs(version), resolved=_resolved(version, key, _scenario), memo=_mc_memo())


@st.cache_resource(show_spinner=False)
def _mc_memo():
    """The Monte Carlo's stages of recent runs, shared by every session: a slider move recomputes only the
    stages that read the moved value (models.montecarlo.MonteCarloMemo; the same numbers as the CLI's run
    without one). One per process, not one per database version: a stage that reads the database is keyed
    by the inputs object of its version, so versions never mix, and the memory stays bounded (two results
    a stage, about 7 MB each at 10,000 samples, 160 MB at most) however many uploads are open."""
    from models.montecarlo import MonteCarloMemo

    return MonteCarloMemo()


@st.cache_resource(max_entries=32, show_spinner=False)
def _tornado(version: int, key: str, _scenario):
    from models.montecarlo import tornado as run

    return run(_scenario, _inputs(version), resolved=_resolved(version, key, _scenario))


def tornado(scenario):
    """(base ceiling time, bars with the widest swing first) of the one-at-a-time sensitivity."""
    return _tornado(data.db_version(), _key(scenario), scenario)


@st.cache_resource(max_entries=32, show_spinner=False)
def _backtest(version: int, population: str, since: int, fit_through: int):
    from models.backtest import backtest as run

    try:
        return run(_inputs(version), fit_through, population=population, since=since)
    except trends.TrendError:
        return None


@st.cache_resource(max_entries=16, show_spinner=False)
def _engine_backtest(version: int, key: str, _scenario, as_of: int):
    from models.backtest import engine_backtest as run

    return run(data.store(), as_of, _scenario, seed=_scenario.seed)


def engine_backtest(scenario, as_of: int):
    """The whole engine as of `as_of` on the data published by then (models.backtest.engine_backtest)."""
    return _engine_backtest(data.db_version(), _key(scenario), scenario, int(as_of))


def backtest(population: str, since: int, fit_through: int):
    """Fit on [since, fit_through], project the record forward, compare; None when too few points."""
    return _backtest(data.db_version(), population, since, fit_through)
