"""Garbage serve_* link parameters at the Serving page: no exception, a warning naming each refused one,
no NaN or infinity in any chart."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.serving_scenario import PARAM_PREFIX, SERVING_FIELDS, SERVING_PRESETS, ServingScenario
from tests.hardening.garbage import NASTY_TEXT, number_text
from tests.hardening.test_pages_fuzz import chart_problems, exceptions, open_link

KEYS = tuple(PARAM_PREFIX + name for name in (*SERVING_FIELDS, "preset"))
EXAMPLES = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "6")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def value_for(key: str):
    name = key.removeprefix(PARAM_PREFIX)
    spec = SERVING_FIELDS.get(name)
    choices = [number_text(), st.sampled_from(NASTY_TEXT), st.text(max_size=30)]
    if name == "preset":
        choices.append(st.sampled_from(list(SERVING_PRESETS)))
    if name == "chip":
        choices.append(st.sampled_from(["nvidia-h100-sxm5", "google-tpu-v5e", "NVIDIA B200 (HGX)", "nope"]))
    if spec is not None and spec.kind in ("float", "int"):
        choices.append(st.floats(min_value=spec.min, max_value=spec.max).map(repr))
    return st.one_of(*choices)


@st.composite
def serving_params(draw, max_keys: int = 6) -> dict[str, str]:
    keys = draw(st.lists(st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=10).map(PARAM_PREFIX.__add__)),
                         max_size=max_keys, unique=True))
    return {key: draw(value_for(key)) for key in keys}


@pytest.mark.slow
def test_any_serving_link_is_handled(served_db):
    @EXAMPLES
    @given(serving_params())
    def check(params):
        from ui.serving_state import chip_id  # reads the accelerators table of the served database

        parsed, expected = ServingScenario.from_params(params)
        refused = [w.field for w in expected]
        if chip_id(parsed.chip) is None:  # text the accelerators table does not hold
            refused.append("serve_chip")
        at = open_link({**params, "lang": "en"})
        at.switch_page("app_pages/serving.py").run()
        assert exceptions(at) == []
        shown = " ".join(w.value for w in at.warning)
        for field in refused:
            assert field in shown, (field, shown)
        assert chart_problems(at) == []
        at.run()  # a rerun reads the widgets back
        assert exceptions(at) == []

    check()
