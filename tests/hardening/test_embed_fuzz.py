"""Garbage links to the chart-only view (/embed) through AppTest: any chart id (registered, an alias, or
garbage), any theme, any scenario parameters: no exception element, no NaN or infinity in the chart, and an
unknown chart named in one escaped error box."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from charts.registry import ALIASES, CHARTS
from tests.hardening.conftest import APP
from tests.hardening.garbage import NASTY_TEXT, url_params
from tests.hardening.test_pages_fuzz import chart_problems, exceptions

EXAMPLES = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "6")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
CHART_IDS = st.one_of(st.sampled_from(sorted([*CHARTS, *ALIASES])), st.text(max_size=30), st.sampled_from(NASTY_TEXT))
THEMES = st.one_of(st.sampled_from(["light", "dark", "auto"]), st.text(max_size=10))


def open_embed(params: dict) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.context["url"] = "http://127.0.0.1/embed"
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page("app_pages/embed.py").run()
    return at


@pytest.mark.slow
def test_any_link_to_the_embed_view_is_handled(served_db):
    @EXAMPLES
    @given(url_params(max_keys=4), CHART_IDS, THEMES)
    def check(params, chart, theme):
        at = open_embed({**params, "chart": chart, "theme": theme})
        assert exceptions(at) == []
        assert chart_problems(at) == []
        known = chart in CHARTS or chart in ALIASES
        assert len(at.get("plotly_chart")) == (0 if not known else 2 if theme == "auto" else 1)
        assert len(at.error) == (0 if known else 1)

    check()
