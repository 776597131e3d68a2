"""The committed samples of the upstream layouts: described, recognised, and (when the full files are at
hand) faithful to them."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import pytest

from etl.importers import ImportRefused, parse_bytes
from tests.conftest import UPSTREAM_SAMPLES, full_exports_dir

SAMPLES = sorted(p for p in UPSTREAM_SAMPLES.glob("*.csv"))
META_KEYS = {"file", "origin", "accessed", "licence", "full_sha256", "full_bytes", "full_rows", "sample_rows",
             "importer_format", "selection", "changes"}


def meta(sample) -> dict:
    return json.loads(sample.with_name(sample.name + ".meta.json").read_text(encoding="utf-8"))


def records(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def test_there_is_a_sample_of_every_upstream_file_the_tests_read():
    assert len(SAMPLES) == 13


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_each_sample_is_described_and_small(sample):
    info = meta(sample)
    assert set(info) == META_KEYS and info["file"] == sample.name
    assert info["origin"].startswith("https://github.com/") and info["licence"] and info["accessed"]
    assert len(info["full_sha256"]) == 64
    body = records(sample.read_bytes())[1:]
    assert len(body) == info["sample_rows"] <= 50


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_each_sample_is_recognised_as_its_upstream_format(sample):
    expected = meta(sample)["importer_format"]
    if expected == "unknown_format":
        with pytest.raises(ImportRefused) as refused:
            parse_bytes(sample.name, sample.read_bytes())
        assert refused.value.code == "unknown_format"
    else:
        assert parse_bytes(sample.name, sample.read_bytes())[0].id == expected


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_each_sample_is_faithful_to_the_full_file_when_at_hand(sample):
    full = full_exports_dir() / sample.name
    if not full.is_file():
        return  # nothing to compare on a fresh clone; the checksum in the metadata pins the full file
    info, data = meta(sample), full.read_bytes()
    assert hashlib.sha256(data).hexdigest() == info["full_sha256"] and len(data) == info["full_bytes"]
    full_records, sample_records = records(data), records(sample.read_bytes())
    assert sample_records[0] == full_records[0] and len(full_records) - 1 == info["full_rows"]
    emptied = [i for i, name in enumerate(full_records[0]) if name in ("Abstract", "Authors")]

    def comparable(row):
        return tuple("" if i in emptied else cell for i, cell in enumerate(row))

    full_rows = [comparable(r) for r in full_records[1:]]
    positions = [full_rows.index(comparable(r)) for r in sample_records[1:]]
    assert positions == sorted(positions)  # a subset, in the original order
