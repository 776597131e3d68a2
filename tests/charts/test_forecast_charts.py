"""The forecast charts in the registry: built from the engine over a small fake Store whose numbers are
known (compute 4x a year, shipments doubling), checked against the engine's own results."""

from __future__ import annotations

import io
import math
import shutil
import struct

import numpy as np
import pandas as pd
import pytest

from charts import __main__ as cli
from charts import export
from charts.registry import CHARTS, ChartContext, build
from i18n import t
from models.montecarlo import BAND_PERCENTILES
from models.scenario import Scenario

FORECAST_IDS = ["forecast", "forecast-fan", "ceiling-probability", "tornado", "binding-link", "claims-check",
                "backtest", "allocation-share", "constraints", "engine-backtest"]
HAS_CHROMIUM = shutil.which("chromium") is not None or shutil.os.path.exists("/usr/bin/chromium")


def fake_models() -> pd.DataFrame:
    """Compute growing 4x a year from 1e20 FLOP in 2010, ±0.1 orders of magnitude; the 2025 record from 'm-record'."""
    rng = np.random.default_rng(0)
    years = np.repeat(np.arange(2010, 2026), 4) + np.tile([0.1, 0.35, 0.6, 0.85], 16)
    flop = 1e20 * 4.0 ** (years - 2010) * 10 ** rng.uniform(-0.1, 0.1, len(years))
    sources = ["epoch-notable-models"] * len(years)
    sources[int(np.argmax(flop))] = "m-record"
    return pd.DataFrame({"name": [f"model {i}" for i in range(len(years))], "year": years,
                         "training_compute_flop": flop, "parameters": flop ** 0.5, "notable": True,
                         "frontier": False, "domain": [["Language"]] * len(years), "source_id": sources})


class FakeStore:
    """The named queries the forecast charts read."""

    def __init__(self, path=None):
        self.path = path

    def models(self):
        return fake_models()

    def shipments_annual(self):
        years = np.arange(2020, 2026)
        median = 1e6 * 2.0 ** (years - 2020)
        return pd.DataFrame({"vendor": "NVIDIA", "year": years, "h100e_median": median, "h100e_p5": median * 0.8,
                             "h100e_p95": median * 1.2, "source_ids": [["epoch-chip-sales"]] * len(years)})

    def trend_claims(self):
        return pd.DataFrame({
            "claim_id": ["openai-2018-3-43-months", "epoch-2024-frontier-4x"], "quantity": "training_compute",
            "label": ["OpenAI 2018", "Epoch frontier"], "label_zh": ["OpenAI 2018（中）", "Epoch 前沿"],
            "growth_per_year": [11.3, 4.0], "doubling_months": [3.43, 6.0], "period_start": [2012, 2018],
            "period_end": [2018, 2024], "source_id": ["openai-ai-and-compute-2018", "epoch-2024-4-5x"]})

    def table_names(self):
        return ["mart_models", "stg_trend_claims"]

    def events(self):
        return pd.DataFrame(columns=["date", "label", "label_zh", "kind"])

    def sources(self):
        return pd.DataFrame({"source_id": ["epoch-notable-models"], "title": ["Notable AI Models"],
                             "organisation": ["Epoch AI"], "licence": ["CC BY 4.0"]})


CROSSING = Scenario(demand_growth=6.0, demand_base_flop=1e26, supply_growth=2.0, horizon=2045, samples=2000)


@pytest.fixture(scope="module")
def ctx():
    return ChartContext(FakeStore(), CROSSING, "en")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("chart_id", FORECAST_IDS)
def test_each_forecast_chart_builds_with_a_finding_title_and_its_sources(chart_id, lang):
    fig = build(chart_id, ChartContext(FakeStore(), CROSSING, lang))
    meta = fig.layout.meta
    assert meta["chart_id"] == chart_id and chart_id in CHARTS
    assert fig.layout.title.text and fig.layout.title.text != t("charts.common.no_data", lang)
    assert fig.layout.title.subtitle.text
    assert len(fig.data) > 0 and meta["sources"]


def test_hero_sources_name_the_data_and_the_assumptions(ctx):
    sources = build("forecast", ctx).layout.meta["sources"]
    # data: the fitted models, the record-holder, the chip sales; assumptions: utilisation and run share
    assert {"epoch-notable-models", "m-record", "epoch-chip-sales", "openai-ai-and-compute-2018",
            "epoch-2024-scaling-2030"} <= set(sources)
    assert "tmtpost-2023-seed" not in sources  # parameter-driven demand is not in use


def test_hero_marks_the_crossing_at_the_engines_ceiling_year(ctx):
    fc, mc = ctx.forecast, ctx.monte_carlo
    fig = build("forecast", ctx)
    assert fc.ceiling_year is not None and CROSSING.base_year < fc.ceiling_year < CROSSING.horizon
    # independently: the first month with demand above the largest feasible run (chips and every constraint)
    month = int(np.flatnonzero((fc.demand_flop > fc.feasible_flop) & (fc.t >= CROSSING.base_year))[0])
    assert fc.t[month] == pytest.approx(fc.ceiling_time)
    # the line and the title are the headline crossing: the median of the samples' first crossings (NaN
    # = none before the horizon, sorted last), the same year the page's metric and the CLI quote
    times = np.sort(np.where(np.isnan(mc.ceiling_times), np.inf, mc.ceiling_times))
    median = times[math.ceil(0.5 * len(times)) - 1]
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert [line.x0 for line in lines] == [pytest.approx(median)]
    assert fig.layout.title.text == t("charts.forecast.hero.title", "en", year=math.floor(median))
    band = [s for s in fig.layout.shapes if s.type == "rect"][0]
    assert (band.x0, band.x1) == (pytest.approx(mc.p10), pytest.approx(mc.p90))


def test_hero_draws_the_monte_carlo_band_of_demand(ctx):
    mc = ctx.monte_carlo
    fig = build("forecast", ctx)
    upper = next(tr for tr in fig.data if tr.name.startswith(t("charts.forecast2.series_demand", "en",
                                                                scope="largest training run"))
                 and tr.name.endswith("upper)"))
    np.testing.assert_allclose(upper.y, mc.bands["demand"][BAND_PERCENTILES.index(90)])


def test_fan_csv_holds_the_band_columns_with_the_simulated_percentiles(ctx):
    mc = ctx.monte_carlo
    frame = pd.read_csv(io.StringIO(export.to_csv(build("forecast-fan", ctx))))
    names = set(frame["trace"])
    bands = [name for name in names if "(10–90%, " in name]
    assert len(bands) == 4  # upper and lower for demand and for available compute
    demand_upper = next(name for name in bands if "wanted" in name and name.endswith("upper)"))
    rows = frame[frame["trace"] == demand_upper]
    np.testing.assert_allclose(rows["y"], mc.bands["demand"][BAND_PERCENTILES.index(90)], rtol=1e-9)
    np.testing.assert_allclose(rows["x"], mc.years)
    assert set(frame["unit"]) == {"FLOP"} and frame["source"].str.contains("epoch-chip-sales").any()


def test_binding_link_names_the_link_that_caps_output():
    scenario = Scenario(weakest_link=True, supply_growth=3.0, cowos_wafers_per_month=1000.0, horizon=2030)
    fig = build("binding-link", ChartContext(FakeStore(), scenario, "en"))
    # CoWoS allows 1000 × 12 × 16 × 2.5 H100e = 4.8e5 H100e in 2025, far below the trend: it binds every year
    assert fig.layout.title.text == t("charts.forecast2.binding_title", "en", link=t("charts.link.cowos", "en"),
                                      year=2026)
    markers = next(tr for tr in fig.data if tr.name == t("charts.supply.binding.marker", "en"))
    assert list(markers.x) == [2026, 2027, 2028, 2029, 2030]
    assert "epoch-2024-scaling-2030" in fig.layout.meta["sources"]


def test_binding_link_of_a_scenario_without_the_cap_says_it_was_switched_on():
    fig = build("binding-link", ChartContext(FakeStore(), CROSSING.replace(weakest_link=False), "en"))
    assert fig.layout.title.subtitle.text.endswith(t("charts.forecast2.binding_cap_off", "en"))


def test_claims_check_counts_the_claims_above_the_data(ctx):
    fig = build("claims-check", ctx)
    # the data grows 4x a year: OpenAI's 11.3x runs faster, Epoch's 4x does not
    assert fig.layout.title.text == t("charts.forecast2.claims_title", "en", faster=1, total=2)
    claimed = next(tr for tr in fig.data if tr.name == t("charts.claims.claimed", "en"))
    assert list(claimed.x) == [11.3, 4.0]
    assert {"openai-ai-and-compute-2018", "epoch-2024-4-5x"} <= set(fig.layout.meta["sources"])


def test_claims_check_labels_in_chinese():
    fig = build("claims-check", ChartContext(FakeStore(), CROSSING, "zh"))
    assert "OpenAI 2018（中）" in list(fig.data[-1].y)


def test_backtest_runs_the_whole_engine_as_of_seven_years_back(ctx):
    from models.backtest import engine_backtest

    fig = build("engine-backtest", ctx)
    bt = engine_backtest(ctx.store, 2018, CROSSING, seed=CROSSING.seed)
    line = next(tr for tr in fig.data if tr.name == t("charts.engine_backtest.forecast", "en", year=2018))
    assert list(line.x) == list(range(2019, 2026)) and list(line.y) == pytest.approx(list(bt.rows["p50"]))
    # independently: the share of later records inside the 10–90% band
    rows = bt.rows
    inside = float(((rows["p10"] <= rows["actual_flop"]) & (rows["actual_flop"] <= rows["p90"])).mean())
    assert fig.layout.title.text.startswith(f"The engine as of 2018: {round(100 * inside)}% of later records")
    assert bt.latest_input_date <= "2018-12-31"


def test_constraints_chart_names_the_binding_constraint(ctx):
    from models import constraints as con

    fig = build("constraints", ctx)
    frame = con.table(ctx.forecast, ctx.inputs)
    year = ctx.forecast.ceiling_year
    binding = frame.loc[frame["year"] == year, "binding"].item()
    assert t(f"charts.constraints.{binding}", "en") in fig.layout.title.text and str(year) in fig.layout.title.text
    feasible = next(tr for tr in fig.data if tr.name == t("charts.constraints.feasible", "en"))
    curves = frame[[f"{n}_flop" for n in con.in_use(ctx.scenario)]].min(axis=1)
    assert list(feasible.y) == pytest.approx(list(curves))


def test_the_old_hero_id_still_builds_the_hero(ctx):
    assert build("forecast-hero", ctx).layout.title.text == build("forecast", ctx).layout.title.text


def test_list_shows_the_forecast_ids(capsys):
    assert cli.main(["list"]) == 0
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert set(FORECAST_IDS) <= set(listed)


@pytest.fixture
def fake_db(tmp_path, monkeypatch):
    import etl.read

    monkeypatch.setattr(etl.read, "Store", FakeStore)
    db = tmp_path / "compute.duckdb"
    db.write_bytes(b"")
    return db


@pytest.mark.parametrize("chart_id", [*FORECAST_IDS, "forecast-hero"])
def test_export_csv_of_each_forecast_chart(chart_id, fake_db, tmp_path):
    out = tmp_path / f"{chart_id}.csv"
    code = cli.main(["export", chart_id, "--format", "csv", "--db", str(fake_db), "--out", str(out),
                     "--set", "samples=500", "--set", "demand_growth=6", "--set", "demand_base_flop=1e26"])
    assert code == 0
    frame = pd.read_csv(out)
    assert list(frame.columns) == export.CSV_COLUMNS and len(frame) > 0
    assert frame["source"].notna().all()


@pytest.mark.skipif(not HAS_CHROMIUM, reason="Debian's chromium is not installed (make system-deps)")
def test_export_png_and_svg_of_forecast_charts(fake_db, tmp_path):
    png, svg = tmp_path / "forecast.png", tmp_path / "probability.svg"
    try:
        assert cli.main(["export", "forecast", "--format", "png", "--db", str(fake_db), "--out", str(png),
                         "--set", "samples=500", "--scale", "2"]) == 0
        assert cli.main(["export", "ceiling-probability", "--format", "svg", "--db", str(fake_db), "--out", str(svg),
                         "--set", "samples=500", "--lang", "en"]) == 0
    finally:
        export.stop_kaleido_server()
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", data[16:24]) == (1600, 1000)
    assert "Source: Epoch AI, Notable AI Models (CC BY 4.0)" in svg.read_text(encoding="utf-8")


def test_allocation_share_draws_the_needed_share_against_the_cap_with_the_evidence():
    from models.forecast import calibration_points, forecast

    scenario = CROSSING.replace(largest_run_share=0.3)
    ctx = ChartContext(FakeStore(), scenario, "en")
    fig = build("allocation-share", ctx)
    fc = forecast(scenario, ctx.inputs)
    table = fc.annual().set_index("year")
    needed = [tr for tr in fig.data if tr.name == t("engine.calibration.needed", "en")]
    assert len(needed) == 2 and needed[0].x[0] == table.index[0] + 0.5  # history solid, projection dashed
    assert needed[0].y[0] == pytest.approx(table["implied_share"].iloc[0] * 100)
    cap = next(tr for tr in fig.data if tr.name == t("engine.calibration.cap", "en"))
    assert list(cap.y) == pytest.approx([30.0, 30.0])
    records = next(tr for tr in fig.data if tr.name == t("engine.calibration.record", "en"))
    points = calibration_points(scenario, ctx.inputs, fc.resolved)
    assert list(records.y) == pytest.approx(list(points.loc[points["kind"] == "record", "share"] * 100))
    assert fig.layout.title.text.replace("<br>", " ") == t("engine.calibration.title", "en", share=table.loc[2025, "implied_share"],
                                      year=2025, cap=0.3)
    assert "m-record" in fig.layout.meta["sources"]  # the record run's own source
