"""The data's version, age and changelog, as the Methods page shows them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import data


def data_version_section(tr, lang: str, container=st) -> None:
    """"Data version V, as of D; built B" and every version's changes in the reader's language."""
    info = data.read("build_info")
    if {"data_version", "data_as_of"} <= set(info.columns) and info["data_version"].notna().any():
        built = pd.Timestamp(info["built_at"].max()).strftime("%Y-%m-%d %H:%M")
        as_of = pd.Timestamp(info["data_as_of"].max()).date().isoformat()
        container.markdown(tr("data_release.version_text", version=info["data_version"].dropna().iloc[0],
                              date=as_of, built=built))
    else:
        container.caption(tr("data_release.age_unknown"))
    changelog = data.read("data_changelog")
    container.subheader(tr("data_release.changelog_heading"))
    if changelog.empty:
        container.caption(tr("data_release.changelog_missing"))
        return
    for version, entries in changelog.groupby("version", sort=False):
        texts = dict(zip(entries["lang"], entries["markdown"], strict=True))
        released = entries["released"].dropna()
        heading = f"{version} — {pd.Timestamp(released.iloc[0]).date().isoformat()}" if not released.empty else version
        with container.expander(heading, expanded=version == changelog["version"].iloc[0]):
            st.markdown(texts.get(lang) or texts.get("en", ""))
