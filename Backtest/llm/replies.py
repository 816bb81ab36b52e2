"""Reading code out of an LLM's reply: the one place that knows the shapes replies come in.

Used by the generator, the fixer's LLM fallback and the chat editor.
"""

from __future__ import annotations

import ast
import re
import textwrap

__all__ = ["extract_code"]

_FENCE = re.compile(r"```[ \t]*(?P<lang>[A-Za-z0-9_+.-]*)[^\n]*\n(?P<body>.*?)(?:```|\Z)", re.S)
_STRATEGY_CLASS = re.compile(r"^\s*class\s+\w+\s*\([^)]*Strategy[^)]*\)\s*:", re.M)
_CODE_START = re.compile(r"^(?:from\s+\w|import\s+\w|class\s+\w|@|def\s+\w|\"\"\"|#)", re.M)
_PYTHON_TAGS = frozenset({"", "python", "py", "python3"})


def _parses(code: str) -> bool:
    try:
        ast.parse(code)
    except (SyntaxError, ValueError):
        return False
    return True


def _bare_code(reply: str) -> str:
    """Code in a reply without fences: from the first code-like line, minus trailing prose."""
    match = _CODE_START.search(reply)
    if match is None:
        return ""
    lines = reply[match.start() :].rstrip().split("\n")
    # Drop trailing prose ("This strategy buys when ...") until the rest parses.
    for end in range(len(lines), max(len(lines) - 40, 0), -1):
        candidate = "\n".join(lines[:end]).rstrip()
        if _parses(candidate):
            return candidate
    return "\n".join(lines).strip()


def extract_code(reply: str) -> str:
    """The strategy module in an LLM reply ("" when there is none).

    Fenced blocks win; among several, the one defining a ``Strategy`` subclass, preferring
    python-tagged and longer ones. Without fences the reply is taken from its first code-like
    line, with trailing prose removed. A fence the model never closed is read to the end.
    """
    text = reply.replace("\r\n", "\n").replace("\ufeff", "").strip()
    if not text:
        return ""
    blocks = [(m["lang"].lower(), m["body"]) for m in _FENCE.finditer(text)]
    blocks = [(lang, textwrap.dedent(body).strip()) for lang, body in blocks if body.strip()]
    if blocks:
        with_class = [b for b in blocks if _STRATEGY_CLASS.search(b[1])]
        pool = with_class or [b for b in blocks if b[0] in _PYTHON_TAGS] or blocks
        lang, body = max(pool, key=lambda b: (b[0] in _PYTHON_TAGS, len(b[1])))
        return body + "\n"
    code = _bare_code(text)
    return code + "\n" if code else ""
