"""Hostile URL parameters for property-based tests: what a mistyped, truncated or malicious link holds.

Values are strings (as a URL delivers them) or lists of strings (a repeated key, `?x=1&x=2`).
"""

from __future__ import annotations

import base64
import json
import math
import re

import numpy as np
from hypothesis import strategies as st

from models.scenario import FIELDS, PRESETS

NASTY_TEXT = (
    "", " ", "nan", "NaN", "-nan", "inf", "-inf", "+inf", "Infinity", "-Infinity", "1e309", "-1e309",
    "1e-400", "-0", "0", "-1", "1e20", "9" * 400, "1_000", "0x10", "1/0", "null", "None", "fit", "true",
    "false", "１２", "٣", "2.5.1", "2,5", "  3.0  ", "3.0\x00", "\u202e5", "🚀", "日本語", "'; DROP TABLE models; --",
    "1 OR 1=1", "select * from read_text('/etc/passwd')", "<script>alert(1)</script>", "{{7*7}}", "${jndi:x}",
    "%00", "../../etc/passwd", "\n", "\t1\n",
)

KEYS = tuple(FIELDS) + ("preset", "horizon", "lang")


def number_text():
    """Numbers written every way a URL might carry them, including out-of-range and non-finite ones."""
    return st.one_of(
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.floats(allow_nan=False, allow_infinity=False).map(lambda x: f"{x:.17g}"),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
    )


def field_value(name: str):
    """A value for one field: often valid-looking, often not."""
    spec = FIELDS.get(name)
    options = list(spec.options) if spec is not None and spec.kind == "choice" else []
    if name == "preset":
        options = list(PRESETS)
    if name == "lang":
        options = ["en", "zh"]
    choices = [number_text(), st.sampled_from(NASTY_TEXT), st.text(max_size=40)]
    if options:
        choices.append(st.sampled_from(options + [o.upper() for o in options]))
    if spec is not None and spec.kind in ("float", "int"):
        choices.append(st.floats(min_value=spec.min, max_value=spec.max).map(repr))  # valid ones too
    return st.one_of(*choices)


@st.composite
def url_params(draw, max_keys: int = 6) -> dict[str, str | list[str]]:
    """A query-parameter mapping: known and unknown keys, garbage values, some keys repeated."""
    params: dict[str, str | list[str]] = {}
    keys = draw(st.lists(st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=12)),
                         max_size=max_keys, unique=True))
    for key in keys:
        if draw(st.integers(0, 5)) == 0:
            params[key] = draw(st.lists(field_value(key), min_size=2, max_size=3))
        else:
            params[key] = draw(field_value(key))
    return params


def json_value():
    """Any JSON value, including ones json.dumps writes as NaN/Infinity."""
    leaves = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10**40), max_value=10**40),
                       st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
                       st.sampled_from(NASTY_TEXT))
    return st.recursive(leaves, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                        st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                        max_leaves=5)


# ---------------------------------------------------------------- finding non-finite numbers in charts

NON_FINITE_TOKEN = re.compile(r"(?<![\w\"])-?(NaN|Infinity)(?![\w\"])")


def non_finite_in_json(text: str) -> list[str]:
    """Where a figure's JSON holds NaN or ±Infinity: bare tokens, or inside plotly's base64 typed arrays."""
    found = [f"token {match.group(0)}" for match in NON_FINITE_TOKEN.finditer(text)]
    _walk(json.loads(text), "$", found)
    return found


def _walk(node, path: str, found: list[str]) -> None:
    if isinstance(node, dict):
        if "bdata" in node and "dtype" in node:
            values = np.frombuffer(base64.b64decode(node["bdata"]), dtype=np.dtype(node["dtype"]))
            if values.dtype.kind == "f" and not np.isfinite(values).all():
                found.append(f"{path}: typed array with {int((~np.isfinite(values)).sum())} non-finite values")
            return
        for key, value in node.items():
            _walk(value, f"{path}.{key}", found)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _walk(value, f"{path}[{index}]", found)
    elif isinstance(node, float) and not math.isfinite(node):
        found.append(f"{path}: {node}")
