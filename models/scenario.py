"""Every assumption of the forecast, as one frozen `Scenario` described field by field in `FIELDS`.

Pages and the CLI build their controls from `FIELDS` (kind, unit, range, step, main slider or not);
label and help text live in the i18n catalogues under `scenario.<field>.label` / `.help`.
A value of `None` on a nullable field means "fitted from the database" (resolved in models.forecast).
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["float", "int", "choice", "bool", "text"]
Group = Literal["demand", "supply", "allocation", "constraints", "uncertainty", "display"]

# The article's "10x parameters every 18 months" is 10^(12/18) = 4.6416x a year; kept at the slider's
# 0.01 step so that the number on screen is the number the engine uses.
ARTICLE_PARAM_GROWTH = 4.64
H100_FLOPS = 989e12  # dense BF16 FLOP/s of one H100 = one H100-equivalent (H100e)
SECONDS_PER_DAY = 86_400.0
SECONDS_PER_YEAR = 365.25 * SECONDS_PER_DAY


class ScenarioError(ValueError):
    """A scenario value that is not allowed; names the field, the value and what was expected."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class Spread:
    """Monte Carlo uncertainty around a field's value (its median).

    kind "lognormal": value × exp(sigma·Z), sigma in natural-log units (80% range = value × e^(±1.2816·sigma));
    kind "normal": value + sigma·Z, sigma in the field's unit. Samples are clipped to the field's range.
    """

    kind: Literal["lognormal", "normal"]
    sigma: float

    def range80(self, value: float) -> tuple[float, float]:
        z = 1.2815515655446004
        if self.kind == "lognormal":
            return value * math.exp(-z * self.sigma), value * math.exp(z * self.sigma)
        return value - z * self.sigma, value + z * self.sigma


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: Kind
    unit: str
    default: Any
    min: float | None = None
    max: float | None = None
    step: float | None = None
    spread: Spread | None = None
    source_id: str = ""
    main: bool = False
    group: Group = "demand"
    options: tuple[str, ...] = ()
    nullable: bool = False  # None = "fitted from the database"
    log: bool = False  # a slider over orders of magnitude

    @property
    def label_key(self) -> str:
        return f"scenario.{self.name}.label"

    @property
    def help_key(self) -> str:
        return f"scenario.{self.name}.help"

    def allowed(self) -> str:
        """The allowed values, in words, for error messages."""
        if self.kind == "choice":
            return "one of " + ", ".join(self.options)
        if self.kind == "bool":
            return "true or false"
        if self.kind == "text":
            return "a non-empty text"
        text = f"{self.kind} from {self.min:g} to {self.max:g}"
        return text + (" or null (fitted)" if self.nullable else "")


# Named growth claims for demand_mode="claim": each names a row of the trend_claims table (claim_id),
# which holds the growth and its source. The growth and source here are only a fallback for a
# database without that table or row.
@dataclass(frozen=True)
class ClaimRef:
    claim_id: str  # trend_claims.claim_id
    fallback_growth: float  # x/year
    fallback_source_id: str


CLAIMS: dict[str, ClaimRef] = {
    "openai-2018": ClaimRef("openai-2018-3-43-months", 2 ** (12 / 3.43), "openai-ai-and-compute-2018"),
    "sevilla-2022-dl-era": ClaimRef("sevilla-2022-deep-learning", 2 ** (12 / 5.7), "sevilla-2022-three-eras"),
    "epoch-4-5x": ClaimRef("epoch-notable-4-6x-since-2010", 4.6, "r-epoch-compute-trend-post-2010"),
    "epoch-frontier-4x": ClaimRef("epoch-2024-frontier-4x", 4.0, "epoch-2024-4-5x"),
    "seed-2023-global": ClaimRef("seed-2023-global-compute-3-43-months", 2 ** (12 / 3.43), "tmtpost-2023-seed"),
}
FALLBACK_CLAIM = "epoch-4-5x"  # demand growth when no trend can be fitted

POPULATIONS = ("all", "notable", "frontier", "top10", "language")


def _f(name, unit, default, lo, hi, step, group, source_id, spread=None, **kw) -> FieldSpec:
    return FieldSpec(name, "float", unit, default, lo, hi, step, spread, source_id, group=group, **kw)


def _i(name, unit, default, lo, hi, group, source_id, **kw) -> FieldSpec:
    return FieldSpec(name, "int", unit, default, lo, hi, 1, None, source_id, group=group, **kw)


def _c(name, default, options, group, source_id) -> FieldSpec:
    return FieldSpec(name, "choice", "", default, source_id=source_id, group=group, options=tuple(options))


def _b(name, default, group, source_id) -> FieldSpec:
    return FieldSpec(name, "bool", "", default, source_id=source_id, group=group)


LN = "lognormal"
_SPECS: list[FieldSpec] = [
    # demand: the compute of the largest training run started in year t
    _c("demand_mode", "trend", ("trend", "claim", "parameters"), "demand", "epoch-notable-models"),
    _f("demand_growth", "x/year", None, 1.0, 30.0, 0.1, "demand", "epoch-2024-4-5x",
       Spread(LN, 0.15), main=True, nullable=True),
    _c("demand_claim", "epoch-4-5x", CLAIMS, "demand", "epoch-2024-4-5x"),
    _c("fit_population", "notable", POPULATIONS, "demand", "epoch-notable-models"),
    _i("fit_since", "year", 2010, 1950, 2024, "demand", "sevilla-2022-three-eras"),
    _f("demand_base_flop", "FLOP", None, 1e20, 1e30, 0.1, "demand", "epoch-notable-models",
       Spread(LN, 0.5), nullable=True, log=True),
    _f("param_growth", "x/year", ARTICLE_PARAM_GROWTH, 1.0, 20.0, 0.01, "demand", "tmtpost-2023-seed",
       Spread(LN, 0.2)),
    _f("tokens_per_param", "tokens/parameter", 20.0, 1.0, 1000.0, 1.0, "demand", "epoch-2024-scaling-2030",
       Spread(LN, 0.5), log=True),  # 20 (Chinchilla) to ~300 (2025 open models): drawn for the data and latency walls
    _c("demand_scope", "largest_run", ("largest_run", "frontier_labs", "all_ai"), "demand",
       "epoch-2024-scaling-2030"),
    _i("frontier_labs", "labs", 5, 1, 20, "demand", "epoch-2024-scaling-2030"),
    _f("experiment_overhead", "x", 10.0, 1.0, 30.0, 0.5, "demand", "epoch-2024-scaling-2030"),
    _f("inference_ratio", "x training", 1.0, 0.0, 10.0, 0.1, "demand", "epoch-2024-scaling-2030"),
    # the question it answers: to reach each year the capability the trend gives in base-year algorithms, how much
    # physical compute is needed as algorithms improve? off: demand = the fitted trend (physical FLOP); on: the
    # trend is that capability target and the physical compute to reach it grows slower by 2^(12/halving) a year
    _b("algorithmic_efficiency", False, "demand", "r-ho-2024-algorithmic-progress"),
    _f("algo_halving_months", "months", 8.0, 2.0, 48.0, 0.5, "demand", "r-ho-2024-algorithmic-progress",
       Spread(LN, 0.29)),  # Ho et al. 2024: 8 months, 95% CI 5–14 → sigma ≈ ln(14/8)/1.96
    # supply: accelerator output in H100e, installed stock, and the chain that bounds it (the weakest link).
    # A None level is read from the database (chip sales, foundry_capacity) for the base year.
    _f("supply_growth", "x/year", None, 1.0, 6.0, 0.01, "supply", "epoch-chip-sales",
       Spread(LN, 0.12), main=True, nullable=True),
    _f("supply_base_h100e", "H100e/year", None, 1e5, 1e9, 0.1, "supply", "epoch-chip-sales",
       Spread(LN, 0.1), nullable=True, log=True),
    _i("supply_fit_since", "year", 2022, 2015, 2025, "supply", "epoch-chip-sales"),
    _f("chip_lifetime_years", "years", 5.0, 1.0, 10.0, 0.5, "supply", "epoch-chip-sales",
       Spread("normal", 1.0)),
    _b("weakest_link", True, "supply", "r-epoch-2026-chip-components"),
    # H100e per chip shipped in the base year (None: the chip-sales table's H100e ÷ units, 1.5 in 2025)
    _f("h100e_per_chip", "H100e", None, 0.1, 20.0, 0.01, "supply", "epoch-chip-sales", nullable=True),
    _f("chip_efficiency_growth", "x/year", 1.35, 1.0, 3.0, 0.01, "supply", "r-ai2027-compute-forecast",
       Spread(LN, 0.05)),
    # logic: leading-node (N5 + N3) wafers × the share AI could claim × good dies per wafer
    _f("logic_wafers_per_month", "wafers/month", None, 0.0, 1e6, 1000.0, "supply", "epoch-2024-scaling-2030",
       Spread(LN, 0.1), nullable=True),
    _f("logic_ai_share", "%", 0.4, 0.01, 1.0, 0.01, "supply", "r-epoch-2026-chip-components",
       Spread(LN, 0.4)),
    _f("logic_growth", "x/year", 1.15, 1.0, 3.0, 0.01, "supply", "r-cna-2022-tsmc-symposium",
       Spread(LN, 0.08)),
    _f("die_area_mm2", "mm²", 814.0, 50.0, 858.0, 1.0, "supply", "epoch-ml-hardware"),
    _i("dies_per_chip", "dies", 1, 1, 8, "supply", "epoch-ml-hardware"),
    _f("defect_density", "defects/cm²", 0.1, 0.01, 1.0, 0.01, "supply", "epoch-2024-scaling-2030"),
    # packaging: CoWoS wafers × chips per wafer (15 = the 2025 mix with ~90% of CoWoS used by AI)
    _f("cowos_wafers_per_month", "wafers/month", None, 0.0, 1e6, 1000.0, "supply", "r-trendforce-2025-cowos",
       Spread(LN, 0.1), nullable=True),
    _f("cowos_growth", "x/year", 1.3, 1.0, 3.0, 0.01, "supply", "r-jpmorgan-2025-cowos",
       Spread(LN, 0.1)),
    _f("chips_per_cowos_wafer", "chips/wafer", 15.0, 1.0, 60.0, 1.0, "supply", "r-epoch-2026-chip-components"),
    # memory: HBM stacks ÷ stacks per chip (7 = the 2025 mix with ~90% of HBM used by AI)
    _f("hbm_stacks_per_month", "stacks/month", None, 0.0, 1e9, 1e5, "supply", "r-hbm-2025-bit-demand",
       Spread(LN, 0.15), log=True, nullable=True),
    _f("hbm_growth", "x/year", 1.3, 1.0, 3.0, 0.01, "supply", "epoch-2024-scaling-2030", Spread(LN, 0.1)),
    _i("hbm_stacks_per_chip", "stacks", 7, 1, 16, "supply", "r-epoch-2026-chip-components"),
    # power: new power for AI chips each year ÷ all-in kW per H100e
    _f("power_gw_per_year", "GW/year", 20.0, 0.0, 500.0, 0.5, "supply", "epoch-2024-scaling-2030",
       Spread(LN, 0.3)),
    _f("power_growth", "x/year", 1.3, 1.0, 3.0, 0.01, "supply", "epoch-2024-scaling-2030", Spread(LN, 0.08)),
    _f("kw_per_h100e", "kW", 1.0, 0.05, 5.0, 0.05, "supply", "epoch-2024-scaling-2030"),
    _f("flop_per_watt_growth", "x/year", 1.28, 1.0, 3.0, 0.01, "supply", "epoch-2024-scaling-2030"),
    # allocation: available = min(share(t) × stock(t), multi-site factor × largest site(t))
    #   × FLOP/s (precision) × utilisation × run length(t)
    _f("utilisation", "%", 0.4, 0.05, 0.8, 0.01, "allocation", "openai-ai-and-compute-2018",
       Spread("normal", 0.06), main=True),
    # the share cap: Epoch's 2030 parameter (16/26/40% at 10/50/90) → sigma = ln(40/16) / (2 × 1.2816)
    _f("largest_run_share", "%", 0.26, 0.001, 1.0, 0.001, "allocation", "epoch-2024-scaling-2030",
       Spread(LN, 0.36), main=True),
    _f("share_today", "%", None, 0.001, 1.0, 0.001, "allocation", "epoch-notable-models",
       Spread(LN, 0.3), nullable=True),
    _f("share_years_to_cap", "years", 5.0, 0.0, 30.0, 0.5, "allocation", "r-ai2027-compute-forecast",
       Spread("normal", 2.0)),
    _f("largest_site_h100e", "H100e", None, 1e3, 1e9, 0.1, "allocation", "r-epoch-2026-largest-data-center",
       Spread(LN, 0.2), nullable=True, log=True),
    _f("site_flat_years", "years", 1.0, 0.0, 5.0, 0.25, "allocation", "r-epoch-2026-largest-data-center"),
    _f("site_growth", "x/year", 2.5, 1.0, 6.0, 0.05, "allocation", "epoch-2024-scaling-2030",
       Spread(LN, 0.25)),
    _f("multi_site_factor", "x", 1.0, 1.0, 10.0, 0.1, "allocation", "epoch-2024-scaling-2030",
       Spread(LN, 0.4)),  # draws below 1 are clipped to one site: half the samples train on one site
    _f("run_length_days", "days", 100.0, 7.0, 365.0, 1.0, "allocation", "epoch-2024-scaling-2030",
       Spread(LN, 0.2), main=True),
    _f("run_length_growth", "x/year", 1.4, 1.0, 3.0, 0.01, "allocation", "epoch-2024-scaling-2030",
       Spread(LN, 0.1)),
    _f("run_length_cap_days", "days", 180.0, 7.0, 730.0, 1.0, "allocation", "epoch-2024-scaling-2030"),
    _c("precision", "bf16", ("bf16", "fp8"), "allocation", "epoch-2024-scaling-2030"),
    # constraints: the largest run feasible in year t under each run-level constraint alone (models.constraints)
    _b("constraints_on", True, "constraints", "epoch-2024-scaling-2030"),
    _f("power_gw_2030", "GW", 2.2, 0.01, 100.0, 0.1, "constraints", "epoch-2024-scaling-2030",
       Spread(LN, 0.63), log=True),  # one campus in 2030: 1–5 GW as an 80% range → median √5 ≈ 2.2
    _b("power_distributed", False, "constraints", "epoch-2024-scaling-2030"),
    _f("power_distributed_gw_2030", "GW", 9.5, 0.01, 300.0, 0.1, "constraints", "epoch-2024-scaling-2030",
       Spread(LN, 1.21), log=True),  # several campuses in 2030: 2–45 GW → median √90 ≈ 9.5
    _f("power_run_growth", "x/year", 1.57, 1.0, 5.0, 0.01, "constraints", "epoch-notable-models",
       Spread(LN, 0.15)),  # the 2025 record (Grok 3, 4.6e26 FLOP ≈ 135k H100e ≈ 0.23 GW all-in) to 2.2 GW in 2030
    _f("power_max_gw", "GW", 120.0, 1.0, 2000.0, 1.0, "constraints", "epoch-2024-scaling-2030",
       Spread(LN, 0.5), log=True),  # 10% of the US's ~1,200 GW installed capacity
    _f("power_kw_per_h100e", "kW", 1.7, 0.3, 5.0, 0.05, "constraints", "epoch-2024-scaling-2030",
       Spread(LN, 0.15)),  # all-in (cooling, networking, servers) per H100
    _b("money_included", True, "constraints", "r-cottier-2024-training-cost"),
    _f("money_spend_2023_usd", "US$", 4e7, 1e6, 1e13, 0.1, "constraints", "r-cottier-2024-training-cost",
       Spread(LN, 0.5), log=True),  # GPT-4: about $40M amortised hardware and energy
    _f("money_spend_growth", "x/year", 2.4, 1.0, 5.0, 0.05, "constraints", "r-cottier-2024-training-cost",
       Spread(LN, 0.113)),  # 90% CI 2.0–2.9 → sigma ln(2.9/2.0)/(2·1.645)
    _c("money_payer", "world_gdp", ("world_gdp", "hyperscaler_capex"), "constraints", "r-imf-2024-weo-gdp"),
    _f("money_cap_share", "%", 0.01, 0.0001, 1.0, 0.001, "constraints", "r-davidson-2023-takeoff",
       Spread(LN, 0.5), log=True),
    _f("money_means_growth", "x/year", 1.032, 1.0, 2.0, 0.001, "constraints", "r-imf-2024-weo-gdp",
       Spread(LN, 0.02)),
    _f("money_usd_per_kwh", "US$/kWh", 0.08, 0.01, 1.0, 0.005, "constraints", "r-eia-2024-electricity-price",
       Spread(LN, 0.3)),
    _f("money_price_performance_growth", "x/year", 1.40, 1.0, 3.0, 0.01, "constraints",
       "r-hobbhahn-2022-gpu-price-performance", Spread(LN, 0.058)),  # ML GPUs: FLOP/s per $ doubles in 2.07 years
    _f("data_tokens", "tokens", 5e14, 1e13, 1e17, 0.1, "constraints", "epoch-2024-scaling-2030",
       Spread(LN, 1.33), log=True),  # indexed web ~500T (100T–3,000T)
    _b("data_multimodal", False, "constraints", "epoch-2024-scaling-2030"),
    _f("data_multimodal_tokens", "tokens", 2.8e15, 1e13, 1e18, 0.1, "constraints", "epoch-2024-scaling-2030",
       Spread(LN, 1.53), log=True),  # with multimodal and synthetic data: 400T–20 quadrillion → median ≈ 2.8e15
    _f("data_epochs", "epochs", 4.0, 1.0, 20.0, 0.5, "constraints", "r-muennighoff-2023-data-constrained",
       Spread(LN, 0.3)),
    _f("latency_step_seconds", "s", 0.095, 0.001, 10.0, 0.001, "constraints", "r-erdil-2024-data-movement",
       Spread(LN, 0.5), log=True),
    _f("latency_batch_tokens", "tokens", 6e7, 1e5, 1e10, 0.1, "constraints", "r-erdil-2024-data-movement",
       Spread(LN, 0.47), log=True),
    # uncertainty
    _f("spread_scale", "x", 1.0, 0.0, 3.0, 0.1, "uncertainty", "epoch-2024-scaling-2030"),
    _i("samples", "samples", 10_000, 100, 50_000, "uncertainty", "epoch-2024-scaling-2030"),
    _i("seed", "", 0, 0, 2**31 - 1, "uncertainty", "epoch-2024-scaling-2030"),
    # display
    _i("base_year", "year", 2025, 2018, 2030, "display", "epoch-chip-sales"),
    _i("horizon", "year", 2040, 2026, 2060, "display", "tmtpost-2023-seed"),
]
FIELDS: dict[str, FieldSpec] = {spec.name: spec for spec in _SPECS}
MAIN_FIELDS: tuple[str, ...] = tuple(name for name, spec in FIELDS.items() if spec.main)


def shown(value: Any, limit: int = 60) -> str:
    """A short repr of a user's value for an error message: never the whole of a huge or nested value."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        exact = value.bit_length() < 14_000  # below Python's 4,300-digit limit for str(int)
        digits = len(str(abs(value))) if exact else int(value.bit_length() * 0.30103) + 1
        return f"an integer of {'' if exact else 'about '}{digits} digits"
    if isinstance(value, (list, dict)):
        return f"a JSON {'array' if isinstance(value, list) else 'object'}"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _check(spec: FieldSpec, value: Any) -> Any:
    """The value coerced to the field's type, or ScenarioError naming field, value and allowed range."""
    bad = f"got {shown(value)}; expected {spec.allowed()}"
    if value is None:
        if spec.nullable:
            return None
        raise ScenarioError(spec.name, bad)
    if spec.kind == "bool":
        if isinstance(value, bool):
            return value
        raise ScenarioError(spec.name, bad)
    if spec.kind == "choice":
        if isinstance(value, str) and value in spec.options:
            return value
        raise ScenarioError(spec.name, bad)
    if spec.kind == "text":
        if isinstance(value, str) and value.strip():
            return value.strip()
        raise ScenarioError(spec.name, bad)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ScenarioError(spec.name, bad)
    # int and float compare exactly in Python, so a 400-digit integer fails the range without overflowing
    if (isinstance(value, float) and not math.isfinite(value)) or not spec.min <= value <= spec.max:
        raise ScenarioError(spec.name, bad)
    if spec.kind == "int":
        if float(value) != int(value):
            raise ScenarioError(spec.name, bad)
        return int(value)
    return float(value)


def check_value(spec: FieldSpec, value: Any) -> Any:
    """A control's value for one field, checked and coerced as a Scenario would (ScenarioError if refused)."""
    return _check(spec, value)


def parse_value(spec: FieldSpec, raw: Any) -> Any:
    """A URL or --set string (or a native value) converted to the field's type and checked (ScenarioError if not)."""
    return _check(spec, _parse_param(spec, raw))


def changed_params(values: Mapping[str, Any], baseline: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """URL parameters (prefix + field) of the values that differ from `baseline`, as strings."""
    return {prefix + name: _format_param(value) for name, value in values.items() if value != baseline[name]}


def accept_params(params: Mapping[str, Any], fields: Mapping[str, FieldSpec], prefix: str,
                  unknown_hint: str) -> tuple[dict[str, Any], list[ParamWarning]]:
    """Lenient reading of field parameters (keys without `prefix`): the values that parse and check, and a
    warning (named prefix + key) for every unknown key or invalid value."""
    accepted: dict[str, Any] = {}
    warnings: list[ParamWarning] = []
    for key, raw in params.items():
        spec = fields.get(key)
        if spec is None:
            warnings.append(ParamWarning(prefix + key, str(raw), "unknown", unknown_hint))
            continue
        if isinstance(raw, list | tuple):  # st.query_params.to_dict() style repeated keys
            raw = raw[-1] if raw else ""
        try:
            accepted[key] = parse_value(spec, raw)
        except ScenarioError:
            warnings.append(ParamWarning(prefix + key, str(raw), "invalid", spec.allowed()))
    return accepted, warnings


@dataclass(frozen=True)
class Scenario:
    demand_mode: str = "trend"
    demand_growth: float | None = None
    demand_claim: str = "epoch-4-5x"
    fit_population: str = "notable"
    fit_since: int = 2010
    demand_base_flop: float | None = None
    param_growth: float = ARTICLE_PARAM_GROWTH
    tokens_per_param: float = 20.0
    demand_scope: str = "largest_run"
    frontier_labs: int = 5
    experiment_overhead: float = 10.0
    inference_ratio: float = 1.0
    algorithmic_efficiency: bool = False
    algo_halving_months: float = 8.0
    supply_growth: float | None = None
    supply_base_h100e: float | None = None
    supply_fit_since: int = 2022
    chip_lifetime_years: float = 5.0
    weakest_link: bool = True
    h100e_per_chip: float | None = None
    chip_efficiency_growth: float = 1.35
    logic_wafers_per_month: float | None = None
    logic_ai_share: float = 0.4
    logic_growth: float = 1.15
    die_area_mm2: float = 814.0
    dies_per_chip: int = 1
    defect_density: float = 0.1
    cowos_wafers_per_month: float | None = None
    cowos_growth: float = 1.3
    chips_per_cowos_wafer: float = 15.0
    hbm_stacks_per_month: float | None = None
    hbm_growth: float = 1.3
    hbm_stacks_per_chip: int = 7
    power_gw_per_year: float = 20.0
    power_growth: float = 1.3
    kw_per_h100e: float = 1.0
    flop_per_watt_growth: float = 1.28
    utilisation: float = 0.4
    largest_run_share: float = 0.26
    share_today: float | None = None
    share_years_to_cap: float = 5.0
    largest_site_h100e: float | None = None
    site_flat_years: float = 1.0
    site_growth: float = 2.5
    multi_site_factor: float = 1.0
    run_length_days: float = 100.0
    run_length_growth: float = 1.4
    run_length_cap_days: float = 180.0
    precision: str = "bf16"
    constraints_on: bool = True
    power_gw_2030: float = 2.2
    power_distributed: bool = False
    power_distributed_gw_2030: float = 9.5
    power_run_growth: float = 1.57
    power_max_gw: float = 120.0
    power_kw_per_h100e: float = 1.7
    money_included: bool = True
    money_spend_2023_usd: float = 4e7
    money_spend_growth: float = 2.4
    money_payer: str = "world_gdp"
    money_cap_share: float = 0.01
    money_means_growth: float = 1.032
    money_usd_per_kwh: float = 0.08
    money_price_performance_growth: float = 1.40
    data_tokens: float = 5e14
    data_multimodal: bool = False
    data_multimodal_tokens: float = 2.8e15
    data_epochs: float = 4.0
    latency_step_seconds: float = 0.095
    latency_batch_tokens: float = 6e7
    spread_scale: float = 1.0
    samples: int = 10_000
    seed: int = 0
    base_year: int = 2025
    horizon: int = 2040
    preset: str = "data-trend"  # the preset this scenario started from (not an assumption)

    def __post_init__(self):
        for name, spec in FIELDS.items():
            object.__setattr__(self, name, _check(spec, getattr(self, name)))
        if not isinstance(self.preset, str) or self.preset not in PRESETS:
            raise ScenarioError("preset", f"got {self.preset!r}; expected one of {', '.join(PRESETS)}")
        if self.horizon <= self.base_year:
            raise ScenarioError("horizon", f"got {self.horizon}; expected a year after base_year {self.base_year}")

    # --- construction -------------------------------------------------------------------------
    @classmethod
    def from_preset(cls, name: str = "data-trend", **overrides: Any) -> Scenario:
        if not isinstance(name, str) or name not in PRESETS:  # JSON may hand over a list or an object
            raise ScenarioError("preset", f"got {shown(name)}; expected one of {', '.join(PRESETS)}")
        _refuse_unknown(overrides)
        return cls(**{**PRESETS[name].overrides, **overrides, "preset": name})

    def replace(self, **changes: Any) -> Scenario:
        return dataclasses.replace(self, **changes)

    def values(self) -> dict[str, Any]:
        """The assumptions only (no preset name), field name → value."""
        return {name: getattr(self, name) for name in FIELDS}

    # --- JSON (strict) ------------------------------------------------------------------------
    def to_json(self) -> str:
        return json.dumps({"preset": self.preset, **self.values()}, indent=2, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Scenario:
        """Strict: malformed JSON, an unknown or repeated field or a bad value raises ScenarioError.

        Hostile files end the same way, never in another exception: nesting deeper than the parser
        allows, integers too long to convert, NaN/Infinity, text above MAX_JSON_CHARS, wrong types."""
        if not isinstance(text, str):
            raise ScenarioError("json", f"expected JSON text, got {type(text).__name__}")
        if len(text) > MAX_JSON_CHARS:
            raise ScenarioError("json", f"the text holds {len(text):,} characters; a scenario needs under "
                                        f"{MAX_JSON_CHARS:,}")
        data = _load_json(text)
        if not isinstance(data, dict):
            raise ScenarioError("json", f"expected an object of field: value, got {_json_kind(data)}")
        _refuse_unknown({key: None for key in data if key != "preset"})
        preset = data.pop("preset", "data-trend")
        return cls.from_preset(preset, **data)

    # --- URL parameters (lenient) -------------------------------------------------------------
    def to_params(self) -> dict[str, str]:
        """Only the values that differ from the scenario's preset, as strings; plus `preset` unless default."""
        baseline = Scenario.from_preset(self.preset).values()
        params = {} if self.preset == "data-trend" else {"preset": self.preset}
        return {**params, **changed_params(self.values(), baseline)}

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> tuple[Scenario, list[ParamWarning]]:
        """Lenient: every unknown or invalid parameter is dropped with a warning; never raises."""
        warnings: list[ParamWarning] = []
        preset = params.get("preset", "data-trend")
        if isinstance(preset, list | tuple):
            preset = preset[-1] if preset else "data-trend"
        if preset not in PRESETS:
            warnings.append(ParamWarning("preset", str(preset), "invalid", "one of " + ", ".join(PRESETS)))
            preset = "data-trend"
        base = cls.from_preset(preset)
        accepted, invalid = accept_params({k: v for k, v in params.items() if k != "preset"}, FIELDS, "",
                                          "a scenario field name")
        warnings += invalid
        try:
            return base.replace(**accepted), warnings
        except ScenarioError as exc:  # a cross-field rule (horizon after base_year)
            warnings.append(ParamWarning(exc.field, str(accepted.get(exc.field)), "invalid", exc.message))
            accepted.pop("horizon", None)
            accepted.pop("base_year", None)
            return base.replace(**accepted), warnings


COMPARE_PARAM = "compare"  # a link's pinned scenario A: its parameters as one URL-encoded query string
MAX_COMPARE_CHARS = 4_000  # every field set differently is about 1,800 characters
LINK_APP_PARAMS = ("lang", "chart", "theme", COMPARE_PARAM)  # a link's parameters that are not the scenario's
# fields: the language, the embed view's chart id and colour theme, and the pinned scenario A


def params_from_pairs(pairs) -> tuple[dict[str, str], list[ParamWarning]]:
    """(key, value) pairs of a URL as scenario parameters: the app's own (`lang`, an embed's `chart` and
    `theme`) and `compare` (the pinned scenario A, read by `compare_from_pairs`) are not scenario fields,
    and a key given more than once keeps its last value, with a warning (the app's address bar and every
    CLI read links so)."""
    values: dict[str, list[str]] = {}
    for key, value in pairs:
        if key not in LINK_APP_PARAMS:
            values.setdefault(key, []).append(value)
    warnings = [ParamWarning(key, " / ".join(given), "repeated", given[-1])
                for key, given in values.items() if len(given) > 1]
    return {key: given[-1] for key, given in values.items()}, warnings


def link_params(link: str) -> tuple[dict[str, str], list[ParamWarning]]:
    """A share link's scenario parameters: a full URL, a path with a query, or just the query string."""
    from urllib.parse import parse_qsl

    return params_from_pairs(parse_qsl(_link_query(link), keep_blank_values=True))


def _link_query(link: str) -> str:
    """The query string of a full URL, of a path with a query, or the query string itself."""
    from urllib.parse import urlsplit

    return urlsplit(link).query if ("://" in link or link.startswith("/")) else link.lstrip("?")


def scenario_from_link(link: str) -> tuple[Scenario, list[ParamWarning]]:
    """The scenario a share link reproduces, with a warning for every parameter dropped or resolved."""
    params, repeated = link_params(link)
    scenario, warnings = Scenario.from_params(params)
    return scenario, repeated + warnings


def compare_value(scenario: Scenario) -> str:
    """A pinned scenario A as the value of a link's `compare` parameter: its preset and the fields that differ
    from that preset, as a query string (`preset=data-trend&demand_growth=6.7`; URL-encoded once more inside
    the link). The preset is always written, so the value is never empty."""
    from urllib.parse import urlencode

    return urlencode({"preset": scenario.preset, **scenario.to_params()})


def compare_params(scenario: Scenario | None) -> dict[str, str]:
    """`{"compare": ...}` for a pinned scenario, `{}` for none: what a link adds to carry A."""
    return {} if scenario is None else {COMPARE_PARAM: compare_value(scenario)}


def compare_from_value(text: str) -> tuple[Scenario | None, list[ParamWarning]]:
    """The pinned scenario A of a `compare` value, parsed as leniently as the link's own scenario
    (`params_from_pairs` + `Scenario.from_params`): a parameter that cannot be read is dropped with a warning
    named `compare.<field>`. None, with a warning, when nothing in the value can be read or it is too long."""
    from urllib.parse import parse_qsl

    expected = "the pinned scenario's parameters, e.g. preset=data-trend&demand_growth=6.7"
    if len(text) > MAX_COMPARE_CHARS:
        return None, [ParamWarning(COMPARE_PARAM, text[:60] + "…", "invalid",
                                   f"{expected}, in at most {MAX_COMPARE_CHARS:,} characters")]
    params, repeated = params_from_pairs(parse_qsl(text, keep_blank_values=True))
    scenario, refused = Scenario.from_params(params)
    warnings = [dataclasses.replace(w, field=f"{COMPARE_PARAM}.{w.field}") for w in repeated + refused]
    unread = {w.field for w in refused if w.code != "repeated"}
    if not set(params) - unread:
        return None, warnings or [ParamWarning(COMPARE_PARAM, text, "invalid", expected)]
    return scenario, warnings


def compare_from_pairs(pairs) -> tuple[Scenario | None, list[ParamWarning]]:
    """The pinned scenario A among a URL's (key, value) pairs (None when there is no `compare`); a repeated
    `compare` keeps its last value, with a warning, like any other parameter."""
    given = [value for key, value in pairs if key == COMPARE_PARAM]
    if not given:
        return None, []
    repeated = [ParamWarning(COMPARE_PARAM, " / ".join(given), "repeated", given[-1])] if len(given) > 1 else []
    scenario, warnings = compare_from_value(given[-1])
    return scenario, repeated + warnings


def compare_from_link(link: str) -> tuple[Scenario | None, list[ParamWarning]]:
    """The pinned scenario A a share link carries (None without one), with its warnings."""
    from urllib.parse import parse_qsl

    return compare_from_pairs(parse_qsl(_link_query(link), keep_blank_values=True))


def share_link(scenario: Scenario, lang: str, base_url: str, page: str = "forecast",
               compare: Scenario | None = None) -> str:
    """The link that reproduces `scenario` (and a pinned scenario A beside it) on `page` (the first page lives
    at the base URL itself)."""
    from urllib.parse import urlencode

    base = base_url if base_url.endswith("/") else base_url + "/"
    path = "" if page in ("", "overview") else page
    return f"{base}{path}?{urlencode({**scenario.to_params(), **compare_params(compare), 'lang': lang})}"


MAX_JSON_CHARS = 100_000  # a full scenario is about 1,500 characters


def _load_json(text: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_unique_keys)  # NaN/Infinity reach the field check, which names the field
    except json.JSONDecodeError as exc:
        raise ScenarioError("json", f"not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise ScenarioError("json", "nested too deeply; a scenario is one flat object of field: value") from None
    except ScenarioError:
        raise
    except ValueError as exc:  # e.g. an integer literal longer than Python converts (4,300 digits)
        raise ScenarioError("json", f"a value cannot be read ({str(exc).split(';')[0][:120]})") from None


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ScenarioError(_short(key), "the field appears more than once; keep one value")
        seen[key] = value
    return seen


def _short(name: str, limit: int = 60) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _json_kind(value: Any) -> str:
    return {list: "an array", str: "a string", bool: "true/false", type(None): "null"}.get(type(value), "a number")


def _refuse_unknown(fields: Mapping[str, Any]) -> None:
    unknown = [name for name in fields if name not in FIELDS]
    if unknown:
        raise ScenarioError(_short(sorted(unknown)[0]), "unknown field; `python -m models presets --json` lists the fields")


@dataclass(frozen=True)
class ParamWarning:
    """One dropped URL parameter. Show it with t("scenario.warning.<code>", lang, field=..., value=..., allowed=...)."""

    field: str
    value: str
    code: Literal["unknown", "invalid", "repeated"]
    allowed: str

    @property
    def key(self) -> str:
        return f"scenario.warning.{self.code}"

    @property
    def message(self) -> str:
        if self.code == "repeated":
            return f"{self.field} given more than once ({self.value}); using the last value, {self.allowed}"
        what = "unknown parameter" if self.code == "unknown" else "invalid value"
        return f"{self.field}={self.value!r} ignored: {what}; expected {self.allowed}"

    def __str__(self) -> str:
        return self.message


_NULL_WORDS = {"", "none", "null", "fit", "fitted", "auto"}
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def _parse_param(spec: FieldSpec, raw: Any) -> Any:
    """A URL string (or a native value) converted to the field's type; unparseable text raises ScenarioError."""
    if not isinstance(raw, str):
        return raw
    text = raw.strip()
    if spec.nullable and text.lower() in _NULL_WORDS:
        return None
    if spec.kind == "bool":
        low = text.lower()
        if low in _TRUE | _FALSE:
            return low in _TRUE
        raise ScenarioError(spec.name, f"got {raw!r}; expected true or false")
    if spec.kind in ("choice", "text"):
        return text
    try:
        return float(text)
    except ValueError:
        raise ScenarioError(spec.name, f"got {raw!r}; expected a number ({spec.allowed()})") from None


def _format_param(value: Any) -> str:
    if value is None:
        return "fit"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


@dataclass(frozen=True)
class Preset:
    name: str
    description: str  # English summary for the CLI; the page uses scenario.preset.<name>.description
    overrides: dict[str, Any]
    source_id: str
    sources: dict[str, str] = dataclasses.field(default_factory=dict)  # override field → source_id of its value

    @property
    def label_key(self) -> str:
        return f"scenario.preset.{self.name}.label"

    @property
    def description_key(self) -> str:
        return f"scenario.preset.{self.name}.description"


def _preset(name: str, description: str, source_id: str, values: dict[str, tuple[Any, str]]) -> Preset:
    """A preset from field → (value, source_id of that value): no value without its source."""
    return Preset(name, description, {k: v for k, (v, _) in values.items()}, source_id,
                  {k: src for k, (_, src) in values.items()})


_EPOCH = "epoch-2024-scaling-2030"
_SEED = "tmtpost-2023-seed"
PRESETS: dict[str, Preset] = {
    p.name: p
    for p in [
        Preset("data-trend", "Demand and supply growth fitted from the database (the default).", {},
               "epoch-notable-models"),
        _preset(
            "article-2023",
            "The 2023 article's world: global AI compute doubling every 3.43 months (OpenAI's largest-run trend "
            "read as global demand), parameters 10x per 18 months, A100s made on TSMC N7 as the only supply "
            "limit. Since then: the largest runs grew about 4-5x a year, not 11x; frontier parameter counts "
            "stopped growing after GPT-4; H100 and Blackwell chips on N4 replaced the A100, and packaging "
            "(CoWoS) and HBM, not N7 wafers, limited output.",
            _SEED,
            {
                "base_year": (2023, _SEED),
                "demand_mode": ("claim", _SEED),
                "demand_claim": ("seed-2023-global", _SEED),
                "demand_scope": ("all_ai", _SEED),
                "param_growth": (ARTICLE_PARAM_GROWTH, _SEED),
                "weakest_link": (True, _SEED),
                "logic_wafers_per_month": (140_000.0, "r-hardwaretimes-2020-n7"),  # all of N7 at end-2020
                "logic_growth": (1.0, "r-cna-2022-tsmc-symposium"),  # N7 held flat after 2020; growth went to N5
                "die_area_mm2": (826.0, "epoch-ml-hardware"),  # GA100
                "dies_per_chip": (1, "epoch-ml-hardware"),
                "h100e_per_chip": (0.32, "epoch-chip-sales"),  # A100 ≈ 0.32 H100e
                "chip_efficiency_growth": (1.0, _SEED),  # the article's chip is the A100 throughout
                "cowos_wafers_per_month": (0.0, _SEED),  # the article names wafers only
                "hbm_stacks_per_month": (0.0, _SEED),
                "power_gw_per_year": (0.0, _SEED),
            },
        ),
        _preset(
            "epoch-2030",
            "Epoch AI, 'Can AI Scaling Continue Through 2030?' (2024): frontier compute 4x a year from the 2024 "
            "record, a run of about six months in FP8 at 40% utilisation, at most 26% of chips to one run, "
            "power from several campuses, data and latency walls; money left aside as in the report.",
            _EPOCH,
            {
                "base_year": (2024, _EPOCH),
                "demand_mode": ("claim", "epoch-2024-4-5x"),
                "demand_claim": ("epoch-frontier-4x", "epoch-2024-4-5x"),
                "demand_base_flop": (5e25, "epoch-notable-models"),  # Gemini Ultra, the record through 2024
                "largest_run_share": (0.26, _EPOCH),  # median of 16/26/40% (10/50/90)
                "utilisation": (0.4, _EPOCH),
                "run_length_days": (182.0, _EPOCH),  # about six months
                "precision": ("fp8", _EPOCH),
                "weakest_link": (True, _EPOCH),
                "cowos_growth": (1.6, _EPOCH),  # TSMC's planned ~60%/yr
                "hbm_growth": (1.6, _EPOCH),
                "power_distributed": (True, _EPOCH),  # 2–45 GW across campuses
                # the report's chips constraint is a share of all chips, trained across campuses: no single
                # site caps the run (ten of today's largest sites at once)
                "multi_site_factor": (10.0, _EPOCH),
                "share_years_to_cap": (0.0, _EPOCH),  # the report's 26% is its share in 2030 itself
                "money_included": (False, _EPOCH),  # the report sets investment aside
                "tokens_per_param": (20.0, _EPOCH),  # Chinchilla
            },
        ),
        _preset(
            "low",
            "A late ceiling: the slowest published demand trend (Sevilla et al.'s large-scale era, 2.3x a year), "
            "the fast end of Epoch's stock growth (4.1x) and the generous end of Epoch's share (40%).",
            "sevilla-2022-three-eras",
            {
                "demand_growth": (2.3, "sevilla-2022-three-eras"),
                "supply_growth": (4.1, "r-epoch-2026-chip-sales-explorer"),  # 90% CI top of 3.3x
                "largest_run_share": (0.4, _EPOCH),  # 90th percentile
            },
        ),
        _preset(
            "high",
            "An early ceiling: notable language models' 9x a year, the slow end of Epoch's stock growth (2.7x), "
            "the tight end of Epoch's share (16%) and the weakest link on.",
            "epoch-2024-4-5x",
            {
                "demand_growth": (9.0, "epoch-2024-4-5x"),  # language models up to 9x/yr 2017–2024
                "supply_growth": (2.7, "r-epoch-2026-chip-sales-explorer"),  # 90% CI bottom of 3.3x
                "largest_run_share": (0.16, _EPOCH),  # 10th percentile
                "weakest_link": (True, _EPOCH),
            },
        ),
    ]
}
DEFAULT_PRESET = "data-trend"


_LINK_FIELDS = ("h100e_per_chip", "chip_efficiency_growth", "logic_wafers_per_month", "logic_ai_share",
                "logic_growth", "die_area_mm2",
                "dies_per_chip", "defect_density", "cowos_wafers_per_month", "cowos_growth", "chips_per_cowos_wafer",
                "hbm_stacks_per_month", "hbm_growth", "hbm_stacks_per_chip", "power_gw_per_year", "power_growth",
                "kw_per_h100e", "flop_per_watt_growth")


def fields_in_use(scenario: Scenario) -> list[str]:
    """The assumptions this scenario's forecast actually reads (the others are switched off by its modes)."""
    names = ["demand_mode"]
    names += {"trend": ["demand_growth", "fit_population", "fit_since", "demand_base_flop"],
              "claim": ["demand_claim", "demand_base_flop"],
              "parameters": ["param_growth", "tokens_per_param", "demand_base_flop"]}[scenario.demand_mode]
    if scenario.demand_scope != "largest_run":
        names += ["demand_scope", "frontier_labs", "experiment_overhead"]
        names += ["inference_ratio"] if scenario.demand_scope == "all_ai" else []
    if scenario.algorithmic_efficiency:
        names += ["algorithmic_efficiency", "algo_halving_months"]
    names += ["supply_growth", "supply_base_h100e", "supply_fit_since", "chip_lifetime_years"]
    if scenario.weakest_link:
        names += ["weakest_link", *_LINK_FIELDS]
    names += ["utilisation"]
    if scenario.demand_scope == "largest_run":
        names += [*ALLOCATION_FIELDS]
    return list(dict.fromkeys(names + constraint_fields_in_use(scenario)))


def constraint_fields_in_use(scenario: Scenario) -> list[str]:
    """The run-level constraint inputs this scenario reads (models.constraints); only the switch when the
    constraints are off or demand is not one run."""
    if not scenario.constraints_on or scenario.demand_scope != "largest_run":
        return ["constraints_on"]
    names = ["constraints_on", "precision", "power_distributed",
             "power_distributed_gw_2030" if scenario.power_distributed else "power_gw_2030",
             "power_run_growth", "power_max_gw", "power_kw_per_h100e", "flop_per_watt_growth", "money_included"]
    if scenario.money_included:
        names += ["money_spend_2023_usd", "money_spend_growth", "money_payer", "money_cap_share", "money_means_growth",
                  "money_usd_per_kwh", "money_price_performance_growth", "chip_lifetime_years"]
    names += ["data_multimodal", "data_multimodal_tokens" if scenario.data_multimodal else "data_tokens",
              "data_epochs", "tokens_per_param", "latency_step_seconds", "latency_batch_tokens", "run_length_days",
              "utilisation"]
    return names


ALLOCATION_FIELDS = ("largest_run_share", "share_today", "share_years_to_cap", "largest_site_h100e",
                     "site_flat_years", "site_growth", "multi_site_factor", "run_length_days", "run_length_growth",
                     "run_length_cap_days", "precision")


def sources_in_use(scenario: Scenario) -> list[str]:
    """source_ids of the assumptions in use, in order, without repeats (a claim's own source is added by
    the caller from the resolved claim, which the data holds)."""
    return list(dict.fromkeys(FIELDS[name].source_id for name in fields_in_use(scenario) if FIELDS[name].source_id))
