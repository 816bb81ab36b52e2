"""A small all-parses parser combinator library with memoisation (a chart parser in effect).

Each parser maps ``(state, position)`` to every ``(value, end)`` it can produce from there,
memoised per position, so alternatives and optional parts cost polynomial time and a whole
sentence yields every complete reading. A builder may return :data:`REJECT` to veto a reading
(a semantic check inside the grammar).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from Backtest.llm.offline.lexer import Lexeme

Result = list[tuple[Any, int]]
REJECT = object()
MAX_RESULTS = 64  # per parser and position: more readings than this is noise, not English


class State:
    """The lexemes of one sentence, the memo table and how far any parser got."""

    def __init__(self, lexemes: Sequence[Lexeme]) -> None:
        self.lexemes = list(lexemes)
        self.memo: dict[tuple[int, int], Result] = {}
        self.furthest = 0

    def at(self, i: int) -> Lexeme | None:
        return self.lexemes[i] if i < len(self.lexemes) else None


class Parser:
    """A parsing function with memoisation; combine with :func:`seq`, :func:`alt` ..."""

    def __init__(self, fn: Callable[[State, int], Result], name: str = "") -> None:
        self.fn = fn
        self.name = name

    def __call__(self, state: State, i: int) -> Result:
        key = (id(self), i)
        if key in state.memo:
            return state.memo[key]
        state.memo[key] = []  # a (left-)recursive call at the same position yields nothing
        results = _dedupe(self.fn(state, i))[:MAX_RESULTS]
        state.memo[key] = results
        for _, end in results:
            state.furthest = max(state.furthest, end)
        return results

    def __repr__(self) -> str:
        return f"Parser({self.name})"


def _dedupe(results: Result) -> Result:
    seen: set[Any] = set()
    out: Result = []
    for value, end in results:
        try:
            key: Any = (end, value)
            hash(key)
        except TypeError:
            key = (end, repr(value))
        if key not in seen:
            seen.add(key)
            out.append((value, end))
    return out


def tok(*kinds: str, when: Callable[[Lexeme], bool] | None = None) -> Parser:
    """One lexeme of one of ``kinds`` (value: the lexeme)."""

    def run(state: State, i: int) -> Result:
        lexeme = state.at(i)
        if lexeme is None or lexeme.kind not in kinds:
            return []
        if when is not None and not when(lexeme):
            return []
        return [(lexeme, i + 1)]

    return Parser(run, "|".join(kinds))


def seq(*parsers: Parser, build: Callable[..., Any] | None = None, name: str = "") -> Parser:
    """Every way to read ``parsers`` one after the other; ``build(*values)`` makes the value."""

    def run(state: State, i: int) -> Result:
        partial: list[tuple[tuple[Any, ...], int]] = [((), i)]
        for parser in parsers:
            extended = []
            for values, j in partial:
                for value, k in parser(state, j):
                    extended.append(((*values, value), k))
            if not extended:
                return []
            partial = extended[: MAX_RESULTS * 4]
        out: Result = []
        for values, j in partial:
            value = build(*values) if build is not None else values
            if value is not REJECT:
                out.append((value, j))
        return out

    return Parser(run, name or "seq")


def alt(*parsers: Parser, name: str = "") -> Parser:
    """The readings of every alternative."""

    def run(state: State, i: int) -> Result:
        out: Result = []
        for parser in parsers:
            out.extend(parser(state, i))
        return out

    return Parser(run, name or "alt")


def opt(parser: Parser, default: Any = None) -> Parser:
    """``parser`` or nothing (value ``default``)."""

    def run(state: State, i: int) -> Result:
        return [*parser(state, i), (default, i)]

    return Parser(run, "opt")


def many(parser: Parser, minimum: int = 0) -> Parser:
    """Zero (or ``minimum``) or more repetitions; value: a tuple of the values."""

    def run(state: State, i: int) -> Result:
        out: Result = []
        frontier: list[tuple[tuple[Any, ...], int]] = [((), i)]
        while frontier:
            nxt = []
            for values, j in frontier:
                if len(values) >= minimum:
                    out.append((values, j))
                for value, k in parser(state, j):
                    if k > j:
                        nxt.append(((*values, value), k))
            frontier = nxt[: MAX_RESULTS * 4]
        return out

    return Parser(run, "many")


def lazy(factory: Callable[[], Parser]) -> Parser:
    """A parser defined later (for recursive rules)."""
    cache: list[Parser] = []

    def run(state: State, i: int) -> Result:
        if not cache:
            cache.append(factory())
        return cache[0](state, i)

    return Parser(run, "lazy")


def longest(parser: Parser) -> Parser:
    """Only the readings of ``parser`` that reach furthest (a list read whole, never a prefix
    of it that leaves the rest to be read some other way)."""

    def run(state: State, i: int) -> Result:
        results = parser(state, i)
        end = max((j for _, j in results), default=i)
        return [(value, j) for value, j in results if j == end]

    return Parser(run, "longest")
