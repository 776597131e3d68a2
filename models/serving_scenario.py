"""Every assumption of the serving model, as one frozen `ServingScenario` described field by field in
`SERVING_FIELDS` (unit, range, step, Monte Carlo spread, source), like `models.scenario` does for the
training forecast. Label and help text live in the i18n catalogues under `serving.field.<name>.label|help`.

A deployment (a model on replicas of `chips_per_replica` chips, `chips` in the fleet) and a workload
(users × messages × tokens). `chip` names a row of the `accelerators` table (id or name); it is checked
against the table when the model runs (`models.serving.chip_of`), not here.
`None` on a growth of the chip (FLOP/s, bandwidth, memory) = fitted from the accelerators table.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from models.scenario import (
    FieldSpec,
    ParamWarning,
    ScenarioError,
    Spread,
    accept_params,
    changed_params,
    check_value,
    parse_value,
)

PARAM_PREFIX = "serve_"  # URL parameters (and widget keys) of the serving page: serve_<field>


@dataclass(frozen=True)
class ServingFieldSpec(FieldSpec):
    uncertainty: str = ""  # how well the value is known, in one word: "published", "reported", "estimate", "guess"

    @property
    def label_key(self) -> str:
        return f"serving.field.{self.name}.label"

    @property
    def help_key(self) -> str:
        return f"serving.field.{self.name}.help"

    @property
    def param(self) -> str:
        return PARAM_PREFIX + self.name

    def allowed(self) -> str:
        if self.kind == "text":
            return "an accelerator id or name from the accelerators table"
        return super().allowed()


LN = "lognormal"


def _f(name, unit, default, lo, hi, step, group, source_id, spread=None, uncertainty="estimate", **kw):
    return ServingFieldSpec(name, "float", unit, default, lo, hi, step, spread, source_id, group=group,
                            uncertainty=uncertainty, **kw)


def _i(name, unit, default, lo, hi, group, source_id, spread=None, uncertainty="estimate", **kw):
    return ServingFieldSpec(name, "int", unit, default, lo, hi, 1, spread, source_id, group=group,
                            uncertainty=uncertainty, **kw)


# Groups: deployment (model and chips), workload (users and messages), growth (over time), uncertainty.
_SPECS: list[ServingFieldSpec] = [
    ServingFieldSpec("chip", "text", "", "nvidia-a100-sxm4-80gb", source_id="epoch-ml-hardware",
                     group="deployment", uncertainty="reported"),
    _i("chips", "chips", 30_000, 1, 100_000_000, "deployment", "trendforce-2023-chatgpt-gpus", Spread(LN, 0.4),
       "reported", main=True, log=True),
    _i("chips_per_replica", "chips", 128, 1, 4096, "deployment", "m-semianalysis-2023-gpt4", uncertainty="reported"),
    _f("params_total", "parameters", 1.8e12, 1e8, 1e14, 1e9, "deployment", "m-semianalysis-2023-gpt4",
       Spread(LN, 0.3), "reported", main=True, log=True),
    _f("params_active", "parameters", 2.8e11, 1e8, 1e14, 1e9, "deployment", "m-semianalysis-2023-gpt4",
       Spread(LN, 0.4), "reported", log=True),
    _f("bytes_per_param", "bytes", 2.0, 0.5, 4.0, 0.25, "deployment", "m-semianalysis-2023-gpt4",
       uncertainty="estimate"),
    _f("kv_bytes_per_token", "bytes/token", 61_440.0, 0.0, 1e8, 1.0, "deployment", "m-semianalysis-2023-gpt4",
       Spread(LN, 0.7), "guess", log=True),
    _f("context_tokens", "tokens", 4096.0, 1.0, 2e6, 1.0, "deployment", "r-openai-gpt4-2023",
       Spread(LN, 0.5), "estimate", log=True),
    _i("batch", "sequences", 256, 1, 65_536, "deployment", "r-pope-2022-inference", uncertainty="guess"),
    _f("mfu", "fraction", 0.35, 0.01, 1.0, 0.01, "deployment", "r-epoch-2025-inference-economics", Spread(LN, 0.3), "guess"),
    _f("fleet_share", "fraction", 1.0, 0.001, 1.0, 0.001, "deployment", "trendforce-2023-chatgpt-gpus",
       uncertainty="guess"),
    _f("users", "users", 1e6, 1.0, 1e10, 1.0, "workload", "u-reuters-2023-chatgpt-100m", Spread(LN, 0.7),
       "guess", main=True, log=True),
    _f("messages_per_user_per_day", "messages/user/day", 10.0, 0.01, 1000.0, 0.1, "workload",
       "u-axios-2025-chatgpt-prompts", Spread(LN, 0.5), "estimate", main=True),
    _f("prompt_tokens", "tokens/message", 1000.0, 0.0, 1e6, 1.0, "workload", "r-epoch-2025-inference-economics",
       Spread(LN, 0.5), "guess", log=True),
    _f("tokens_per_message", "tokens/message", 500.0, 1.0, 1e5, 1.0, "workload", "r-epoch-2025-inference-economics",
       Spread(LN, 0.4), "guess", main=True, log=True),
    _f("reasoning_tokens", "tokens/message", 0.0, 0.0, 1e5, 1.0, "workload", "r-openai-o1-2024",
       uncertainty="guess", log=True),
    _f("peak_to_average", "x", 2.0, 1.0, 10.0, 0.1, "workload", "r-epoch-2025-inference-economics", Spread(LN, 0.25), "guess"),
    _i("year", "year", 2023, 2017, 2035, "growth", "trendforce-2023-chatgpt-gpus", uncertainty="published"),
    _i("horizon", "year", 2040, 2024, 2060, "growth", "epoch-chip-sales", uncertainty="published"),
    _f("users_growth", "x/year", 2.0, 0.5, 10.0, 0.01, "growth", "u-openai-2025-devday-800m", Spread(LN, 0.3)),
    _f("users_max", "users", 5e9, 1.0, 1e10, 1.0, "growth", "u-itu-2024-internet-users", uncertainty="published",
       log=True),
    _f("messages_growth", "x/year", 1.2, 0.5, 5.0, 0.01, "growth", "u-axios-2025-chatgpt-prompts", Spread(LN, 0.15)),
    _f("tokens_growth", "x/year", 1.5, 0.5, 10.0, 0.01, "growth", "r-openai-o1-2024", Spread(LN, 0.3)),
    _f("params_growth", "x/year", 1.0, 0.2, 5.0, 0.01, "growth", "r-epoch-2024-smaller-models", Spread(LN, 0.2)),
    _f("flops_growth", "x/year", None, 1.0, 3.0, 0.01, "growth", "epoch-ml-hardware", Spread(LN, 0.04),
       "estimate", nullable=True),
    _f("bandwidth_growth", "x/year", None, 1.0, 3.0, 0.01, "growth", "epoch-ml-hardware", Spread(LN, 0.03),
       "estimate", nullable=True),
    _f("memory_growth", "x/year", None, 1.0, 3.0, 0.01, "growth", "epoch-ml-hardware", Spread(LN, 0.04),
       "estimate", nullable=True),
    _f("spread_scale", "x", 1.0, 0.0, 3.0, 0.1, "uncertainty", "r-epoch-2025-inference-economics", uncertainty="published"),
    _i("samples", "samples", 10_000, 100, 50_000, "uncertainty", "r-epoch-2025-inference-economics", uncertainty="published"),
    _i("seed", "", 0, 0, 2**31 - 1, "uncertainty", "r-epoch-2025-inference-economics", uncertainty="published"),
]
SERVING_FIELDS: dict[str, ServingFieldSpec] = {spec.name: spec for spec in _SPECS}
SERVING_MAIN: tuple[str, ...] = ("users", "messages_per_user_per_day", "tokens_per_message", "params_total", "chips")
GROUPS = ("deployment", "workload", "growth", "uncertainty")


@dataclass(frozen=True)
class ServingScenario:
    chip: str = "nvidia-a100-sxm4-80gb"
    chips: int = 30_000
    chips_per_replica: int = 128
    params_total: float = 1.8e12
    params_active: float = 2.8e11
    bytes_per_param: float = 2.0
    kv_bytes_per_token: float = 61_440.0
    context_tokens: float = 4096.0
    batch: int = 256
    mfu: float = 0.35
    fleet_share: float = 1.0
    users: float = 1e6
    messages_per_user_per_day: float = 10.0
    prompt_tokens: float = 1000.0
    tokens_per_message: float = 500.0
    reasoning_tokens: float = 0.0
    peak_to_average: float = 2.0
    year: int = 2023
    horizon: int = 2040
    users_growth: float = 2.0
    users_max: float = 5e9
    messages_growth: float = 1.2
    tokens_growth: float = 1.5
    params_growth: float = 1.0
    flops_growth: float | None = None
    bandwidth_growth: float | None = None
    memory_growth: float | None = None
    spread_scale: float = 1.0
    samples: int = 10_000
    seed: int = 0
    preset: str = "chatgpt-2023"

    def __post_init__(self):
        for name, spec in SERVING_FIELDS.items():
            object.__setattr__(self, name, check_value(spec, getattr(self, name)))
        if self.preset not in SERVING_PRESETS:
            raise ScenarioError("preset", f"got {self.preset!r}; expected one of {', '.join(SERVING_PRESETS)}")
        if self.horizon <= self.year:
            raise ScenarioError("horizon", f"got {self.horizon}; expected a year after year {self.year}")

    @classmethod
    def from_preset(cls, name: str = "chatgpt-2023", **overrides: Any) -> ServingScenario:
        if not isinstance(name, str) or name not in SERVING_PRESETS:
            raise ScenarioError("preset", f"got {name!r}; expected one of {', '.join(SERVING_PRESETS)}")
        unknown = sorted(set(overrides) - set(SERVING_FIELDS))
        if unknown:
            raise ScenarioError(unknown[0], f"unknown field; expected one of {', '.join(SERVING_FIELDS)}")
        return cls(**{**SERVING_PRESETS[name].overrides, **overrides, "preset": name})

    def replace(self, **changes: Any) -> ServingScenario:
        return dataclasses.replace(self, **changes)

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in SERVING_FIELDS}

    def to_json(self) -> str:
        return json.dumps({"preset": self.preset, **self.values()}, indent=2)

    # --- command line (strict) and URL (lenient) ------------------------------------------------
    def with_sets(self, items: list[str]) -> ServingScenario:
        """Apply KEY=VALUE strings strictly: an unknown key or a bad value raises ScenarioError."""
        changes = {}
        for item in items:
            key, sep, value = item.partition("=")
            key = key.strip()
            if not sep:
                raise ScenarioError(item, "expected KEY=VALUE")
            if key not in SERVING_FIELDS:
                raise ScenarioError(key, f"unknown key; expected one of {', '.join(SERVING_FIELDS)}")
            changes[key] = parse_value(SERVING_FIELDS[key], value)
        return self.replace(**changes)

    def to_params(self) -> dict[str, str]:
        """URL parameters (serve_<field>) of the values that differ from the preset, plus serve_preset."""
        baseline = ServingScenario.from_preset(self.preset).values()
        params = {} if self.preset == DEFAULT_SERVING_PRESET else {PARAM_PREFIX + "preset": self.preset}
        return {**params, **changed_params(self.values(), baseline, PARAM_PREFIX)}

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> tuple[ServingScenario, list[ParamWarning]]:
        """Lenient: reads only serve_* parameters; every unknown or invalid one is dropped with a warning."""
        warnings: list[ParamWarning] = []
        own = {k[len(PARAM_PREFIX):]: (v[-1] if isinstance(v, list | tuple) and v else v)
               for k, v in params.items() if k.startswith(PARAM_PREFIX)}
        preset = own.pop("preset", DEFAULT_SERVING_PRESET)
        if preset not in SERVING_PRESETS:
            warnings.append(ParamWarning(PARAM_PREFIX + "preset", str(preset), "invalid",
                                         "one of " + ", ".join(SERVING_PRESETS)))
            preset = DEFAULT_SERVING_PRESET
        accepted, invalid = accept_params(own, SERVING_FIELDS, PARAM_PREFIX, "a serving setting")
        warnings += invalid
        try:
            return cls.from_preset(preset, **accepted), warnings
        except ScenarioError as exc:  # a cross-field rule (horizon after year)
            warnings.append(ParamWarning(PARAM_PREFIX + exc.field, str(accepted.get(exc.field)), "invalid",
                                         exc.message))
            accepted.pop("horizon", None)
            accepted.pop("year", None)
            return cls.from_preset(preset, **accepted), warnings


@dataclass(frozen=True)
class ServingPreset:
    name: str
    description: str  # English summary for the CLI; the page uses serving.preset.<name>.label|description
    overrides: dict[str, Any]
    source_id: str
    model: str = ""  # the row of the model_serving table the preset's model figures come from

    @property
    def label_key(self) -> str:
        return f"serving.preset.{self.name}.label"

    @property
    def description_key(self) -> str:
        return f"serving.preset.{self.name}.description"


SERVING_PRESETS: dict[str, ServingPreset] = {
    p.name: p for p in [
        ServingPreset(
            "chatgpt-2023",
            "GPT-4 in ChatGPT Plus, spring 2023: a rumoured ~1.8T-parameter mixture of experts (~280B active) "
            "in 16-bit weights on 128-A100 replicas, a fleet of 30,000 A100s as TrendForce reported, about a "
            "million GPT-4 users (a guess). Every input is a report, a rumour or a guess.",
            {}, "trendforce-2023-chatgpt-gpus", "GPT-4"),
        ServingPreset(
            "llama-70b-h100",
            "An open dense 70B model (Llama 3 70B: 80 layers, 8 KV heads of 128) in BF16 on 8-H100 replicas, "
            "1,000 H100s, 8k context: the published facts of a model anyone can serve.",
            {"chip": "nvidia-h100-sxm5", "chips": 1000, "chips_per_replica": 8, "params_total": 7.06e10,
             "params_active": 7.06e10, "bytes_per_param": 2.0, "kv_bytes_per_token": 327_680.0,
             "context_tokens": 4096.0, "batch": 64, "mfu": 0.4, "users": 1e5, "year": 2025, "users_growth": 1.5},
            "m-meta-llama3-2024", "Llama 3 70B"),
        ServingPreset(
            "reasoning-2025",
            "A 2025 reasoning assistant: a mixture of experts of ~600B total, ~37B active (DeepSeek-V3/R1 "
            "published sizes) in FP8 on 8-H200 replicas, thousands of hidden reasoning tokens per answer.",
            {"chip": "nvidia-h200-sxm", "chips": 20_000, "chips_per_replica": 8, "params_total": 6.71e11,
             "params_active": 3.7e10, "bytes_per_param": 1.0, "kv_bytes_per_token": 70_272.0,
             "context_tokens": 8192.0, "batch": 128, "mfu": 0.3, "users": 2e7, "messages_per_user_per_day": 5.0,
             "prompt_tokens": 2000.0, "tokens_per_message": 800.0, "reasoning_tokens": 4000.0, "year": 2025,
             "users_growth": 1.8},
            "m-deepseek-v3-2024", "DeepSeek-V3"),
    ]
}
DEFAULT_SERVING_PRESET = "chatgpt-2023"


def serving_sources(scenario: ServingScenario) -> list[str]:
    """source_ids behind the scenario's assumptions, in field order, without repeats (preset's first)."""
    ids = [SERVING_PRESETS[scenario.preset].source_id]
    ids += [spec.source_id for spec in SERVING_FIELDS.values() if spec.source_id and spec.group != "uncertainty"]
    return list(dict.fromkeys(ids))
