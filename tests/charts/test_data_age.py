"""The data-age line and where the export footer draws it."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from charts import export
from charts.common import data_age_line

INFO = pd.DataFrame({"built_at": [pd.Timestamp("2026-11-29 18:00")] * 2, "file": ["a.csv", "b.csv"],
                     "data_version": ["2026.11.1"] * 2, "data_as_of": [dt.date(2026, 11, 29)] * 2})


def test_line_in_both_languages():
    assert data_age_line(INFO, "en") == "Data as of 2026-11-29, version 2026.11.1"
    assert data_age_line(INFO, "zh") == "数据截至 2026-11-29，版本 2026.11.1"


def test_a_store_without_build_info_or_an_old_database_says_unknown():
    old = INFO.drop(columns=["data_version", "data_as_of"])
    assert data_age_line(object(), "en").startswith("Data version unknown")
    assert data_age_line(old, "en") == data_age_line(object(), "en")


def test_export_footer_ends_with_the_data_age():
    fig = go.Figure(go.Scatter(x=[1, 2], y=[1, 2]))
    out = export.prepare_for_export(fig, lang="en", today=dt.date(2026, 11, 29), data_age=data_age_line(INFO, "en"))
    (footer,) = [a.text for a in out.layout.annotations if a.name == "export-footer"]
    assert footer.endswith("Data as of 2026-11-29, version 2026.11.1")
