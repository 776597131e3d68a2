"""The Data page: tables with filters and safe CSV downloads, build information, the read-only SQL box."""

from __future__ import annotations

import json

import pandas as pd

from ui.tables import csv_bytes


def test_csv_download_neutralises_spreadsheet_formulas():
    frame = pd.DataFrame({"name": ["=HYPERLINK(\"http://x\")", "GPT-3", "@SUM(A1)"], "value": [1.5, -2.0, 3.0]})
    lines = csv_bytes(frame).decode().splitlines()
    assert lines[1].startswith("\"'=HYPERLINK") or lines[1].startswith("'=HYPERLINK")
    assert lines[2] == "GPT-3,-2.0"  # negative numbers stay numbers
    assert lines[3].startswith("'@SUM")


def test_table_filter_keeps_only_matching_rows(app):
    at = app(page="data")
    at.selectbox(key="data_table").set_value("accelerators").run()
    total = len(at.dataframe[0].value)
    at.text_input(key="data_accelerators_search").set_value("H100").run()
    shown = at.dataframe[0].value
    assert 0 < len(shown) < total
    assert shown.astype(str).apply(lambda col: col.str.contains("H100", case=False)).any(axis=1).all()


def test_sql_box_answers_a_select_and_refuses_a_write(app):
    at = app(page="data")
    at.text_area(key="data_sql").set_value("select count(*) as n from models").run()
    at.button(key="data_sql_run").click().run()
    (result,) = [d.value for d in at.dataframe if "n" in d.value.columns]
    assert int(result["n"].iloc[0]) > 0
    at.text_area(key="data_sql").set_value("drop table models").run()
    at.button(key="data_sql_run").click().run()
    assert at.error and not at.exception


def test_missing_database_is_built_on_first_run(app, tmp_path, monkeypatch):
    target = tmp_path / "fresh" / "compute.duckdb"
    monkeypatch.setenv("COMPUTE_CEILING_DB", str(target))
    from streamlit.testing.v1 import AppTest

    from tests.pages.conftest import APP

    at = AppTest.from_file(str(APP), default_timeout=120).run()
    assert not at.exception
    assert target.is_file()
    assert at.metric[0].label == "Ceiling year"


def test_table_headers_follow_the_language(app):
    at = app(page="data", lang="zh")
    at.selectbox(key="data_table").set_value("accelerators").run()
    config = json.loads(at.dataframe[0].proto.columns)  # the column_config Streamlit sends to the browser
    assert config["vendor"]["label"] == "厂商"
    assert config["bf16_dense_flops"]["label"] == "BF16 稠密（FLOP/s）"
