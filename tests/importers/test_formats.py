"""Each upstream layout on small files written here, covering the pitfalls listed in SOURCES.md."""

from datetime import date

import pytest

from etl.importers import ImportRefused, parse_bytes


def parse(name: str, text: str):
    fmt, parsed, notes, rows_read = parse_bytes(name, text.encode())
    return fmt.id, parsed, notes


def reasons(parsed) -> dict[int, str]:
    return {r.row: r.reason("en") for r in parsed.rejected}


EPOCH_TODAY = """Model,Organization,Publication date,Domain,Parameters,Training compute (FLOP),Confidence,Notability criteria,Frontier model,Extra column
Big LM,"OpenAI,Microsoft",2023-03-15,"Multimodal,Language,Vision",,2.1e+25,Likely,SOTA improvement,True,x
Small net,University of Toronto,2012-09-30,Vision,60000000,4.7E+17,Confident,Highly cited,,y
Broken,Lab,2020-01-01,Language,,inf,,,,
No date,Lab,,Language,,1e20,,,,
Big LM,"OpenAI,Microsoft",2023-03-15,Language,,2.1e+25,,,,
Unknown compute,Lab,2021-05-05,Image generation,7,NA,Unknown,,,
"""


def test_epoch_today_layout():
    fmt, parsed, _ = parse("all_ai_models.csv", EPOCH_TODAY)
    assert fmt == "epoch_models"
    frame = parsed.frame.set_index("name")
    assert list(frame.index) == ["Big LM", "Small net", "Unknown compute"]
    big = frame.loc["Big LM"]
    assert big.organisation == ["OpenAI", "Microsoft"]
    assert big.domain == ["Multimodal", "Language", "Vision"]
    assert big.publication_date == date(2023, 3, 15)
    assert big.training_compute_flop == 2.1e25
    assert bool(big.frontier) and bool(big.notable)  # criteria given → notable
    assert big.confidence == "estimate"  # Epoch "Likely"
    assert frame.loc["Small net"].confidence == "confirmed" and frame.loc["Small net"].parameters == 6e7
    unknown = frame.loc["Unknown compute"]
    assert [unknown.notable, unknown.frontier] == [False, False]  # all-models export, no criteria
    assert unknown.domain == ["Vision"]  # Image generation folded into the contract's Vision
    assert str(unknown.training_compute_flop) == "nan"  # NA = unknown, the row is kept
    assert reasons(parsed) == {
        4: "column 'Training compute (FLOP)': 'inf' is not a finite number",
        5: "column 'Publication date' is blank; expected a date",
        6: "same name and date as row 2",
    }
    assert list(parsed.frame.source_row) == [2, 3, 7]


def test_rows_of_the_notable_export_are_all_notable():
    _, parsed, _ = parse("notable_ai_models.csv", EPOCH_TODAY)
    assert parsed.frame.notable.all()


def test_2026_renamed_dataset_column_is_still_read():
    text = ("Model,Publication date,Training compute (FLOP),(DEPRECATED) Training dataset size (datapoints)\n"
            "M,2024-01-01,1e24,3e12\n")
    _, parsed, _ = parse("x.csv", text)
    assert parsed.frame.training_tokens.tolist() == [3e12]


PCD_2022 = """System,Domain,Task,Organization(s),Publication date,Parameters,Training compute (FLOPs),Training dataset size (datapoints)
GPT-2,Language,Text autocompletion,OpenAI,14/02/2019,1500000000,4.3e21,N/A
,,,,,,,
AlphaZero,Games,Chess,"DeepMind,Google",05/12/2017,N/A,3.7E+22,N/A
Odd,Vision,,Lab,31/02/2019,N/A,N/A,N/A
"""


def test_pcd_2022_layout():
    fmt, parsed, _ = parse("pcd.csv", PCD_2022)
    assert fmt == "epoch_pcd"
    frame = parsed.frame.set_index("name")
    assert frame.loc["AlphaZero"].publication_date == date(2017, 12, 5)  # DD/MM/YYYY, not 12 May
    assert frame.loc["AlphaZero"].organisation == ["DeepMind", "Google"]
    assert frame.loc["GPT-2"].training_compute_flop == 4.3e21
    assert str(frame.loc["AlphaZero"].parameters) == "nan"  # "N/A"
    assert reasons(parsed) == {5: "column 'Publication date': '31/02/2019' is not a date; "
                                  "expected YYYY-MM-DD, DD/MM/YYYY or M/D/YYYY"}


def test_pcd_blank_name_sub_rows_are_rejected_with_a_reason():
    text = PCD_2022.replace(",,,,,,,", ",Vision,Captioning,,,,,")
    _, parsed, _ = parse("pcd.csv", text)
    assert reasons(parsed)[3].startswith("column 'System' is blank (a sub-row")


def test_missing_required_column_is_named():
    text = "Model,Organization,Training compute (FLOP)\nM,Lab,1e20\n"
    with pytest.raises(ImportRefused) as refused:
        parse("x.csv", text)
    assert refused.value.code == "missing_columns"
    assert "'Publication date'" in str(refused.value) and "x.csv" in str(refused.value)


def test_headers_match_case_and_spacing_insensitively():
    text = "  MODEL ,publication_date,TRAINING COMPUTE (FLOP)\nM,2020-01-01,1e20\n"
    fmt, parsed, _ = parse("x.csv", text)
    assert fmt == "epoch_models" and parsed.frame.name.tolist() == ["M"]


@pytest.mark.parametrize("header", ["Training computation (petaFLOP)", "training_computation_petaflop",
                                    "Training compute (petaFLOP)"])
def test_owid_header_spellings(header):
    text = (f"Entity,Code,Day,{header},Domain\n"
            "GPT-3 175B (davinci),,2020-05-28,314000000,Language\n"
            "Gemini,,2023-12-06,NA,Multiple domains\n"
            "GPT-3.5 (davinci-002),,,,Language\n"
            "PaLM,,2022-04-04,2.5272e+09,Language\n")
    fmt, parsed, _ = parse("artificial-intelligence-training-computation.csv", text)
    assert fmt == "owid_training_compute"
    frame = parsed.frame.set_index("name")
    assert frame.loc["GPT-3 175B (davinci)"].training_compute_flop == pytest.approx(3.14e23)  # petaFLOP × 1e15
    assert frame.loc["PaLM"].training_compute_flop == pytest.approx(2.5272e24)
    assert reasons(parsed) == {3: f"column '{header}' is blank; expected the training compute",
                               4: "column 'Day' is blank; expected a date"}


def test_owid_multiple_domains_label():
    text = "Entity,Day,Training computation (petaFLOP),Domain\nGemini,2023-12-06,5e10,Multiple domains\n"
    _, parsed, _ = parse("owid.csv", text)
    assert parsed.frame.domain.tolist() == [["Multimodal"]]


def test_openai_2018_pfs_days_to_flop():
    text = "publication_date,overall_peta_flop_days,result\n2012-06-01,0.005787540000000001,AlexNet\n"
    fmt, parsed, _ = parse("openai.csv", text)
    assert fmt == "openai_2018"
    row = parsed.frame.iloc[0]
    assert row.training_compute_flop == pytest.approx(5.0e17, rel=1e-3)  # 0.00578754 × 8.64e19
    assert bool(row.openai_2018) and row["name"] == "AlexNet"


TRAINIUM_BY_QUARTER = """Name,Chip manufacturer,Start date,End date,Compute estimate in H100e (median),H100e (5th percentile),H100e (95th percentile),Number of Units,Number of Units (5th percentile),Number of Units (95th percentile),Power in MW (median),Power in MW (5th percentile),Power in MW (95th percentile),Source / Link,Notes,Chip type
Q1 2024 - Trainium1,Amazon,1/1/2024,3/31/2024,23345,10611,53057,110000,50000,250000,33.5,14.9,75.1,,est,Trainium1
Q2 2024 - Trainium1,Amazon,4/1/2024,6/30/2024,"23,345",10611,53057,110000,50000,250000,33.5,14.9,75.1,,est,
Q3 2024 - Trainium1,Amazon,7/1/2024,8/30/2024,23345,10611,53057,110000,50000,250000,33.5,14.9,75.1,,est,Trainium1
"""


def test_chip_sales_by_quarter_with_trainium_column_order():
    fmt, parsed, _ = parse("trainium_chip_timelines.csv", TRAINIUM_BY_QUARTER)
    assert fmt == "epoch_chip_sales_quarterly"
    first = parsed.frame.iloc[0]
    assert (first.vendor, first.chip, first.granularity) == ("AWS", "Trainium1", "quarter")
    assert (first.period_start, first.period_end) == (date(2024, 1, 1), date(2024, 3, 31))
    assert (first.units_p5, first.units_median, first.units_p95) == (50000, 110000, 250000)
    assert (first.h100e_p5, first.h100e_median, first.h100e_p95) == (10611, 23345, 53057)
    assert parsed.frame.iloc[1].chip == "Trainium1"  # blank Chip type: taken from the Name
    assert parsed.frame.iloc[1].h100e_median == 23345  # "23,345"
    assert reasons(parsed) == {4: "columns 'Start date/End date': 2024-07-01 to 2024-08-30 is not a calendar quarter or year"}


CUMULATIVE = """Name,Chip manufacturer,Start date,End date,Number of units (5th percentile),Number of units (median),Number of units (95th percentile),Compute estimate in H100e (5th percentile),Compute estimate in H100e (median),Compute estimate in H100e (95th percentile),Incomplete,Notes
T to Q2,Nvidia,1/1/2022,6/30/2022,200,250,300,20,25,30,,
T to Q1,Nvidia,1/1/2022,3/31/2022,80,100,120,8,10,12,,
T to Q3,Nvidia,1/1/2022,9/30/2022,360,450,540,36,45,54,,
T to Q4,Nvidia,1/1/2022,12/31/2022,300,400,500,30,40,50,,
"""


def test_cumulative_totals_become_quarterly_increments():
    fmt, parsed, notes = parse("nvidia_cumulative_totals.csv", CUMULATIVE)
    assert fmt == "epoch_chip_sales_cumulative"
    frame = parsed.frame
    assert frame.period_start.tolist() == [date(2022, 1, 1), date(2022, 4, 1), date(2022, 7, 1)]
    assert frame.units_median.tolist() == [100, 150, 200]  # 100, 250-100, 450-250 (rows were out of order)
    assert frame.h100e_median.tolist() == [10, 15, 20]
    assert frame.units_p5.tolist() == [80, 120, 160] and frame.units_p95.tolist() == [120, 180, 240]
    assert set(frame.chip) == {"all"} and set(frame.vendor) == {"NVIDIA"}
    assert [r.row for r in parsed.rejected] == [5]  # 450 → 400: a running total cannot fall
    assert "cannot decrease" in parsed.rejected[0].reason()
    assert [n.code for n in notes] == ["cumulative_converted"]


def test_without_chip_type_rows_must_share_a_start_date():
    text = CUMULATIVE.replace("1/1/2022,9/30/2022", "7/1/2022,9/30/2022")
    with pytest.raises(ImportRefused) as refused:
        parse("x.csv", text)
    assert refused.value.code == "not_cumulative" and "2022-07-01" in str(refused.value)


def test_unknown_format_lists_what_we_read():
    with pytest.raises(ImportRefused) as refused:
        parse("prices.csv", "Year,A100 low,Notes,Notes\n2022,10000,a,b\n")
    assert refused.value.code == "unknown_format"
    assert "Year, A100 low" in str(refused.value) and "Entity, Day" in str(refused.value)


def test_file_with_no_usable_row_is_refused():
    text = "Entity,Day,Training computation (petaFLOP)\nGPT-3.5,,\nX,NA,NA\n"
    with pytest.raises(ImportRefused) as refused:
        parse("owid.csv", text)
    assert refused.value.code == "no_usable_rows" and "row 2" in str(refused.value)


def test_messages_exist_in_chinese():
    _, parsed, _ = parse("all.csv", EPOCH_TODAY)
    zh = parsed.rejected[0].reason("zh")
    assert "Training compute (FLOP)" in zh and "⟦" not in zh and zh != parsed.rejected[0].reason("en")
