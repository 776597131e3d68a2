"""Scenario JSON export and import on the Forecast page: round-trip, and bad files refused with the field named."""

from __future__ import annotations

import json

import pytest

from models.scenario import Scenario
from tests.pages.helpers import as_read, ceiling_metric, open_advanced
from ui.scenario_io import parse_upload


def upload(at, name: str, data: bytes):
    (uploader,) = [u for u in at.get("file_uploader") if u.key == "scenario_upload"]
    uploader.set_value((name, data, "application/json")).run()
    return at


def test_exported_scenario_loads_back_into_every_control(app):
    saved = Scenario.from_preset("epoch-2030", utilisation=0.33, horizon=2055)
    at = upload(open_advanced(app(page="forecast")), "mine.json", saved.to_json().encode())
    assert not at.exception
    assert at.selectbox(key="preset").value == "epoch-2030"
    assert at.slider(key="utilisation").value == pytest.approx(0.33)
    assert at.slider(key="horizon").value == 2055
    assert any("mine.json" in as_read(s.value) for s in at.success)
    assert "utilisation=0.33" in [c.value for c in at.code if "lang=" in c.value][0]


@pytest.mark.parametrize(
    ("content", "field"),
    [
        (json.dumps({"utilisation": 3}), "utilisation"),
        (json.dumps({"warp_drive": 1}), "warp_drive"),
        (json.dumps({"preset": "nope"}), "preset"),
        ("{not json", "json"),
    ],
)
def test_bad_scenario_file_is_refused_naming_the_field_and_changes_nothing(app, content, field):
    at = app(page="forecast")
    before = (ceiling_metric(at), at.slider(key="utilisation").value)
    upload(at, "bad.json", content.encode())
    assert not at.exception
    errors = as_read(" ".join(e.value for e in at.error))
    assert field in errors
    assert (ceiling_metric(at), at.slider(key="utilisation").value) == before


def test_binary_upload_is_refused_before_parsing():
    with pytest.raises(Exception, match="bad.json"):
        parse_upload("bad.json", b"\x89PNG\r\n\x1a\n\x00\x00binary")
