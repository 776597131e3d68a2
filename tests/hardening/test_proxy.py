"""The team deployment of docs/DEPLOY.md: two app processes on one read-only database behind nginx (websocket
upgrade, sticky by cookie). Sessions through the proxy rerun cleanly and never see another session's value."""

from __future__ import annotations

from contextlib import ExitStack

import pytest

from bench.live import streamlit_server
from bench.proxy import nginx_available, nginx_proxy, write_config

pytest.importorskip("websockets")
from bench.wsload import cpu_seconds, run_sessions  # noqa: E402  (needs websockets)

SESSIONS, SECONDS, THINK_S = 4, 5, 0.5


def test_the_config_lists_every_process_and_upgrades_websockets(tmp_path):
    text = write_config(tmp_path, 8600, ["http://127.0.0.1:8501", "http://127.0.0.1:8502/"]).read_text()
    assert "server 127.0.0.1:8501;" in text and "server 127.0.0.1:8502;" in text
    assert "proxy_set_header Upgrade $http_upgrade;" in text and "hash $cookie_cc_route consistent;" in text
    assert "listen 127.0.0.1:8600;" in text


@pytest.fixture(scope="module")
def through_proxy(hard_db, hard_app, tmp_path_factory):
    if not nginx_available():
        pytest.skip("nginx is not installed: run `make system-deps`")
    with ExitStack() as stack:  # the hardening tests' shared server is the first upstream; one more starts here
        apps = [hard_app, stack.enter_context(streamlit_server(hard_db))]
        proxy_url, _ = stack.enter_context(nginx_proxy([url for url, _ in apps], tmp_path_factory.mktemp("nginx")))
        pids = [proc.pid for _, proc in apps]
        before = [cpu_seconds(pid) for pid in pids]
        results, _ = run_sessions(proxy_url, SESSIONS, SECONDS, THINK_S)
        return results, [cpu_seconds(pid) - cpu for pid, cpu in zip(pids, before, strict=True)]


def test_sessions_through_nginx_rerun_without_failure_or_leak(through_proxy):
    results, _ = through_proxy
    assert len(results) == SESSIONS
    for result in results:
        assert result.failures == [] and result.exceptions == [], f"session {result.index}"
        assert result.leaks == [] and result.mismatches == [], f"session {result.index}"
        assert result.reruns >= 2, f"session {result.index} moved its slider only {result.reruns} times"


def test_the_reruns_ran_in_the_app_processes(through_proxy):
    _, cpu_by_process = through_proxy
    # ~0.1 s of CPU per Forecast rerun: the reruns' work is in the apps, whichever one each session hashed to.
    assert sum(cpu_by_process) > 0.05 * SESSIONS * 2
