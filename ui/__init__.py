"""The thin Streamlit layer shared by app.py and app_pages/: URL state, language, cached reads, export control.

Nothing here does SQL or math: reads go through `etl.read.Store`, numbers through `models/`,
figures through `charts/`.
"""
