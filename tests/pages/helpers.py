"""Reading what an AppTest rendered: every text a user can see, and the ceiling metric."""

from __future__ import annotations

import json
import re

from google.protobuf import text_format

MISSING_KEY = re.compile(r"⟦([^⟧]+)⟧")


def rendered_text(at) -> str:
    """All text of the rendered tree, including widget labels, help, options and chart JSON."""
    parts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(text_format.MessageToString(proto, as_utf8=True))
            spec = getattr(proto, "spec", None)
            if isinstance(spec, str) and spec.startswith("{"):  # a Plotly figure: JSON with \u escapes
                parts.append(json.dumps(json.loads(spec), ensure_ascii=False))
        for attr in ("value", "label", "body", "help", "placeholder"):
            value = getattr(node, attr, None)
            if isinstance(value, str):
                parts.append(value)
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                walk(child)

    walk(at._tree)
    return "\n".join(parts)


def missing_keys(at) -> list[str]:
    return sorted(set(MISSING_KEY.findall(rendered_text(at))))


def ceiling_metric(at) -> str:
    """The value shown under "Ceiling year" (or its translation): the metric on Overview and Forecast."""
    (metric,) = [m for m in at.metric if m.label in ("Ceiling year", "天花板年份")]
    return metric.value
