"""Regression tests for rough edges a new user met on the pages: a control that does nothing without
saying so, help texts asking to leave a slider empty, a chip chart labelled "Models fitted", and
claim S13's message caps told differently in the two languages."""

from __future__ import annotations

import json

import pytest

from i18n import t
from models.scenario import FIELDS
from tests.pages.helpers import rendered_text


def captions(at) -> str:
    return " ".join(caption.value for caption in at.caption)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_supply_growth_says_when_the_supply_chain_caps_output_instead(app, lang):
    # article-2023: the N7 wafers, held flat, cap output from 2025 on; the trend sets only 2024, the first
    # projected year (17 projected years to the 2040 horizon: 16 capped)
    at = app(page="forecast", lang=lang, preset="article-2023")
    assert not at.exception
    assert t("ui.control_effect.supply_growth_some", lang, years="2024", n=16) in captions(at)


def test_supply_growth_with_the_weakest_link_off_carries_no_note(app):
    at = app(page="forecast", lang="en", weakest_link="false")
    assert not at.exception
    notes = (t("ui.control_effect.supply_growth_none", "en"), "Sets chip output only in")
    assert not any(note in captions(at) for note in notes)  # without the cap the trend sets every year


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_help_text_asks_to_leave_a_slider_empty(lang):
    for name, spec in FIELDS.items():
        text = t(spec.help_key, lang)
        assert "Empty =" not in text and "留空" not in text, name


def test_the_chip_performance_fit_counts_accelerators_not_models(app):
    at = app(page="supply", lang="en")
    labels = [metric.label for metric in at.metric]
    assert t("ui.fit_count.accelerators", "en") in labels
    assert t("ui.metric.n", "en") not in labels
    demand = app(page="demand", lang="en")
    assert t("ui.metric.n", "en") in [metric.label for metric in demand.metric]  # the models chart keeps it


@pytest.mark.parametrize("lang, four_hours, three_hours", [("en", "100 messages per 4 hours", "25 per 3 hours"),
                                                           ("zh", "每 4 小时 100 条", "每 3 小时 25 条")])
def test_claim_s13_gives_both_caps_with_their_windows_in_each_language(app, lang, four_hours, three_hours):
    # the usage table: 100 messages per 4-hour window at GPT-4's launch, 25 per 3-hour window by late March 2023
    claim = t("claims.s13.claim", lang)
    assert four_hours in claim and three_hours in claim
    at = app(page="claims", lang=lang)
    assert four_hours in rendered_text(at)


def test_table_numbers_get_readable_formats_worked_by_hand():
    import pandas as pd

    from ui.tables import number_format

    assert number_format(pd.Series([3.72698e15, None, 2.1e25]), "training_compute_flop") == "%.3e"
    assert number_format(pd.Series([2012.117486, 2020.4]), "year") == "%.2f"
    assert number_format(pd.Series([2012.0, 2020.0]), "year") == "%d"
    assert number_format(pd.Series([0.32, 1.5]), "h100e_per_unit") == "%.3f"
    assert number_format(pd.Series([826.0, 1.0]), "die_area_mm2") == "%d"
    assert number_format(pd.Series(["a", "b"]), "name") is None
    assert number_format(pd.Series([2, 3]), "count") is None  # integers show as they are


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_data_table_filters_and_numbers_speak_the_readers_language(app, lang):
    at = app(page="data", lang=lang)
    assert not at.exception
    labels = [widget.label for widget in at.multiselect]
    assert "confidence" not in labels and t("data.col.confidence", lang) in labels
    shown = json.loads(at.dataframe[0].proto.columns)  # the first table: models
    assert shown["training_compute_flop"]["type_config"]["format"] == "%.3e"
    assert shown["year"]["type_config"]["format"] == "%.2f"


def test_claims_backtest_table_formats_flop_in_scientific_notation(app):
    at = app(page="claims", lang="en")
    assert not at.exception
    frames = [json.loads(frame.proto.columns or "{}") for frame in at.dataframe]
    formats = [spec.get("type_config", {}).get("format") for shown in frames for spec in shown.values()
               if isinstance(spec, dict)]
    assert "%.3e" in formats


def test_methods_equations_use_the_readers_words(app):
    at = app(page="methods", lang="zh")
    equations = " ".join(latex.value for latex in at.latex)
    for english in ("per year", "months", "good dies", "dies per wafer", "{day}"):
        assert english not in equations
    assert "每年" in equations and "良品芯片数" in equations
