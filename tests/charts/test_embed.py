"""The embed view's figure (charts/embed.py): the title and subtitle lifted out as plain text, the figure
drawn without them in the chosen template, direct labels wrapped to fit a phone's right margin."""

from __future__ import annotations

import plotly.graph_objects as go

from charts.common import finish
from charts.embed import DIRECT_LABEL_UNITS, embed_figure
from charts.text import display_width
from charts.theme import TEMPLATE_LIGHT


def labelled_figure() -> go.Figure:
    fig = go.Figure(layout=dict(template=TEMPLATE_LIGHT))
    fig.add_trace(go.Scatter(x=[2020, 2030], y=[1, 2], name="Compute wanted: training and inference",
                             line=dict(color="#0072B2")))
    fig.add_annotation(x=2030, y=2, text="Compute wanted: training and inference", name="direct-label",
                       showarrow=False, xanchor="left", font=dict(color="#0072B2"))
    fig.add_annotation(x=2030, y=1, text="10<sup>24</sup> FLOP", name="direct-label", showarrow=False)
    return finish(fig, chart_id="test", sources=["epoch-notable"], units={}, title="Demand outruns supply by 2031",
                  subtitle="Largest run, FLOP (log scale).<br>Bands: Monte Carlo 10–90%")


def test_title_and_subtitle_become_plain_text_and_leave_the_figure():
    original = labelled_figure()
    shown = embed_figure(original)
    assert shown.title == "Demand outruns supply by 2031"
    assert shown.subtitle == "Largest run, FLOP (log scale). Bands: Monte Carlo 10–90%"  # the <br> is a space
    assert not shown.figure.layout.title.text and not shown.figure.layout.title.subtitle.text
    assert original.layout.title.text == "Demand outruns supply by 2031"  # the cached registry figure is untouched
    assert shown.figure.layout.meta["sources"] == ["epoch-notable"]  # the footer still credits the sources


def test_the_header_room_shrinks_to_what_is_left_above_the_plot():
    original, shown = labelled_figure(), embed_figure(labelled_figure())
    assert shown.figure.layout.margin.t < original.layout.margin.t


def test_dark_and_light_templates_paint_solid_paper():
    dark = embed_figure(labelled_figure(), dark=True).figure
    light = embed_figure(labelled_figure(), dark=False).figure
    assert dark.layout.template.layout.paper_bgcolor == "#0E1117"
    assert light.layout.template.layout.paper_bgcolor == "#FFFFFF"
    assert dark.data[0].line.color == "#56B4E9"  # the dark variant lightens blue (charts.theme.DARK_SWAPS)


def test_direct_labels_are_wrapped_to_fit_the_right_margin():
    notes = [n for n in embed_figure(labelled_figure()).figure.layout.annotations if n.name == "direct-label"]
    wrapped = notes[0].text.split("<br>")
    assert wrapped == ["Compute wanted:", "training and", "inference"]  # greedy, 18 units a line (by hand)
    assert all(display_width(line) <= DIRECT_LABEL_UNITS for line in wrapped)
    assert notes[1].text == "10<sup>24</sup> FLOP"  # markup is left whole
