"""The importers on the upstream layouts: on the committed samples (hand-made tables in each export's layout,
every expected value worked out by hand from their rows below), and on the full exports when they are at
hand (those tests skip elsewhere: a fresh clone, CI)."""

from datetime import date

import pandas as pd
import pytest

from etl.importers import ImportRefused, parse_bytes

VENDORS = ("nvidia", "tpu", "amd", "trainium")
UNKNOWN_LAYOUTS = ("tsmc_quarterly_revenue_by_node_2017-2025.csv", "epoch_ml_hardware_2025-12.csv",
                   "nvidia_annual_chip_prices_2022-2025.csv")
NOTABLE = "epoch_notable_ai_models_2025-05.csv"
OPENAI = "openai_ai_and_compute_2018.csv"
PFS_DAY = 1e15 * 86_400  # FLOP in one petaflop/s-day


def parse_file(path):
    fmt, parsed, notes, rows_read = parse_bytes(path.name, path.read_bytes())
    return fmt.id, parsed, rows_read


def chip_files(folder, vendor):
    quarterly = parse_file(folder / f"epoch_ai_chip_sales_{vendor}_by_quarter_chip.csv")
    cumulative = parse_file(next(folder.glob(f"epoch_ai_chip_sales_{vendor}_cumulative_*.csv")))
    return quarterly, cumulative


@pytest.fixture(params=["samples", "full"])
def exports(request, upstream_samples):
    """Each test below runs on the samples and again on the full exports (skipped when they are absent)."""
    return upstream_samples if request.param == "samples" else request.getfixturevalue("full_exports")


# --- on both: what holds for any file of the layout ---------------------------------------------------

def test_notable_models_agree_with_pandas(exports):
    path = exports / NOTABLE
    fmt, parsed, rows_read = parse_file(path)
    independent = pd.read_csv(path)  # pandas' own parsing, as a cross-check
    assert (fmt, rows_read, len(parsed.frame)) == ("epoch_models", len(independent), len(independent) - 1)
    # The only reject: the last data row (1950, 40 FLOP, below the contract's 1e3 floor).
    assert independent["Training compute (FLOP)"].iloc[-1] == 40
    assert [(r.row, r.code) for r in parsed.rejected] == [(rows_read + 1, "flop_out_of_range")]
    assert parsed.frame.training_compute_flop.notna().sum() == independent["Training compute (FLOP)"].notna().sum() - 1
    assert parsed.frame.frontier.sum() == (independent["Frontier model"] == True).sum() - 1  # noqa: E712 (the refused row is one)
    assert parsed.frame.notable.all() and (parsed.frame.source_id == "epoch-notable-models").all()


def test_openai_2018_rows_are_all_flagged(exports):
    fmt, parsed, rows_read = parse_file(exports / OPENAI)
    assert (fmt, len(parsed.frame), parsed.rejected) == ("openai_2018", rows_read, [])
    assert parsed.frame.openai_2018.all()


@pytest.mark.parametrize("vendor", VENDORS)
def test_chip_sales_files_import_without_rejects(exports, vendor):
    quarterly, cumulative = chip_files(exports, vendor)
    assert quarterly[0] == "epoch_chip_sales_quarterly" and cumulative[0] == "epoch_chip_sales_cumulative"
    for _fmt, parsed, rows_read in (quarterly, cumulative):
        assert parsed.rejected == [] and len(parsed.frame) == rows_read
        assert set(parsed.frame.granularity) == {"quarter"}
        assert (parsed.frame.units_p5 <= parsed.frame.units_median).all()
        assert (parsed.frame.h100e_median <= parsed.frame.h100e_p95).all()


@pytest.mark.parametrize("name", UNKNOWN_LAYOUTS)
def test_other_files_are_refused_as_unknown(exports, name):
    with pytest.raises(ImportRefused) as refused:
        parse_file(exports / name)
    assert refused.value.code == "unknown_format" and name in str(refused.value)


# --- the samples, by hand ------------------------------------------------------------------------------

def test_notable_models_sample_by_hand(upstream_samples):
    _, parsed, rows_read = parse_file(upstream_samples / NOTABLE)
    models = parsed.frame.set_index("name")
    assert rows_read == 5 and list(models.index) == ["Sample LM Alpha", "Sample Vision Beta", "Sample Speech Gamma",
                                                     "Sample Modèle Epsilon"]
    assert [(r.row, r.code) for r in parsed.rejected] == [(6, "flop_out_of_range")]  # Sample Historic Delta
    alpha = models.loc["Sample LM Alpha"]
    assert (alpha.training_compute_flop, alpha.parameters, alpha.training_tokens) == (3.2e24, 1.5e11, 2e12)
    assert (alpha.publication_date, alpha.confidence, alpha.frontier) == (date(2024, 3, 1), "confirmed", True)
    assert alpha.organisation == ["Lab One", "Lab Two"] and alpha.domain == ["Multimodal", "Language", "Vision"]
    assert alpha.notes == "Epoch notability: SOTA improvement"
    beta, gamma, epsilon = (models.loc[n] for n in ("Sample Vision Beta", "Sample Speech Gamma", "Sample Modèle Epsilon"))
    assert (beta.domain, beta.confidence, beta.frontier) == (["Vision"], "estimate", False)  # Image generation, Likely
    assert pd.isna(beta.parameters) and beta.training_compute_flop == 8.0e21
    assert (gamma.domain, gamma.confidence, gamma.parameters) == (["Speech"], "speculative", 3e7)  # Audio, Speculative
    assert pd.isna(gamma.training_compute_flop) and pd.isna(gamma.notes)  # no compute, no notability
    assert (epsilon.organisation, epsilon.confidence, epsilon.training_compute_flop) == (
        ["Laboratoire Quatre"], "estimate", 1.26e23)  # Confidence "Unknown" counts as an estimate


def test_openai_2018_sample_by_hand(upstream_samples):
    _, parsed, rows_read = parse_file(upstream_samples / OPENAI)
    systems = parsed.frame.set_index("name")
    assert rows_read == 5 and len(systems) == 5
    assert systems.loc["Sample Net A"].training_compute_flop == pytest.approx(4.32e19)  # 0.5 pfs-days
    assert systems.loc["Sample Net B"].training_compute_flop == pytest.approx(3.888e16)  # 4.5e-4 pfs-days
    assert systems.loc["Sample Net D"].training_compute_flop == pytest.approx(8.64e22)  # 1000 pfs-days
    c = systems.loc["Sample Net C (two words)"]  # 0.020000000000000004 pfs-days, listed after a later date
    assert (c.training_compute_flop, c.publication_date) == (pytest.approx(1.728e18), date(2014, 9, 17))


def test_nvidia_cumulative_sample_by_hand(upstream_samples):
    """Running totals 3,000 / 7,100 / 9,100 units and 1,000 / 2,700 / 4,700 H100e become quarters."""
    _, parsed, _ = parse_file(upstream_samples / "epoch_ai_chip_sales_nvidia_cumulative_2022-2025.csv")
    frame = parsed.frame
    assert list(frame.vendor.unique()) == ["NVIDIA"] and set(frame.chip) == {"all"}
    assert list(frame.period_start) == [date(2022, 1, 1), date(2022, 4, 1), date(2022, 7, 1)]
    assert list(frame.period_end) == [date(2022, 3, 31), date(2022, 6, 30), date(2022, 9, 30)]
    assert list(frame.units_median) == [3000, 4100, 2000]
    assert list(frame.units_p5) == [2400, 5800 - 2400, 7600 - 5800]
    assert list(frame.units_p95) == [3900, 8700 - 3900, 11000 - 8700]
    assert list(frame.h100e_median) == [1000, 1700, 2000]
    assert list(frame.h100e_p5) == [800, 2200 - 800, 3900 - 2200]
    # 5,000 − 3,300 = 1,700 is below the quarter's median of 2,000: the band is widened to contain it
    assert list(frame.h100e_p95) == [1300, 3300 - 1300, 2000]


def test_per_chip_sample_by_hand(upstream_samples):
    _, parsed, rows_read = parse_file(upstream_samples / "epoch_ai_chip_sales_trainium_by_quarter_chip.csv")
    frame = parsed.frame
    assert rows_read == 3 and set(frame.vendor) == {"AWS"}  # "Amazon" in the file
    assert list(frame.chip) == ["Test Trainium A", "Test Trainium A", "Test Trainium B"]
    assert list(frame.h100e_median) == [200, 200, 300] and list(frame.units_p95) == [2200, 2200, 700]
    assert list(frame.period_start) == [date(2024, 1, 1), date(2024, 4, 1), date(2024, 4, 1)]


@pytest.mark.parametrize("vendor", VENDORS)
def test_cumulative_increments_equal_the_per_chip_sums_in_the_samples(upstream_samples, vendor):
    """The samples' two files of a vendor were written to agree: every quarter of the running totals rises
    by the sum over chips of that quarter (the TPU per-chip file starts a quarter earlier)."""
    (_, quarterly, _), (_, cumulative, _) = chip_files(upstream_samples, vendor)
    for column in ("h100e_median", "units_median"):
        chip_sums = quarterly.frame.groupby("period_end")[column].sum()
        increments = cumulative.frame.set_index("period_end")[column]
        assert increments.to_dict() == chip_sums.loc[increments.index].to_dict()


# --- the full exports: their own figures ----------------------------------------------------------------

def test_epoch_notable_models_full_file(full_exports):
    _, parsed, rows_read = parse_file(full_exports / NOTABLE)
    assert rows_read == 954
    assert pd.read_csv(full_exports / NOTABLE)["Model"].iloc[-1] == "Theseus"
    gpt4 = parsed.frame.set_index("name").loc["GPT-4"]
    assert (gpt4.training_compute_flop, gpt4.publication_date) == (2.1e25, date(2023, 3, 15))
    assert gpt4.domain == ["Multimodal", "Language", "Vision"] and gpt4.organisation == ["OpenAI"]


def test_openai_2018_full_file(full_exports):
    _, parsed, rows_read = parse_file(full_exports / OPENAI)
    assert rows_read == 20
    alexnet = parsed.frame.set_index("name").loc["AlexNet"]
    assert alexnet.training_compute_flop == pytest.approx(5.0e17, rel=1e-3)  # 0.00578754 pfs-days


@pytest.mark.parametrize("vendor", ["nvidia", "amd", "trainium"])
def test_cumulative_increments_agree_with_the_per_chip_file(full_exports, vendor):
    """Two Epoch exports of one model: increments of the totals ≈ the sum over chips.

    Medians of a sum are not sums of medians, so quarters agree within 6% and the whole period within 2%.
    """
    (_, quarterly, _), (_, cumulative, _) = chip_files(full_exports, vendor)
    chip_sums = quarterly.frame.groupby("period_end")["h100e_median"].sum()
    increments = cumulative.frame.set_index("period_end")["h100e_median"]
    joined = pd.concat([increments, chip_sums], axis=1, keys=["totals", "chips"]).dropna()
    assert len(joined) == len(increments)
    assert ((joined.totals / joined.chips - 1).abs() < 0.06).all()
    assert joined.totals.sum() == pytest.approx(joined.chips.sum(), rel=0.02)


def test_nvidia_first_quarter_by_hand(full_exports):
    _, parsed, _ = parse_file(full_exports / "epoch_ai_chip_sales_nvidia_cumulative_2022-2025.csv")
    first, second = parsed.frame.iloc[0], parsed.frame.iloc[1]
    assert (first.units_median, first.h100e_median) == (212120, 66883)
    assert (second.units_median, second.h100e_median) == (438794 - 212120, 138356 - 66883)
    assert second.period_start == date(2022, 4, 1)
