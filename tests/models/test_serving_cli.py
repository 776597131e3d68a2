"""`python -m models serve`: the JSON keys, exit 2 on a bad key or value, sources that resolve."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from etl.paths import RAW_DIR
from models.__main__ import main
from models.serving_scenario import SERVING_FIELDS, SERVING_PRESETS

ANSWER_KEYS = {"tokens_per_second_per_chip", "bound", "max_batch", "fleet_tokens_per_second", "messages_per_day",
               "users_supported", "messages_per_user_per_3h", "serving_ceiling_year"}
DEPLOYMENT_KEYS = {"chip", "chips", "chips_per_replica", "params_total", "params_active", "bytes_per_param",
                   "kv_bytes_per_token", "context_tokens", "batch", "mfu", "users", "messages_per_user_per_day",
                   "tokens_per_message"}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    from etl.build import build

    path = tmp_path_factory.mktemp("serve") / "compute.duckdb"
    build(RAW_DIR, path, log=lambda _m: None)
    return str(path)


def test_json_has_the_answers_and_takes_every_deployment_key(db, capsys):
    sets = ["chip=nvidia-h100-sxm5", "chips=800", "chips_per_replica=8", "params_total=7e10", "params_active=7e10",
            "bytes_per_param=2", "kv_bytes_per_token=327680", "context_tokens=4096", "batch=64", "mfu=0.4",
            "users=1e5", "messages_per_user_per_day=20", "tokens_per_message=400"]
    assert {s.split("=")[0] for s in sets} == DEPLOYMENT_KEYS <= set(SERVING_FIELDS)
    args = ["serve", "--db", db, "--json", "--samples", "500"]
    for item in sets:
        args += ["--set", item]
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert ANSWER_KEYS <= set(out)
    assert out["bound"] in ("memory", "compute")
    assert out["chip"] == "nvidia-h100-sxm5" and out["inputs"]["chips"] == 800
    assert out["replicas"] == 100  # 800 chips / 8 per replica
    assert out["messages_per_user_per_3h"] == pytest.approx(out["messages_per_day"] / 8 / 1e5)


def test_chatgpt_2023_preset_gives_a_cap_in_the_range_of_the_observed_caps(db, capsys):
    assert main(["serve", "--db", db, "--json", "--samples", "500"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["preset"] == "chatgpt-2023" and out["chip"] == "nvidia-a100-sxm4-80gb"
    assert 1 < out["messages_per_user_per_3h"] < 1000  # the observed 2023 caps: 75, 37.5 and 25 per 3 hours


@pytest.mark.parametrize("item, named", [("nosuch=1", "nosuch"), ("mfu=7", "mfu"), ("chips=abc", "chips"),
                                         ("chip=no-such-chip", "chip"), ("batch", "batch")])
def test_bad_key_or_value_exits_2_naming_it(db, capsys, item, named):
    assert main(["serve", "--db", db, "--set", item]) == 2
    err = capsys.readouterr().err
    assert named in err and "Traceback" not in err


def test_sources_of_every_field_and_preset_resolve():
    known = set(pd.read_csv(RAW_DIR / "sources.csv")["source_id"])
    used = {spec.source_id for spec in SERVING_FIELDS.values()} | {p.source_id for p in SERVING_PRESETS.values()}
    assert used <= known, used - known
    models = set(pd.read_csv(RAW_DIR / "model_serving.csv")["model"])
    assert {p.model for p in SERVING_PRESETS.values()} <= models


def test_the_memory_wall_of_the_project_data():
    """The accelerators table since 2017: FLOP/s about 1.40x a year, bandwidth about 1.30x (issue figures)."""
    from models.serving import memory_wall

    wall = memory_wall(pd.read_csv(RAW_DIR / "accelerators.csv"), bootstrap=0)
    assert wall.flops.growth_per_year == pytest.approx(1.40, abs=0.03)
    assert wall.bandwidth.growth_per_year == pytest.approx(1.30, abs=0.03)
    assert wall.flop_per_byte.growth_per_year > 1  # arithmetic per byte keeps rising
