"""A link's parameters that belong to the app, not the scenario: `lang`, and the embed view's `chart` and
`theme`. Read by the one parser every link goes through, they are neither scenario fields nor warnings."""

from __future__ import annotations

from models.scenario import Scenario, params_from_pairs, scenario_from_link


def test_embed_parameters_are_not_scenario_parameters():
    params, warnings = params_from_pairs([("chart", "forecast"), ("theme", "dark"), ("lang", "zh"),
                                          ("preset", "article-2023"), ("horizon", "2045")])
    assert params == {"preset": "article-2023", "horizon": "2045"}
    assert warnings == []


def test_an_embed_url_reproduces_its_scenario_without_warnings():
    scenario, warnings = scenario_from_link(
        "https://c.example.org/embed?chart=forecast&preset=article-2023&horizon=2045&lang=en&theme=auto")
    assert warnings == []
    assert scenario == Scenario.from_preset("article-2023").replace(horizon=2045)


def test_other_unknown_parameters_still_warn():
    _scenario, warnings = scenario_from_link("https://c.example.org/embed?chart=forecast&colour=red")
    assert [(w.field, w.code) for w in warnings] == [("colour", "unknown")]
