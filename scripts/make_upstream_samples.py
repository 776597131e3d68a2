"""Write the committed test samples of the upstream layouts the importers read (tests/importers/samples).

    python scripts/make_upstream_samples.py FOLDER_OF_REAL_EXPORTS [--accessed YYYY-MM-DD]

Each sample keeps the upstream header and bytes-level layout (delimiter, quoting, number formats) and a
few dozen of its rows in their original order; long free-text cells (abstracts, author lists) are
emptied. Beside each sample, NAME.meta.json records the origin, access date, licence, the SHA-256, size
and row count of the full file, and how the rows were chosen, so a test can check the sample against
the full file whenever that is at hand.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
from datetime import date
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "tests" / "importers" / "samples"
CHIP_COUNTS = "https://github.com/epoch-research/ai-chip-counts/blob/main/"
MIT = "MIT (ai-chip-counts repository LICENSE, Epoch AI 2025)"
CC_BY = "CC BY 4.0 (Epoch AI; attribution: Epoch AI)"
BLANKED = ("Abstract", "Authors")

# file -> (origin URL, licence, format the importers give it, rows to keep: "all" or a selection rule)
FILES = {
    "epoch_notable_ai_models_2025-05.csv": (
        "https://github.com/vaaniarora/Water_Sustainability/blob/34a5c4138fe410a8c9b0d7926469c5b6b01294af/notable_ai_models.csv",
        CC_BY, "epoch_models", "every_25th"),
    "openai_ai_and_compute_2018.csv": (
        "https://github.com/skaltman/ai-progress/blob/5ae8989c45256e839c604e1548015431d373f7d3/data-raw/compute.csv",
        "none stated (transcription of OpenAI's 'AI and Compute', 2018; figures cited)", "openai_2018", "all"),
    "epoch_ml_hardware_2025-12.csv": (
        "https://github.com/sr3-k/data/blob/d62de22b9128a2598b039c06346e350f918b3810/ml_hardware.csv",
        CC_BY, "unknown_format", "every_6th"),
    "tsmc_quarterly_revenue_by_node_2017-2025.csv": (
        "https://github.com/mccorvie/fabanalysis/blob/main/tsmc%20revenue%20breakdown.csv",
        "none stated (transcription of TSMC quarterly management reports; figures cited)", "unknown_format", "all"),
    "nvidia_annual_chip_prices_2022-2025.csv": (
        CHIP_COUNTS + "data_inputs/Nvidia%20annual%20prices.csv", MIT, "unknown_format", "all"),
}
for vendor, first, path_total, path_chips in (
    ("nvidia", "2022", "nvidia_cumulative_totals.csv", "nvidia_calendar_quarter_chip_timelines.csv"),
    ("tpu", "2023", "tpu_cumulative_totals.csv", "tpu_calendar_quarter_chip_timelines.csv"),
    ("amd", "2024", "amd_cumulative_totals.csv", "amd_chip_timelines.csv"),
    ("trainium", "2024", "trainium_cumulative_totals.csv", "trainium_chip_timelines.csv"),
):
    FILES[f"epoch_ai_chip_sales_{vendor}_cumulative_{first}-2025.csv"] = (
        CHIP_COUNTS + "csv_export/" + path_total, MIT, "epoch_chip_sales_cumulative", "all")
    FILES[f"epoch_ai_chip_sales_{vendor}_by_quarter_chip.csv"] = (
        CHIP_COUNTS + "csv_export/" + path_chips, MIT, "epoch_chip_sales_quarterly", "all")


def chosen(records: list[list[str]], rule: str) -> list[int]:
    """Indexes of the data rows to keep, in file order."""
    n = len(records)
    if rule == "all":
        return list(range(n))
    step = int(rule.split("_")[1].rstrip("thsnd"))
    keep = set(range(0, n, step)) | {0, 1, 2, n - 1}  # the first rows and the last (oldest) row
    return sorted(keep)


def sample_text(text: str, rule: str) -> tuple[str, int, int]:
    records = list(csv.reader(io.StringIO(text, newline="")))
    header, body = records[0], records[1:]
    if rule == "every_25th":  # keep named rows the tests use (GPT-4) besides the regular picks
        extra = {i for i, r in enumerate(body) if r and r[0] == "GPT-4"}
    else:
        extra = set()
    rows = sorted(set(chosen(body, rule)) | extra)
    blank = [i for i, name in enumerate(header) if name in BLANKED]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n" if "\r\n" in text else "\n")
    writer.writerow(header)
    for i in rows:
        writer.writerow(["" if j in blank else cell for j, cell in enumerate(body[i])])
    return out.getvalue(), len(body), len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="folder holding the full upstream exports")
    parser.add_argument("--accessed", default=date.today().isoformat(), help="access date (default: today)")
    args = parser.parse_args()
    SAMPLES.mkdir(parents=True, exist_ok=True)
    for name, (origin, licence, fmt, rule) in FILES.items():
        data = (args.folder / name).read_bytes()
        text = data.decode("utf-8")
        sample, full_rows, kept = sample_text(text, rule)
        if rule == "all":
            sample = text  # byte for byte
        (SAMPLES / name).write_bytes(sample.encode("utf-8"))
        meta = {
            "file": name, "origin": origin, "accessed": args.accessed, "licence": licence,
            "full_sha256": hashlib.sha256(data).hexdigest(), "full_bytes": len(data), "full_rows": full_rows,
            "sample_rows": kept, "importer_format": fmt,
            "selection": "the whole file" if rule == "all" else
                         f"{rule.replace('_', ' ')} data row plus the first three and the last, in file order"
                         + (" (and GPT-4)" if rule == "every_25th" else ""),
            "changes": "none" if rule == "all" or not any(b in text.splitlines()[0] for b in BLANKED)
                       else "cells of the columns " + " and ".join(BLANKED) + " emptied (long free text)",
        }
        (SAMPLES / f"{name}.meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n",
                                                   encoding="utf-8")
        print(f"{name}: {kept} of {full_rows} rows")


if __name__ == "__main__":
    main()
