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


def export_popover_keys(at) -> list[str]:
    """The session-state keys of the export popovers on the page (their ids end in the key)."""
    keys: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        is_popover = type(proto).__name__ == "Block" and proto.HasField("popover")
        if is_popover and "-export_" in proto.popover.id:
            keys.append("export_" + proto.popover.id.rsplit("-export_", 1)[1])
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                walk(child)

    walk(at._tree)
    return keys


def open_exports(at):
    """Open every export popover, as a click would (their contents are drawn only while open), and rerun."""
    keys = export_popover_keys(at)
    assert keys, "no export popover on the page"
    for key in keys:
        at.session_state[key] = True
    return at.run()


def as_read(text: str) -> str:
    """Markdown source as a reader sees it: backslash escapes and the invisible word joiners that
    ui.text.escape_markdown adds removed."""
    return re.sub(r"\\(.)", r"\1", text).replace("\u2060", "")


def open_advanced(at):
    """Open the Forecast page's "Advanced" expander as a reader's click does (its controls are drawn only
    while it is open) and rerun; returns the AppTest."""
    from ui.controls import ADVANCED_KEY

    at.session_state[ADVANCED_KEY] = True
    return at.run()


def plotly_spec(chart) -> dict:
    """A plotly_chart element's figure as JSON, its typed arrays (Plotly sends NumPy arrays as
    {"dtype", "bdata"[, "shape"]}) expanded into lists of numbers."""
    import base64

    import numpy as np

    def expand(value):
        if isinstance(value, dict) and {"dtype", "bdata"} <= set(value):
            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
            if "shape" in value:
                array = array.reshape([int(size) for size in str(value["shape"]).split(",")])
            return array.tolist()
        if isinstance(value, dict):
            return {key: expand(item) for key, item in value.items()}
        if isinstance(value, list):
            return [expand(item) for item in value]
        return value

    return expand(json.loads(chart.proto.spec))


def expected_headline(scenario, inputs) -> str:
    """The ceiling year a page should show for `scenario`, from the engine directly (the Monte Carlo median's
    year, or "after <horizon>")."""
    from models.headline import headline_year
    from models.montecarlo import monte_carlo

    year = headline_year(None, monte_carlo(scenario, inputs))
    return str(year) if year is not None else f"after {scenario.horizon}"
