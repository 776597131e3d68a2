"""`python -m etl refresh [--base-url URL] [--timeout S]`: fetch the current Epoch AI exports and import them.

Downloads each export (models from epoch.ai, chip sales from the ai-chip-counts repository), then
imports every file that arrived, all in memory. `--base-url` replaces the host part: each file is
fetched from `<base-url>/<file name>` (a mirror, or a local server in tests).
Exit codes: 0 done, or offline (nothing reachable: it says so and changes nothing);
2 when files were fetched but none could be imported, or the database is missing.
"""

from __future__ import annotations

import argparse
import sys
import urllib.error
import urllib.request

from etl.importers.api import MAX_BYTES, ImportReport, import_bytes
from etl.importers.base import ImportRefused
from etl.importers.cli import print_report
from i18n import t

_CHIP_COUNTS = "https://raw.githubusercontent.com/epoch-research/ai-chip-counts/main/csv_export"
EXPORTS = (  # the public URLs of the exports we import
    "https://epoch.ai/data/notable_ai_models.csv",
    "https://epoch.ai/data/large_scale_ai_models.csv",
    *(f"{_CHIP_COUNTS}/{vendor}_cumulative_totals.csv" for vendor in ("nvidia", "tpu", "amd", "trainium")),
)
USER_AGENT = "compute-ceiling-refresh/1"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base-url", help="fetch <base-url>/<file name> instead of the public URLs")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per download (default: %(default)s)")


def export_urls(base_url: str | None) -> list[str]:
    if base_url is None:
        return list(EXPORTS)
    return [f"{base_url.rstrip('/')}/{url.rsplit('/', 1)[1]}" for url in EXPORTS]


def download(url: str, timeout: float) -> bytes:
    """The body of `url`, at most MAX_BYTES + 1 bytes (import_bytes refuses anything larger)."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read(MAX_BYTES + 1)


def fetch_all(urls: list[str], timeout: float) -> tuple[dict[str, bytes], list[str]]:
    """Downloaded bodies by URL, and the failures (each already reported on stderr)."""
    fetched, failures = {}, []
    for url in urls:
        print(t("importers.refresh.fetching", "en", url=url))
        try:
            fetched[url] = download(url, timeout)
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
            detail = getattr(error, "reason", None) or error
            print(t("importers.refresh.failed", "en", url=url, detail=detail), file=sys.stderr)
            failures.append(f"{url}: {detail}")
    return fetched, failures


def run(args: argparse.Namespace) -> int:
    fetched, failures = fetch_all(export_urls(args.base_url), args.timeout)
    if not fetched:
        print(t("importers.refresh.offline", "en", detail=failures[0] if failures else "-"))
        return 0
    reports: list[ImportReport] = []
    for url, data in fetched.items():
        try:
            reports.append(import_bytes(args.db, url.rsplit("/", 1)[1], data))
        except ImportRefused as refusal:
            print(f"etl refresh: {refusal.message('en')}", file=sys.stderr)
            if refusal.code == "no_database":
                return 2
            continue
        print_report(reports[-1])
    print(t("importers.refresh.done", "en", files=len(reports), rows=sum(r.rows_stored for r in reports)))
    return 0 if reports else 2
