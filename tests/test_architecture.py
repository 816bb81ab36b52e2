"""Layering rules that keep the domain package reusable and testable without Django."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_backtest_package_never_imports_django_statically():
    offenders = []
    for path in (ROOT / "Backtest").rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.relative_to(ROOT)}: {n}"
                for n in names
                if n.split(".")[0]
                in {
                    "django",
                    "rest_framework",
                    "algoagent",
                    "strategy_api",
                    "backtest_api",
                    "research_api",
                    "accounts",
                }
            ]
    assert offenders == []


def test_importing_every_backtest_module_loads_no_django():
    code = (
        "import importlib, pkgutil, sys, Backtest\n"
        "skip = ('Backtest.bench', 'Backtest.sandbox.server')\n"
        "for m in pkgutil.walk_packages(Backtest.__path__, 'Backtest.'):\n"
        "    if not m.name.startswith(skip): importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('django', 'rest_framework'))\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stdout + result.stderr


APPS = {
    "accounts",
    "apikeys",
    "backtest_api",
    "chat_api",
    "data_api",
    "jobs",
    "production_api",
    "research_api",
    "strategy_api",
    "templates_api",
}


def _imported_modules(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
    return names


def test_the_settings_package_imports_no_app():
    """``algoagent`` configures the project; apps depend on it, never the other way round."""
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / "algoagent").rglob("*.py")
        for name in _imported_modules(path)
        if name.split(".")[0] in APPS
    ]
    assert offenders == []


def test_no_app_uses_production_api_as_a_library():
    """The pre-flight endpoints use the other apps' services, not the other way round."""
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for app in APPS - {"production_api"}
        for path in (ROOT / app).rglob("*.py")
        for name in _imported_modules(path)
        if name.split(".")[0] == "production_api"
    ]
    assert offenders == []


PACKAGES = ("Backtest", "algoagent", *sorted(APPS), "research_api", "retention", "web")


def _module_graph() -> dict[str, set[str]]:
    """Every import between the project's modules, lazy (in-function) imports included.

    ``from pkg import sub`` counts as an import of ``pkg.sub`` when that is a module, so a
    package re-exporting its submodules is not a cycle; everything else names what it uses.
    """
    modules: dict[str, Path] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            modules[name.removesuffix(".__init__")] = path

    def owner(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join([*parts, *([node.module] if node.module else [])])
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                    for alias in node.names
                ]
            graph[name].update(o for t in targets if (o := owner(t)) and o != name)
    return graph


def test_no_import_cycles_between_modules():
    graph = _module_graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for node in graph:
        if node not in index:
            visit(node)
    assert cycles == []
