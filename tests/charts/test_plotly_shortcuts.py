"""The two plotly shortcuts of charts.theme change no figure: a figure built with them is the figure plotly's
own full validation makes of the same content, and a new figure carries its registered template unchanged."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from charts import serving, theme
from charts.common import Line, add_line, finish


def revalidated(fig: go.Figure) -> dict:
    """The figure passed through plotly's full validation again (its template as a dict, not a name)."""
    return json.loads(pio.to_json(go.Figure(fig.to_dict())))


@pytest.mark.parametrize("dark", [False, True])
def test_a_new_figure_carries_the_registered_template_unchanged(dark):
    fig = theme.new_figure(dark)
    registered = pio.templates[theme.template_name(dark)]
    assert fig.layout.template.to_plotly_json() == registered.to_plotly_json()
    assert fig.layout.template is not registered  # a copy: one figure's template edits stay its own
    fig.layout.template.layout.title.font.size = 99
    assert theme.new_figure(dark).layout.template.layout.title.font.size != 99


def test_a_built_figure_is_what_full_validation_makes_of_it():
    fig = theme.new_figure()
    add_line(fig, Line(label="demand", x=[2023.0, 2024.0, 2025.0], y=[1e6, 3e6, 9e6], low=[5e5, 1e6, 2e6],
                       high=[2e6, 6e6, 2e7], band_label="10-90%", colour=serving.DEMAND_COLOUR), lang="en")
    theme.log_axis(fig, "messages a day", [1e6, 2e7])
    theme.year_axis(fig, "year")
    finish(fig, chart_id="test", sources=["s"], units={"x": "year", "y": "n"}, title="A title", subtitle="sub")
    assert json.loads(pio.to_json(fig)) == revalidated(fig)


def test_a_property_reads_plotlys_own_validator():
    from plotly.validator_cache import ValidatorCache

    trace = go.Scatter(x=[1, 2], y=[3, 4])
    assert trace._get_validator("x") is ValidatorCache.get_validator("scatter", "x")
    with pytest.raises(ValueError):
        trace.mode = "not a mode"  # validation still happens
