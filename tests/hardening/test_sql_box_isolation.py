"""While one reader's SQL-box query runs (in its own process, up to its time limit), other readers' pages
still run: the waiting page gives its run slot back. With one run slot per process, a second session
opens a page and finishes it while the first session's query is still running."""

from __future__ import annotations

import os
import shutil

import pytest

from bench.driver import EXCEPTION, MAIN, open_page, page_url, settle
from bench.live import streamlit_server
from i18n import t
from tests.hardening.live import require_chromium

SLOW_QUERY = "select count(*) from range(1000000) a, range(1000000) b"  # stopped at the 5 s limit


@pytest.fixture
def one_slot_server(hard_db, tmp_path, monkeypatch):
    require_chromium()
    monkeypatch.setenv("COMPUTE_CEILING_RUN_SLOTS", "1")
    db = tmp_path / "compute.duckdb"
    shutil.copyfile(hard_db, db)
    with streamlit_server(db, log_path=tmp_path / "streamlit.log") as (url, proc):
        yield url, proc


def query_processes(server_pid: int) -> int:
    """How many SQL-box query processes the server has running right now."""
    count = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat, open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
                command = cmdline.read()
        except OSError:
            continue
        count += parent == server_pid and b"sandbox_worker.py" in command
    return count


def test_another_session_runs_its_page_while_a_query_runs(one_slot_server, browser):
    url, proc = one_slot_server
    querying = browser.new_page(viewport={"width": 1280, "height": 900})
    reading = browser.new_page(viewport={"width": 1280, "height": 900})
    open_page(reading, page_url(url, "supply", lang="en"))  # warm the caches: the timed-out query lasts ~5 s
    open_page(querying, page_url(url, "data", lang="en"))
    querying.get_by_role("tab", name=t("data.tab_sql", "en")).click()
    box = querying.locator(".st-key-data_sql textarea")
    box.fill(SLOW_QUERY)
    box.press("Control+Enter")
    settle(querying)
    querying.locator(".st-key-data_sql_run button").click()
    for _ in range(400):  # until the query process has started
        if query_processes(proc.pid):
            break
        querying.wait_for_timeout(25)
    assert query_processes(proc.pid) == 1

    open_page(reading, page_url(url, "supply", lang="en"))  # a new session's whole page run, with the only run slot
    assert reading.locator(EXCEPTION).count() == 0 and reading.locator(MAIN).inner_text().strip()
    assert query_processes(proc.pid) == 1, "the page waited until the query ended: its run slot was held"

    querying.locator('[data-testid="stAlert"]').first.wait_for(timeout=60_000)
    assert t("sql.error.timeout", "en", seconds="5") in querying.locator('[data-testid="stAlert"]').first.inner_text()
