"""The file uploader's own words in the page's language.

Streamlit (1.67) draws the uploader's button ("Upload"), its limit line ("20MB per file • CSV") and the
drag overlay ("Drag and drop a file here") in its frontend, in English, with no option to change them.
`localise` hides those texts and writes the catalogue's in their place with CSS `::after` content, scoped
to one uploader by its key (`.st-key-<key>`), so each names its own file types. English keeps Streamlit's.
"""

from __future__ import annotations

import streamlit as st

from i18n import t

DROPZONE = '[data-testid="stFileUploaderDropzone"]'
# (the element holding Streamlit's English text, inside the dropzone) for each of the three texts
BUTTON_TEXT = 'button [data-testid="stMarkdownContainer"] p'
LIMIT_TEXT = '[data-testid="stFileUploaderDropzoneInstructions"] span'
DRAG_TEXT = "> div:not([data-testid]) > span"
FONT_PX = 14  # Streamlit's size for all three


def _css_string(text: str) -> str:
    """`text` as a CSS string literal (quotes and backslashes escaped, no line breaks)."""
    return '"' + " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"') + '"'


def texts(types: list[str], lang: str, max_mb: int) -> dict[str, str]:
    """The three texts of an uploader accepting `types` (e.g. ["csv"]) in `lang`."""
    return {
        BUTTON_TEXT: t("uploader.button", lang),
        LIMIT_TEXT: t("uploader.limit", lang, size=max_mb, types=", ".join(kind.upper() for kind in types)),
        DRAG_TEXT: t("uploader.drag", lang),
    }


def css(key: str, types: list[str], lang: str, max_mb: int) -> str:
    """The style rules that write the uploader `key`'s texts in `lang`."""
    rules = []
    for target, text in texts(types, lang, max_mb).items():
        selector = f".st-key-{key} {DROPZONE} {target}"
        rules.append(f"{selector} {{ font-size: 0; }}")
        rules.append(f"{selector}::after {{ content: {_css_string(text)}; font-size: {FONT_PX}px; }}")
    return "<style>\n" + "\n".join(rules) + "\n</style>"


def localise(key: str, types: list[str], lang: str) -> None:
    """Write the uploader `key`'s button, limit and drag texts in `lang` (nothing for English)."""
    if lang == "en":
        return
    st.html(css(key, types, lang, int(st.get_option("server.maxUploadSize"))))
