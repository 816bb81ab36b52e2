"""The sandbox package is laid out by role, and its imports only ever point down the roles.

Read from the source with ``ast`` (every import, lazy ones inside functions too), so a cycle or a
wrong-way import fails here before it can become a partially initialised module at run time.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "Backtest.sandbox"
ROOT = Path(__file__).resolve().parents[3] / "Backtest" / "sandbox"
#: What each role may import (besides itself). The host may use the server's bootstrap text
#: (to start it) and nothing else of the server.
ALLOWED = {
    "_wire": set(),
    "_linux": {"_wire"},
    "_child": {"_wire", "_linux"},
    "_zygote": {"_child", "_linux", "_wire"},
    "_server": {"_zygote", "_child", "_linux", "_wire"},
    "_host": {"_wire", "_linux", "_server.bootstrap"},
    "__init__": {"_host", "_wire"},
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join((PACKAGE, *parts))] = path
    return found


def _imports(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Edges ``module -> imported module`` inside the package."""
    edges: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                base = node.module
                if node.level:  # relative imports are not used, but resolve them anyway
                    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
                    for _ in range(node.level - 1):
                        package = package.rsplit(".", 1)[0]
                    base = f"{package}.{node.module}"
                for alias in node.names:
                    submodule = f"{base}.{alias.name}"
                    targets.append(submodule if submodule in modules else base)
            edges[name].update(t for t in targets if t in modules and t != name)
    return edges


def _role(module: str) -> str:
    rest = module[len(PACKAGE) + 1 :]
    return rest.split(".")[0] if rest else "__init__"


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every back edge found by a depth-first walk, as the cycle it closes."""
    cycles: list[list[str]] = []
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = "open"
        stack.append(node)
        for target in sorted(edges[node]):
            if state.get(target) == "open":
                cycles.append(stack[stack.index(target) :] + [target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node)
    return cycles


def test_there_is_no_import_cycle_inside_the_sandbox_package():
    assert _cycles(_imports(_modules())) == []


def test_the_cycle_check_finds_a_cycle():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(edges) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_imports_only_point_down_the_roles():
    wrong = []
    for module, targets in _imports(_modules()).items():
        role = _role(module)
        for target in targets:
            other = _role(target)
            inner = target[len(PACKAGE) + 1 :]
            allowed = ALLOWED[role]
            if other != role and other not in allowed and inner not in allowed:
                wrong.append(f"{module} -> {target}")
    assert wrong == []


def test_every_module_belongs_to_a_role_and_the_public_surface_is_small():
    import Backtest.sandbox as sandbox

    assert {_role(m) for m in _modules()} == set(ALLOWED)
    assert sorted(sandbox.__all__) == [
        "ALL_LAYERS",
        "BatchResult",
        "BatchRun",
        "BotExecutor",
        "ExecutionResult",
        "Limits",
        "available_layers",
    ]
    internal = [m for m in _modules() if m != PACKAGE]
    assert all(m.split(".")[2].startswith("_") for m in internal)
