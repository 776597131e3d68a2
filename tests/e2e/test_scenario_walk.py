"""A seeded random walk over the Forecast page in Chromium: one scenario, one truth, after every step.

Steps: slider moves by keyboard and by mouse, a typed number, preset changes, the "Follow the data"
checkbox, language switches, a page switch and back, the share link reloaded in a new browser context,
and the scenario file saved, then loaded back after other moves. After every step:
- every main slider shows the value the URL gives it (or its preset's value when the URL has none);
- the ceiling year on screen is what `python -m models forecast --link <the page's URL>` computes;
- the hero chart's title says that year; every few steps the exported file says it too.

Synchronisation is on Streamlit's own script state (a MutationObserver counts finished runs), never on
sleeps. The walk covers WALK_SEEDS × WALK_STEPS steps: 24 in a CI run, 200 with WALK_STEPS=50 (about 5 s a step).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlsplit

import pytest

from bench.driver import LOAD_TIMEOUT_MS, MAIN, page_url
from i18n import t
from models.__main__ import main as models_cli
from models.scenario import FIELDS, MAIN_FIELDS, PRESETS, Scenario

WALK_SEEDS = (1, 2, 3, 4)
WALK_STEPS = int(os.environ.get("WALK_STEPS", 6))  # CI: 24 steps; WALK_STEPS=50 walks 200
EXPORT_EVERY = 10

_COUNT_RUNS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return -1;
  if (window.__ccFinished === undefined) {
    window.__ccFinished = 0;
    new MutationObserver((records) => {
      for (const r of records) if (r.oldValue === 'running') window.__ccFinished++;
    }).observe(app, {attributes: true, attributeOldValue: true, attributeFilter: ['data-test-script-state']});
  }
  return window.__ccFinished;
}"""
_QUIET_AFTER = """(before) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || window.__ccFinished <= before) return false;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  return Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'))
      .filter((c) => c.offsetParent !== null).every((c) => c.querySelector('.main-svg'));
}"""
_QUIET = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
      && !document.querySelector('[data-testid="stSkeleton"]');
}"""


def runs(page) -> int:
    return page.evaluate(_COUNT_RUNS)


def after_run(page, before: int) -> None:
    """Wait until at least one script run has finished since `before` and the page is drawn."""
    page.wait_for_function(_QUIET_AFTER, arg=before, timeout=LOAD_TIMEOUT_MS)


def act(page, action) -> None:
    before = runs(page)
    action()
    after_run(page, before)


def open_walk_page(page, url: str) -> None:
    page.goto(url)
    page.locator(MAIN).wait_for(timeout=LOAD_TIMEOUT_MS)
    page.wait_for_function(_QUIET, timeout=LOAD_TIMEOUT_MS)
    slider(page, "demand_growth").wait_for(timeout=LOAD_TIMEOUT_MS)
    runs(page)  # install the run counter


# --- reading the page -------------------------------------------------------------------------------
def slider(page, field: str):
    return page.locator(f'.st-key-{field} input[type="range"]')


def url_params(page) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(page.url).query))


def language(page) -> str:
    return url_params(page).get("lang", "en")


def shown_ceiling(page) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=t("ui.ceiling_year", language(page)))
    return metric.first.locator('[data-testid="stMetricValue"]').inner_text().strip()


def hero_title(page) -> str:
    return page.locator('.st-key-chart_forecast-hero .gtitle').first.text_content() or ""


@lru_cache(maxsize=512)
def cli_headline(db: str, link: str) -> tuple[int | None, int]:
    """(headline year or None, horizon) of `python -m models forecast --link` (its main, in-process)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert models_cli(["forecast", "--db", db, "--link", link, "--json"]) == 0
    result = json.loads(out.getvalue())
    return result["headline_year"], result["inputs"]["horizon"]


def as_year(text: str, horizon: int) -> int | None:
    """A shown ceiling ("2031", "after 2040", "2040 年以后") as a year, None for after the horizon."""
    return int(text) if re.fullmatch(r"\d{4}", text) else (None if str(horizon) in text else -1)


_SLIDER_AT = """([field, value]) => {
  const input = document.querySelector(`.st-key-${field} input[type="range"]`);
  return !!input && Math.abs(parseFloat(input.value) - value) <= 1e-6 * Math.max(1, Math.abs(value));
}"""


def _settled_value(page, field: str, expected: float) -> float:
    """The slider's value once the browser has drawn the run's deltas: React may paint a control's new value
    a moment after the script state turns idle, so wait (at most 5 s) for it, then read what is shown."""
    try:
        page.wait_for_function(_SLIDER_AT, arg=[field, expected], timeout=5_000)
    except Exception:  # still another value after 5 s: the assertion reports what is shown
        pass
    return float(slider(page, field).input_value())


def check(page, db: str, step: str) -> None:
    """The page shows exactly what the engine computes for the page's own URL."""
    params = url_params(page)
    preset = params.get("preset", "data-trend")
    baseline = Scenario.from_preset(preset).values()
    for field in MAIN_FIELDS:
        expected = params.get(field, baseline[field])
        if expected is None or expected == "fit":
            continue  # follows the data: the slider shows the fit
        shown = _settled_value(page, field, float(expected))
        assert shown == pytest.approx(float(expected), rel=1e-6), f"{step}: {field} shows {shown}, URL {expected}"
    year, horizon = cli_headline(db, page.url)
    shown = shown_ceiling(page)
    assert as_year(shown, horizon) == year, f"{step}: screen {shown!r}, CLI {year} for {page.url}"
    title = hero_title(page)
    assert (str(year) in title) if year else (str(horizon) in title), f"{step}: hero title {title!r}, CLI {year}"


# --- the steps --------------------------------------------------------------------------------------
def step_keyboard(page, rng):
    field = rng.choice(MAIN_FIELDS)
    key = rng.choice(["ArrowRight", "ArrowLeft", "PageUp", "PageDown"])
    thumb = slider(page, field)
    value = float(slider(page, field).input_value())
    spec = FIELDS[field]
    if (key in ("ArrowRight", "PageUp") and value >= spec.max) or (key in ("ArrowLeft", "PageDown") and value <= spec.min):
        key = "ArrowLeft" if key in ("ArrowRight", "PageUp") else "ArrowRight"
    act(page, lambda: thumb.press(key))
    return f"{field} {key}"


def step_mouse(page, rng):
    """A click on the slider's track at a random place; a click on the current value moves nothing and is
    retried elsewhere (the value is read back, not waited on)."""
    field = rng.choice(MAIN_FIELDS)
    track = page.locator(f'.st-key-{field} [data-orientation="horizontal"][style*="relative"]').first
    box = track.bounding_box()
    before_value = slider(page, field).input_value()
    for _ in range(5):
        start = runs(page)
        page.mouse.click(box["x"] + box["width"] * rng.uniform(0.05, 0.95), box["y"] + box["height"] / 2)
        page.wait_for_function(_QUIET, timeout=LOAD_TIMEOUT_MS)
        if slider(page, field).input_value() != before_value:
            after_run(page, start)
            return f"{field} click"
    return f"{field} click (no change)"


def step_typed(page, rng):
    _open_advanced(page)
    box = page.locator('.st-key-seed input')
    value = str(rng.randint(0, 10_000))
    if box.input_value() == value:
        value = str(int(value) + 1)
    box.fill(value)
    act(page, lambda: box.press("Enter"))
    return f"seed = {value}"


def _open_advanced(page):
    expander = page.locator('[data-testid="stExpander"]').filter(has_text=t("forecast.advanced", language(page)))
    if not page.locator('.st-key-seed input').is_visible():
        expander.locator("summary").first.click()
        page.locator('.st-key-seed input').wait_for()


def step_preset(page, rng):
    current = url_params(page).get("preset", "data-trend")
    name = rng.choice([p for p in PRESETS if p != current])
    label = t(PRESETS[name].label_key, language(page))
    box = page.locator('.st-key-preset input')
    box.click()
    box.fill(label)  # the combo box lists the options that match what is typed
    option = page.get_by_role("option", name=label, exact=True)
    act(page, lambda: option.click())
    return f"preset {name}"


def step_fitted(page, rng):
    field = rng.choice([f for f in MAIN_FIELDS if FIELDS[f].nullable])
    box = page.locator(f'.st-key-{field}__fitted label').first
    act(page, lambda: box.click())
    return f"{field} fitted toggled"


def step_language(page, rng):
    target = "简体中文" if language(page) == "en" else "English"
    act(page, lambda: page.locator(".st-key-ui_lang_switch").get_by_text(target).click())
    return f"language {target}"


def step_page_switch(page, rng):
    before = url_params(page)
    other = rng.choice(["overview", "supply", "methods"])
    nav = page.locator('[data-testid="stSidebarNav"] a')
    act(page, lambda: nav.nth(["overview", "demand", "supply", "forecast", "claims", "data", "methods"].index(other)).click())
    assert {k: v for k, v in url_params(page).items()} == before, f"{other} page lost the scenario"
    act(page, lambda: nav.nth(3).click())
    slider(page, "demand_growth").wait_for()
    return f"to {other} and back"


def step_new_context(page, rng, browser, db):
    link, shown = page.url, shown_ceiling(page)
    context = browser.new_context()
    try:
        fresh = context.new_page()
        open_walk_page(fresh, link)
        assert shown_ceiling(fresh) == shown, f"the link {link} opens on {shown_ceiling(fresh)}, not {shown}"
        assert url_params(fresh) == url_params(page)
        check(fresh, db, "new context")
    finally:
        context.close()
    return "share link in a new context"


def step_file_round_trip(page, rng, tmp_path):
    saved = url_params(page)
    with page.expect_download() as download:
        page.locator(".st-key-scenario_download button").click()
    path = tmp_path / "scenario.json"
    download.value.save_as(path)
    step_keyboard(page, rng)  # move away from the saved scenario
    act(page, lambda: page.locator('.st-key-scenario_upload input[type="file"]').set_input_files(str(path)))
    assert {k: v for k, v in url_params(page).items() if k != "lang"} == \
        {k: v for k, v in saved.items() if k != "lang"}, "the loaded file did not restore the saved scenario"
    return "scenario file saved, moved away, loaded back"


def check_export(page, db: str) -> None:
    """The hero's export (CSV of the plotted data is quick; the HTML carries the title and the link)."""
    popover = page.locator(".st-key-export_forecast-hero button").first
    act(page, lambda: popover.click())
    html = page.locator(".st-key-export_forecast-hero_html1 button")
    with page.expect_download() as download:
        html.click()
    text = open(download.value.path(), encoding="utf-8").read()
    year, horizon = cli_headline(db, page.url)
    assert (str(year) if year else str(horizon)) in text
    page.keyboard.press("Escape")


@pytest.mark.parametrize("seed", WALK_SEEDS)
def test_random_walk_keeps_one_scenario(page, browser, base_url, e2e_db, tmp_path, seed):
    rng = random.Random(seed)
    db = str(e2e_db)
    open_walk_page(page, page_url(base_url, "forecast", lang="en"))
    check(page, db, "start")
    simple = [step_keyboard, step_keyboard, step_mouse, step_preset, step_fitted, step_language, step_typed]
    for number in range(WALK_STEPS):
        roll = rng.random()
        if roll < 0.05:
            what = step_new_context(page, rng, browser, db)
        elif roll < 0.10:
            what = step_file_round_trip(page, rng, tmp_path)
        elif roll < 0.15:
            what = step_page_switch(page, rng)
        else:
            what = rng.choice(simple)(page, rng)
        check(page, db, f"seed {seed} step {number}: {what}")
        if number % EXPORT_EVERY == EXPORT_EVERY - 1:
            check_export(page, db)
