"""User-supplied text cannot draw links or images in the app's own boxes (in Chromium, on a live server).

A hostile CSV header in an upload, a hostile SQL box query and a hostile scenario file each carry a
markdown link, a markdown image and an HTML image that point at a trap address. Each must come back as
a refusal that shows the text literally: no <a> or <img> to the trap inside the page, and the browser
never requests the trap.
"""

from __future__ import annotations

import json

import pytest

from bench.driver import EXCEPTION, MAIN, open_page, page_url, settle
from i18n import t
from tests.hardening.live import require_chromium

TRAP = "http://127.0.0.1:9/trap"  # port 9 (discard): nothing answers, but any request to it is recorded
PAYLOAD = (f"**Official notice:** read [the correction]({TRAP}/link) ![x]({TRAP}/track.gif) "
           f"<img src={TRAP}/html.gif> :red[alarm]")


@pytest.fixture(scope="module")
def live(hard_app):
    """The hardening tests' shared server: every payload here is refused, and an upload would only lay a
    file over this session's data, never write the database."""
    require_chromium()
    url, _proc = hard_app
    return url


@pytest.fixture
def watched(browser):
    """A page plus the list of every request it made to the trap."""
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    trapped: list[str] = []
    page.on("request", lambda request: trapped.append(request.url) if "127.0.0.1:9" in request.url else None)
    yield page, trapped
    page.close()


def assert_inert(page, trapped) -> None:
    main = page.locator(MAIN)
    assert page.locator(EXCEPTION).count() == 0
    assert main.locator(f'a[href^="{TRAP}"]').count() == 0
    assert main.locator(f'img[src^="{TRAP}"]').count() == 0
    assert main.locator('[data-testid="stAlert"] strong').count() == 0  # no bold "Official notice"
    page.wait_for_timeout(500)  # give a would-be image request time to leave
    assert trapped == []


def test_a_hostile_header_cell_in_an_upload_is_shown_as_text(live, watched, tmp_path):
    page, trapped = watched
    upload = tmp_path / "hostile.csv"
    cells = ["Model", "**Official notice:**", f"[fix]({TRAP}/l)", f"![x]({TRAP}/t.gif)", f"<img src={TRAP}/h.gif>"]
    upload.write_text(",".join(cells) + "\nA,1,2,3,4\n", encoding="utf-8")  # each cell short enough to be echoed whole
    open_page(page, page_url(live, "data", lang="en"))
    page.get_by_role("tab", name=t("data.tab_import", "en")).click()
    page.locator(".st-key-data_import input[type=file]").set_input_files(str(upload))
    settle(page)
    page.locator(".st-key-data_import_go button").click()
    settle(page)
    alert = page.locator('[data-testid="stAlert"]').filter(has_text="hostile.csv")
    assert alert.count() == 1
    shown = alert.inner_text().replace("\u2060", "")  # minus the invisible joiners that break autolinks
    assert "**Official notice:**" in shown and f"[fix]({TRAP}/l)" in shown  # visible as the user wrote it
    assert_inert(page, trapped)


def test_a_hostile_sql_query_is_echoed_as_text(live, watched):
    page, trapped = watched
    open_page(page, page_url(live, "data", lang="en"))
    page.get_by_role("tab", name=t("data.tab_sql", "en")).click()
    box = page.locator(".st-key-data_sql textarea")
    box.fill(f'select "{PAYLOAD}" from models')
    box.press("Control+Enter")
    settle(page)
    page.locator(".st-key-data_sql_run button").click()
    settle(page)
    alert = page.locator('[data-testid="stAlert"]')
    assert alert.count() >= 1 and "the correction" in alert.first.inner_text()
    assert_inert(page, trapped)


def test_a_hostile_scenario_file_is_shown_as_text(live, watched, tmp_path):
    page, trapped = watched
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps({PAYLOAD: 1, "run_length_days": PAYLOAD}), encoding="utf-8")
    open_page(page, page_url(live, "forecast", lang="en"))
    page.locator(".st-key-scenario_upload input[type=file]").set_input_files(str(scenario))
    page.locator('[data-testid="stAlert"]').first.wait_for(timeout=60_000)  # the upload's callback, then a rerun
    settle(page)
    assert_inert(page, trapped)
