"""A link's pinned scenario A (`compare=`): written as one encoded query string, read by the same lenient
parser as the link's own scenario, never mistaken for a scenario field."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from models.scenario import (
    MAX_COMPARE_CHARS,
    Scenario,
    compare_from_link,
    compare_value,
    scenario_from_link,
    share_link,
)

A = Scenario.from_preset("high", demand_growth=4.0)
B = Scenario(utilisation=0.5)


def test_a_is_written_as_its_preset_and_the_fields_that_differ_from_it():
    assert compare_value(A) == "preset=high&demand_growth=4.0"
    assert compare_value(Scenario()) == "preset=data-trend"  # never empty, even for the default scenario


def test_a_share_link_carries_both_scenarios_and_reads_back_to_each():
    link = share_link(B, "en", "https://ceiling.example.org/", compare=A)
    query = dict(parse_qsl(urlsplit(link).query))
    assert query == {"utilisation": "0.5", "compare": "preset=high&demand_growth=4.0", "lang": "en"}
    assert "compare=preset%3Dhigh%26demand_growth%3D4.0" in link  # one parameter, encoded once more
    assert scenario_from_link(link) == (B, [])  # `compare` is not an unknown scenario field
    assert compare_from_link(link) == (A, [])
    assert compare_from_link(share_link(B, "en", "https://x/")) == (None, [])


def test_an_invalid_field_of_a_is_dropped_with_a_warning_naming_it():
    pinned, warnings = compare_from_link("?compare=preset%3Dhigh%26demand_growth%3D99%26utilisation%3D0.3")
    assert pinned == Scenario.from_preset("high", utilisation=0.3)
    assert [(w.field, w.value, w.code) for w in warnings] == [("compare.demand_growth", "99", "invalid")]


def test_a_value_with_nothing_readable_pins_nothing_and_says_so():
    for query in ("compare=garbage", "compare=", "compare=preset%3Dnope"):
        pinned, warnings = compare_from_link(query)
        assert pinned is None and len(warnings) == 1, query
        assert warnings[0].field.startswith("compare"), query


def test_an_overlong_value_is_refused_without_being_parsed():
    pinned, warnings = compare_from_link("compare=" + "utilisation%3D0.5%26" * (MAX_COMPARE_CHARS // 10))
    assert pinned is None and warnings[0].field == "compare" and warnings[0].code == "invalid"
    assert len(warnings[0].value) <= 61


def test_a_repeated_compare_keeps_the_last_with_a_warning():
    pinned, warnings = compare_from_link("compare=preset%3Dlow&compare=preset%3Dhigh")
    assert pinned == Scenario.from_preset("high")
    assert [(w.field, w.code) for w in warnings] == [("compare", "repeated")]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300) | st.lists(st.sampled_from(
    ["preset=high", "demand_growth=4", "demand_growth=nan", "utilisation=2", "horizon=2020", "compare=x", "&", "=",
     "%", "%3D", "lang=zh", "samples=1e9", "seed=-1", "fit"]), max_size=12).map("&".join))
def test_any_compare_value_pins_a_valid_scenario_or_nothing_and_never_raises(text):
    pinned, warnings = compare_from_link("compare=" + quote(text, safe=""))
    assert pinned is None or isinstance(pinned, Scenario)
    if pinned is None:
        assert warnings  # nothing pinned is always said
    assert all(w.field.startswith("compare") for w in warnings)
