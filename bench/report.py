"""Printing figures beside their budgets, and keeping bench/results.json.

`--only` runs update their groups in results.json and keep the others, so the file always holds the
latest figure of every measure; each figure carries the time it was measured.
"""

from __future__ import annotations

import json
from pathlib import Path

from bench.core import Figure

RESULTS = Path(__file__).resolve().parent / "results.json"


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "ms":
        return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:g} {unit}".strip()


def format_budget(figure: Figure) -> str:
    if figure.budget is None:
        return "–"
    return "none" if figure.budget == 0 else f"< {format_value(figure.budget, figure.unit)}"


def verdict(figure: Figure) -> str:
    if figure.status in ("skipped", "error"):
        return figure.note
    text = {"pass": "pass", "over": "OVER", "info": ""}[figure.status]
    return f"{text}  {figure.note}".strip() if figure.note else text


def table(figures: list[Figure]) -> str:
    """A plain-text table: what, value, budget, pass/over (or the skip/error reason)."""
    rows = [(f.label, format_value(f.value, f.unit), format_budget(f), verdict(f)) for f in figures]
    widths = [min(max(len(r[i]) for r in rows + [("measure", "value", "budget", "")]), 90) for i in range(3)]
    head = ("measure", "value", "budget", "verdict")
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths + [0], strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths) + "  -------")
    for row in rows:
        label = row[0] if len(row[0]) <= widths[0] else row[0][: widths[0] - 1] + "…"
        lines.append(f"{label.ljust(widths[0])}  {row[1].rjust(widths[1])}  {row[2].ljust(widths[2])}  {row[3]}")
    return "\n".join(lines)


def merged(previous: dict | None, machine: dict, figures: list[Figure], groups: list[str]) -> dict:
    """The results document: this run's groups replace theirs; other groups' figures stay as they were."""
    kept = [f for f in (previous or {}).get("figures", []) if f.get("group") not in groups]
    order = {group: index for index, group in enumerate(groups)}
    fresh = [f.as_dict() for f in figures]
    return {
        "about": "python -m bench: figures against the performance budget of DESIGN.md. "
                 "Timings are reported, never enforced.",
        "machine": machine,
        "figures": sorted(kept + fresh, key=lambda f: order.get(f.get("group"), len(order))),
    }


def read_results(path: Path = RESULTS) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def write_results(document: dict, path: Path = RESULTS) -> None:
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    tmp.replace(path)
