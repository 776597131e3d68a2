"""Make user-supplied text safe to show in Streamlit's markdown boxes (st.warning, st.error, st.markdown).

Anything a user typed or uploaded (a URL parameter, a CSV header, a scenario file's content, an error
message that quotes them) goes through `escape_markdown` before it reaches a box: every ASCII
punctuation character is backslash-escaped (CommonMark allows that for all of them), so no link, image,
heading, emphasis, HTML tag, LaTeX, emoji shortcode or Streamlit colour directive can form; newlines
and other control characters collapse to one space; and the text is cut to a short excerpt. No module
here imports Streamlit, so the helpers are testable without a browser.

Backslashes do not stop GitHub-style autolinks: Streamlit's markdown turns `http://…`, `www.…` and
`name@host` into links after escapes are resolved. An invisible WORD JOINER (U+2060) before every `:`
and `@`, and before the dot of `www.`, breaks those patterns while the text reads the same.
"""

from __future__ import annotations

import numbers
import re
import string
import unicodedata
from collections.abc import Iterable

from i18n import t

ELLIPSIS = "…"
WORD_JOINER = "\u2060"
_PUNCTUATION = frozenset(string.punctuation)  # the 32 ASCII characters CommonMark lets one backslash-escape
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})  # controls, bidi/zero-width format marks, line/paragraph separators


def _plain(text: str) -> str:
    """`text` on one line: controls, invisible format marks and runs of whitespace become single spaces."""
    chars = (" " if unicodedata.category(ch) in _INVISIBLE_CATEGORIES else ch for ch in text)
    return re.sub(r"\s+", " ", "".join(chars)).strip()


def excerpt(text: object, limit: int = 200) -> str:
    """At most `limit` characters of `text` on one line, ending in an ellipsis when it was cut (not escaped)."""
    plain = _plain(str(text))
    if limit <= 0:
        return ELLIPSIS if plain else ""
    if len(plain) <= limit:
        return plain
    return plain[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def escape_markdown(text: object, limit: int = 200) -> str:
    """`text` cut to a one-line excerpt of at most `limit` characters, with every markdown/HTML-significant character escaped.

    The limit counts the characters of the excerpt before escaping, so an escape is never cut in half.
    """
    plain = excerpt(text, limit)
    out = []
    for index, ch in enumerate(plain):
        if ch in ":@" or (ch == "." and plain[max(index - 3, 0) : index].lower() == "www"):
            out.append(WORD_JOINER)
        out.append("\\" + ch if ch in _PUNCTUATION else ch)
    return "".join(out)


def cap_messages(messages: Iterable[str], limit: int = 5, lang: str = "en") -> list[str]:
    """At most `limit` of `messages`, then one "and K more" line when some were left out.

    Callers draw one box per returned string; the messages themselves must already be escaped.
    """
    items = list(messages)
    if len(items) <= limit:
        return items
    hidden = len(items) - max(limit, 0)
    return items[: max(limit, 0)] + [t("text.and_more", lang, n=hidden)]


def escape_params(params: dict, limit: int = 200) -> dict:
    """`params` for a catalogue string, with every text value escaped (numbers keep their format specs)."""
    return {
        key: value if isinstance(value, numbers.Number) else escape_markdown(value, limit)
        for key, value in params.items()
    }
