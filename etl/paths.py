"""Where things live, relative to the project root (not the working directory)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAW_DIR = ROOT / "data" / "raw"
DEFAULT_DB = ROOT / "data" / "compute.duckdb"
FULL_EXPORTS_ENV = "COMPUTE_CEILING_SHARED_DATA"  # a folder of the real upstream exports (tests, bench); optional
