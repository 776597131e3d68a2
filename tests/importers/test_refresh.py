"""`python -m etl refresh` against a local HTTP server on 127.0.0.1 serving the committed samples of the
upstream exports under their upstream names, and offline."""

import functools
import http.server
import socket
import threading

import pytest

from etl.__main__ import main
from tests.importers.conftest import rows, sha256

# Upstream file names (as in etl.refresh.EXPORTS) → the samples' names.
SERVED = {
    "notable_ai_models.csv": "epoch_notable_ai_models_2025-05.csv",
    "nvidia_cumulative_totals.csv": "epoch_ai_chip_sales_nvidia_cumulative_2022-2025.csv",
    "tpu_cumulative_totals.csv": "epoch_ai_chip_sales_tpu_cumulative_2023-2025.csv",
    "amd_cumulative_totals.csv": "epoch_ai_chip_sales_amd_cumulative_2024-2025.csv",
    "trainium_cumulative_totals.csv": "epoch_ai_chip_sales_trainium_cumulative_2024-2025.csv",
}  # large_scale_ai_models.csv is not served: a 404 must be skipped, not fatal


class UpstreamMirror(http.server.SimpleHTTPRequestHandler):
    def translate_path(self, path):
        name = SERVED.get(path.lstrip("/"), "does-not-exist")
        return str(self.server.data_dir / name)

    def log_message(self, *args):  # keep the test output quiet
        pass


@pytest.fixture
def mirror(upstream_samples):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(UpstreamMirror))
    server.data_dir = upstream_samples
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_refresh_downloads_and_imports(db, mirror, capsys):
    models = 5 - 1  # the notable-models sample's five rows but its 1950 row of 40 FLOP
    assert main(["refresh", "--db", str(db), "--base-url", mirror, "--timeout", "5"]) == 0
    captured = capsys.readouterr()
    assert "large_scale_ai_models.csv: download failed" in captured.err
    assert "Refresh finished: 5 file(s) imported" in captured.out
    assert rows(db, "select count(*) from models_imported") == [(models,)]
    vendors = rows(db, "select vendor, count(*) from shipments_imported group by vendor order by vendor")
    assert vendors == [("AMD", 2), ("AWS", 2), ("Google", 2), ("NVIDIA", 3)]  # one quarter per cumulative row
    # A second refresh replaces the rows of the same files instead of adding them again.
    assert main(["refresh", "--db", str(db), "--base-url", mirror, "--timeout", "5"]) == 0
    assert rows(db, "select count(*) from models_imported") == [(models,)]


def test_offline_says_so_and_changes_nothing(db, capsys):
    before = sha256(db)
    base = f"http://127.0.0.1:{closed_port()}"
    assert main(["refresh", "--db", str(db), "--base-url", base, "--timeout", "2"]) == 0
    captured = capsys.readouterr()
    assert "Offline or upstream unreachable" in captured.out and "Traceback" not in captured.err
    assert sha256(db) == before
