"""One chart reads each table of the database once: the engine's inputs and the figure share the context's
reads (a fresh CLI process paid two reads of the shipments view, ~50 ms each, and of the models)."""

from __future__ import annotations

from collections import Counter

import pytest

from charts.registry import ChartContext, build
from etl.read import Store
from models.scenario import Scenario
from tests.charts.test_cli_imports import real_db  # noqa: F401  (a fixture)


class CountingStore:
    """A Store that counts the named queries run through it."""

    def __init__(self, store: Store):
        self._store, self.reads = store, Counter()

    def __getattr__(self, name):
        query = getattr(self._store, name)
        if not callable(query):
            return query

        def counted(*args, **kwargs):
            self.reads[name] += 1
            return query(*args, **kwargs)

        return counted


@pytest.mark.parametrize("chart_id", ["forecast", "constraints", "allocation-share"])
def test_a_chart_reads_each_table_once(real_db, chart_id):  # noqa: F811
    store = CountingStore(Store(real_db))
    build(chart_id, ChartContext(store=store, scenario=Scenario()))
    tables = {name: n for name, n in store.reads.items() if name not in ("table_names",)}
    assert tables["models"] == 1 and tables["shipments_annual"] == 1
    assert {name: n for name, n in tables.items() if n > 1} == {}
