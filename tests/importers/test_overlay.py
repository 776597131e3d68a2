"""A session's overlay on a built database: the shared file is only read, the overlay's marts merge the
session's rows like an import would, and its counts are worked out by hand from tests/etl/rawdata.py."""

from __future__ import annotations

import hashlib

import pytest

from etl.importers.overlay import OverlayStore, UploadTooLong, overlay_key, parse_upload
from etl.read import Store
from tests.importers.conftest import epoch_csv


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_overlay_reads_shared_plus_session_rows_and_never_writes(built):
    before = digest(built)
    content = epoch_csv("GPT 4,2023-03-15,2.5e25,1.8e12", "New-2024,2024-01-01,1e24,")
    upload = parse_upload("/client/path/epoch.csv", content)
    assert (upload.file_name, upload.sha256, upload.size_bytes) == ("epoch.csv", hashlib.sha256(content).hexdigest(),
                                                                    len(content))
    overlay = OverlayStore(built, [upload])
    shared = Store(built)
    assert len(shared.models()) == 5 and len(overlay.models()) == 6  # 5 curated + New-2024
    assert [(e.added, e.replaced, e.kept) for e in overlay.effects] == [(1, 0, 1)]
    gpt4 = overlay.models().set_index("name").loc["GPT-4"]
    assert (gpt4["training_compute_flop"], gpt4["parameters"]) == (2.1e25, 1.8e12)  # curated wins; gap filled
    assert "models_imported" in set(overlay.tables()["name"]) and digest(built) == before
    assert shared.table("models_imported").empty  # the shared file has none of the session's rows


def test_two_uploads_are_counted_in_order(built):
    first = parse_upload("a.csv", epoch_csv("New-2024,2024-01-01,1e24,"))
    second = parse_upload("b.csv", epoch_csv("New 2024,2024-01-01,2e24,", "Other,2024-02-01,1e23,"))
    overlay = OverlayStore(built, [first, second])
    assert [(e.added, e.replaced, e.kept) for e in overlay.effects] == [(1, 0, 0), (1, 1, 0)]
    assert overlay_key([first, second]) != overlay_key([second, first]) and overlay_key([]) == ""


def test_a_file_longer_than_the_session_cap_is_refused_before_parsing():
    with pytest.raises(UploadTooLong) as refused:
        parse_upload("big.csv", epoch_csv(*(f"M{n},2024-01-01,1e20," for n in range(40))), max_lines=30)
    assert "41 lines" in refused.value.message("en") and "at most 30 lines" in refused.value.message("en")
    assert "41" in refused.value.message("zh")
