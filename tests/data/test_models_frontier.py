"""The models table against Epoch AI's notable-models export of April 2026, and the two flags' rules.

EPOCH_2026_04 is typed by hand from that export (Jav97970/ai-frontier-concentration, notable_ai_models.csv):
every model published since 2025-01 with a training-compute estimate of at least 1e25 FLOP.
"""

from __future__ import annotations

import pandas as pd
import pytest

from etl.paths import RAW_DIR

EPOCH_2026_04 = {
    "Composer 2": 2.32e25, "Qwen3-Max": 1.512e25, "GPT-5": 6.6e25, "Grok 4": 5e26, "Pangu Ultra": 1.0692e25,
    "Llama 4 Behemoth (preview)": 5.184e25, "GPT-4.5": 3.8e26, "Claude 3.7 Sonnet": 3.35e25, "Grok 3": 3.5e26,
}
FLAGSHIP_NOTE = "frontier: flagship without a published estimate"


@pytest.fixture(scope="module")
def models() -> pd.DataFrame:
    frame = pd.read_csv(RAW_DIR / "models.csv", encoding="utf-8-sig", parse_dates=["publication_date"])
    return frame.set_index("name", drop=False)


@pytest.mark.parametrize("name, epoch_flop", sorted(EPOCH_2026_04.items()))
def test_every_large_2025_26_model_of_epoch_is_within_a_factor_of_1_5(models, name, epoch_flop):
    ours = models.loc[name, "training_compute_flop"]
    assert 1 / 1.5 <= ours / epoch_flop <= 1.5 or "Epoch" in str(models.loc[name, "notes"]), (name, ours)


def test_frontier_means_running_top_ten_of_compute(models):
    # Independent count: for each estimated model, how many models published on or before its date were larger.
    estimated = models.dropna(subset=["training_compute_flop"])
    for row in estimated.itertuples():
        earlier = estimated[estimated.publication_date <= row.publication_date]
        larger = int((earlier.training_compute_flop > row.training_compute_flop).sum())
        assert row.frontier == (larger < 10), (row.name, larger)


def test_frontier_without_an_estimate_is_a_named_flagship(models):
    unestimated = models[models.training_compute_flop.isna()]
    flagged = unestimated[unestimated.frontier]
    assert flagged.notes.str.startswith(FLAGSHIP_NOTE).all()
    assert {"Gemini 3 Pro", "GPT-5.5", "Claude Opus 4.7"} <= set(flagged.name)


def test_notable_is_epochs_list(models):
    not_notable = models[~models.notable]
    assert set(not_notable.name) == {"VAE", "MOSS (moss-moon-003-base)"}
    assert not_notable.notes.str.contains("not in Epoch's notable-models list").all()


def test_rows_from_the_april_2026_export_cite_it(models):
    sources = pd.read_csv(RAW_DIR / "sources.csv").set_index("source_id")
    source = sources.loc["epoch-notable-models-2026-04"]
    assert source.licence == "CC BY 4.0" and source.organisation == "Epoch AI" and source.accessed
    assert (models.loc[list(EPOCH_2026_04), "source_id"].isin(
        ["epoch-notable-models-2026-04", "epoch-notable-models"])).all()
