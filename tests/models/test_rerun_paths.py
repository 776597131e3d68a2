"""The shortcuts a Forecast rerun takes give what the full computation gives."""

from __future__ import annotations

from models.forecast import forecast
from models.scenario import Scenario


def test_binding_in_names_the_link_that_caps_each_year(inputs):
    # CoWoS cap 40,000 wafers a month × 12 × 15 chips × 2.5 H100e = 1.8e7 H100e a year in mid-2025, growing
    # 1.3 × 1.35 ≈ 1.76x a year; the trend (8e6 in 2025) grows 3x: 2.4e7 < 3.2e7 in 2026 (the trend binds),
    # 7.2e7 > 5.5e7 in 2027 and later (CoWoS binds); power at its maximum never binds
    scenario = Scenario(weakest_link=True, supply_growth=3.0, cowos_wafers_per_month=40_000.0, h100e_per_chip=2.5,
                        power_gw_per_year=500.0, horizon=2030)
    fc = forecast(scenario, inputs)
    assert fc.binding_in(range(2026, 2031)) == ["trend", "cowos", "cowos", "cowos", "cowos"]
    table = fc.annual()
    assert fc.binding_in(table.year) == list(table.binding)
