"""Classify a failed (or trade-less) backtest from the executor's STRUCTURED error fields.

The analyzer reads ``error_type`` (exception class name or a sandbox category), the message,
the traceback and ``limits_hit``; it never greps stdout for the word "error" (a strategy that
prints "error" would fool that). Wrapped exceptions are unwrapped from the traceback text:
backtesting.py re-raises indicator failures as ``RuntimeError('Indicator "X" error. See
traceback above.')``, and the real cause (a TypeError from TA-Lib...) decides the type.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from Backtest.fixer.hints import hints_for
from Backtest.validation import ValidationReport

__all__ = [
    "ERROR_TYPES",
    "ErrorAnalysis",
    "ErrorAnalyzer",
    "Severity",
    "StrategyFrame",
]

Severity = Literal["low", "medium", "high", "critical"]

ERROR_TYPES = (
    "syntax_error",
    "indentation_error",
    "import_error",
    "name_error",
    "attribute_error",
    "type_error",
    "value_error",
    "index_error",
    "key_error",
    "zero_division_error",
    "recursion_error",
    "io_error",
    "timeout",
    "memory_limit",
    "output_limit",
    "security_violation",
    "validation_error",
    "data_error",
    "sandbox_error",
    "no_trades",
    "unknown",
)

#: Exception class name -> error type. Subclasses from libraries are matched by suffix below.
EXCEPTION_TYPES = {
    "SyntaxError": "syntax_error",
    "IndentationError": "indentation_error",
    "TabError": "indentation_error",
    "ImportError": "import_error",
    "ModuleNotFoundError": "import_error",
    "NameError": "name_error",
    "UnboundLocalError": "name_error",
    "AttributeError": "attribute_error",
    "TypeError": "type_error",
    "ValueError": "value_error",
    # backtesting.py validates order arguments with asserts ("size must be a positive ...").
    "AssertionError": "value_error",
    "OverflowError": "value_error",
    "FloatingPointError": "zero_division_error",
    "IndexError": "index_error",
    "KeyError": "key_error",
    "ZeroDivisionError": "zero_division_error",
    "RecursionError": "recursion_error",
    "MemoryError": "memory_limit",
    "SandboxViolation": "security_violation",
    "StrategyLookupError": "validation_error",
    # Reading files (pd.read_csv("AAPL.csv")) in strategy code: there are none to read.
    "FileNotFoundError": "io_error",
    "PermissionError": "io_error",
    "IsADirectoryError": "io_error",
    "OSError": "io_error",
}
#: Sandbox categories the executor reports directly (not exception names).
CATEGORY_TYPES = frozenset(
    {
        "timeout",
        "memory_limit",
        "security_violation",
        "output_limit",
        "sandbox_error",
        "data_error",
        "validation_error",
    }
)
SEVERITY: dict[str, Severity] = {
    "security_violation": "critical",
    "syntax_error": "high",
    "indentation_error": "high",
    "import_error": "high",
    "validation_error": "high",
    "timeout": "high",
    "memory_limit": "high",
    "recursion_error": "high",
    "io_error": "high",
    "sandbox_error": "high",
    "data_error": "high",
    "no_trades": "low",
    "output_limit": "low",
}
#: Not the code's fault or must not be "fixed" automatically (reported to the user instead).
NOT_AUTO_FIXABLE = frozenset({"security_violation", "data_error", "sandbox_error"})

# Messages that identify TA-Lib's bare ``Exception``s (it raises no specific classes).
_TALIB_MESSAGES = (
    (re.compile(r"input array type is not double", re.I), "type_error"),
    (re.compile(r"input arrays? (?:has|have) wrong dimensions", re.I), "value_error"),
    (re.compile(r"input array lengths are different", re.I), "value_error"),
    (re.compile(r"inputs are all NaN", re.I), "value_error"),
)
_INDICATOR_WRAPPER = re.compile(r'^Indicator ".*" error\. See traceback above\.?$', re.S)
_FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)(?:, in (?P<func>\S+))?')
_EXC_LINE = re.compile(r"^(?P<name>[A-Za-z_][\w.]*)(?::\s?(?P<message>.*))?$")
_CHAIN_MARKERS = (
    "The above exception was the direct cause of the following exception:",
    "During handling of the above exception, another exception occurred:",
)
_SYNTAX_LINE = re.compile(r"\(strategy\.py, line (\d+)\)|\(line (\d+)(?:, column \d+)?\)")
STRATEGY_FILENAME = "strategy.py"


@dataclass(frozen=True)
class StrategyFrame:
    """One traceback frame inside the strategy's own code."""

    line: int
    function: str | None
    source: str | None


@dataclass
class ErrorAnalysis:
    """What went wrong, where, and how to talk about it to a fixer (rule or LLM)."""

    error_type: str
    severity: Severity
    auto_fixable: bool
    message: str
    line: int | None = None
    source_line: str | None = None
    hints: list[str] = field(default_factory=list)
    exception: str | None = None
    frames: list[StrategyFrame] = field(default_factory=list)
    limits_hit: list[str] = field(default_factory=list)
    #: Finding codes when the analysis comes from ``validate_code``.
    finding_codes: list[str] = field(default_factory=list)

    @property
    def signature(self) -> tuple[str, str, int | None]:
        """(type, message, line): two attempts with the same signature made no progress."""
        return (self.error_type, self.message, self.line)

    def strategy_traceback(self) -> str:
        """The traceback restricted to the strategy's own lines, with their source text."""
        lines = [
            f'  File "{STRATEGY_FILENAME}", line {f.line}, in {f.function or "<module>"}'
            + (f"\n    {f.source.strip()}" if f.source else "")
            for f in self.frames
        ]
        name = self.exception or self.error_type
        lines.append(f"{name}: {self.message}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


class ErrorAnalyzer:
    """Turns executor results and validation reports into :class:`ErrorAnalysis` objects."""

    def analyze(
        self, result: Any, code: str | None = None, *, require_trades: bool = False
    ) -> ErrorAnalysis | None:
        """Analyse an ``ExecutionResult`` (duck-typed); None means nothing to fix.

        A successful run without trades is a ``no_trades`` failure only when
        ``require_trades`` is set.
        """
        if getattr(result, "success", False):
            if require_trades and _traded_nothing(result):
                return self._build("no_trades", _NO_TRADES_MESSAGE, None, code, exception=None)
            return None
        raw_type = str(getattr(result, "error_type", None) or "")
        message = str(getattr(result, "error_message", None) or "").strip()
        traceback = str(getattr(result, "traceback", None) or "")
        limits = list(getattr(result, "limits_hit", None) or [])
        exception, root_message = _root_cause(raw_type, message, traceback)
        error_type = self._classify(raw_type, exception, root_message, limits)
        line = getattr(result, "error_line", None)
        frames = _strategy_frames(traceback, code)
        if line is None and frames:
            line = frames[-1].line
        if line is None and error_type in ("syntax_error", "indentation_error"):
            line = _syntax_line(message) or _syntax_line(traceback)
        shown = root_message or message or raw_type or "the backtest failed without a message"
        return self._build(
            error_type,
            shown,
            line,
            code,
            exception=exception or (raw_type if raw_type not in CATEGORY_TYPES else None),
            frames=frames,
            limits=limits,
        )

    def analyze_validation(self, report: ValidationReport, code: str) -> ErrorAnalysis | None:
        """Analyse a static ``validate_code`` report; None when it has no error findings."""
        errors = report.errors
        if not errors:
            return None
        first = errors[0]
        if first.code in ("syntax_error", "indentation_error"):
            error_type = first.code
        else:
            error_type = "validation_error"
        message = "; ".join(f"line {f.line}: {f.message}" for f in errors[:5])
        if first.code in ("syntax_error", "indentation_error"):
            message = first.message
        analysis = self._build(error_type, message, first.line, code, exception=None)
        analysis.finding_codes = [f.code for f in errors]
        return analysis

    @staticmethod
    def _classify(raw_type: str, exception: str | None, message: str, limits: list[str]) -> str:
        if raw_type in CATEGORY_TYPES:
            return raw_type
        if any(limit in ("wall_time", "cpu_time") for limit in limits):
            return "timeout"
        if "memory" in limits:
            return "memory_limit"
        name = (exception or raw_type).rsplit(".", 1)[-1]
        if name in EXCEPTION_TYPES:
            return EXCEPTION_TYPES[name]
        for pattern, error_type in _TALIB_MESSAGES:
            if pattern.search(message):
                return error_type
        for suffix, error_type in (
            ("KeyError", "key_error"),
            ("IndexError", "index_error"),
            ("ValueError", "value_error"),
            ("TypeError", "type_error"),
            ("IndexingError", "index_error"),
            ("ParserError", "value_error"),
        ):
            if name.endswith(suffix):
                return error_type
        return "unknown"

    @staticmethod
    def _build(
        error_type: str,
        message: str,
        line: int | None,
        code: str | None,
        *,
        exception: str | None,
        frames: list[StrategyFrame] | None = None,
        limits: list[str] | None = None,
    ) -> ErrorAnalysis:
        source_line = None
        if code is not None and line is not None:
            lines = code.splitlines()
            if 0 < line <= len(lines):
                source_line = lines[line - 1]
        analysis = ErrorAnalysis(
            error_type=error_type,
            severity=SEVERITY.get(error_type, "medium"),
            auto_fixable=error_type not in NOT_AUTO_FIXABLE,
            message=message,
            line=line,
            source_line=source_line,
            exception=exception,
            frames=frames or [],
            limits_hit=limits or [],
        )
        analysis.hints = hints_for(analysis, code)
        return analysis


_NO_TRADES_MESSAGE = (
    "the backtest ran without errors but closed no trades (an entry condition that is never "
    "true, or a position that is opened and never closed)"
)


def _traded_nothing(result: Any) -> bool:
    if getattr(result, "no_trades", False):
        return True
    num = getattr(result, "num_trades", None)
    return num is not None and num == 0


def _root_cause(raw_type: str, message: str, traceback: str) -> tuple[str | None, str]:
    """(exception name, message) of the innermost cause when the error was re-raised.

    Only backtesting.py's indicator wrapper is unwrapped: for any other exception the final
    one is what the strategy hit.
    """
    if raw_type == "RuntimeError" and _INDICATOR_WRAPPER.match(message) and traceback:
        for block in _split_chain(traceback)[:-1]:
            found = _exception_line(block)
            if found:
                return found
    if raw_type in CATEGORY_TYPES or not raw_type:
        return None, message
    return raw_type, message


def _split_chain(traceback: str) -> list[str]:
    blocks = [traceback]
    for marker in _CHAIN_MARKERS:
        blocks = [part for block in blocks for part in block.split(marker)]
    return blocks


def _exception_line(block: str) -> tuple[str, str] | None:
    """The last unindented ``Name: message`` line of one traceback block."""
    found = None
    for raw in block.strip().splitlines():
        if not raw or raw[0].isspace() or raw.startswith("Traceback ("):
            continue
        match = _EXC_LINE.match(raw)
        if match:
            found = (match["name"], (match["message"] or "").strip())
    return found


def _strategy_frames(traceback: str, code: str | None) -> list[StrategyFrame]:
    """Frames of the final exception that point into ``strategy.py``."""
    if not traceback:
        return []
    block = _split_chain(traceback)[-1]
    lines = code.splitlines() if code is not None else []
    frames = []
    for raw in block.splitlines():
        match = _FRAME.match(raw)
        if not match or match["file"] != STRATEGY_FILENAME:
            continue
        number = int(match["line"])
        source = lines[number - 1] if 0 < number <= len(lines) else None
        function = match["func"]
        frames.append(StrategyFrame(number, function, source))
    return frames


def _syntax_line(text: str) -> int | None:
    match = _SYNTAX_LINE.search(text or "")
    if not match:
        frame = re.search(r'File "strategy\.py", line (\d+)', text or "")
        return int(frame.group(1)) if frame else None
    return int(match.group(1) or match.group(2))
