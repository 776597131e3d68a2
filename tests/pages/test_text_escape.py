"""ui.text: user-supplied text cannot form markdown, HTML or links, and repeated boxes are capped."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

from ui.text import cap_messages, escape_markdown, excerpt

HOSTILE = [
    "**Official notice:** read [the correction](http://evil.example/x) ![x](http://evil.example/track.gif)",
    "line one\n# heading\n\n- item",
    "<img src=http://evil.example/a.gif onerror=alert(1)>",
    "<a href='http://evil.example'>click</a>",
    "http://evil.example/bare and www.evil.example",
    "`code` ~~strike~~ $x^2$ :red[alarm] :material/warning: | a | b |",
    "[ref]: http://evil.example\n[ref]",
    "&lt;script&gt; &#60;b&#62;",
    "a\\*b\\*",  # user-typed backslashes must not cancel our escapes
]


def _render(markdown: str) -> str:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_text_renders_as_one_plain_paragraph(text):
    html = _render(escape_markdown(text, limit=500))
    assert "<a" not in html and "<img" not in html and "<h" not in html
    assert "<strong>" not in html and "<em>" not in html and "<code>" not in html
    assert "<li>" not in html and "<table>" not in html and "<s>" not in html
    assert html.count("<p>") == 1


@pytest.mark.parametrize("text", HOSTILE)
def test_escaping_keeps_every_visible_character(text):
    """Rendered back, the excerpt reads as the user's own text on one line (nothing dropped or added)."""
    html = _render(escape_markdown(text, limit=500))
    inner = re.sub(r"^<p>|</p>\n$", "", html)
    unescaped = inner.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    unescaped = unescaped.replace("\u2060", "")  # the invisible joiners that break autolinks
    assert unescaped == " ".join(text.split())


@pytest.mark.parametrize("text", ["http://evil.example/x", "HTTPS://evil.example", "www.evil.example",
                                  "WWW.evil.example", "me@evil.example", "mailto:me@evil.example", "xmpp:me@evil.example"])
def test_autolink_patterns_are_broken(text):
    """GFM autolink literals ignore backslashes; a word joiner before : @ and the dot of www. stops them."""
    escaped = escape_markdown(text)
    for pattern in (r"https?\\?:", r"www\\?\.", r"[\w.+-]\\?@", r"(?:mailto|xmpp)\\?:"):
        assert not re.search(pattern, escaped, re.IGNORECASE), (pattern, escaped)


def test_excerpt_collapses_newlines_and_controls():
    assert excerpt("a\r\nb\tc\x00d\u202ee\u2028f") == "a b c d e f"


def test_long_text_is_cut_to_the_limit_with_an_ellipsis():
    cut = excerpt("x" * 15_000_000, limit=200)
    assert len(cut) == 200 and cut.endswith("…")
    assert escape_markdown("ab" * 100, limit=10) == "ababababa…"
    assert escape_markdown("3.14 www.x", limit=20) == "3\\.14 www\u2060\\.x"  # only the dot of www. gets a joiner


def test_short_text_is_not_cut():
    assert escape_markdown("plain words 123", limit=200) == "plain words 123"


def test_cap_messages_keeps_the_first_n_and_counts_the_rest():
    messages = [f"m{i}" for i in range(1000)]
    capped = cap_messages(messages, limit=5)
    assert capped[:5] == ["m0", "m1", "m2", "m3", "m4"]
    assert len(capped) == 6 and "995" in capped[5]


def test_cap_messages_leaves_a_short_list_alone():
    assert cap_messages(["a", "b"], limit=5) == ["a", "b"]
    assert "3" in cap_messages(list("abcd"), limit=1, lang="zh")[1]
