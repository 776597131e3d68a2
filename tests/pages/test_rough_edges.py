"""Regression tests for rough edges a new user met on the pages: a control that does nothing without
saying so, help texts asking to leave a slider empty, a chip chart labelled "Models fitted", and
claim S13's message caps told differently in the two languages."""

from __future__ import annotations

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
