"""Where things live, relative to the project root (not the working directory)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAW_DIR = ROOT / "data" / "raw"
DEFAULT_DB = ROOT / "data" / "compute.duckdb"
SHARED_DATA = ROOT.parent / "shared" / "data"  # real upstream exports, for tests only; may be absent
