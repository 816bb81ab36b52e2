"""Static checks on generated strategy code, with messages that say exactly what to change.

This is a first filter for an LLM or a human, not the security boundary (the sandbox is): it
rejects the obvious (forbidden imports, ``eval``, dunder tricks, file I/O) and explains common
backtesting.py mistakes. Decisions worth knowing:

* ``getattr``/``setattr``/``delattr``/``hasattr`` are allowed only when called with a string
  literal attribute name that is not a dunder (``getattr(self, "n1")``); any other use, including
  passing the function around, is an error (``dynamic_attribute``) because it defeats every
  attribute check below.
* Every dunder attribute (``x.__class__``) is an error; so are frame/code introspection
  attributes (``gi_frame``, ``f_globals``...) and string literals that would reach a dunder
  through ``str.format`` (``"{0.__class__}"``). ``__name__`` is the only dunder name allowed.
* File I/O through pandas/numpy (``read_csv``, ``to_csv``, ``np.load``...) is an error.
* Names read where nothing binds them (``undefined_name``, pyflakes' scope analysis) and
  ``self.x`` read in the strategy but never set (``undefined_attribute``) are errors: they
  would fail at run time, so they are reported before any run; so are the outputs of a
  multi-output TA-Lib indicator read as attributes (``self.bbands.lower``:
  ``indicator_output_attribute``, naming the row to read).
* Line and column numbers are 1-based.
"""

from __future__ import annotations

import ast

from Backtest.validation.checker import SKELETON, Checker
from Backtest.validation.names import undefined_attributes, undefined_names
from Backtest.validation.outputs import output_attributes
from Backtest.validation.report import Finding, Severity, ValidationReport
from Backtest.validation.rules import ALLOWED_MODULES

__all__ = ["ALLOWED_MODULES", "Finding", "Severity", "ValidationReport", "validate_code"]


def validate_code(code: str, *, max_bytes: int = 100_000) -> ValidationReport:
    """Check strategy source without running it; see the module docstring for the rules."""
    size = len(code.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        return _report(
            [Finding(1, 1, "too_large", f"code is {size:,} bytes (limit {max_bytes:,})")]
        )
    if not code.strip():
        return _report([Finding(1, 1, "empty_code", "the code is empty; " + SKELETON)])
    try:
        tree = ast.parse(code)
    except IndentationError as exc:
        return _report([_syntax_finding(exc, "indentation_error")])
    except SyntaxError as exc:
        return _report([_syntax_finding(exc, "syntax_error")])
    except (RecursionError, MemoryError):
        msg = "code is nested too deeply to parse; split long expressions into smaller steps"
        return _report([Finding(1, 1, "syntax_error", msg)])
    checker = Checker(tree)
    checker.run()
    # One problem per line: a name the checker already refused (``os``, ``eval``, a dunder,
    # an unimported ``Strategy``) is not reported again as undefined.
    reported = {f.line for f in checker.findings if f.severity == "error"}
    undefined = (
        undefined_names(tree)
        + undefined_attributes(tree, checker.strategy_class)
        + output_attributes(tree)
    )
    findings = checker.findings + [f for f in undefined if f.line not in reported]
    return _report(findings, checker.strategy_class)


def _report(findings: list[Finding], strategy_class: str | None = None) -> ValidationReport:
    unique = sorted(set(findings), key=lambda f: (f.line, f.column, f.code, f.message))
    ok = not any(f.severity == "error" for f in unique)
    return ValidationReport(ok=ok, findings=unique, strategy_class=strategy_class)


def _syntax_finding(exc: SyntaxError, code: str) -> Finding:
    where = f": {exc.text.strip()!r}" if exc.text and exc.text.strip() else ""
    line, column = exc.lineno or 1, exc.offset or 1
    return Finding(line, column, code, f"{exc.msg} (line {line}, column {column}){where}")
