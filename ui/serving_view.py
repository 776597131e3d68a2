"""The Serving page's results and figures: the engine (`models.serving`) run once per setting and shared
read-only between reruns and sessions; figures built by the chart registry, so the screen and
`python -m charts export serving-…` match."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from models.serving_scenario import SERVING_FIELDS, SERVING_PRESETS
from ui import data, engine, state, views

SERVING_CHARTS = ("serving-caps", "serving-ceiling", "serving-memory-wall", "serving-flop-per-byte")


@st.cache_resource(max_entries=4, show_spinner=False)
def _database_parts(version) -> tuple:
    """Per database, in one cache lookup (each costs a rerun ~0.3 ms, and every figure built made five): the
    registry's prepared figure pieces (event marks, the caps set), the outlook's Monte Carlo parts, the
    sources memo, the engine's inputs and the accelerators table's FLOP/s, bandwidth and memory trends,
    shared by every serving setting and session over it."""
    from models.serving import OutlookMemo, hardware_trends
    from ui.figures import _sources_memo

    return {}, OutlookMemo(), _sources_memo(version), engine.inputs(), hardware_trends(data.read("accelerators"))


def _context(serving, scenario, lang: str):
    """A registry ChartContext over the cached forecast of the training scenario (its stock curve), the
    database's chip trends and memos."""
    from charts.registry import ChartContext

    version = data.db_version()
    data_memo, outlook_memo, sources_memo, inputs, trends = _database_parts(version)
    fc = engine.forecast(scenario)
    ctx = ChartContext(data.store(), scenario, lang, sources_memo=sources_memo, serving=serving,
                       data_memo=data_memo, outlook_memo=outlook_memo)
    ctx.inputs, ctx.resolved, ctx.forecast = inputs, fc.resolved, fc
    ctx.serving_trends = trends
    ctx.serving_chip = _chip(version, ctx.serving_scenario.chip)
    return ctx


@st.cache_resource(max_entries=32, show_spinner=False)
def _chip(version, name: str):
    """The accelerators row a chip setting names (it depends on the table only)."""
    from models.serving import chip_of

    return chip_of(name, data.read("accelerators"))


@st.cache_resource(max_entries=64, show_spinner=False)
def _results(version: int, serving_key: str, scenario_key: str, _serving, _scenario):
    ctx = _context(_serving, _scenario, "en")
    return ctx.serving_chip, ctx.serving_answer, ctx.serving_outlook


def results(serving, scenario):
    """(chip, answer, outlook) of a serving scenario against the training scenario's installed stock."""
    return _results(data.db_version(), repr(serving), repr(scenario), serving, scenario)


@st.cache_resource(max_entries=128, show_spinner=False)
def _figure(version: int, serving_key: str, scenario_key: str, lang: str, chart_id: str, _serving, _scenario):
    from charts import registry

    ctx = _context(_serving, _scenario, lang)
    ctx.serving_chip, ctx.serving_answer, ctx.serving_outlook = results(_serving, _scenario)
    return registry.build(chart_id, ctx)


def figure(chart_id: str, serving, scenario, lang: str):
    """One serving chart of the registry, cached per setting and language."""
    if chart_id in ("serving-memory-wall", "serving-flop-per-byte"):  # the table alone: one per database
        return _figure(data.db_version(), "", "", lang, chart_id, None, state.scenario())
    return _figure(data.db_version(), repr(serving), repr(scenario), lang, chart_id, serving, scenario)


def uncertainty_rows(serving, lang: str) -> pd.DataFrame:
    """Every setting with its value, unit, how well it is known, its Monte Carlo 80% range and its source."""
    tr, described = state.tr_for(lang), _described_fields(data.db_version(), lang)
    value_column, range_column = tr("serving.table.value"), tr("serving.table.range")
    rows = []
    for name, row in described.items():
        spec, value = SERVING_FIELDS[name], getattr(serving, name)
        spread = ""
        if spec.spread is not None and value is not None and serving.spread_scale > 0:
            scaled = type(spec.spread)(spec.spread.kind, spec.spread.sigma * serving.spread_scale)
            low, high = scaled.range80(value)
            spread = f"{max(low, spec.min):.3g} – {min(high, spec.max):.3g}"
        shown = tr("serving.fitted") if value is None else (value if isinstance(value, str) else f"{value:.4g}")
        rows.append({**row, value_column: shown, range_column: spread})
    columns = ("setting", "value", "unit", "known", "range", "source")
    return pd.DataFrame(rows, columns=[tr(f"serving.table.{c}") for c in columns])


@st.cache_resource(max_entries=8, show_spinner=False)
def _described_fields(version, lang: str) -> dict[str, dict]:
    """Per setting (not the Monte Carlo's own), what does not change with its value: its name, unit, how well
    it is known and its source's credit."""
    from charts.export import source_credit

    tr, sources = state.tr_for(lang), data.read("sources")
    return {name: {tr("serving.table.setting"): tr(spec.label_key),
                   tr("serving.table.unit"): tr(f"serving.unit.{name}") if spec.unit else "",
                   tr("serving.table.known"): tr(f"serving.uncertainty.{spec.uncertainty}"),
                   tr("serving.table.source"): source_credit(spec.source_id, sources)}
            for name, spec in SERVING_FIELDS.items() if spec.group != "uncertainty"}


INPUTS_KEY = "serving_inputs"  # the inputs expander: True while open (its tables are built and sent only then)


def inputs_table(serving, tr, lang: str) -> None:
    """Every setting with its uncertainty and source, and the preset's model row, in an expander closed by
    default whose tables are built only while it is open."""
    expander = st.expander(tr("serving.inputs_heading"), key=INPUTS_KEY, on_change="rerun")
    if not expander.open:
        return
    with expander:
        st.write(tr("serving.inputs_intro"))
        st.dataframe(uncertainty_rows(serving, lang), hide_index=True, width="stretch")
        row = model_row(serving)
        if not row.empty:
            st.caption(tr("serving.model_row"))
            st.dataframe(row, hide_index=True, width="stretch")


WALL_TAB_KEY = "serving_wall_tab"  # the memory-wall tabs: only the open one's chart is built and drawn


def wall_tabs(serving, scenario, tr, lang: str) -> None:
    """FLOP/s against bandwidth, and FLOP per byte, in tabs; a click on a tab reruns and draws its chart."""
    labels = {"serving-memory-wall": tr("serving.tab_wall"), "serving-flop-per-byte": tr("serving.tab_fpb")}
    if st.session_state.get(WALL_TAB_KEY) not in labels.values():
        st.session_state[WALL_TAB_KEY] = labels["serving-memory-wall"]
    tabs = st.tabs(list(labels.values()), key=WALL_TAB_KEY, on_change="rerun")
    for tab, chart_id in zip(tabs, labels, strict=True):
        if tab.open:
            with tab:
                views.chart(figure(chart_id, serving, scenario, lang), chart_id, lang)


def model_row(serving) -> pd.DataFrame:
    """The model_serving row the preset's model figures come from (empty when none)."""
    return _model_row(data.db_version(), serving.preset)


@st.cache_data(max_entries=16, show_spinner=False)
def _model_row(version, preset: str) -> pd.DataFrame:
    name = SERVING_PRESETS[preset].model
    table = data.read("model_serving")
    return table[table["model"] == name] if name else table.iloc[0:0]


def _year(value, horizon: int, tr) -> str:
    return tr("ui.after_horizon", horizon=horizon) if value is None else f"{value:.0f}"


def metrics(serving, chip, answer, outlook, tr) -> None:
    """The answers, live: the sustainable cap, the bound that binds, users supported, the serving ceiling."""
    low, high = outlook.cap_range80()
    cap, bound, users, ceiling = st.columns(4)
    cap.metric(tr("serving.metric.cap"), tr("serving.metric.cap_value", value=f"{answer.messages_per_user_per_3h:.3g}"),
               tr("serving.metric.cap_range", low=f"{low:.3g}", high=f"{high:.3g}"), delta_color="off",
               delta_arrow="off", help=tr("serving.metric.cap_help"))
    limit = tr("serving.metric.no_limit") if answer.max_batch == float("inf") else f"{answer.max_batch:.0f}"
    bound.metric(tr("serving.metric.bound"), tr(f"serving.bound.{answer.bound}"),
                 tr("serving.metric.batch", batch=f"{answer.batch:.0f}", limit=limit), delta_color="off",
                 delta_arrow="off", help=tr("serving.metric.bound_help"))
    users.metric(tr("serving.metric.users"), short_users(answer.users_supported),
                 tr("serving.metric.users_at", per_day=f"{serving.messages_per_user_per_day:g}"), delta_color="off",
                 delta_arrow="off", help=tr("serving.metric.users_help"))
    year = outlook.ceiling_year
    ceiling.metric(tr("serving.metric.ceiling"), _year(year, serving.horizon, tr),
                   tr("serving.metric.ceiling_range", low=_year(outlook.p10, serving.horizon, tr),
                      high=_year(outlook.p90, serving.horizon, tr)),
                   delta_color="off", delta_arrow="off", help=tr("serving.metric.ceiling_help"))
    st.caption(tr("serving.summary", chip=chip.name, chips=f"{serving.chips:,}", replicas=f"{answer.replicas:,}",
                  per_replica=serving.chips_per_replica, tps=f"{answer.tokens_per_second_per_chip:.3g}",
                  per_day=short_users(answer.messages_per_day), needed=short_users(answer.chips_needed),
                  users=short_users(serving.users), demand=f"{serving.messages_per_user_per_day:g}"))
    if not answer.weights_fit:
        st.warning(tr("serving.weights_do_not_fit"), icon=":material/memory:")
    elif answer.batch_capped:
        st.info(tr("serving.batch_capped", limit=f"{answer.max_batch:.0f}"), icon=":material/memory:")


def short_users(value: float) -> str:
    from ui.serving_state import short_number

    return "–" if value != value or value == float("inf") else short_number(value)


def fleet_share_note(serving, chip, scenario, tr) -> str:
    """What share of the training forecast's installed stock the fleet is in its first year (it keeps it)."""
    from models.serving import implied_inference_share, stock_of

    share = implied_inference_share(serving, chip, *stock_of(engine.forecast(scenario)))
    return tr("serving.share_note", year=serving.year, share=f"{share:.2%}" if share < 1 else f"{share:.1f}×")
