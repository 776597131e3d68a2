"""One string catalogue per language (i18n/en.toml, i18n/zh.toml); every user-facing string comes from here.

Keys are dotted paths ("forecast.slider.horizon.label"). `t(key, lang, **fmt)` looks a key up and
formats it with str.format; a key missing from the catalogue comes back as "⟦key⟧" so that tests
(and readers) can see it at once instead of a silent English fallback.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

LANGUAGES = ("en", "zh")
DEFAULT_LANGUAGE = "en"
_DIR = Path(__file__).resolve().parent
MISSING = "⟦{}⟧"


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            flat.update(_flatten(value, key + "."))
        else:
            flat[key] = str(value)
    return flat


@cache
def catalogue(lang: str) -> dict[str, str]:
    """All strings of one language, flattened to dotted keys."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    with open(_DIR / f"{lang}.toml", "rb") as fh:
        return _flatten(tomllib.load(fh))


def normalise_language(value: object) -> str:
    """Map a URL value or a browser locale ("zh-CN", "en-GB") to a supported language code."""
    text = str(value or "").strip().lower().replace("_", "-")
    if text.startswith("zh"):
        return "zh"
    return DEFAULT_LANGUAGE


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **fmt: object) -> str:
    """The string for `key` in `lang`, formatted with `fmt`."""
    text = catalogue(normalise_language(lang)).get(key)
    if text is None:
        return MISSING.format(key)
    return text.format(**fmt) if fmt else text


def translator(lang: str):
    """A one-argument `t` bound to a language, for code that renders many strings."""
    lang = normalise_language(lang)

    def tr(key: str, /, **fmt: object) -> str:
        return t(key, lang, **fmt)

    tr.lang = lang  # type: ignore[attr-defined]
    return tr
