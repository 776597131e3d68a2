"""The calibration section (ui.allocation) that the Forecast page can draw: the share chart, the binding
link and the supply-trend note, in both languages, without an exception or a missing catalogue key."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.helpers import missing_keys


def _script(lang: str) -> None:
    from models.scenario import Scenario
    from ui import allocation, state

    allocation.section(Scenario(), state.tr_for(lang), lang)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_calibration_section_draws_both_charts_and_the_trend_note(app_db, monkeypatch, lang):
    monkeypatch.setenv("COMPUTE_CEILING_DB", str(app_db))
    at = AppTest.from_function(_script, args=(lang,), default_timeout=60).run()
    assert not at.exception
    charts = [el for el in at.get("plotly_chart")]
    assert len(charts) == 2
    assert "allocation-share" in charts[0].proto.spec and "binding-link" in charts[1].proto.spec
    captions = " ".join(c.value for c in at.caption)
    assert "NVIDIA" in captions and "2022" in captions
    assert missing_keys(at) == []
