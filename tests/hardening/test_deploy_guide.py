"""docs/DEPLOY.md §6, run for real: nginx configured with the guide's own lockdown lines (read from the
page) in front of a live app refuses the metrics endpoint under every spelling tried, and lets only the
embed view be framed by other sites."""

from __future__ import annotations

import http.client
import re
import shutil
import subprocess

import pytest

from bench.live import free_port, serving, streamlit_server
from bench.proxy import nginx_binary, nginx_config, running_nginx
from etl.paths import ROOT

GUIDE = ROOT / "docs" / "DEPLOY.md"
SITE = """{http_level}
    server {{
        listen 127.0.0.1:{port};
{server_level}
        location / {{
            proxy_pass {app};
            proxy_http_version 1.1;
{location_level}
        }}
    }}"""
METRICS_SPELLINGS = ["/_stcore/metrics", "/_stcore/metrics/", "//_stcore/metrics", "/_stcore//metrics",
                     "/_stcore/./metrics", "/x/../_stcore/metrics", "/%5Fstcore/metrics", "/_stcore/%6Detrics",
                     "/_stcore/metrics?format=text", "/_stcore/metrics#x"]


def guide_block(marker: str) -> str:
    blocks = re.findall(r"```nginx\n(.*?)```", GUIDE.read_text(encoding="utf-8"), flags=re.S)
    (block,) = [b for b in blocks if b.startswith(marker)]
    return block


@pytest.fixture(scope="module")
def proxied(hard_db, tmp_path_factory):
    if nginx_binary() is None:
        pytest.skip("nginx is not installed (scripts/system_deps.sh installs nginx-light)")
    root = tmp_path_factory.mktemp("nginx")
    server_block, location_block = guide_block("# lockdown: server level").split("# inside location / { … }:")
    db = root / "compute.duckdb"
    shutil.copyfile(hard_db, db)
    with streamlit_server(db, log_path=root / "streamlit.log") as (app, _proc):
        port = free_port()
        config = root / "nginx.conf"
        site = SITE.format(port=port, app=app, http_level=guide_block("# lockdown: http level"),
                           server_level=server_block, location_level=location_block)
        config.write_text(nginx_config(root, site, connections=64))
        with running_nginx(root, config, port) as (proxy, _proc):
            yield app, proxy


def get(base: str, path: str) -> tuple[int, dict[str, str], bytes]:
    host, port = base.removeprefix("http://").rstrip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.request("GET", path)  # sent as written: no client-side normalisation
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def test_the_app_itself_serves_metrics(proxied):
    """Without the proxy the endpoint answers: what the proxy must hide is really there."""
    app, _proxy = proxied
    status, _headers, _body = get(app, "/_stcore/metrics")
    assert status == 200


@pytest.mark.parametrize("path", METRICS_SPELLINGS)
def test_the_proxy_refuses_metrics_in_every_spelling(proxied, path):
    _app, proxy = proxied
    status, _headers, body = get(proxy, path)
    assert status in (400, 403, 404), (path, status, body[:200])


@pytest.mark.parametrize("path", ["/", "/forecast?lang=en", "/data", "/embed/", "/embedded"])
def test_pages_may_be_framed_by_the_app_only(proxied, path):
    _app, proxy = proxied
    status, headers, _body = get(proxy, path)
    assert status in (200, 301)  # Streamlit redirects /embed/ to /embed
    assert headers["content-security-policy"] == "frame-ancestors 'self'"
    assert headers["x-frame-options"] == "SAMEORIGIN"


@pytest.mark.parametrize("path", ["/embed?chart=forecast&lang=en", "/embed?chart=forecast-hero&theme=dark"])
def test_only_the_embed_view_may_be_framed_by_any_site(proxied, path):
    _app, proxy = proxied
    status, headers, _body = get(proxy, path)
    assert status == 200
    assert headers["content-security-policy"] == "frame-ancestors *"
    assert "x-frame-options" not in headers


def test_production_config_hides_error_details_from_readers():
    import tomllib

    from streamlit import config as streamlit_config

    with open(ROOT / ".streamlit" / "config.toml", "rb") as handle:
        value = tomllib.load(handle)["client"]["showErrorDetails"]
    assert value == "none"
    streamlit_config.get_option("client.showErrorDetails")  # the installed Streamlit knows the option (else it raises)


def test_a_failing_page_shows_no_details_while_the_log_keeps_them(browser, tmp_path):
    """A script that raises, served with the project's own .streamlit/config.toml (the working directory)."""
    import sys

    from bench.driver import EXCEPTION

    script = tmp_path / "failing_page.py"
    script.write_text("raise RuntimeError('secret detail at /srv/hidden/path')\n")
    log = tmp_path / "streamlit.log"
    port = free_port()
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
                                 "--server.headless", "true", "--server.fileWatcherType", "none"],
                                cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        with serving(proc, f"http://127.0.0.1:{port}", 60) as url:
            page = browser.new_page()
            page.goto(url)
            page.locator(EXCEPTION).wait_for(timeout=60_000)
            shown = page.locator(EXCEPTION).inner_text()
            page.close()
    assert "secret detail" not in shown and "/srv/hidden" not in shown and "failing_page.py" not in shown
    assert "RuntimeError" not in shown  # "none": not even the exception type
    logged = log.read_text(errors="replace")
    assert "Traceback" in logged and "secret detail at /srv/hidden/path" in logged
