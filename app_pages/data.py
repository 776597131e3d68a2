"""Data: every table with filters, sources and CSV downloads; the build information; files of your own
for this session only, and the files imported into the shared database; a read-only SQL box."""

from __future__ import annotations

import streamlit as st

from etl import sandbox
from ui import data, frame, lang, runtime, tables, uploader
from ui.text import escape_markdown, escape_params

tr = frame.page_start()
language = lang.current_language()
IMPORT_COLUMNS = ("sha256", "file_name", "size_bytes", "accessed", "import_format", "target", "rows_stored",
                  "imported_at")

st.title(tr("data.title"))
st.write(tr("data.intro"))

table_tab, build_tab, import_tab, sql_tab = st.tabs([tr("data.tab_tables"), tr("data.tab_build"),
                                                     tr("data.tab_import"), tr("data.tab_sql")])

with table_tab:
    name = st.selectbox(tr("data.table"), data.TABLES, key="data_table",
                        format_func=lambda n: f"{tr('data.table_' + n)} ({n})")
    rows = tables.filtered(data.read(name), name, tr)
    st.caption(tr("data.rows_shown", shown=len(rows), total=len(data.read(name))))
    st.dataframe(rows, hide_index=True, width="stretch", column_config=tables.column_config(rows, tr))
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
    st.write(tr("uploads.intro"))
    with st.expander(tr("uploads.merge_title"), icon=":material/merge:"):
        st.markdown(tr("uploads.merge_rule"))
    upload = st.file_uploader(tr("data.import_file"), type=["csv"], key="data_import")
    uploader.localise("data_import", ["csv"], language)
    st.button(tr("uploads.use_button"), key="data_import_go", on_click=data.use_uploaded_file, args=("data_import",),
              disabled=upload is None, icon=":material/upload_file:")
    if data.upload_refusal() is not None:
        st.error(escape_markdown(data.upload_refusal().message(language), 400), icon=":material/error:")
    uploads, effects = data.session_uploads(), data.upload_effects()
    st.subheader(tr("uploads.yours"))
    if not uploads:
        st.caption(tr("uploads.none"))
    for mine, effect in zip(uploads, effects, strict=True):
        name = escape_markdown(mine.file_name, 80)
        st.success(tr("uploads.session_summary", file=name, format=tr(f"importers.format.{mine.format_id}"),
                      added=effect.added, replaced=effect.replaced, kept=effect.kept, filled=effect.filled,
                      rejected=len(mine.rejected),
                      sha=mine.sha256[:12]), icon=":material/person:")
        for note in mine.notes:
            st.info(escape_markdown(note.message(language), 300))
        if mine.rejected:
            st.dataframe(mine.rejected_frame(language), hide_index=True)
        st.button(tr("uploads.remove", file=name), key=f"data_upload_remove_{mine.sha256[:16]}",
                  on_click=data.remove_upload, args=(mine.sha256,), icon=":material/delete:")
    st.subheader(tr("uploads.shared_title"))
    st.caption(tr("uploads.shared_intro"))
    imports = data.shared_imports()
    if imports.empty:
        st.caption(tr("uploads.shared_none"))
    else:
        st.dataframe(imports, hide_index=True, width="stretch",
                     column_config={column: tr(f"uploads.col.{column}") for column in imports.columns
                                    if column in IMPORT_COLUMNS})

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
