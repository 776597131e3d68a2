"""The two string catalogues must describe the same keys with the same placeholders."""

from __future__ import annotations

import re
import string

import pytest

import i18n

PLACEHOLDER = string.Formatter()


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in PLACEHOLDER.parse(text) if name is not None}


def test_every_key_exists_in_both_languages():
    en, zh = i18n.catalogue("en"), i18n.catalogue("zh")
    only_en = sorted(set(en) - set(zh))
    only_zh = sorted(set(zh) - set(en))
    assert not only_en, f"keys missing from zh.toml: {only_en[:20]}"
    assert not only_zh, f"keys missing from en.toml: {only_zh[:20]}"


def test_placeholders_match_between_languages():
    en, zh = i18n.catalogue("en"), i18n.catalogue("zh")
    mismatched = [k for k in en if k in zh and _fields(en[k]) != _fields(zh[k])]
    assert not mismatched, f"placeholders differ: {mismatched[:20]}"


def test_no_empty_strings():
    for lang in i18n.LANGUAGES:
        empty = [k for k, v in i18n.catalogue(lang).items() if not v.strip()]
        assert not empty, f"{lang}: empty strings for {empty[:20]}"


def test_chinese_catalogue_is_chinese():
    # Most zh strings must hold CJK characters; untranslated English copies would not.
    zh = i18n.catalogue("zh")
    en = i18n.catalogue("en")
    han = re.compile(r"[\u4e00-\u9fff]")
    copied = [k for k, v in zh.items() if v == en.get(k) and re.search(r"[A-Za-z]{4,}", v) and not han.search(v)]
    share = len(copied) / max(len(zh), 1)
    assert share < 0.1, f"{len(copied)} zh strings are English copies, e.g. {copied[:10]}"


def test_missing_key_is_visible_not_silent():
    assert i18n.t("no.such.key", "zh") == "⟦no.such.key⟧"


@pytest.mark.parametrize("value, expected", [("zh-CN", "zh"), ("zh_TW", "zh"), ("ZH", "zh"), ("en-GB", "en"),
                                             ("fr", "en"), ("", "en"), (None, "en"), ("<script>", "en")])
def test_language_normalisation(value, expected):
    assert i18n.normalise_language(value) == expected


def test_formatting_fills_placeholders():
    key = next(k for k, v in i18n.catalogue("en").items() if _fields(v))
    fields = _fields(i18n.catalogue("en")[key])
    text = i18n.t(key, "en", **{f: "XYZ" for f in fields})
    assert "XYZ" in text and "{" not in text.replace("{{", "")
