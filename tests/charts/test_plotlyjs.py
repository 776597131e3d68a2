"""Kaleido's page loads plotly.js's basic bundle when it is installed and of plotly.py's own release, and the
images are the same as with the full bundle. The installer is checked against a fake registry (no network);
the images against the full bundle, an independent renderer of the same figures."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from charts import plotlyjs
from tests.charts.test_cli_imports import ROOT, real_db  # noqa: F401  (a fixture)

chromium = pytest.mark.skipif(shutil.which("chromium") is None and not Path("/usr/bin/chromium").exists(),
                              reason="Debian's chromium is not installed")
basic_installed = pytest.mark.skipif(plotlyjs.page_bundle() is None,
                                     reason="the basic plotly.js bundle is not installed (make setup fetches it)")

HEADER_FULL = b"/**\n* plotly.js v4.1.1\n* Copyright 2012-2026, Plotly, Inc.\n*/\n(function(){})"
HEADER_BASIC = b"/**\n* plotly.js (basic - minified) v4.1.1\n* Copyright 2012-2026, Plotly, Inc.\n*/\n(function(){})"


def test_release_reads_the_licence_header_of_both_bundles(tmp_path):
    full, basic, other = tmp_path / "full.js", tmp_path / "basic.js", tmp_path / "other.js"
    full.write_bytes(HEADER_FULL)
    basic.write_bytes(HEADER_BASIC)
    other.write_bytes(b"console.log('no header')")
    assert [plotlyjs.release(p) for p in (full, basic, other, tmp_path / "missing.js")] == ["4.1.1", "4.1.1",
                                                                                           None, None]


def test_integrity_is_checked_against_a_known_digest():
    # SHA-256 of "abc" (FIPS 180-2's test vector ba7816bf…15ad), base64-encoded as npm writes it
    assert plotlyjs._integrity_ok(b"abc", "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=")
    assert not plotlyjs._integrity_ok(b"abd", "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=")
    assert not plotlyjs._integrity_ok(b"abc", "md5-kAFQmDzST7DWlj99KOF/cg==")  # not an npm algorithm
    assert not plotlyjs._integrity_ok(b"abc", "")


@pytest.fixture
def bundles(tmp_path, monkeypatch):
    """plotly.py's bundle (release 4.1.1) and where the basic one installs, both in tmp_path."""
    full = tmp_path / "plotly.min.js"
    full.write_bytes(HEADER_FULL)
    basic = tmp_path / "venv" / "share" / "compute-ceiling" / plotlyjs.BASIC_FILE
    monkeypatch.setattr(plotlyjs, "full_bundle", lambda: full)
    monkeypatch.setattr(plotlyjs, "basic_bundle", lambda: basic)
    return full, basic


def test_the_page_loads_the_basic_bundle_only_when_installed_and_of_the_same_release(bundles):
    full, basic = bundles
    assert plotlyjs.page_bundle() is None and "not installed" in plotlyjs.status()
    basic.parent.mkdir(parents=True)
    basic.write_bytes(HEADER_BASIC.replace(b"v4.1.1", b"v4.0.0"))
    assert plotlyjs.page_bundle() is None and "4.0.0" in plotlyjs.status() and "4.1.1" in plotlyjs.status()
    basic.write_bytes(HEADER_BASIC)
    assert plotlyjs.page_bundle() == basic and "basic bundle" in plotlyjs.status()


def _package(script: bytes) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        info = tarfile.TarInfo(f"package/{plotlyjs.BASIC_FILE}")
        info.size = len(script)
        archive.addfile(info, io.BytesIO(script))
    return buffer.getvalue()


def _fake_registry(monkeypatch, tarball: bytes, integrity: str) -> list[str]:
    asked = []

    def urlopen(url, timeout):
        asked.append(url)
        if url.endswith(".tgz"):
            return io.BytesIO(tarball)
        return io.BytesIO(json.dumps({"dist": {"tarball": "https://registry.example/basic-4.1.1.tgz",
                                               "integrity": integrity}}).encode())

    monkeypatch.setattr(plotlyjs.urllib.request, "urlopen", urlopen)
    return asked


def _sri(blob: bytes) -> str:
    import base64

    return "sha512-" + base64.b64encode(hashlib.sha512(blob).digest()).decode()


def test_fetch_installs_the_basic_bundle_of_plotly_pys_release(bundles, monkeypatch):
    _, basic = bundles
    tarball = _package(HEADER_BASIC)
    asked = _fake_registry(monkeypatch, tarball, _sri(tarball))
    assert plotlyjs.main(["fetch"]) == 0
    assert asked[0] == f"{plotlyjs.REGISTRY}/{plotlyjs.BASIC_PACKAGE}/4.1.1"  # the release plotly.py holds
    assert basic.read_bytes() == HEADER_BASIC and plotlyjs.page_bundle() == basic


@pytest.mark.parametrize("case", ["corrupted", "other release"])
def test_fetch_refuses_a_corrupted_or_mismatched_package_and_installs_nothing(bundles, monkeypatch, capsys, case):
    _, basic = bundles
    if case == "corrupted":
        tarball = _package(HEADER_BASIC)
        _fake_registry(monkeypatch, tarball, _sri(tarball + b"x"))
    else:
        tarball = _package(HEADER_BASIC.replace(b"v4.1.1", b"v3.9.9"))
        _fake_registry(monkeypatch, tarball, _sri(tarball))
    assert plotlyjs.main(["fetch"]) == 1
    message = capsys.readouterr().err
    assert ("integrity" in message) if case == "corrupted" else ("3.9.9" in message)
    assert not basic.exists() and not basic.with_suffix(".part").exists()


def test_fetch_without_a_network_says_so_and_exits_1(bundles, monkeypatch, capsys):
    def offline(url, timeout):
        raise OSError("Network is unreachable")

    monkeypatch.setattr(plotlyjs.urllib.request, "urlopen", offline)
    assert plotlyjs.main(["fetch"]) == 1
    assert "Network is unreachable" in capsys.readouterr().err


def test_every_chart_draws_only_trace_types_of_the_basic_bundle(real_db):  # noqa: F811
    from charts.registry import CHARTS, ChartContext, build
    from etl.read import Store
    from models.scenario import Scenario

    store = Store(real_db)
    kinds = {chart_id: plotlyjs.trace_types(build(chart_id, ChartContext(store=store, scenario=Scenario())))
             for chart_id in CHARTS}
    assert {chart_id: k for chart_id, k in kinds.items() if not k <= plotlyjs.BASIC_TRACE_TYPES} == {}
    assert set().union(*kinds.values()) == {"scatter", "bar"}


SAME_IMAGES = """
import json, sys
import plotly.graph_objects as go
from charts import export, kaleido_warm
from charts.registry import ChartContext, build
from etl.read import Store
from models.scenario import Scenario

context = ChartContext(store=Store(sys.argv[1]), scenario=Scenario())
figures = [build(chart_id, context) for chart_id in ("forecast", "tornado", "supply-market-share")]

def images():
    return [export.to_image(figure, "png") for figure in figures]  # PNG: an SVG carries a random id per drawing

kaleido_warm.start(full=True)
full = images(), kaleido_warm.loaded_bundle()
export.stop_kaleido_server()
basic = images(), kaleido_warm.loaded_bundle()
heatmap = export.to_image(go.Figure(go.Heatmap(z=[[1, 2], [3, 4]])), "png")
print(json.dumps({"same": full[0] == basic[0], "full": str(full[1]), "basic": str(basic[1]),
                  "after_heatmap": str(kaleido_warm.loaded_bundle()), "png": heatmap[:4] == b"\\x89PNG"}))
"""


@chromium
@basic_installed
def test_the_basic_bundle_draws_the_same_images_and_a_trace_it_lacks_switches_to_the_full_one(real_db):  # noqa: F811
    run = subprocess.run([sys.executable, "-c", SAME_IMAGES, str(real_db)], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen == {"same": True, "full": "None", "basic": str(plotlyjs.page_bundle()), "after_heatmap": "None",
                    "png": True}
