import csv
import json

import pytest

import i18n
from etl.paths import RAW_DIR
from models.scenario import CLAIMS, FIELDS, MAIN_FIELDS, PRESETS, Scenario, ScenarioError


def test_five_main_fields_and_horizon_range():
    assert len(MAIN_FIELDS) == 5
    assert FIELDS["horizon"].default == 2040 and FIELDS["horizon"].max == 2060


def test_invalid_value_names_field_value_and_range():
    with pytest.raises(ScenarioError) as err:
        Scenario(utilisation=1.5)
    assert err.value.field == "utilisation"
    assert "1.5" in str(err.value) and "0.05" in str(err.value) and "0.8" in str(err.value)


def test_bad_choice_and_cross_field_rule():
    with pytest.raises(ScenarioError, match="demand_mode"):
        Scenario(demand_mode="magic")
    with pytest.raises(ScenarioError, match="horizon"):
        Scenario(base_year=2030, horizon=2030)


@pytest.mark.parametrize("name", list(PRESETS))
def test_presets_round_trip_json_and_params(name):
    scenario = Scenario.from_preset(name, horizon=2050, largest_run_share=0.15)
    assert Scenario.from_json(scenario.to_json()) == scenario
    again, warnings = Scenario.from_params(scenario.to_params())
    assert again == scenario and warnings == []


def test_to_params_holds_only_changes():
    assert Scenario().to_params() == {}
    assert Scenario.from_preset("data-trend", horizon=2050).to_params() == {"horizon": "2050"}
    assert Scenario.from_preset("high").to_params() == {"preset": "high"}


def test_from_params_drops_bad_values_with_warnings_and_keeps_good_ones():
    params = {"utilisation": "0.5", "demand_growth": "nan", "supply_growth": "inf", "horizon": "1999",
              "nonsense": "1", "weakest_link": "maybe", "preset": "nope", "seed": "3.5"}
    scenario, warnings = Scenario.from_params(params)
    assert scenario == Scenario(utilisation=0.5)
    assert {w.field for w in warnings} == {"demand_growth", "supply_growth", "horizon", "nonsense", "weakest_link",
                                           "preset", "seed"}
    assert all(w.key.startswith("scenario.warning.") for w in warnings)


def test_from_params_fitted_words_mean_none():
    scenario, warnings = Scenario.from_params({"preset": "low", "demand_growth": "fit"})
    assert scenario.demand_growth is None and warnings == []


def test_from_json_is_strict():
    with pytest.raises(ScenarioError, match="json"):
        Scenario.from_json("{not json")
    with pytest.raises(ScenarioError, match="bogus"):
        Scenario.from_json(json.dumps({"bogus": 1}))
    with pytest.raises(ScenarioError, match="run_length_days"):
        Scenario.from_json(json.dumps({"run_length_days": 1000}))


def test_article_preset_uses_the_articles_numbers():
    s = Scenario.from_preset("article-2023")
    assert s.base_year == 2023 and s.demand_scope == "all_ai"  # global AI compute, as the article read it
    assert s.demand_mode == "claim" and s.demand_claim == "seed-2023-global"
    assert s.param_growth ** 1.5 == pytest.approx(10.0, rel=1e-3)  # 10x per 18 months (on the 0.01 grid)
    assert s.weakest_link and s.logic_growth == 1.0  # wafers fixed
    assert s.logic_wafers_per_month == 140_000  # TSMC N7 at end-2020, a sourced figure


def test_every_field_and_preset_has_text_in_both_languages():
    for lang in ("en", "zh"):
        catalogue = i18n.catalogue(lang)
        for spec in FIELDS.values():
            assert spec.label_key in catalogue and spec.help_key in catalogue, (lang, spec.name)
            for option in spec.options:
                assert f"scenario.{spec.name}.options.{option}" in catalogue, (lang, spec.name, option)
        for preset in PRESETS.values():
            assert preset.label_key in catalogue and preset.description_key in catalogue


def test_every_source_id_resolves():
    with open(RAW_DIR / "sources.csv", encoding="utf-8") as fh:
        known = {row["source_id"] for row in csv.DictReader(fh)}
    used = {spec.source_id for spec in FIELDS.values()} | {p.source_id for p in PRESETS.values()}
    used |= {claim.fallback_source_id for claim in CLAIMS.values()}
    assert used <= known, used - known


def test_a_preset_that_is_not_a_name_is_refused_naming_the_field():
    for bad in ([], {"a": 1}, 3):
        with pytest.raises(ScenarioError, match="preset"):
            Scenario.from_json(json.dumps({"preset": bad}))


def test_every_slider_value_a_preset_sets_lies_on_the_sliders_steps():
    """A value off its slider's step grid is shown rounded (or snapped by the browser): the screen would
    then show another number than the engine uses."""
    from models.scenario import FIELDS, PRESETS, Scenario

    for preset in PRESETS:
        for name, value in Scenario.from_preset(preset).values().items():
            spec = FIELDS[name]
            if spec.kind != "float" or spec.log or value is None or not spec.step:
                continue
            steps = (value - spec.min) / spec.step
            assert abs(steps - round(steps)) < 1e-6, f"{preset}: {name}={value} is off the {spec.step} grid"
