"""The Serving page: sliders moved in sequence give the same answers as `python -m models serve --json`;
the share link reproduces the view; a bad link parameter is dropped with a warning; Chinese is complete."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import pytest

from models.__main__ import main
from models.serving_scenario import SERVING_FIELDS, SERVING_MAIN
from tests.pages.helpers import missing_keys

CAP, BOUND, USERS, CEILING = "Sustainable cap", "Binding bound", "Users supported", "Serving ceiling"


def cli(app_db, capsys, sets: dict) -> dict:
    args = ["serve", "--db", str(app_db), "--json"]
    for key, value in sets.items():
        args += ["--set", f"{key}={value}"]
    assert main(args) == 0
    return json.loads(capsys.readouterr().out)


def metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def expected(out: dict) -> dict:
    ceiling = out["serving_ceiling_year"]
    return {CAP: f"{out['messages_per_user_per_3h']:.3g} per 3 h",
            BOUND: {"memory": "Bandwidth", "compute": "Compute"}[out["bound"]],
            CEILING: str(ceiling) if ceiling is not None else f"after {out['inputs']['horizon']}"}


def open_advanced(at):
    """Open the "Advanced" expander as a reader's click does (its controls are drawn only while open); rerun."""
    from ui.serving_state import ADVANCED_KEY

    at.session_state[ADVANCED_KEY] = True
    return at.run()


def setting_keys(at) -> set:
    return {w.key for w in (*at.select_slider, *at.selectbox, *at.number_input)}


def test_the_five_main_settings_are_sliders_and_the_rest_is_under_advanced(app):
    at = app(page="serving")
    assert [s.key for s in at.select_slider] == [f"serve_{name}" for name in SERVING_MAIN]
    rest = {f"serve_{name}" for name in SERVING_FIELDS if name not in SERVING_MAIN}
    assert not setting_keys(at) & rest  # "Advanced" starts closed and its controls are not drawn
    assert {f"serve_{name}" for name in SERVING_FIELDS} <= setting_keys(open_advanced(at))


def test_a_setting_under_advanced_outlives_closing_it(app):
    from ui.serving_state import ADVANCED_KEY

    at = open_advanced(app(page="serving"))
    at.number_input(key="serve_mfu").set_value(0.5).run()
    at.select_slider(key="serve_users").set_value(3e6).run()
    opened = metrics(at)
    at.session_state[ADVANCED_KEY] = False
    at.run()
    assert "serve_mfu" not in setting_keys(at)
    at.select_slider(key="serve_users").set_value(2e6).run()
    assert float(at.query_params["serve_mfu"]) == 0.5  # the closed control's value still counts
    at.select_slider(key="serve_users").set_value(3e6).run()
    assert metrics(at) == opened
    assert open_advanced(at).number_input(key="serve_mfu").value == 0.5


def test_the_inputs_tables_are_built_only_while_their_expander_is_open(app):
    from ui.serving_view import INPUTS_KEY

    at = app(page="serving")
    assert not at.dataframe
    at.session_state[INPUTS_KEY] = True
    at.run()
    assert len(at.dataframe) == 2  # every setting with its source, and the preset's model row
    assert "Sustainable cap" not in at.dataframe[0].value.to_string()


def test_sliders_in_sequence_match_the_cli(app, app_db, capsys):
    at = app(page="serving")
    shown = metrics(at)
    out = cli(app_db, capsys, {})
    assert {k: shown[k] for k in (CAP, BOUND, CEILING)} == expected(out)
    moves = [("users", 3e6), ("messages_per_user_per_day", 20.0), ("tokens_per_message", 1500.0),
             ("params_total", 7e11), ("chips", 50_000)]
    sets: dict = {}
    previous = shown[CAP]
    for name, value in moves:
        at.select_slider(key=f"serve_{name}").set_value(float(value)).run()
        assert not at.exception
        sets[name] = value
        out = cli(app_db, capsys, sets)
        shown = metrics(at)
        assert {k: shown[k] for k in (CAP, BOUND, CEILING)} == expected(out), name
        assert at.query_params[f"serve_{name}"]  # the URL follows the slider
    assert shown[CAP] != previous


def test_share_link_reproduces_the_view(app):
    at = app(page="serving")
    at.select_slider(key="serve_users").set_value(2e7).run()
    open_advanced(at).selectbox(key="serve_chip").set_value("nvidia-h100-sxm5").run()
    before = metrics(at)
    (link,) = [c.value for c in at.code if "serve_users=" in c.value]
    params = dict(parse_qsl(urlsplit(link).query))
    assert params["serve_chip"] == "nvidia-h100-sxm5" and float(params["serve_users"]) == 2e7
    again = app(page="serving", **{k: v for k, v in params.items() if k != "lang"})
    assert metrics(again) == before


def test_bad_link_parameters_are_dropped_with_a_warning(app):
    at = app(page="serving", serve_mfu="lots", serve_nosuch="1", serve_users="5e6")
    warnings = " ".join(w.value for w in at.warning)
    assert "serve_mfu" in warnings and "serve_nosuch" in warnings
    assert at.select_slider(key="serve_users").value == 5e6
    assert not any("serve_" in w.value for w in app(page="forecast", serve_users="5e6").warning)


def test_preset_switch_and_the_caps_beside_the_model(app):
    at = app(page="serving")
    assert any("25" in json.dumps(c.proto.spec) for c in at.get("plotly_chart"))  # the observed 25 per 3 h cap
    at.selectbox(key="serve_preset").set_value("llama-70b-h100").run()
    assert open_advanced(at).selectbox(key="serve_chip").value == "nvidia-h100-sxm5"
    assert at.select_slider(key="serve_chips").value == 1000


def test_chinese_page_has_every_string(app):
    at = app(page="serving", lang="zh")
    assert not at.exception
    assert missing_keys(at) == []
    assert any(m.label == "可持续限额" for m in at.metric)


@pytest.mark.parametrize("chip", ["nvidia-v100-sxm2", "google-tpu-v5e"])
def test_a_chip_too_small_for_the_weights_says_so(app, chip):
    at = app(page="serving", serve_chip=chip, serve_chips_per_replica="1")
    assert any("do not fit" in w.value for w in at.warning)


def test_the_page_draws_what_the_registry_exports(app, app_db):
    import base64

    import numpy as np

    from charts.registry import ChartContext, build
    from etl.read import Store
    from models.scenario import Scenario
    from models.serving_scenario import ServingScenario

    def plotted(values) -> list:
        if isinstance(values, dict) and "bdata" in values:
            return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
        return list(values)

    at = app(page="serving")
    at.select_slider(key="serve_tokens_per_message").set_value(2000.0).run()
    shown = {spec["layout"]["meta"]["chart_id"]: spec
             for spec in (json.loads(c.proto.spec) for c in at.get("plotly_chart"))}
    assert set(shown) == {"serving-caps", "serving-ceiling", "serving-memory-wall"}  # the open tab's chart only
    ctx = ChartContext(Store(app_db), Scenario(), "en", serving=ServingScenario(tokens_per_message=2000.0))
    for chart_id in ("serving-caps", "serving-ceiling"):
        expected = build(chart_id, ctx)
        got = shown[chart_id]
        assert got["layout"]["title"]["text"] == expected.layout.title.text
        assert [trace.get("name") for trace in got["data"]] == [trace.name for trace in expected.data]
        for trace, want in zip(got["data"], expected.data, strict=True):
            if want.type == "scatter":
                assert plotted(trace["y"]) == pytest.approx(list(want.y), rel=1e-9)
        assert got["layout"]["meta"]["sources"] == expected.layout.meta["sources"]


def test_a_click_on_the_flop_per_byte_tab_draws_its_chart(app):
    from ui.serving_view import WALL_TAB_KEY

    at = app(page="serving")
    at.session_state[WALL_TAB_KEY] = "FLOP per byte"  # what a click on the tab sets
    at.run()
    ids = [json.loads(c.proto.spec)["layout"]["meta"]["chart_id"] for c in at.get("plotly_chart")]
    assert "serving-flop-per-byte" in ids and "serving-memory-wall" not in ids


def test_a_chip_by_name_is_taken_and_an_unknown_chip_is_refused(app):
    at = app(page="serving", serve_chip="NVIDIA H100 SXM5 80GB")
    assert not at.warning
    assert open_advanced(at).selectbox(key="serve_chip").value == "nvidia-h100-sxm5"
    at = app(page="serving", serve_chip="no-such-chip")
    assert any("serve_chip" in w.value for w in at.warning)
    assert open_advanced(at).selectbox(key="serve_chip").value == "nvidia-a100-sxm4-80gb"
