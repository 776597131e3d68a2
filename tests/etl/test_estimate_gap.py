"""mart_frontier_estimate_gap and the sentence the Demand page shows, against cases worked out by hand."""

from __future__ import annotations

import pandas as pd

from etl.build import build
from etl.read import Store
from tests.etl.rawdata import VALID_TABLES, write_raw
from ui.estimate_gap import estimate_gap_sentence, flop_text

PLANTED = """\
Big-2024,Lab B,2024-03-01,Language,,1.2e26,,true,true,false,speculative,src-a,
Flagship-old,Lab C,2023-06-01,Language,,,,true,true,false,estimate,src-a,frontier: flagship without a published estimate
Flagship-A,Lab A,2024-06-01,Language,,,,true,true,false,estimate,src-a,frontier: flagship without a published estimate
Small-B,Lab B,2024-07-01,Language,,,,true,false,false,estimate,src-a,
Flagship-Z,Lab Z,2024-09-01,Language,,,,true,true,false,estimate,src-b,frontier: flagship without a published estimate
"""


def test_mart_lists_unestimated_frontier_models_after_the_largest_estimate(tmp_path):
    db = tmp_path / "compute.duckdb"
    build(write_raw(tmp_path / "raw", models=VALID_TABLES["models"] + PLANTED), db, log=lambda _m: None)
    gap = Store(db).frontier_estimate_gap()
    # Largest estimate: Big-2024 (1.2e26 > GPT-4's 2.1e25). After 2024-03-01, frontier, no compute:
    # Flagship-A and Flagship-Z (Flagship-old is earlier, Small-B is not frontier).
    assert set(gap["largest_name"]) == {"Big-2024"} and set(gap["largest_flop"]) == {1.2e26}
    assert list(gap["name"]) == ["Flagship-A", "Flagship-Z"]


def _gap(names: list[str | None]) -> pd.DataFrame:
    return pd.DataFrame({"largest_name": "Grok 4", "largest_date": pd.Timestamp("2025-07-09"),
                         "largest_flop": 5e26, "name": names})


def test_sentence_in_both_languages_newest_first():
    gap = _gap(["A-1", "B-2", "C-3", "D-4", "E-5", "F-6"])
    assert estimate_gap_sentence(gap, "en") == (
        "No training-compute estimate above 5×10²⁶ FLOP has been published since July 2025 (Grok 4): "
        "the 6 frontier models released since then have none (F-6, E-5, D-4, C-3 and 2 more).")
    assert estimate_gap_sentence(gap, "zh") == (
        "自 2025 年 7 月（Grok 4）以来，没有任何高于 5×10²⁶ FLOP 的训练算力估计发表："
        "此后发布的 6 个前沿模型均无估计（F-6、E-5、D-4、C-3等另外 2 个）。")


def test_sentence_when_every_frontier_model_has_an_estimate():
    assert estimate_gap_sentence(_gap([None]), "en") == (
        "The largest published training-compute estimate is 5×10²⁶ FLOP (Grok 4, July 2025); "
        "every frontier model released since then has an estimate.")


def test_no_sentence_without_any_estimate():
    assert estimate_gap_sentence(pd.DataFrame({"largest_name": [None], "largest_date": [None],
                                               "largest_flop": [None], "name": [None]}), "en") is None


def test_flop_text():
    assert [flop_text(v) for v in (5e26, 3.8e26, 9.96e24, 1e25)] == ["5×10²⁶", "3.8×10²⁶", "1×10²⁵", "1×10²⁵"]
