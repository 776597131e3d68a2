"""User-supplied text on screen: escaped so that it can never draw markup, and short.

Anything that comes from a user (a URL parameter's key or value, a file name, a header cell, an error
that quotes input) goes through `escape_markdown` before it reaches st.warning / st.error / st.markdown:
Streamlit renders those as Markdown, so a value could otherwise draw a link, fetch an image or make a
heading. `cap_messages` keeps a flood of bad input from drawing a flood of boxes.
"""

from __future__ import annotations

import re

# Characters that start markup anywhere in a line (newlines are folded, so line-start markers such as
# "-" or "1." cannot act); ":" because Streamlit draws ":material/x:" icons and ":red[...]" colours.
_MARKUP = re.compile(r"([\\`*_{}\[\]()<>#!|~:$])")
_LINE_BREAKS = re.compile(r"[\r\n\t\v\f\u2028\u2029]+")


def escape_markdown(text: object, limit: int = 200) -> str:
    """`text` as literal characters in Markdown: every markup character escaped, line breaks folded into
    spaces, and cut to `limit` characters with an ellipsis (an excerpt, never a 15 MB echo)."""
    plain = _LINE_BREAKS.sub(" ", str(text))
    if len(plain) > limit:
        plain = plain[: max(limit - 1, 0)] + "…"
    return _MARKUP.sub(r"\\\1", plain)


def cap_messages(messages: list, limit: int = 5) -> tuple[list, list]:
    """The first `limit` messages to show one by one, and the rest (to name in one "and N more" line)."""
    return list(messages[:limit]), list(messages[limit:])
