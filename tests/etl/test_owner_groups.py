"""mart_chip_owner_groups on the hand-made rows of rawdata.py (worked out on paper)."""

from __future__ import annotations

import pytest

from etl.build import build
from etl.read import Store


def test_owner_groups_carry_shares_and_the_attributed_part_of_the_shipped_total(raw, db_path):
    build(raw, db_path, log=lambda _m: None)
    groups = Store(db_path).chip_owner_groups().set_index("owner_group")
    # Q1 2024: Microsoft 60 + China 10 + Other 30 = 100 H100e owned; NVIDIA shipped H100 100 + A100 6 = 106.
    assert groups.loc["hyperscaler", "h100e_median"] == 60
    assert groups.loc["hyperscaler", "share_of_total"] == pytest.approx(0.60)
    assert groups.loc["china", "share_of_total"] == pytest.approx(0.10)
    assert groups["share_of_total"].sum() == pytest.approx(1.0)
    assert groups.loc["other", "owners_over_total"] == pytest.approx(100 / 106)
    assert groups.loc["china", "h100e_p95"] == 15


def test_owner_rows_read_back_with_their_columns(raw, db_path):
    build(raw, db_path, log=lambda _m: None)
    owners = Store(db_path).chip_owners()
    assert list(owners.columns) == ["vendor", "owner", "owner_group", "period_start", "period_end", "h100e_p5",
                                    "h100e_median", "h100e_p95", "units_median", "confidence", "source_id", "notes"]
    assert len(owners) == 3
