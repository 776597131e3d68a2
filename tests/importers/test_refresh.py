"""`python -m etl refresh` against a local HTTP server on 127.0.0.1 serving the upstream exports (the full
copies when present, else the committed samples), and offline."""

import functools
import http.server
import socket
import threading

import pandas as pd
import pytest

from etl.__main__ import main
from tests.importers.conftest import rows, sha256

# Upstream file names (as in etl.refresh.EXPORTS) → our copies' names (full files or samples).
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
def mirror(shared_data):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(UpstreamMirror))
    server.data_dir = shared_data
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def served_rows(shared_data, upstream_name: str) -> int:
    """Data rows of a served file, counted by pandas (independently of the importers)."""
    return len(pd.read_csv(shared_data / SERVED[upstream_name]))


def test_refresh_downloads_and_imports(db, mirror, shared_data, capsys):
    models = served_rows(shared_data, "notable_ai_models.csv") - 1  # Theseus' 40 FLOP is refused
    assert main(["refresh", "--db", str(db), "--base-url", mirror, "--timeout", "5"]) == 0
    captured = capsys.readouterr()
    assert "large_scale_ai_models.csv: download failed" in captured.err
    assert "Refresh finished: 5 file(s) imported" in captured.out
    assert rows(db, "select count(*) from models_imported") == [(models,)]
    vendors = rows(db, "select vendor, count(*) from shipments_imported group by vendor order by vendor")
    assert vendors == [("AMD", 8), ("AWS", 8), ("Google", 13), ("NVIDIA", 17)]
    assert [n for _, n in vendors] == [served_rows(shared_data, f"{v}_cumulative_totals.csv")
                                       for v in ("amd", "trainium", "tpu", "nvidia")]
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
