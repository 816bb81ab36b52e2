"""The AST checks behind ``validate_code``."""

from __future__ import annotations

import ast

from Backtest.validation.report import Finding, Severity
from Backtest.validation.rules import (
    ALLOWED_MODULES,
    ATTR_FUNCS,
    FILE_IO_ATTRS,
    FORBIDDEN_CALLS,
    FORBIDDEN_FROM,
    FORBIDDEN_MODULE_NAMES,
    FORMAT_DUNDER,
    INIT_ALIASES,
    INTROSPECTION_ATTRS,
    NEXT_ALIASES,
    NUMPY_ONLY_IO,
    PANDAS_ONLY,
    PRICE_COLUMNS,
    STRATEGY_BASES,
)

SKELETON = (
    "write `from backtesting import Strategy` and one `class MyStrategy(Strategy):` "
    "with `def init(self):` (indicators via self.I) and `def next(self):` (orders)"
)


class Checker:
    """Walks the tree iteratively (ast.walk), so deeply nested code cannot exhaust the stack."""

    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self.findings: list[Finding] = []
        self.strategy_class: str | None = None
        self.aliases: dict[str, str] = {}  # local name -> qualified name, from imports
        self.bound: set[str] = set()

    def add(self, node: ast.AST, code: str, message: str, severity: Severity = "error") -> None:
        line = getattr(node, "lineno", 1)
        column = getattr(node, "col_offset", 0) + 1
        if isinstance(node, ast.Attribute) and node.end_lineno and node.end_col_offset:
            # Point at the attribute name itself, not at the start of `a.b.c.d`.
            line, column = node.end_lineno, node.end_col_offset - len(node.attr) + 1
        self.findings.append(Finding(line, column, code, message, severity))

    def run(self) -> None:
        nodes = list(ast.walk(self.tree))
        for node in nodes:
            if isinstance(node, ast.Import | ast.ImportFrom):
                self.check_import(node)
        approved = {id(c.func) for c in nodes if isinstance(c, ast.Call) and self.safe_attr_call(c)}
        # Names the code binds itself (variables, parameters): `signal = ...` is the author's own
        # variable, not the module; modules can only arrive through (checked) imports.
        self.bound = {
            n.id for n in nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
        } | {n.arg for n in nodes if isinstance(n, ast.arg)}
        for node in nodes:
            if isinstance(node, ast.Name):
                self.check_name(node, approved)
            elif isinstance(node, ast.Attribute):
                self.check_attribute(node)
            elif isinstance(node, ast.Subscript):
                self.check_subscript(node)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str | bytes):
                self.check_string(node)
            elif isinstance(node, ast.Call):
                self.check_call(node)
            elif isinstance(node, ast.If) and _is_main_guard(node.test):
                msg = "remove the `if __name__ == '__main__':` block; the platform runs backtests"
                self.add(node, "main_block", msg, "warning")
        self.check_strategy()

    # -- imports ---------------------------------------------------------------------------
    def check_import(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if self.module_ok(node, alias.name):
                    local = alias.asname or alias.name.split(".")[0]
                    self.aliases[local] = alias.name if alias.asname else local
            return
        if node.level:
            self.add(node, "forbidden_import", "relative imports are not allowed")
            return
        module = node.module or ""
        if module == "Backtest" and all(a.name == "indicators" for a in node.names):
            self.aliases.update({a.asname or a.name: "Backtest.indicators" for a in node.names})
            return
        if not self.module_ok(node, module):
            return
        for alias in node.names:
            qualified = f"{module}.{alias.name}"
            if alias.name.startswith("_") and module != "__future__":
                self.add(node, "forbidden_import", f"private name {qualified!r} cannot be imported")
            elif (module, alias.name) in FORBIDDEN_FROM:
                self.add(node, "forbidden_import", f"{qualified!r} is not allowed")
            elif alias.name in FILE_IO_ATTRS or (module == "numpy" and alias.name in NUMPY_ONLY_IO):
                self.add(node, "file_io", _file_io_message(qualified))
            elif alias.name == "*":
                self.add(
                    node,
                    "star_import",
                    f"import names explicitly instead of `from {module} import *`",
                    "warning",
                )
                # Star imports of backtesting still bind the base classes we look for.
                exported = {k.rsplit(".", 1)[1]: k for k in STRATEGY_BASES if k.startswith(module)}
                self.aliases.update({**exported, **self.aliases})
            else:
                self.aliases[alias.asname or alias.name] = qualified

    def module_ok(self, node: ast.AST, module: str) -> bool:
        if module in ALLOWED_MODULES or module.startswith("Backtest.indicators."):
            return True
        self.add(
            node,
            "forbidden_import",
            f"import of {module!r} is not allowed; strategies may import only: "
            f"{', '.join(ALLOWED_MODULES)}",
        )
        return False

    def qualify(self, node: ast.expr) -> str | None:
        """``np.load`` -> ``numpy.load`` using the imports seen; None for anything else."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):  # iterative: chains can be very long
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name) or node.id not in self.aliases:
            return None
        return ".".join([self.aliases[node.id], *reversed(parts)])

    # -- names, attributes, strings ----------------------------------------------------------
    def safe_attr_call(self, call: ast.Call) -> bool:
        if not (isinstance(call.func, ast.Name) and call.func.id in ATTR_FUNCS):
            return False
        if len(call.args) < 2 or not isinstance(call.args[1], ast.Constant):
            return False
        name = call.args[1].value
        return isinstance(name, str) and not _is_dunder(name)

    def check_name(self, node: ast.Name, approved: set[int]) -> None:
        name = node.id
        if name in FORBIDDEN_CALLS:
            self.add(
                node,
                "forbidden_name",
                f"{name}() is not allowed in strategy code (if `{name}` is your own variable, "
                f"rename it, e.g. {name}_value)",
            )
        elif name in FORBIDDEN_MODULE_NAMES and name not in self.bound:
            self.add(node, "forbidden_name", f"{name!r} is not available to strategies")
        elif name in ATTR_FUNCS and id(node) not in approved:
            self.add(
                node,
                "dynamic_attribute",
                f"{name}() needs a plain string literal attribute name (not a dunder), "
                f'e.g. {name}(self, "n1"); better, use the attribute directly',
            )
        elif _is_dunder(name) and name != "__name__":
            self.add(node, "forbidden_name", f"{name!r} is not allowed in strategy code")

    def check_attribute(self, node: ast.Attribute) -> None:
        attr = node.attr
        if _is_dunder(attr):
            self.add(
                node,
                "forbidden_attribute",
                f"dunder attribute access `.{attr}` is not allowed; use the object's public API",
            )
        elif attr in INTROSPECTION_ATTRS or (
            # A strategy's own attributes (`self.signal`) are fine; a library's submodule of the
            # same name (`pd.io`, `np.os`) is a way out and is not.
            attr in FORBIDDEN_MODULE_NAMES and not _is_self(node.value)
        ):
            self.add(node, "forbidden_attribute", f"attribute `.{attr}` is not allowed")
        elif attr in FILE_IO_ATTRS or (
            attr in NUMPY_ONLY_IO and (self.qualify(node.value) or "").startswith("numpy")
        ):
            self.add(node, "file_io", _file_io_message(attr))
        elif _is_data_attr(node.value) and attr in PRICE_COLUMNS:
            self.add(
                node,
                "lowercase_column",
                f"price columns are capitalised: use .{PRICE_COLUMNS[attr]} instead of .{attr}",
                "warning",
            )
        elif attr in PANDAS_ONLY and _is_self_array(node.value):
            self.add(
                node,
                "pandas_method_on_array",
                f"`.{attr}` is a pandas method, but self.data columns and self.I() indicators "
                f"are numpy arrays: index with [-1] / [-2], use the `.s` accessor "
                f"(self.data.Close.s.{attr}), or compute it inside the indicator function "
                f"passed to self.I()",
                "warning",
            )

    def check_subscript(self, node: ast.Subscript) -> None:
        key = node.slice
        if (
            isinstance(key, ast.Constant)
            and isinstance(key.value, str)
            and key.value in PRICE_COLUMNS
            and (_is_data_attr(node.value) or _is_data_df(node.value))
        ):
            fixed = PRICE_COLUMNS[key.value]
            self.add(
                node,
                "lowercase_column",
                f"price columns are capitalised: use [{fixed!r}] instead of [{key.value!r}]",
                "warning",
            )

    def check_string(self, node: ast.Constant) -> None:
        value = node.value
        text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
        if FORMAT_DUNDER.search(text):
            self.add(
                node,
                "forbidden_attribute",
                "format string reaches a private/dunder attribute (e.g. '{0.__class__}'); "
                "format plain values instead",
            )

    def check_call(self, node: ast.Call) -> None:
        if self.qualify(node.func) == "backtesting.Backtest" or (
            isinstance(node.func, ast.Attribute) and node.func.attr in {"optimize", "plot"}
        ):
            self.add(
                node,
                "runs_backtest",
                "strategy code should only define the Strategy class; the platform creates "
                "the Backtest, runs, optimises and plots it",
                "warning",
            )

    # -- the Strategy class ------------------------------------------------------------------
    def strategy_kind(self, base: ast.expr, known: dict[str, str]) -> str | None:
        kind = STRATEGY_BASES.get(self.qualify(base) or "")
        if kind:
            return kind
        if isinstance(base, ast.Name) and base.id in known:
            return known[base.id]
        if isinstance(base, ast.Name) and base.id == "Strategy":
            return "unimported"
        return None

    def check_strategy(self) -> None:
        classes = [n for n in self.tree.body if isinstance(n, ast.ClassDef)]
        kinds: dict[str, str] = {}
        parents: dict[str, list[str]] = {}
        for cls in classes:
            found = [(b, self.strategy_kind(b, kinds)) for b in cls.bases]
            found = [(b, k) for b, k in found if k]
            if found:
                kinds[cls.name] = found[0][1] or ""
                parents[cls.name] = [b.id for b, _ in found if isinstance(b, ast.Name)]
        used_as_base = {p for ps in parents.values() for p in ps}
        leaves = [c for c in classes if c.name in kinds and c.name not in used_as_base]
        if not leaves:
            self.add(self.tree, "no_strategy_class", "no Strategy subclass found; " + SKELETON)
            return
        if len(leaves) > 1:
            names = ", ".join(c.name for c in leaves)
            self.add(
                leaves[1],
                "multiple_strategy_classes",
                f"found {len(leaves)} Strategy subclasses ({names}); keep exactly one "
                "(helper base classes are fine if the final strategy subclasses them)",
            )
            return
        cls = leaves[0]
        self.strategy_class = cls.name
        if kinds[cls.name] == "unimported":
            self.add(
                cls,
                "strategy_not_imported",
                "Strategy is used but never imported: add `from backtesting import Strategy`",
            )
        methods = self.collect_methods(cls, classes, parents)
        if "__init__" in methods:
            msg = (
                "do not override __init__; backtesting.py builds the strategy, put setup in init()"
            )
            self.add(methods["__init__"], "overrides_constructor", msg, "warning")
        if kinds[cls.name] != "lib":
            self.require(cls, methods, "init", INIT_ALIASES, "compute indicators with self.I()")
            self.require(cls, methods, "next", NEXT_ALIASES, "place orders on each new bar")
        for name in ("init", "next"):
            self.check_signature(methods.get(name), name)

    def collect_methods(
        self, cls: ast.ClassDef, classes: list[ast.ClassDef], parents: dict[str, list[str]]
    ) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
        by_name = {c.name: c for c in classes}
        methods: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
        chain, seen = [cls], set()
        while chain:  # the class first, then its in-module Strategy ancestors
            current = chain.pop(0)
            if current.name in seen:
                continue
            seen.add(current.name)
            for item in current.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    methods.setdefault(item.name, item)
            chain += [by_name[p] for p in parents.get(current.name, []) if p in by_name]
        return methods

    def require(
        self,
        cls: ast.ClassDef,
        methods: dict[str, ast.FunctionDef | ast.AsyncFunctionDef],
        name: str,
        aliases: tuple[str, ...],
        purpose: str,
    ) -> None:
        if name in methods:
            return
        misnamed = next((methods[a] for a in aliases if a in methods), None)
        if misnamed is not None:
            message = (
                f"{cls.name} defines {misnamed.name}() but backtesting.py calls {name}(): "
                f"rename {misnamed.name} to {name}"
            )
            self.add(misnamed, f"missing_{name}", message)
        else:
            self.add(cls, f"missing_{name}", f"{cls.name} needs `def {name}(self):` to {purpose}")

    def check_signature(self, fn: ast.FunctionDef | ast.AsyncFunctionDef | None, name: str) -> None:
        if fn is None:
            return
        if isinstance(fn, ast.AsyncFunctionDef):
            self.add(fn, "async_method", f"{name}() must be a plain `def`, not `async def`")
        args = fn.args
        positional = args.posonlyargs + args.args
        required = (
            len(positional) - len(args.defaults) + sum(1 for d in args.kw_defaults if d is None)
        )
        if required != 1 or not positional:
            self.add(
                fn,
                "bad_signature",
                f"{name}() is called without arguments: declare it as `def {name}(self):` and "
                f"read bars from self.data",
            )


def _is_dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def _is_main_guard(test: ast.expr) -> bool:
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
    )


def _is_data_attr(node: ast.expr) -> bool:
    """``self.data`` (or ``<anything>.data``)."""
    return isinstance(node, ast.Attribute) and node.attr == "data"


def _is_data_df(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "df" and _is_data_attr(node.value)


def _is_self_array(node: ast.expr) -> bool:
    """An attribute chain rooted at ``self`` that is not a pandas accessor (``.s``/``.df``)."""
    if not isinstance(node, ast.Attribute) or node.attr in {"s", "df", "index"}:
        return False
    root: ast.expr = node
    while isinstance(root, ast.Attribute):
        root = root.value
    return isinstance(root, ast.Name) and root.id == "self" and node.attr not in {"data"}


def _file_io_message(what: str) -> str:
    return (
        f"file I/O ({what}) is not allowed in strategy code: the platform supplies the data "
        f"as self.data and collects results itself"
    )


def _is_self(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "self"
