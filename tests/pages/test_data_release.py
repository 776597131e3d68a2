"""Demand shows the compute-estimate gap; Methods shows the data version, its date and the changelog."""

from __future__ import annotations

import pandas as pd
import pytest

from etl.read import Store
from tests.pages.helpers import rendered_text


@pytest.mark.parametrize("lang, expected", [("en", "No training-compute estimate above"),
                                            ("zh", "没有任何高于")])
def test_demand_names_the_newest_unestimated_frontier_model(app, app_db, lang, expected):
    models = Store(app_db).models()
    # Independently of the mart: the largest estimate, then the newest frontier model without one after it.
    largest = models.loc[models["training_compute_flop"].idxmax()]
    later = models[models["frontier"] & models["training_compute_flop"].isna()
                   & (models["publication_date"] > largest["publication_date"])]
    at = app(page="demand", lang=lang)
    assert not at.exception
    (caption,) = [c.value for c in at.caption if expected in c.value]
    assert largest["name"] in caption and f" {len(later)} " in caption
    assert later.sort_values("publication_date")["name"].iloc[-1] in caption


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_methods_shows_data_version_as_of_and_changelog(app, app_db, lang):
    info = Store(app_db).build_info()
    version = info["data_version"].iloc[0]
    as_of = pd.Timestamp(info["data_as_of"].iloc[0]).date().isoformat()
    at = app(page="methods", lang=lang)
    assert not at.exception
    text = rendered_text(at)
    assert version in text and as_of in text
    assert [e.label.split(" — ")[0] for e in at.expander][:1] == [version]
