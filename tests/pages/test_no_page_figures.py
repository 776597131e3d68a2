"""Page code builds no figure of its own: app.py, app_pages/ and ui/ neither construct a Plotly figure nor call a
figure builder of charts/ directly; they draw what `charts.registry.build` returns (through ui/figures.py and
ui/registry_figures.py), so no chart has a second builder."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import plotly.graph_objects as go

ROOT = Path(__file__).resolve().parents[2]
PAGE_CODE = sorted([ROOT / "app.py", *(ROOT / "app_pages").glob("*.py"), *(ROOT / "ui").glob("*.py")])
FIGURE_CODE = re.compile(r"go\.Figure\(|\bpx\.[A-Za-z_]+\(|make_subplots|add_trace|plotly\.express|"
                         r"plotly\.graph_objects|plotly\.subplots")
BUILDER_MODULES = ("charts.demand", "charts.supply", "charts.forecast", "charts.common", "charts.prepare")


def test_page_code_constructs_no_plotly_figure():
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
             for path in PAGE_CODE for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if FIGURE_CODE.search(line)]
    assert not found, found


def builds_a_figure(module: str, name: str) -> bool:
    """Whether charts.<module>.<name> is a module of figure builders or a function that returns a Figure."""
    target = getattr(importlib.import_module(module), name, None)
    if target is None or inspect.ismodule(target):
        return True
    if not callable(target):
        return False
    annotation = inspect.signature(target).return_annotation
    return annotation is go.Figure or "Figure" in str(annotation)


def builder_imports(path: Path) -> list[str]:
    """Figure builders the file imports from charts/ (anywhere in it, late imports included)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name in BUILDER_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.module == "charts":
            found += [f"charts.{alias.name}" for alias in node.names if f"charts.{alias.name}" in BUILDER_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.module in BUILDER_MODULES:
            found += [f"{node.module}.{alias.name}" for alias in node.names if builds_a_figure(node.module, alias.name)]
    return found


def test_page_code_calls_no_figure_builder_but_the_registry():
    found = {str(path.relative_to(ROOT)): names for path in PAGE_CODE if (names := builder_imports(path))}
    assert not found, found


def test_the_check_sees_a_builder_import_and_a_figure_call(tmp_path):
    """The two checks above would catch what the pages used to do."""
    page = tmp_path / "page.py"
    page.write_text("from charts import demand as demand_charts\nfrom charts.supply import market_share\n"
                    "from charts.forecast import line_from_fit\nfig = go.Figure()\n", encoding="utf-8")
    assert builder_imports(page) == ["charts.demand", "charts.supply.market_share"]
    assert FIGURE_CODE.search(page.read_text(encoding="utf-8").splitlines()[-1])
