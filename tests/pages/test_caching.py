"""Cached pages still follow their controls: a figure cached for one choice is never shown for another,
and a page's edits to a table it read never reach the next reader."""

from __future__ import annotations

import json

import duckdb

from etl.read import Store
from models.trends import fit_models


def trace_names(chart) -> list[str]:
    return [trace.get("name", "") for trace in json.loads(chart.proto.spec)["data"]]


def fit_trace(at) -> str:
    """The name of the fitted-trend trace of the Demand page's first chart."""
    return next(name for name in trace_names(at.get("plotly_chart")[0]) if name.startswith("Fit:") and "(" not in name)


def test_demand_chart_follows_the_population_and_comes_back_from_the_cache(app):
    at = app(page="demand")
    notable = fit_trace(at)
    assert notable.startswith("Fit: notable models, ")
    at.selectbox(key="demand_population").set_value("frontier").run()
    assert fit_trace(at).startswith("Fit: frontier models, ")
    at.selectbox(key="demand_population").set_value("notable").run()
    assert fit_trace(at) == notable


def test_demand_metrics_follow_the_window(app, app_db):
    at = app(page="demand")
    at.slider(key="demand_window").set_value((2015, 2020)).run()
    fit = fit_models(Store(app_db).models(), population="notable", since=2015.0, until=2021.0)
    growth = [m.value for m in at.metric if m.label == "Growth"][0]  # the compute tab's, first
    assert growth == f"{fit.growth_per_year:.1f}x/year"
    assert [m.value for m in at.metric if m.label == "Models fitted"][0] == str(fit.n)


def test_a_page_editing_a_table_it_read_does_not_change_the_next_read(app_db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("COMPUTE_CEILING_DB", str(app_db))

    def script():
        import streamlit as st

        from ui import data

        first = data.read("sources")
        first.loc[first.index[0], "title"] = "EDITED"
        first["extra"] = 1
        second = data.read("sources")
        st.write("clean" if "extra" not in second and (second["title"] != "EDITED").all() else "leaked")

    at = AppTest.from_function(script).run()
    assert [m.value for m in at.markdown] == ["clean"]


def test_data_page_lists_every_table_with_its_row_count(app, app_db):
    at = app(page="data")
    with duckdb.connect(str(app_db), read_only=True) as con:
        models = con.execute("select count(*) from models").fetchone()[0]
    catalogue = at.dataframe[2].value  # tables tab, build information, then the database's tables
    assert int(catalogue.loc[catalogue["name"] == "models", "rows"].iloc[0]) == models


def test_the_apps_store_answers_like_the_database_itself(app_db, monkeypatch):
    import pandas as pd

    from ui import data

    monkeypatch.setenv("COMPUTE_CEILING_DB", str(app_db))
    cached, direct = data.store(), Store(app_db)
    for query in ("models", "shipments_annual", "sources"):
        pd.testing.assert_frame_equal(getattr(cached, query)(), getattr(direct, query)())
    pd.testing.assert_frame_equal(cached.shipments("year"), direct.shipments("year"))  # arguments: asked anew
    assert cached.table_names() == direct.table_names()
    edited = cached.models()
    edited["training_compute_flop"] = 0.0
    pd.testing.assert_frame_equal(cached.models(), direct.models())  # an edit stays with its reader


def test_a_rerun_with_nothing_changed_builds_no_figure(app, monkeypatch):
    """Demand, Supply and Claims draw the registry's figures from the cache on a rerun: building one there fails."""
    from charts import registry

    def no_building(*_args, **_kwargs):
        raise AssertionError("a figure was built on a rerun with nothing changed")

    for page in ("demand", "supply", "claims"):
        at = app(page=page)
        assert not at.exception
        with monkeypatch.context() as patch:
            patch.setattr(registry, "build", no_building)
            patch.setattr(registry, "fitted", no_building)
            at.run()
        assert not at.exception, (page, at.exception[0].message)
