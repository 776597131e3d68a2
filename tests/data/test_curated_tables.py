"""The curated tables hold the facts the product and the seed article rely on, traceably."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from etl.paths import RAW_DIR

PFS_DAY_FLOP = 1e15 * 86_400  # one petaflop/s-day, by definition


def _raw(name: str) -> pd.DataFrame:
    return pd.read_csv(RAW_DIR / f"{name}.csv", encoding="utf-8-sig")


def test_every_table_cites_resolvable_sources():
    sources = set(_raw("sources")["source_id"])
    for name in ("models", "accelerators", "shipments", "market_share", "foundry_capacity", "trend_claims", "events"):
        used = set(_raw(name)["source_id"])
        assert used <= sources, f"{name}.csv cites unknown sources {sorted(used - sources)}"


def test_sources_carry_title_organisation_year_url_licence():
    sources = _raw("sources")
    for column in ("title", "organisation", "year", "url", "licence"):
        assert sources[column].notna().all(), f"sources.csv has blank {column}"
    assert sources["url"].str.match(r"https?://").all()
    epoch = sources[sources["organisation"].str.contains("Epoch AI")]
    assert epoch["licence"].str.contains("CC BY").all(), "Epoch AI data must carry its CC BY licence"


def test_gpt3_matches_the_seed_article():
    models = _raw("models").set_index("name")
    gpt3 = models.loc[models.index.str.startswith("GPT-3 175B")].iloc[0]
    assert gpt3["parameters"] == pytest.approx(175e9)
    assert gpt3["training_compute_flop"] == pytest.approx(3.14e23, rel=0.01)


def test_gpt4_is_marked_as_an_estimate():
    models = _raw("models").set_index("name")
    assert models.loc["GPT-4", "confidence"] in {"estimate", "speculative"}


def test_openai_2018_systems_are_the_charts_twenty_each_citing_it():
    ours = _raw("models")
    ours = ours[ours["openai_2018"]]
    assert len(ours) == 20 and set(ours["source_id"]) == {"openai-ai-and-compute-2018"}
    assert ours["training_compute_flop"].between(1e13, 1e24).all()  # the chart spans ~1e14 to ~2e23 FLOP


def test_openai_2018_systems_are_converted_from_pfs_days(full_exports):
    # Independent conversion of OpenAI's own table: petaflop/s-days x 8.64e19 FLOP.
    chart = pd.read_csv(full_exports / "openai_ai_and_compute_2018.csv")
    ours = _raw("models")
    ours = ours[ours["openai_2018"]]
    assert len(ours) == len(chart) == 20
    expected = sorted(chart["overall_peta_flop_days"] * PFS_DAY_FLOP)
    got = sorted(ours["training_compute_flop"])
    for e, g in zip(expected, got, strict=True):
        assert math.isclose(e, g, rel_tol=0.02), (e, g)


def test_seed_market_shares_are_filed_under_definitions():
    share = _raw("market_share")
    seed = share[share["source_id"] == "tmtpost-2023-seed"]
    assert set(seed["share"].round(2)) >= {0.8, 0.9, 0.6}
    assert seed["market_definition"].str.len().min() > 20, "each share must say what market it measures"


def test_h100_defines_the_h100_equivalent():
    acc = _raw("accelerators").set_index("accelerator_id")
    h100 = acc[acc["name"].str.contains("H100 SXM")].iloc[0]
    assert h100["bf16_dense_flops"] == pytest.approx(989e12, rel=0.01)


def test_seed_timeline_events_present():
    events = _raw("events")
    assert "2023-04-05" in set(events["date"]), "ChatGPT Plus sales pause (seed S13)"
    assert {"launch", "outage", "policy", "rumour"} <= set(events["kind"])
