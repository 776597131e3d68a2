"""Plain-language text around the forecast: the ceiling metric, what moved, the engine's notes."""

from __future__ import annotations

import weakref

import streamlit as st

from i18n import catalogue
from models.headline import headline_year
from models.scenario import FIELDS

_LAST_KEY = "ui_last_forecast"


_YEARS_OF: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # Monte Carlo result → its ceiling years


def ceiling_years(fc, mc) -> tuple[int | None, int | None, int | None]:
    """(median, p10, p90) ceiling year: from the Monte Carlo when there is one, else the deterministic year.
    A Monte Carlo's are kept with it (each percentile sorts all its samples, and a rerun asks more than once)."""
    if mc is None:
        return headline_year(fc), None, None
    try:
        kept = _YEARS_OF.get(mc)
    except TypeError:  # not weakly referable: compute
        kept = None
    if kept is None:
        kept = headline_year(fc, mc), _year(getattr(mc, "p10", None)), _year(getattr(mc, "p90", None))
        try:
            _YEARS_OF[mc] = kept
        except TypeError:
            pass
    return kept


def _year(value) -> int | None:
    return None if value is None or value != value else int(value)


def year_text(year: int | None, fc, tr) -> str:
    return str(year) if year is not None else tr("ui.after_horizon", horizon=fc.scenario.horizon)


def ceiling_metric(fc, mc, tr, container=st) -> None:
    """The metric "Ceiling year": the median, with the 10–90% range beneath it."""
    median, low, high = ceiling_years(fc, mc)
    if low is not None or high is not None:
        spread = tr("ui.ceiling_range", low=year_text(low, fc, tr), high=year_text(high, fc, tr))
    else:
        spread = tr("ui.ceiling_deterministic")
    container.metric(tr("ui.ceiling_year"), year_text(median, fc, tr), spread, delta_color="off",
                     delta_arrow="off", help=tr("ui.ceiling_help"))


def _field_label(name: str, tr) -> str:
    return tr(FIELDS[name].label_key) if name in FIELDS else tr("forecast.preset")


def what_moved(scenario, fc, mc, tr) -> None:
    """A short note after a change: which controls moved and what that did to the (headline) ceiling year."""
    previous = st.session_state.get(_LAST_KEY)
    new = ceiling_years(fc, mc)[0]  # the headline year
    st.session_state[_LAST_KEY] = (scenario, new)
    if previous is None or previous[0] == scenario:
        return
    before, after = previous[0].values(), scenario.values()
    changed = [name for name in FIELDS if before[name] != after[name]]
    if previous[0].preset != scenario.preset:
        changed.insert(0, "preset")
    fields = ", ".join(_field_label(name, tr) for name in changed[:4]) or tr("forecast.preset")
    old = previous[1]
    old_text, new_text = year_text(old, fc, tr), year_text(new, fc, tr)
    if old == new:
        st.info(tr("forecast.moved_none", fields=fields, year=new_text), icon=":material/info:")
    else:
        key = "forecast.moved_earlier" if (new or 10**6) < (old or 10**6) else "forecast.moved_later"
        st.info(tr(key, fields=fields, old=old_text, new=new_text), icon=":material/swap_horiz:")


def engine_notes(fc, tr) -> None:
    """The engine's warnings (e.g. parameter-driven growth far above the fitted trend)."""
    for note in fc.notes:
        known = note.key in catalogue(getattr(tr, "lang", "en"))
        st.warning(tr(note.key, **note.params) if known else note.message, icon=":material/warning:")


def share_sentence(scenario, fc, tr) -> str:
    """What share of the world's AI compute the largest run has today (from the data) and what the scenario
    lets it reach (cap, years), within the largest site."""
    from models.forecast import current_record
    from ui import engine

    record = current_record(engine.inputs(), scenario.base_year)
    return tr("engine.calibration.overview", share=fc.resolved.share_today, name=record[2] if record else "–",
              cap=scenario.largest_run_share, years=scenario.share_years_to_cap,
              site=fc.resolved.largest_site_h100e)


def three_sentences(scenario, fc, mc, tornado_result, tr) -> list[str]:
    """What drives the answer, in plain words: demand growth, supply growth, the crossing and its lever."""
    resolved = fc.resolved
    origin = tr(f"overview.origin_{resolved.origin.get('demand_growth', 'set')}")
    median, low, high = ceiling_years(fc, mc)
    _base, bars = tornado_result
    lever = tr(FIELDS[bars[0].field].label_key) if bars else tr("forecast.preset")
    return [
        tr("overview.sentence_demand", growth=resolved.demand_growth, origin=origin),
        tr("overview.sentence_supply", growth=resolved.supply_growth, share=scenario.largest_run_share,
           utilisation=scenario.utilisation, days=scenario.run_length_days),
        share_sentence(scenario, fc, tr),
        tr("overview.sentence_ceiling", year=year_text(median, fc, tr), low=year_text(low, fc, tr),
           high=year_text(high, fc, tr), lever=lever),
    ]
