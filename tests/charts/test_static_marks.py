"""A static export (PNG, SVG, PDF) cannot be hovered: every event tick carries a number and every claim line
a letter, and a key under the plot names each one, in the chart's language."""

from __future__ import annotations

import os
import re
import shutil

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from charts import export, publish, static_marks
from charts.common import Line, add_events, finish, new_figure
from charts.demand import add_claims
from i18n import t

EVENTS = pd.DataFrame({
    "date": ["2018-06-01", "2022-03-01", "2022-03-20"],  # the last two a few days apart: one label "2–3"
    "label": ["Alpha chip announced", "Beta model released", "Gamma rule"],
    "label_zh": ["甲芯片发布", "乙模型发布", "丙规则"],
    "kind": ["launch", "release", "policy"],
    "source_id": ["s1", "s2", "s3"],
})
CLAIMS = [Line(label="Claim one: 4x per year", x=[2016, 2024], y=[1e20, 1e24], dashed=True, unit="FLOP",
               sources=("c1",)),
          Line(label="Claim two: doubling 6 months", x=[2016, 2020], y=[1e19, 1e21], dashed=True, unit="FLOP",
               sources=("c2",))]


def marked_figure(lang: str) -> go.Figure:
    fig = new_figure()
    fig.add_trace(go.Scatter(x=[2016, 2024], y=[1e20, 1e25], name="models", mode="markers"))
    add_claims(fig, CLAIMS, lang)
    add_events(fig, EVENTS, lang, (2015.0, 2025.0))
    fig.update_layout(yaxis=dict(type="log", range=[18, 26]), xaxis=dict(range=[2015, 2025]), showlegend=True)
    return finish(fig, chart_id="test", sources=["s1"], units={"x": "year", "y": "FLOP"}, title="T", subtitle="S")


def notes(fig: go.Figure, name: str) -> list[str]:
    return [note.text for note in fig.layout.annotations if note.name == name]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_event_is_numbered_on_the_plot_and_named_in_the_key(lang):
    static = export.for_static_image(export.prepare_for_export(marked_figure(lang), lang=lang), lang)
    assert notes(static, "static-event-mark") == ["1", "2–3"]  # 19 days apart at 800 px: one shared label
    key = " ".join(notes(static, "static-key")).replace("<br>", " ")
    column = "label_zh" if lang == "zh" else "label"
    for number, label in enumerate(EVENTS[column], start=1):
        assert f"{number} {label}" in key


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_claim_is_lettered_at_its_end_and_named_in_the_key(lang):
    static = export.for_static_image(export.prepare_for_export(marked_figure(lang), lang=lang), lang)
    marks = {note.text: (note.x, note.y) for note in static.layout.annotations if note.name == "static-claim-mark"}
    assert marks == {"A": (2024, 24.0), "B": (2020, 21.0)}  # the lines' last points, in log10 on the log axis
    key = " ".join(notes(static, "static-key")).replace("<br>", " ")
    assert "A Claim one: 4x per year" in key and "B Claim two: doubling 6 months" in key
    assert key.index(t("static_marks.events_key", lang, items="")) < key.index(t("static_marks.claims_key", lang,
                                                                                      items=""))


def test_the_key_takes_room_from_the_plot_and_sits_between_axis_and_sources():
    ready = export.prepare_for_export(marked_figure("en"), lang="en")
    static = export.for_static_image(ready, "en")
    (footer_before,) = [n for n in ready.layout.annotations if n.name == "export-footer"]
    (footer,) = [n for n in static.layout.annotations if n.name == "export-footer"]
    (key,) = [n for n in static.layout.annotations if n.name == "static-key"]
    key_px = static.layout.margin.b - ready.layout.margin.b
    lines = key.text.count("<br>") + 1
    assert key_px == lines * static_marks.KEY_LINE_PX + 6
    assert footer.yshift == footer_before.yshift - key_px and key.yshift == footer_before.yshift
    assert (static.layout.width, static.layout.height) == (ready.layout.width, ready.layout.height)


def test_close_claim_ends_share_one_label_and_distant_ones_do_not():
    fig = new_figure()
    close = [Line(label=f"c{i}", x=[2010, 2020], y=[1e18, 1e24 * (1 + i * 0.01)], dashed=True) for i in range(2)]
    add_claims(fig, [*close, Line(label="far", x=[2010, 2015], y=[1e18, 1e19], dashed=True)], "en")
    fig.update_layout(yaxis=dict(type="log", range=[17, 25]), xaxis=dict(range=[2010, 2020]), width=800, height=500)
    static = static_marks.label_marks(fig, "en")
    assert sorted(n.text for n in static.layout.annotations if n.name == "static-claim-mark") == ["A, B", "C"]


def test_a_figure_without_events_or_claims_is_left_alone():
    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4], name="x"))
    assert static_marks.label_marks(fig, "en") is fig


def test_screen_figure_keeps_hover_and_no_key():
    fig = marked_figure("en")
    export.for_static_image(export.prepare_for_export(fig, lang="en"), "en")
    assert not [n for n in fig.layout.annotations if n.name and n.name.startswith("static-")]


def test_long_labels_are_cut_in_the_key_with_an_ellipsis():
    assert static_marks.short("abcdefghij", 6) == "abcde…"
    assert static_marks.short("英伟达发布芯片", 6) == "英伟…"  # CJK glyphs count twice
    assert static_marks.short("short", 6) == "short"


chromium = pytest.mark.skipif(not os.path.exists("/usr/bin/chromium") and shutil.which("chromium") is None,
                              reason="Debian's chromium is not installed")


@chromium
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_exported_svg_shows_every_event_and_claim_label(lang):
    ready = export.prepare_for_export(marked_figure(lang), lang=lang)
    svg = publish.render(ready, "svg", width=800, height=500, lang=lang).decode("utf-8")
    text = " ".join(re.findall(r"<text[^>]*>(.*?)</text>", svg)).replace("&amp;", "&")
    column = "label_zh" if lang == "zh" else "label"
    for label in [*EVENTS[column], *(line.label for line in CLAIMS)]:
        assert label in text
    assert ">2–3<" in svg and ">A<" in svg and ">B<" in svg
    assert np.all([f">{n}<" not in svg for n in ("2", "3")])  # the close pair shares its label
