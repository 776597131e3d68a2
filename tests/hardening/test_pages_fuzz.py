"""Garbage URL parameters at every page through AppTest: no exception element, a visible warning
naming each refused parameter, and no NaN or infinity in any chart the page draws."""

from __future__ import annotations

import os
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from streamlit.testing.v1 import AppTest

from models.scenario import Scenario
from tests.hardening.conftest import APP
from tests.hardening.garbage import non_finite_in_json, url_params
from tests.pages.helpers import as_read

PAGES = ("overview", "demand", "supply", "forecast", "serving", "claims", "data", "methods")
# Each example is a full AppTest run (0.3-2 s); `make test` keeps CI short, FUZZ_EXAMPLES=25 digs deeper.
PER_PAGE = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "6")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def open_link(params: dict) -> AppTest:
    """The app opened with `params` in the URL: its first run (app.py, frame, default page)."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    return at


def exceptions(at: AppTest) -> list[str]:
    return [f"{e.message}\n{''.join(e.stack_trace)}"[:2000] for e in at.exception]


def chart_problems(at: AppTest) -> list[str]:
    problems = []
    for index, chart in enumerate(at.get("plotly_chart")):
        problems += [f"chart {index}: {where}" for where in non_finite_in_json(chart.proto.spec)]
    return problems


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES)
def test_any_link_to_any_page_is_handled(served_db, page):
    @PER_PAGE
    @given(url_params(max_keys=6))
    def check(params):
        scenario_params = {k: v for k, v in params.items() if k != "lang"}
        _, expected = Scenario.from_params(scenario_params)

        at = open_link(params)
        assert exceptions(at) == []
        shown = "".join(as_read(" ".join(w.value for w in at.warning)).split())
        for warning in expected:  # every refused parameter is named (an excerpt, white space folded)
            named = "".join(ch for ch in warning.field if not ch.isspace()  # as shown: controls dropped
                            and unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp"))[:30]
            assert named in shown, (warning.field, shown)
        assert chart_problems(at) == []

        if page != "overview":
            at.switch_page(f"app_pages/{page}.py").run()
            assert exceptions(at) == []
            assert chart_problems(at) == []
        if page == "forecast":  # its widgets are bound to the URL: a rerun reads them back
            at.run()
            assert exceptions(at) == []
            assert chart_problems(at) == []

    check()
