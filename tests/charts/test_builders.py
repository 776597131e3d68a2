"""Figure builders: the traces, values, meta and language a reader and the export rely on."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from charts import demand, forecast, supply, theme
from charts.common import Line
from i18n import t


def test_theme_log_ticks_are_powers_of_ten_in_both_languages():
    values, text = theme.decade_ticks(3e20, 2e24)
    assert values == [1e20, 1e21, 1e22, 1e23, 1e24, 1e25]
    assert text[0] == "10<sup>20</sup>" and text[-1] == "10<sup>25</sup>"
    values, _ = theme.decade_ticks(1e3, 1e31, max_ticks=8)  # 29 decades thinned to every 4th
    assert len(values) <= 8 and all(math.log10(v) % 4 == 0 for v in values)


def test_theme_hover_number_notation():
    assert theme.format_sci(3.14e23) == "3.1×10<sup>23</sup>"
    assert theme.format_sci(42.0) == "42"


def test_template_names_a_cjk_font_fallback():
    import plotly.io as pio

    for name in (theme.TEMPLATE_LIGHT, theme.TEMPLATE_DARK):
        assert "Noto Sans CJK SC" in pio.templates[name].layout.font.family


def test_training_compute_points_split_by_confidence(models_frame):
    fig = demand.training_compute(models_frame, "en")
    points = [tr for tr in fig.data if tr.mode == "markers"]
    assert [len(tr.x) for tr in points] == [2, 1]  # 2 confirmed, 1 speculative
    assert list(points[0].y) == [4.7e17, 3.14e23]
    assert points[0].customdata[1][0] == "GPT-3" and points[0].customdata[1][1] == "OpenAI"
    assert fig.layout.yaxis.type == "log" and "10<sup>24</sup>" in fig.layout.yaxis.ticktext
    assert fig.layout.meta["sources"] == ["epoch-notable-models"]
    assert fig.layout.meta["units"] == {"x": "year", "y": "FLOP"}


def test_claim_line_grows_at_the_claimed_rate():
    claim = pd.Series({"label": "OpenAI 2018", "label_zh": "OpenAI 2018 年", "growth_per_year": 11.3,
                       "doubling_months": 3.43, "source_id": "openai-ai-and-compute-2018"})
    line = demand.claim_line(claim, anchor_year=2012.0, anchor_value=1e17, end_year=2018.0, lang="zh")
    assert line.label == "OpenAI 2018 年" and line.dashed
    assert line.y[0] == pytest.approx(1e17) and line.y[-1] == pytest.approx(1e17 * 11.3**6)


def test_claims_and_fits_are_clipped_to_the_data_and_named_in_the_legend(models_frame):
    # data: years 2012.75..2023.2, FLOP 4.7e17..2.1e25 -> window 2012.45..2023.5, 10^17.17..10^25.82
    fit = Line(label="Fit", x=[2013, 2023], y=[1e18, 1e25], low=[5e17, 5e24], high=[2e18, 2e25])
    claim = Line(label="Claim", x=[2000, 2018], y=[1e10, 1e28], dashed=True)  # 10x a year
    fig = demand.training_compute(models_frame, "en", fits=[fit], claims=[claim], growth_per_year=4.6)
    names = [tr.name for tr in fig.data]
    assert "Fit (interval, upper)" in names and "Fit (interval, lower)" in names
    drawn = fig.data[names.index("Claim")]
    assert drawn.line.dash == "dash" and drawn.showlegend is False  # claims share one legend entry
    assert t("charts.polish_legend.claims", "en") in names
    # the claim starts at the window's left edge and stops where it leaves the top of the y range
    assert drawn.x[0] == pytest.approx(2012.45) and drawn.y[0] == pytest.approx(10**22.45)
    top = math.log10(2.1e25) + 0.5
    assert drawn.x[-1] == pytest.approx(2000 + top - 10, abs=0.01) and math.log10(drawn.y[-1]) == pytest.approx(
        top, abs=0.01)
    fit_trace = fig.data[names.index("Fit")]
    assert list(fit_trace.x) == [2013, 2023] and list(fit_trace.y) == [1e18, 1e25]  # inside: drawn as given
    assert [a for a in fig.layout.annotations if a.name == "direct-label"] == []
    assert list(fig.layout.xaxis.range) == [pytest.approx(2012.45), pytest.approx(2023.5)]
    assert list(fig.layout.yaxis.range) == [pytest.approx(math.log10(4.7e17) - 0.5), pytest.approx(top)]
    assert fig.layout.title.text == t("charts.demand.compute.title_growth", "en", growth=4.6)


def test_a_claim_outside_the_data_years_is_not_drawn(models_frame):
    pre_deep_learning = Line(label="1952-2010", x=[1952, 2010], y=[1e-18, 1e3], dashed=True)
    fig = demand.training_compute(models_frame, "en", claims=[pre_deep_learning])
    assert "1952-2010" not in [tr.name for tr in fig.data]
    assert fig.layout.xaxis.range[0] > 2012


def test_chinese_figure_takes_its_text_from_the_catalogue(models_frame):
    fig = demand.training_compute(models_frame, "zh")
    assert fig.layout.title.text == "AI 模型的训练算力增长了多个数量级"
    assert fig.layout.yaxis.title.text == "训练算力（FLOP）"
    assert "⟦" not in fig.to_json()  # no missing key anywhere in the figure


def test_events_outside_the_data_are_left_out(models_frame):
    events = pd.DataFrame({"date": ["2023-03-20", "1999-01-01"], "label": ["Outage", "Old"],
                           "label_zh": ["宕机", "旧"], "kind": ["outage", "launch"]})
    fig = demand.training_compute(models_frame, "zh", events=events)
    marks = [tr for tr in fig.data if tr.name == t("charts.polish_legend.events", "zh")]
    assert len(marks) == 1 and list(marks[0].customdata[:, 0]) == ["宕机"]  # the label is in the hover
    assert marks[0].x[0] == pytest.approx(2023 + 78 / 365)
    assert [a for a in fig.layout.annotations if a.name == "event"] == []  # no stacked text
    assert fig.layout.shapes == ()  # no full-height event lines


def test_doubling_times_fit_with_interval_and_claim():
    rows = pd.DataFrame({"label": ["Fit", "OpenAI"], "doubling_months": [5.4, 3.43], "low": [5.0, 3.43],
                         "high": [6.0, 3.43], "kind": ["fit", "claim"], "source_id": ["a", "b"]})
    fig = demand.doubling_times(rows, "en")
    fit_trace = next(tr for tr in fig.data if tr.name == t("charts.demand.doubling.fit", "en"))
    assert list(fit_trace.x) == [5.4]
    assert fit_trace.error_x.array[0] == pytest.approx(0.6) and fit_trace.error_x.arrayminus[0] == pytest.approx(0.4)
    assert fig.layout.meta["sources"] == ["a", "b"]


def test_market_share_one_bar_trace_per_vendor_in_percent():
    share = pd.DataFrame({"year": [2023] * 3 + [2022], "market": ["dc_gpu_units", "cloud_training",
                                                                  "dc_gpu_units", "dc_gpu_units"],
                          "vendor": ["NVIDIA", "NVIDIA", "AMD", "NVIDIA"], "share": [0.8, 0.9, 0.1, 0.7],
                          "source_id": ["s"] * 4, "confidence": ["estimate"] * 4})
    fig = supply.market_share(share, "en")
    assert [tr.name for tr in fig.data] == ["NVIDIA", "AMD"]  # the accent vendor first
    assert list(fig.data[0].x) == [80.0, 90.0]
    assert fig.data[0].marker.color == theme.ACCENT
    # AMD has no cloud-training share: no bar at all — neither a zero nor a NaN the browser cannot draw.
    assert list(fig.data[1].x) == [10.0]
    assert list(fig.data[1].y) == [t("charts.market.dc_gpu_units", "en")]


def test_shipments_by_vendor_use_vendor_totals_with_bands():
    rows = pd.DataFrame({"vendor": ["NVIDIA"] * 3, "chip": ["all", "all", "H100"],
                         "period_start": ["2024-01-01", "2024-04-01", "2024-01-01"],
                         "period_end": ["2024-03-31", "2024-06-30", "2024-03-31"],
                         "h100e_p5": [1.0, 2.0, 9.0], "h100e_median": [2.0, 3.0, 9.5], "h100e_p95": [3.0, 4.0, 10.0],
                         "source_id": ["epoch-chip-sales"] * 3})
    fig = supply.shipments(rows, "en", group="vendor")
    assert [tr.name for tr in fig.data] == ["NVIDIA (5–95% range, upper)", "NVIDIA (5–95% range, lower)", "NVIDIA"]
    assert list(fig.data[2].y) == [2.0, 3.0] and list(fig.data[0].y) == [3.0, 4.0]
    assert fig.data[2].x[0] == pytest.approx(2024 + (0 + 90 / 366) / 2, abs=1e-3)  # middle of Q1


def test_hardware_price_performance_divides_flops_by_price():
    accel = pd.DataFrame({"name": ["A100", "H100"], "vendor": ["NVIDIA", "NVIDIA"],
                          "release_date": ["2020-05-14", "2022-09-20"], "bf16_dense_flops": [312e12, 989e12],
                          "launch_price_usd": [10_000.0, 30_000.0], "confidence": ["confirmed"] * 2,
                          "source_id": ["epoch-ml-hardware"] * 2})
    fig = supply.hardware(accel, "en", "price_performance")
    assert list(fig.data[0].y) == pytest.approx([3.12e10, 989e12 / 30_000])
    assert fig.layout.meta["units"]["y"] == "FLOP/s per US$"


def test_binding_link_marks_the_smallest_capacity_each_year():
    frame = pd.DataFrame({"year": [2026, 2026, 2027, 2027], "link": ["logic", "cowos", "logic", "cowos"],
                          "capacity_h100e": [5e6, 3e6, 6e6, 9e6]})
    fig = supply.binding_link(frame, "en")
    marker = fig.data[-1]
    assert list(marker.x) == [2026, 2027] and list(marker.y) == [3e6, 6e6]
    assert list(marker.customdata) == [t("charts.link.cowos", "en"), t("charts.link.logic", "en")]


def test_hero_marks_the_ceiling_and_its_band():
    years = np.arange(2025, 2036)
    dem = Line(label="Demand", x=years, y=1e26 * 4.0 ** (years - 2025), dashed=True, sources=("d",))
    sup = Line(label="Supply", x=years, y=1e27 * 2.0 ** (years - 2025), dashed=True, sources=("s",))
    fig = forecast.demand_vs_supply(dem, sup, "en", ceiling_year=2028.3, ceiling_range=(2027.5, 2029.5))
    assert fig.layout.title.text == "Demand for frontier training compute outruns supply by 2028"
    assert fig.layout.shapes[0].x0 == 2027.5 and fig.layout.shapes[0].x1 == 2029.5
    assert fig.layout.shapes[1].x0 == 2028.3
    assert fig.layout.meta["sources"] == ["s", "d"]


def test_probability_chart_names_the_median_year():
    fig = forecast.ceiling_probability([2026, 2027, 2028, 2029], [0.05, 0.3, 0.6, 0.95], "en")
    assert list(fig.data[0].y) == pytest.approx([5, 30, 60, 95])
    assert fig.layout.title.text == t("charts.forecast.probability.title", "en", year=2028)
    assert [a.text for a in fig.layout.annotations] == ["10%: 2027", "50%: 2028", "90%: 2029"]


def test_tornado_puts_the_widest_swing_on_top():
    rows = pd.DataFrame({"label": ["Share", "Growth"], "low_year": [2029.0, 2027.0], "high_year": [2030.0, 2033.0]})
    fig = forecast.tornado(rows, 2030.0, "en")
    assert list(fig.data[0].y) == ["Growth", "Share"]
    assert fig.data[1].base == 2030.0 and list(fig.data[1].x) == [3.0, 0.0]
    assert fig.layout.title.text.startswith("Growth")


def test_fan_needs_a_median():
    with pytest.raises(ValueError, match="median"):
        forecast.monte_carlo_fan([2026], {0.1: [1.0]}, "en", label="x")
