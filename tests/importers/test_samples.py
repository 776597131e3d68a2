"""The committed samples: small hand-made tables in the layout of each upstream export, described, recognised,
and (when the full exports are at hand) laid out like them while sharing none of their rows."""

from __future__ import annotations

import csv
import io
import json

import pytest

from etl.importers import ImportRefused, parse_bytes
from tests.conftest import UPSTREAM_SAMPLES

SAMPLES = sorted(p for p in UPSTREAM_SAMPLES.glob("*.csv"))
META_KEYS = {"file", "content", "values", "layout_of", "layout_attribution", "layout_checked", "line_end",
             "final_newline", "quirks", "importer_format", "rows"}
LINE_ENDS = {"lf": b"\n", "crlf": b"\r\n"}


def meta(sample) -> dict:
    return json.loads(sample.with_name(sample.name + ".meta.json").read_text(encoding="utf-8"))


def records(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def line_end(data: bytes) -> str:
    return "crlf" if b"\r\n" in data else "lf"


def test_there_is_a_sample_of_every_upstream_file_the_tests_read():
    assert len(SAMPLES) == 13


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_each_sample_is_described_small_and_synthetic(sample):
    info = meta(sample)
    assert set(info) == META_KEYS and info["file"] == sample.name
    assert info["content"] == "synthetic" and info["layout_of"].startswith("https://") and info["quirks"]
    if "epoch" in sample.name:
        assert "attribution: Epoch AI" in info["layout_attribution"]
    body = records(sample.read_bytes())[1:]
    assert len(body) == info["rows"] and 2 <= info["rows"] <= 8


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_each_sample_keeps_the_declared_line_ends(sample):
    info, data = meta(sample), sample.read_bytes()
    assert line_end(data) == info["line_end"] and data.endswith(b"\n") == info["final_newline"]
    if info["line_end"] == "crlf":  # every line break of the file is CRLF
        assert data.count(b"\n") == data.count(b"\r\n")


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
def test_each_sample_has_the_full_files_layout_and_none_of_its_rows(sample, full_exports):
    full = full_exports / sample.name
    if not full.is_file():
        pytest.skip(f"{sample.name} is not among the full exports")
    full_data, sample_data = full.read_bytes(), sample.read_bytes()
    full_records, sample_records = records(full_data), records(sample_data)
    assert sample_records[0] == full_records[0]  # the same header, column for column
    assert (line_end(sample_data), sample_data.endswith(b"\n")) == (line_end(full_data), full_data.endswith(b"\n"))
    assert not {tuple(r) for r in sample_records[1:]} & {tuple(r) for r in full_records[1:]}
