"""The chart modules import each other in one direction only: no module of charts/ reaches itself again
through its imports (late imports inside functions count too)."""

from __future__ import annotations

import ast
from pathlib import Path

CHARTS = Path(__file__).resolve().parents[2] / "charts"


def chart_imports(path: Path) -> set[str]:
    """The charts.* modules a file imports anywhere in it (top level or inside a function)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "charts":
                found |= {f"charts.{alias.name}" for alias in node.names}
            elif node.module.startswith("charts."):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("charts.")}
    return found


def graph() -> dict[str, set[str]]:
    modules = {f"charts.{p.stem}": p for p in CHARTS.glob("*.py") if p.stem not in ("__init__", "__main__")}
    return {name: chart_imports(path) & set(modules) for name, path in modules.items()}


def cycle_from(start: str, edges: dict[str, set[str]]) -> list[str] | None:
    stack = [(start, [start])]
    while stack:
        node, path = stack.pop()
        for nxt in edges[node]:
            if nxt == start:
                return [*path, nxt]
            if nxt not in path:
                stack.append((nxt, [*path, nxt]))
    return None


def test_no_chart_module_imports_itself_through_another():
    edges = graph()
    cycles = [cycle for name in edges if (cycle := cycle_from(name, edges))]
    assert not cycles, cycles


def test_common_and_export_share_the_text_measures_without_importing_each_other_both_ways():
    edges = graph()
    assert "charts.export" not in edges["charts.common"]
    assert "charts.text" in edges["charts.common"] and "charts.text" in edges["charts.export"]
