"""A seeded random walk over the Forecast page in Chromium: one scenario, one truth, after every step.

Steps: slider moves by keyboard and by mouse, a typed number, preset changes, the "Follow the data"
checkbox, language switches, a page switch and back, the share link reloaded in a new browser context,
and the scenario file saved, then loaded back after other moves. After every step:
- every main slider shows the value the URL gives it (or its preset's value when the URL has none);
- the ceiling year on screen is what `python -m models forecast --link <the page's URL>` computes;
- the hero chart's title says that year; the exported file says it too (a seed's 25th and last steps).
The widgets are checked at once; what needs the engine is recorded (the page's URL, the ceiling shown, the
hero title, the exported file) and checked at the end of the seed against one run of `python -m models
forecast --link URL --link URL ... --json` over the distinct scenarios the seed produced (a scenario already
computed, in this seed or an earlier one, is not computed again: the same scenario gives the same answer).
The costly step kinds (the link in a new context, the file round trip, a page switch) come once each at
places each seed draws, so every seed has each of them.

Synchronisation is on Streamlit's own script state (the App's count of finished runs, read from its React
state), never on sleeps. The walk covers WALK_SEEDS × WALK_STEPS steps: 5 × 40 = 200 in `make test`
(WALK_STEPS=10 for a quick look). Each seed starts at a low Monte Carlo sample count (1,000 or so, in its
link), and "Advanced" is closed after each typed number. Measured on the 2-core machine: the 200 steps take
~200 s in a full `make test` on a quiet machine (~1.8 CPU-s a step all told, three quarters of it Chromium
redrawing the page; the CLI ~0.03 s per distinct scenario); at 10,000 samples with
"Advanced" left open the same walk took 1.8 times as long.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import pytest

from bench.driver import LOAD_TIMEOUT_MS, MAIN, app_pages, page_url
from i18n import t
from models.__main__ import main as models_cli
from models.scenario import FIELDS, MAIN_FIELDS, PRESETS, Scenario, scenario_from_link

WALK_SEEDS = (1, 2, 3, 4, 5)
WALK_STEPS = int(os.environ.get("WALK_STEPS", 40))  # per seed: 200 steps in `make test`
# Each seed starts at 1,000 Monte Carlo samples (a scenario field like any other, in the link), and the typed
# step keeps the count low: every step's rerun and its check by the CLI cost a tenth of a 10,000-sample run.
WALK_SAMPLES = (500, 1000, 2000)
EXPORT_EVERY = 25  # the hero's export is checked after every 25th step of a seed (and on its last step)

_COUNT_RUNS = """() => {
  // Streamlit's own count of finished script runs: the App component's scriptRunFinishedSequence. The DOM's
  // data-test-script-state alone can miss a run: a quick rerun (a cached scenario) may go running → notRunning
  // within one React render, and an observer of the attribute then sees no change at all.
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return -1;
  const fiber = Object.keys(app).find((key) => key.startsWith('__reactFiber$'));
  for (let node = fiber && app[fiber]; node; node = node.return) {
    const state = node.stateNode && node.stateNode.state;
    if (state && 'scriptRunState' in state && 'scriptRunFinishedSequence' in state) {
      return state.scriptRunFinishedSequence;
    }
  }
  return -2;  // an app element without Streamlit's App state above it: this Streamlit lays its state out otherwise
}"""
_QUIET_AFTER = """(before) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || (RUNS)() <= before) return false;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  return Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'))
      .filter((c) => c.offsetParent !== null).every((c) => c.querySelector('.main-svg'));
}"""
_QUIET_AFTER = _QUIET_AFTER.replace("RUNS", _COUNT_RUNS)
_QUIET = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
      && !document.querySelector('[data-testid="stSkeleton"]');
}"""


def runs(page) -> int:
    count = page.evaluate(_COUNT_RUNS)
    assert count != -2, "Streamlit's App state (scriptRunFinishedSequence) not found above the app element"
    return count


_STATE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return {finishedRuns: (RUNS)(), scriptState: app && app.getAttribute('data-test-script-state'),
          skeletons: document.querySelectorAll('[data-testid="stSkeleton"]').length,
          charts: Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'))
              .map((c) => ({visible: c.offsetParent !== null, drawn: !!c.querySelector('.main-svg')})),
          url: location.href};
}"""
_STATE = _STATE.replace("RUNS", _COUNT_RUNS)


def after_run(page, before: int) -> None:
    """Wait until at least one script run has finished since `before` and the page is drawn; on a timeout,
    say what the page's state was (runs counted, script state, skeletons, charts drawn)."""
    try:
        page.wait_for_function(_QUIET_AFTER, arg=before, timeout=LOAD_TIMEOUT_MS)
    except Exception as exc:
        raise AssertionError(f"no finished, drawn run after {before} runs: {page.evaluate(_STATE)}") from exc


def act(page, action) -> None:
    before = runs(page)
    action()
    after_run(page, before)


def open_walk_page(page, url: str) -> None:
    page.goto(url)
    page.locator(MAIN).wait_for(timeout=LOAD_TIMEOUT_MS)
    page.wait_for_function(_QUIET, timeout=LOAD_TIMEOUT_MS)
    slider(page, "demand_growth").wait_for(timeout=LOAD_TIMEOUT_MS)
    runs(page)  # Streamlit's App state is there


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


def as_year(text: str, horizon: int) -> int | None:
    """A shown ceiling ("2031", "after 2040", "2040 年以后") as a year, None for after the horizon."""
    return int(text) if re.fullmatch(r"\d{4}", text) else (None if str(horizon) in text else -1)


_SLIDERS_AT = """(expected) => expected.every(([field, value]) => {
  const input = document.querySelector(`.st-key-${field} input[type="range"]`);
  return !!input && Math.abs(parseFloat(input.value) - value) <= 1e-6 * Math.max(1, Math.abs(value));
})"""
_SNAPSHOT = """([fields, ceilingLabel]) => {
  const sliders = {};
  for (const field of fields) {
    const input = document.querySelector(`.st-key-${field} input[type="range"]`);
    sliders[field] = input ? input.value : null;
  }
  const metric = Array.from(document.querySelectorAll('[data-testid="stMetric"]'))
      .find((m) => m.textContent.includes(ceilingLabel));
  const value = metric && metric.querySelector('[data-testid="stMetricValue"]');
  const title = document.querySelector('.st-key-chart_forecast-hero .gtitle');
  return {sliders, ceiling: value ? value.innerText.trim() : null, title: title ? title.textContent : ''};
}"""


@dataclass(frozen=True)
class Seen:
    """What the page showed after a step: checked against the CLI at the end of the seed."""
    step: str
    link: str
    ceiling: str
    title: str
    export: str | None = None  # the exported HTML, on the steps that export


def check(page, step: str) -> Seen:
    """Every main slider shows the value the page's URL gives it (checked now); the ceiling and the hero title
    shown are recorded for the engine check at the end of the seed. One wait and one read of the page:
    React may paint a control's new value a moment after the script state turns idle, so the sliders are
    waited for (at most 5 s), then read with the rest."""
    link, params = page.url, url_params(page)
    preset = params.get("preset", "data-trend")
    baseline = Scenario.from_preset(preset).values()
    expected = {field: params.get(field, baseline[field]) for field in MAIN_FIELDS}
    expected = {field: float(value) for field, value in expected.items() if value is not None and value != "fit"}
    try:
        page.wait_for_function(_SLIDERS_AT, arg=list(expected.items()), timeout=5_000)
    except Exception:  # still another value after 5 s: the assertion reports what is shown
        pass
    seen = page.evaluate(_SNAPSHOT, [list(expected), t("ui.ceiling_year", language(page))])
    for field, value in expected.items():
        shown = seen["sliders"][field]
        assert shown is not None and float(shown) == pytest.approx(value, rel=1e-6), \
            f"{step}: {field} shows {shown}, URL {value}"
    assert seen["ceiling"], f"{step}: no ceiling year on the page {link}"
    return Seen(step, link, seen["ceiling"], seen["title"])


_HEADLINES: dict[tuple[str, str], tuple[int | None, int]] = {}  # (db, scenario) → (headline year, horizon)


def cli_headlines(db: str, links: list[str]) -> dict[str, tuple[int | None, int]]:
    """link → (headline year or None, horizon) of `python -m models forecast --link ... --json` (its main,
    in-process): ONE run over every scenario not computed yet. Links are grouped by the scenario they parse
    to (the same parse the CLI does), so a language switch, a page switch or a reload costs no forecast."""
    keys = {link: (db, repr(scenario_from_link(link)[0])) for link in links}
    todo = {}
    for link, key in keys.items():
        if key not in _HEADLINES:
            todo.setdefault(key, link)
    if todo:
        out = io.StringIO()
        argv = ["forecast", "--db", db, "--json", *[arg for link in todo.values() for arg in ("--link", link)]]
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            assert models_cli(argv) == 0
        results = json.loads(out.getvalue())
        for key, result in zip(todo, results if len(todo) > 1 else [results], strict=True):
            _HEADLINES[key] = result["headline_year"], result["inputs"]["horizon"]
    return {link: _HEADLINES[key] for link, key in keys.items()}


def engine_problems(db: str, seen: list[Seen]) -> list[str]:
    """Each recorded step whose ceiling, hero title or export differs from the CLI's answer for its link."""
    answers = cli_headlines(db, [s.link for s in seen])
    problems = []
    for s in seen:
        year, horizon = answers[s.link]
        if as_year(s.ceiling, horizon) != year:
            problems.append(f"{s.step}: screen {s.ceiling!r}, CLI {year} for {s.link}")
        if not ((str(year) in s.title) if year else (str(horizon) in s.title)):
            problems.append(f"{s.step}: hero title {s.title!r}, CLI {year} for {s.link}")
        if s.export is not None and (str(year) if year else str(horizon)) not in s.export:
            problems.append(f"{s.step}: the exported HTML lacks the CLI's {year or horizon} for {s.link}")
    return problems


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
    """A number typed into a box under "Advanced": the Monte Carlo's sample count while the scenario has the
    default 10,000 (a preset puts it back), else the seed or the sample count. "Advanced" is closed again
    afterwards: its seventy controls, redrawn on every rerun while it is open, would double the cost of each
    later step."""
    _open_advanced(page)
    field = "samples" if "samples" not in url_params(page) else rng.choice(["seed", "samples"])
    box = page.locator(f".st-key-{field} input")
    value = str(rng.choice(WALK_SAMPLES) if field == "samples" else rng.randint(0, 10_000))
    if box.input_value() == value:
        value = str(int(value) + 1)
    box.fill(value)
    act(page, lambda: box.press("Enter"))
    _close_advanced(page)
    return f"{field} = {value}"


def _advanced_summary(page):
    expander = page.locator('[data-testid="stExpander"]').filter(has_text=t("forecast.advanced", language(page)))
    return expander.locator("summary").first


def _open_advanced(page):
    if not page.locator('.st-key-seed input').is_visible():
        act(page, lambda: _advanced_summary(page).click())  # opening it reruns the page, which draws its controls
        page.locator('.st-key-seed input').wait_for()


def _close_advanced(page):
    if page.locator('.st-key-seed input').is_visible():
        act(page, lambda: _advanced_summary(page).click())
        page.locator(".st-key-seed input").wait_for(state="hidden", timeout=LOAD_TIMEOUT_MS)


def step_preset(page, rng):
    current = url_params(page).get("preset", "data-trend")
    name = rng.choice([p for p in PRESETS if p != current])
    label = t(PRESETS[name].label_key, language(page))
    box = page.locator('.st-key-preset input')
    before = runs(page)  # counted before typing: typing alone may already select the one matching option
    box.click()
    box.fill(label)  # the combo box lists the options that match what is typed
    option = page.get_by_role("option", name=label, exact=True)
    if option.count():
        option.click()
    page.wait_for_function("(name) => new URLSearchParams(location.search).get('preset') === name"
                           " || (name === 'data-trend' && !new URLSearchParams(location.search).has('preset'))",
                           arg=name, timeout=LOAD_TIMEOUT_MS)
    after_run(page, before)
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


def open_from_sidebar(page, path: str) -> None:
    """Click the sidebar's link to the page at `path` and wait until that page is shown and quiet. A page
    switch may mount a new app element, whose runs the counter cannot see: wait on the address, then on the
    script state."""
    order = [url_path for _file, url_path in app_pages()]  # the sidebar lists the pages in app.py's order
    page.locator('[data-testid="stSidebarNav"] a').nth(order.index(path)).click()
    wanted = "" if path == order[0] else path  # the first page lives at the base URL itself
    page.wait_for_url(lambda url: urlsplit(url).path.strip("/") == wanted, timeout=LOAD_TIMEOUT_MS)
    page.wait_for_function(_QUIET, timeout=LOAD_TIMEOUT_MS)


def step_page_switch(page, rng):
    before = url_params(page)
    other = rng.choice(["overview", "supply", "methods"])
    open_from_sidebar(page, other)
    assert {k: v for k, v in url_params(page).items()} == before, f"{other} page lost the scenario"
    open_from_sidebar(page, "forecast")
    slider(page, "demand_growth").wait_for(timeout=LOAD_TIMEOUT_MS)  # drawn by the Forecast page's own run
    page.wait_for_function(_QUIET, timeout=LOAD_TIMEOUT_MS)
    return f"to {other} and back"


def step_new_context(page, rng, browser, seen):
    link, shown = page.url, shown_ceiling(page)
    context = browser.new_context()
    try:
        fresh = context.new_page()
        open_walk_page(fresh, link)
        assert shown_ceiling(fresh) == shown, f"the link {link} opens on {shown_ceiling(fresh)}, not {shown}"
        assert url_params(fresh) == url_params(page)
        seen.append(check(fresh, f"the link {link} in a new context"))
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


def exported_html(page) -> str:
    """The hero's export as HTML (it carries the title and the link; the PNG would add only rendering time)."""
    popover = page.locator(".st-key-export_forecast-hero button").first
    act(page, lambda: popover.click())
    html = page.locator(".st-key-export_forecast-hero_html1 button")
    with page.expect_download() as download:
        html.click()
    text = open(download.value.path(), encoding="utf-8").read()
    page.keyboard.press("Escape")
    return text


def walk_plan(rng, steps: int) -> dict[int, str]:
    """Where this seed takes its costly steps: the link in a new context, the file round trip and a page
    switch, once each at places the seed draws (every seed has each kind); the other steps are cheap."""
    kinds = ["new_context", "file_round_trip", "page_switch"]
    return dict(zip(rng.sample(range(steps), min(steps, len(kinds))), kinds, strict=False))


@pytest.fixture(scope="module")
def walk_page(browser, browser_context_args):
    """One browser context for every seed. Each seed opens its start link anew (a new session of the app),
    while the browser keeps the app's scripts cached: a seed's first load costs about half of a load in a
    fresh context. The "new context" step still opens its link where nothing is cached or shared."""
    context = browser.new_context(**browser_context_args)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("seed", WALK_SEEDS)
def test_random_walk_keeps_one_scenario(walk_page, browser, base_url, e2e_db, tmp_path, seed):
    page, rng = walk_page, random.Random(seed)
    db = str(e2e_db)
    open_walk_page(page, page_url(base_url, "forecast", lang="en", samples=str(rng.choice(WALK_SAMPLES))))
    seen = [check(page, f"seed {seed} start")]
    plan = walk_plan(rng, WALK_STEPS)
    simple = [step_keyboard, step_keyboard, step_mouse, step_preset, step_fitted, step_language, step_typed]
    try:
        for number in range(WALK_STEPS):
            kind = plan.get(number)
            if kind == "new_context":
                what = step_new_context(page, rng, browser, seen)
            elif kind == "file_round_trip":
                what = step_file_round_trip(page, rng, tmp_path)
            elif kind == "page_switch":
                what = step_page_switch(page, rng)
            else:
                what = rng.choice(simple)(page, rng)
            step = check(page, f"seed {seed} step {number}: {what}")
            if number % EXPORT_EVERY == EXPORT_EVERY - 1 or number == WALK_STEPS - 1:
                step = Seen(step.step + " (export)", step.link, step.ceiling, step.title, exported_html(page))
            seen.append(step)
    finally:  # also when a step failed: the engine mismatches seen before it are the likelier cause
        problems = engine_problems(db, seen)
        assert not problems, f"{len(problems)} of {len(seen)} steps differ from the CLI:\n" + "\n".join(problems[:20])
