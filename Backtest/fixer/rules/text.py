"""Text-level rules for code that does not even parse (so ``ast`` cannot help yet).

Each one checks for itself that the code fails to parse and that its specific mistake is
present, so running them on every attempt is harmless.
"""

from __future__ import annotations

import ast
import re
import textwrap

from Backtest.fixer.analyzer import ErrorAnalysis
from Backtest.fixer.rules.base import RuleEdit, rule
from Backtest.fixer.source import parse_or_none

__all__ = ["extract_fenced_blocks", "strip_prose"]

_FENCE_OPEN = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[\w+.-]*)")
_PY_LANGS = {"", "python", "py", "python3", "py3", "ipython", "ipython3"}
_CODE_START = re.compile(
    r"^(?:import\s+\w|from\s+[\w.]+\s+import\b|class\s+\w|def\s+\w|@\w|#|\"\"\"|'''|\w+\s*=)"
)
_MAGIC = re.compile(r"^\s*(?:!|%{1,2})\w")


def _syntax_error(code: str) -> SyntaxError | None:
    try:
        ast.parse(code)
    except SyntaxError as exc:
        return exc
    except (ValueError, RecursionError, MemoryError):
        return SyntaxError("unparseable")
    return None


def extract_fenced_blocks(text: str) -> list[tuple[str, str]]:
    """``[(language, body), ...]`` of the markdown code blocks; an unclosed block runs to EOF."""
    blocks: list[tuple[str, str]] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        opening = _FENCE_OPEN.match(lines[i])
        if not opening:
            i += 1
            continue
        fence, lang = opening["fence"], opening["lang"].lower()
        body: list[str] = []
        i += 1
        while i < len(lines) and not lines[i].strip().startswith(fence):
            body.append(lines[i])
            i += 1
        blocks.append((lang, "\n".join(body)))
        i += 1
    return blocks


def _pick_block(blocks: list[tuple[str, str]]) -> str | None:
    """The block that defines the strategy, plus imports that only other blocks contain."""
    python = [body for lang, body in blocks if lang in _PY_LANGS and body.strip()]
    if not python:
        return None
    with_class = [b for b in python if re.search(r"^class\s+\w+", b, re.M)]
    main = max(with_class or python, key=len)
    extra_imports: list[str] = []
    for body in python:
        if body is main:
            continue
        for line in body.splitlines():
            stripped = line.strip()
            if re.match(r"^(?:import\s|from\s+[\w.]+\s+import\s)", line) and stripped not in main:
                extra_imports.append(stripped)
    prefix = "\n".join(dict.fromkeys(extra_imports))
    return f"{prefix}\n{main}" if prefix else main


def strip_prose(text: str) -> str:
    """Drop leading and trailing non-code lines (LLM chatter) around otherwise valid code."""
    lines = [line for line in text.splitlines() if not _MAGIC.match(line)]
    start = next((i for i, line in enumerate(lines) if _CODE_START.match(line)), None)
    if start is None:
        return "\n".join(lines)
    body = lines[start:]
    # Trim trailing prose one line at a time until it parses (bounded by the length).
    for end in range(len(body), 0, -1):
        candidate = "\n".join(body[:end]).rstrip() + "\n"
        if parse_or_none(candidate) is not None:
            return _drop_trailing_headings(candidate)
        last = body[end - 1]
        if last.startswith((" ", "\t")) and last.strip():
            break  # an indented line is code; trimming further would cut the strategy
    return "\n".join(body).rstrip() + "\n"


def _drop_trailing_headings(code: str) -> str:
    """Markdown headings (``### How it works``) left at the end parse as comments; drop them."""
    lines = code.rstrip().split("\n")
    while lines and re.match(r"^#{2,}\s", lines[-1]):
        lines.pop()
    return "\n".join(lines).rstrip() + "\n"


@rule("strip_markdown", always=True, needs_ast=False)
def strip_markdown(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """Remove markdown fences, prose and notebook magics around the code.

    LLMs answer with "Here's the strategy: ```python ... ``` This buys when ...". The block that
    defines the Strategy class is kept (imports from other blocks are carried over); text
    outside fences, ``!pip install`` and ``%matplotlib`` lines are dropped.
    """
    if _syntax_error(code) is None:
        return None
    blocks = extract_fenced_blocks(code)
    picked = _pick_block(blocks) if blocks else None
    if picked is not None:
        cleaned = strip_prose(picked) if _syntax_error(picked) else picked.rstrip() + "\n"
        return RuleEdit(cleaned, "Removed markdown fences and the prose around the code")
    cleaned = strip_prose(code)
    if cleaned.strip() == code.strip():
        return None
    return RuleEdit(cleaned, "Removed the explanatory text around the code")


_SMART = {
    "\u201c": '"',
    "\u201d": '"',
    "\u2018": "'",
    "\u2019": "'",
    "\u00a0": " ",
    "\u200b": "",
    "\ufeff": "",
    "\u2013": "-",
    "\u2212": "-",
}


@rule("ascii_punctuation", always=True, needs_ast=False)
def ascii_punctuation(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """Replace typographic quotes, dashes and non-breaking spaces (copy-paste from chat UIs)."""
    error = _syntax_error(code)
    if error is None or not any(ch in code for ch in _SMART):
        return None
    fixed = code
    for bad, good in _SMART.items():
        fixed = fixed.replace(bad, good)
    return RuleEdit(fixed, "Replaced typographic quotes/dashes with plain ASCII")


@rule("tabs_to_spaces", always=True, needs_ast=False)
def tabs_to_spaces(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """Re-indent a mix of tabs and spaces (TabError) with spaces only.

    A tab is tried as 4 and as 8 columns; among the widths that parse, the one that puts the
    tab-indented lines where their neighbours say they belong wins (same level as the line
    before, or one level deeper after a ``:``).
    """
    error = _syntax_error(code)
    if error is None or not re.search(r"^[ ]*\t", code, re.M):
        return None
    best: tuple[int, int, str] | None = None
    for width in (4, 8):
        candidate = "\n".join(_expand_leading(line, width) for line in code.split("\n"))
        if _syntax_error(candidate) is not None:
            continue
        score = _consistency(code, candidate)
        if best is None or score > best[0]:
            best = (score, width, candidate)
    if best is None:
        return None
    return RuleEdit(best[2], f"Re-indented with spaces (tabs counted as {best[1]})")


def _consistency(original: str, candidate: str) -> int:
    """How many formerly tab-indented lines sit where the previous line says they should."""
    score = 0
    previous = None
    for before, after in zip(original.split("\n"), candidate.split("\n"), strict=True):
        if not after.strip():
            continue
        indent = len(after) - len(after.lstrip())
        if previous is not None and "\t" in before[: len(before) - len(before.lstrip())]:
            prev_indent, opens = previous
            if (opens and indent > prev_indent) or (not opens and indent == prev_indent):
                score += 1
        previous = (indent, after.rstrip().endswith(":"))
    return score


def _expand_leading(line: str, width: int) -> str:
    stripped = line.lstrip(" \t")
    return line[: len(line) - len(stripped)].expandtabs(width) + stripped


@rule("dedent_code", always=True, needs_ast=False)
def dedent_code(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """Remove an indentation shared by every line ("unexpected indent" on the first line)."""
    error = _syntax_error(code)
    if not isinstance(error, IndentationError):
        return None
    dedented = textwrap.dedent(code)
    if dedented == code:
        return None
    return RuleEdit(dedented, "Removed the indentation shared by the whole file")


@rule("realign_line", always=True, needs_ast=False)
def realign_line(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """Put one mis-indented line back in its block ("unindent does not match any outer
    indentation level", or an "unexpected indent" after a line that opens no block).

    The line gets the indentation of the statement before it: a slip of a space or two inside a
    block, not a move to another block. Only an edit after which the file parses is kept.
    """
    error = _syntax_error(code)
    if not isinstance(error, IndentationError) or isinstance(error, TabError):
        return None
    if "unindent does not match" not in error.msg and "unexpected indent" not in error.msg:
        return None
    lines = code.split("\n")
    number = (error.lineno or 0) - 1
    if not 0 < number < len(lines) or not lines[number].strip():
        return None
    previous = next(
        (i for i in range(number - 1, -1, -1) if lines[i].strip()),
        None,
    )
    if previous is None or lines[previous].rstrip().endswith(":"):
        return None
    before = lines[previous]
    indent = before[: len(before) - len(before.lstrip())]
    lines[number] = indent + lines[number].lstrip()
    fixed = "\n".join(lines)
    if _syntax_error(fixed) is not None:
        return None
    return RuleEdit(fixed, f"Re-indented line {number + 1} like the line before it")


_PY2_PRINT = re.compile(
    r"^(?P<indent>\s*)print(?:\s+(?P<args>[^\s(=].*?)|\s*)\s*(?P<comment>#.*)?$"
)
_PY2_EXCEPT = re.compile(r"^(?P<head>\s*except\s+[\w.]+(?:\s*\([^)]*\))?)\s*,\s*(?P<name>\w+)\s*:")


@rule("python2_syntax", always=True, needs_ast=False)
def python2_syntax(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """Convert Python 2 ``print x, y`` statements and ``except E, e:`` clauses to Python 3."""
    if _syntax_error(code) is None:
        return None
    changed = False
    out = []
    for line in code.split("\n"):
        match = _PY2_PRINT.match(line)
        if match and not line.strip().startswith("print("):
            args = (match["args"] or "").rstrip()
            end = ""
            if args.endswith(","):
                args, end = args[:-1].rstrip(), ', end=" "'
            comment = f"  {match['comment']}" if match["comment"] else ""
            line = f"{match['indent']}print({args}{end}){comment}"
            changed = True
        else:
            exc = _PY2_EXCEPT.match(line)
            if exc:
                line = f"{exc['head']} as {exc['name']}:" + line[exc.end() :]
                changed = True
        out.append(line)
    if not changed:
        return None
    return RuleEdit("\n".join(out), "Converted Python 2 print statements to print() calls")


@rule("missing_colon", always=True, needs_ast=False)
def missing_colon(code: str, analysis: ErrorAnalysis) -> RuleEdit | None:
    """Add the ``:`` missing at the end of a ``def``/``if``/``for``/``class`` header line."""
    error = _syntax_error(code)
    if error is None or "expected ':'" not in (error.msg or "") or not error.lineno:
        return None
    lines = code.split("\n")
    index = error.lineno - 1
    if not 0 <= index < len(lines):
        return None
    line = lines[index]
    body, hash_, comment = line.partition("  #")
    if not re.match(
        r"^\s*(?:async\s+)?(?:def|class|if|elif|else|for|while|with|try|except|finally)\b", body
    ):
        return None
    lines[index] = body.rstrip() + ":" + (f"  #{comment}" if hash_ else "")
    return RuleEdit("\n".join(lines), f"Added the missing ':' on line {error.lineno}")
