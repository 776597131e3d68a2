"""Data: every table with filters, sources and CSV downloads; the build information; the import uploader;
a read-only SQL box."""

from __future__ import annotations

import streamlit as st

from etl import sandbox
from etl.db import StorageError
from etl.importers.api import import_bytes
from etl.importers.base import ImportRefused
from ui import data, frame, lang, runtime, tables
from ui.text import escape_markdown, escape_params

tr = frame.page_start()
language = lang.current_language()
st.title(tr("data.title"))
st.write(tr("data.intro"))

table_tab, build_tab, import_tab, sql_tab = st.tabs([tr("data.tab_tables"), tr("data.tab_build"),
                                                     tr("data.tab_import"), tr("data.tab_sql")])

with table_tab:
    name = st.selectbox(tr("data.table"), data.TABLES, key="data_table",
                        format_func=lambda n: f"{tr('data.table_' + n)} ({n})")
    rows = tables.filtered(data.read(name), name, tr)
    st.caption(tr("data.rows_shown", shown=len(rows), total=len(data.read(name))))
    st.dataframe(rows, hide_index=True, width="stretch", column_config=tables.column_labels(rows, tr))
    credits = tables.source_credits(rows)
    if credits:
        st.caption(tr("ui.caption_sources", sources="; ".join(credits)))
    st.download_button(tr("data.download_csv"), data=lambda: tables.csv_bytes(rows), file_name=f"{name}.csv",
                       mime="text/csv", on_click="ignore", key="data_csv", icon=":material/download:")

with build_tab:
    st.write(tr("data.build_intro", path=data.db_path().name))
    build_info = data.read("build_info")
    st.dataframe(build_info, hide_index=True, width="stretch", column_config=tables.column_labels(build_info, tr))
    st.dataframe(data.store_tables(), hide_index=True, width="stretch")

with import_tab:
    st.write(tr("data.import_intro"))
    upload = st.file_uploader(tr("data.import_file"), type=["csv"], key="data_import")
    if upload is not None and st.button(tr("data.import_button"), key="data_import_go"):
        try:
            report = import_bytes(data.db_path(), upload.name, upload.getvalue())
        except ImportRefused as error:
            st.error(error.message(language, escape_params), icon=":material/error:")
        except StorageError as error:  # a full disk or a read-only database folder: nothing was imported
            st.error(tr("storage.import_failed", detail=escape_markdown(str(error), 300)), icon=":material/error:")
        else:
            st.success(escape_markdown(report.summary(language), 400))  # the summary names the uploaded file
            for note in report.notes:
                st.info(note.message(language, escape_params))
            if report.rejected:
                st.dataframe(report.rejected_frame(language), hide_index=True)

with sql_tab:
    st.write(tr("data.sql_intro", rows=sandbox.DEFAULT_MAX_ROWS, seconds=sandbox.DEFAULT_TIMEOUT_S))
    sql = st.text_area(tr("data.sql"), sandbox.EXAMPLE_QUERY, key="data_sql", height=140)
    if st.button(tr("data.sql_run"), key="data_sql_run", icon=":material/play_arrow:"):
        try:
            with runtime.outside_run_slot():  # the query runs in its own process; other pages need the slot
                result = sandbox.run_query(data.db_path(), sql)
        except sandbox.SandboxError as error:
            st.error(error.message(language, escape_params), icon=":material/block:")
        else:
            st.caption(tr("data.sql_done", rows=len(result.rows), seconds=result.elapsed_s))
            if result.truncated:
                st.warning(tr("data.sql_truncated", rows=len(result.rows)))
            st.dataframe(result.rows, hide_index=True, width="stretch")
            st.download_button(tr("data.download_csv"), data=tables.csv_bytes(result.rows), file_name="query.csv",
                               mime="text/csv", on_click="ignore", key="data_sql_csv")
