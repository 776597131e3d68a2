"""The importers on the real upstream exports: the full files when present, else the committed samples
(tests/importers/samples, same layouts). Figures that only the full files have are checked only on them."""

from datetime import date

import pandas as pd
import pytest

from etl.importers import ImportRefused, parse_bytes

VENDORS = ("nvidia", "tpu", "amd", "trainium")


def parse_file(path):
    fmt, parsed, notes, rows_read = parse_bytes(path.name, path.read_bytes())
    return fmt.id, parsed, rows_read


def test_epoch_notable_models(shared_data, full_exports):
    path = shared_data / "epoch_notable_ai_models_2025-05.csv"
    fmt, parsed, rows_read = parse_file(path)
    independent = pd.read_csv(path)  # pandas' own parsing, as a cross-check
    assert (fmt, rows_read, len(parsed.frame)) == ("epoch_models", len(independent), len(independent) - 1)
    if full_exports:
        assert rows_read == 954
    # The only reject: Theseus (1950), 40 FLOP, below the contract's 1e3 floor; the last data row.
    assert independent["Model"].iloc[-1] == "Theseus"
    assert [(r.row, r.code) for r in parsed.rejected] == [(rows_read + 1, "flop_out_of_range")]
    assert parsed.frame.training_compute_flop.notna().sum() == independent["Training compute (FLOP)"].notna().sum() - 1
    assert parsed.frame.frontier.sum() == (independent["Frontier model"] == True).sum() - 1  # noqa: E712
    gpt4 = parsed.frame.set_index("name").loc["GPT-4"]
    assert (gpt4.training_compute_flop, gpt4.publication_date) == (2.1e25, date(2023, 3, 15))
    assert gpt4.domain == ["Multimodal", "Language", "Vision"] and gpt4.organisation == ["OpenAI"]


def test_openai_2018(shared_data):
    fmt, parsed, rows_read = parse_file(shared_data / "openai_ai_and_compute_2018.csv")
    assert (fmt, rows_read, len(parsed.frame), parsed.rejected) == ("openai_2018", 20, 20, [])
    alexnet = parsed.frame.set_index("name").loc["AlexNet"]
    assert alexnet.training_compute_flop == pytest.approx(5.0e17, rel=1e-3)  # 0.00578754 pfs-days
    assert parsed.frame.openai_2018.all()


@pytest.mark.parametrize("vendor", VENDORS)
def test_chip_sales_files_import_without_rejects(shared_data, vendor):
    quarterly = parse_file(shared_data / f"epoch_ai_chip_sales_{vendor}_by_quarter_chip.csv")
    cumulative = parse_file(next(shared_data.glob(f"epoch_ai_chip_sales_{vendor}_cumulative_*.csv")))
    assert quarterly[0] == "epoch_chip_sales_quarterly" and cumulative[0] == "epoch_chip_sales_cumulative"
    for _fmt, parsed, rows_read in (quarterly, cumulative):
        assert parsed.rejected == [] and len(parsed.frame) == rows_read
        assert set(parsed.frame.granularity) == {"quarter"}
        assert (parsed.frame.units_p5 <= parsed.frame.units_median).all()
        assert (parsed.frame.h100e_median <= parsed.frame.h100e_p95).all()


@pytest.mark.parametrize("vendor", ["nvidia", "amd", "trainium"])
def test_cumulative_increments_agree_with_the_per_chip_file(shared_data, vendor):
    """Two Epoch exports of one model: increments of the totals ≈ the sum over chips.

    Medians of a sum are not sums of medians, so quarters agree within 6% and the whole period within 2%.
    """
    _, cumulative, _ = parse_file(next(shared_data.glob(f"epoch_ai_chip_sales_{vendor}_cumulative_*.csv")))
    _, quarterly, _ = parse_file(shared_data / f"epoch_ai_chip_sales_{vendor}_by_quarter_chip.csv")
    chip_sums = quarterly.frame.groupby("period_end")["h100e_median"].sum()
    increments = cumulative.frame.set_index("period_end")["h100e_median"]
    joined = pd.concat([increments, chip_sums], axis=1, keys=["totals", "chips"]).dropna()
    assert len(joined) == len(increments)
    assert ((joined.totals / joined.chips - 1).abs() < 0.06).all()
    assert joined.totals.sum() == pytest.approx(joined.chips.sum(), rel=0.02)


def test_nvidia_first_quarter_by_hand(shared_data):
    _, parsed, _ = parse_file(shared_data / "epoch_ai_chip_sales_nvidia_cumulative_2022-2025.csv")
    first, second = parsed.frame.iloc[0], parsed.frame.iloc[1]
    assert (first.units_median, first.h100e_median) == (212120, 66883)
    assert (second.units_median, second.h100e_median) == (438794 - 212120, 138356 - 66883)
    assert second.period_start == date(2022, 4, 1)


@pytest.mark.parametrize("name", ["tsmc_quarterly_revenue_by_node_2017-2025.csv", "epoch_ml_hardware_2025-12.csv",
                                  "nvidia_annual_chip_prices_2022-2025.csv"])
def test_other_files_are_refused_as_unknown(shared_data, name):
    with pytest.raises(ImportRefused) as refused:
        parse_file(shared_data / name)
    assert refused.value.code == "unknown_format" and name in str(refused.value)
