"""The Claims page: every seed claim with its Chinese original beside the English, a verdict, the backtest."""

from __future__ import annotations

import pytest

from etl.read import Store
from i18n import t
from models.trends import fit_models
from tests.pages.helpers import rendered_text

SEED = [f"s{n}" for n in range(1, 16)]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_seed_claim_shows_the_chinese_original_beside_the_claim(app, lang):
    at = app(page="claims", lang=lang)
    text = rendered_text(at)
    for claim in SEED:
        original = t(f"claims.{claim}.original", "zh")
        assert t(f"claims.{claim}.original", "en") == original  # the original is the same in both catalogues
        assert original in text, claim
        assert t(f"claims.{claim}.claim", lang) in text, claim


def test_claim_s1_quotes_the_doubling_time_fitted_from_the_data(app, app_db):
    fit = fit_models(Store(app_db).models(), population="notable", since=2010.0)
    at = app(page="claims")
    assert f"every {fit.doubling_months:.1f} months" in rendered_text(at)


def test_backtest_reports_the_error_for_the_chosen_year(app):
    at = app(page="claims")
    at.slider(key="claims_cutoff").set_value(2016).run()
    assert not at.exception
    assert any(m.label == "Mean error" and "orders of magnitude" in m.value for m in at.metric)
    assert t("charts.forecast2.backtest_line", "en", year=2016) in rendered_text(at)
