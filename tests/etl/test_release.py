"""The data version and "as of" date in build_info, the changelog table, and the footer's data-age line."""

from __future__ import annotations

from datetime import date

import pandas as pd

from charts.common import data_age_line
from etl.__main__ import main
from etl.build import build
from etl.read import Store
from etl.release import read_changelog
from tests.etl.rawdata import VALID_TABLES, write_raw

CHANGELOG = """# Data changelog

## 2025.1.2 — 2025-01-03

<!-- en -->
- Added GPT-4.
<!-- zh -->
- 新增 GPT-4。

## 2025.1.1 — 2025-01-01

<!-- en -->
First release.
"""


def quiet(_message: str) -> None:
    pass


def test_changelog_entries_newest_first_with_both_languages(tmp_path):
    path = tmp_path / "CHANGELOG.md"
    path.write_text(CHANGELOG, encoding="utf-8")
    log = read_changelog(path)
    assert log.problems == [] and log.version == "2025.1.2"
    assert [(e.version, e.released) for e in log.entries] == [("2025.1.2", date(2025, 1, 3)),
                                                              ("2025.1.1", date(2025, 1, 1))]
    assert log.entries[0].text == {"en": "- Added GPT-4.", "zh": "- 新增 GPT-4。"}
    assert log.entries[1].text == {"en": "First release."}


def test_build_records_version_as_of_and_changelog(tmp_path):
    raw = write_raw(tmp_path / "data" / "raw")
    (tmp_path / "data" / "CHANGELOG.md").write_text(CHANGELOG, encoding="utf-8")
    db = tmp_path / "compute.duckdb"
    build(raw, db, log=quiet)
    store = Store(db)
    info = store.build_info()
    assert set(info["data_version"]) == {"2025.1.2"}
    assert set(pd.to_datetime(info["data_as_of"]).dt.date) == {date(2025, 1, 2)}  # both sources read 2025-01-02
    changelog = store.data_changelog()
    assert list(changelog["version"]) == ["2025.1.2", "2025.1.2", "2025.1.1"]
    assert data_age_line(store, "en") == "Data as of 2025-01-02, version 2025.1.2"
    assert data_age_line(info, "zh") == "数据截至 2025-01-02，版本 2025.1.2"


def test_the_newest_access_date_is_the_as_of_date(tmp_path):
    sources = VALID_TABLES["sources"].replace("Org B,2023,https://example.org/b,CC BY 4.0,2025-01-02",
                                              "Org B,2023,https://example.org/b,CC BY 4.0,2025-02-10")
    db = tmp_path / "compute.duckdb"
    build(write_raw(tmp_path / "raw", sources=sources), db, log=quiet)
    info = Store(db).build_info()
    assert set(pd.to_datetime(info["data_as_of"]).dt.date) == {date(2025, 2, 10)}
    assert info["data_version"].isna().all()  # no CHANGELOG.md beside this raw folder
    assert data_age_line(info, "en").startswith("Data version unknown")


def test_a_malformed_version_heading_fails_the_build(tmp_path, capsys):
    raw = write_raw(tmp_path / "data" / "raw")
    (tmp_path / "data" / "CHANGELOG.md").write_text("## next — soon\n", encoding="utf-8")
    code = main(["build", "--raw", str(raw), "--db", str(tmp_path / "c.duckdb")])
    err = capsys.readouterr().err
    assert code == 2 and "CHANGELOG.md: row 1: value 'next': expected a data version like 2026.11.1" in err


def test_the_real_changelog_names_the_version_the_real_build_records(raw_dir):
    log = read_changelog(raw_dir.parent / "CHANGELOG.md")
    assert log.problems == [] and log.version
    assert all(set(entry.text) == {"en", "zh"} for entry in log.entries)
