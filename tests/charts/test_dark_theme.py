"""The dark variant lightens the series colours the near-black paper would swallow; the light one is as built."""

from __future__ import annotations

from charts import theme
from charts.common import Line, add_line


def luminance(colour: str) -> float:
    """WCAG relative luminance of #RRGGBB."""
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    red, green, blue = (channel(int(colour[i : i + 2], 16) / 255) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def banded_figure(colour: str):
    fig = theme.new_figure()
    add_line(fig, Line(label="Demand", x=[2025, 2030], y=[1.0, 2.0], low=[0.5, 1.0], high=[2.0, 4.0],
                       colour=colour), lang="en")
    return fig


def test_dark_variant_draws_the_blue_line_its_band_and_label_in_sky_blue():
    dark = theme.use_theme(banded_figure("#0072B2"), dark=True)
    assert dark.layout.template.layout.paper_bgcolor == "#0E1117"
    assert dark.data[2].line.color == "#56B4E9"
    assert dark.data[1].fillcolor == "rgba(86,180,233,0.18)"  # the band follows its line
    assert dark.layout.annotations[0].font.color == "#56B4E9"  # the direct label too
    assert contrast("#56B4E9", "#0E1117") >= 4.5 > contrast("#0072B2", "#0E1117")


def test_two_blues_stay_apart_in_dark_and_light_is_unchanged():
    sky = theme.use_theme(banded_figure("#56B4E9"), dark=True).data[2].line.color
    blue = theme.use_theme(banded_figure("#0072B2"), dark=True).data[2].line.color
    assert sky != blue and luminance(sky) > luminance(blue)  # the lighter of the two stays the lighter
    light = theme.use_theme(banded_figure("#0072B2"), dark=False)
    assert light.data[2].line.color == "#0072B2" and light.layout.template.layout.paper_bgcolor == "#FFFFFF"
    assert theme.dark_colour("Demand (#0072B2)") == "Demand (#0072B2)"  # only whole colour values change
