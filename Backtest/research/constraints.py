"""Constraint expressions over strategy parameters, parsed into a safe tree and evaluated here.

``fast < slow and (slow - fast) >= 5`` -> a tree of names, numbers, comparisons, ``and`` /
``or`` / ``not``, ``+ - * /`` and parentheses. Nothing else exists in the grammar, so nothing
else can run: the text is never handed to Python's ``eval``/``compile`` (it comes from the
web). Errors name the offending token and its position; unknown names are refused up front.

    constraint = parse_constraint("fast < slow", names={"fast", "slow"})
    constraint({"fast": 10, "slow": 20})  # True
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from Backtest.research.errors import ResearchInputError

__all__ = ["Constraint", "ConstraintError", "parse_constraint"]

MAX_LENGTH = 500
MAX_DEPTH = 40

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><=|>=|==|!=|<|>|\+|-|\*|/|\(|\))
    """,
    re.VERBOSE,
)
_KEYWORDS = {"and", "or", "not"}
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
_ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
}


class ConstraintError(ResearchInputError):
    """The constraint cannot be parsed or evaluated; ``details`` name the token or names."""

    default_code = "invalid_constraint"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message, details={"fields": {"constraint": [message]}, **details})


@dataclass(frozen=True)
class _Token:
    kind: str  # number, name, keyword, op, end
    text: str
    position: int


@dataclass(frozen=True)
class _Number:
    value: float | int


@dataclass(frozen=True)
class _Name:
    name: str


@dataclass(frozen=True)
class _Unary:
    op: str  # "-", "+", "not"
    operand: _Node


@dataclass(frozen=True)
class _Binary:
    op: str  # + - * / and or
    left: _Node
    right: _Node


@dataclass(frozen=True)
class _Compare:
    first: _Node
    rest: tuple[tuple[str, _Node], ...]  # a < b <= c, as in Python


_Node = _Number | _Name | _Unary | _Binary | _Compare


def _tokens(text: str) -> list[_Token]:
    out: list[_Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            bad = text[position]
            raise ConstraintError(
                f"Unexpected character {bad!r} at position {position} of the constraint; "
                "use parameter names, numbers, < <= > >= == !=, and/or/not, + - * / and "
                "parentheses.",
                token=bad,
                position=position,
            )
        kind = match.lastgroup or ""
        if kind != "space":
            word = match.group()
            if kind == "name" and word in _KEYWORDS:
                kind = "keyword"
            out.append(_Token(kind, word, position))
        position = match.end()
    out.append(_Token("end", "", len(text)))
    return out


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def accept(self, *texts: str) -> _Token | None:
        token = self.current
        if token.kind in ("op", "keyword") and token.text in texts:
            return self.take()
        return None

    def fail(self, expected: str) -> ConstraintError:
        token = self.current
        shown = "end" if token.kind == "end" else repr(token.text)
        return ConstraintError(
            f"Unexpected {shown} at position {token.position} of the constraint; "
            f"expected {expected}.",
            token=token.text,
            position=token.position,
        )

    def nested(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ConstraintError(f"The constraint nests deeper than {MAX_DEPTH} levels.")

    def parse(self) -> _Node:
        node = self.or_expr()
        if self.current.kind != "end":
            raise self.fail("an operator (and, or, a comparison, + - * /) or the end")
        return node

    def or_expr(self) -> _Node:
        node = self.and_expr()
        while self.accept("or"):
            node = _Binary("or", node, self.and_expr())
        return node

    def and_expr(self) -> _Node:
        node = self.not_expr()
        while self.accept("and"):
            node = _Binary("and", node, self.not_expr())
        return node

    def not_expr(self) -> _Node:
        if self.accept("not"):
            self.nested()
            node = _Unary("not", self.not_expr())
            self.depth -= 1
            return node
        return self.comparison()

    def comparison(self) -> _Node:
        first = self.arith()
        rest: list[tuple[str, _Node]] = []
        while (token := self.accept(*_COMPARE)) is not None:
            rest.append((token.text, self.arith()))
        return _Compare(first, tuple(rest)) if rest else first

    def arith(self) -> _Node:
        node = self.term()
        while (token := self.accept("+", "-")) is not None:
            node = _Binary(token.text, node, self.term())
        return node

    def term(self) -> _Node:
        node = self.unary()
        while (token := self.accept("*", "/")) is not None:
            node = _Binary(token.text, node, self.unary())
        return node

    def unary(self) -> _Node:
        if (token := self.accept("-", "+")) is not None:
            self.nested()
            node = _Unary(token.text, self.unary())
            self.depth -= 1
            return node
        return self.atom()

    def atom(self) -> _Node:
        token = self.current
        if token.kind == "number":
            self.take()
            value = float(token.text)
            is_int = value.is_integer() and not re.search(r"[.eE]", token.text)
            return _Number(int(token.text) if is_int else value)
        if token.kind == "name":
            self.take()
            return _Name(token.text)
        if self.accept("("):
            self.nested()
            node = self.or_expr()
            self.depth -= 1
            if not self.accept(")"):
                raise self.fail("')'")
            return node
        raise self.fail("a parameter name, a number or '('")


def _names(node: _Node) -> set[str]:
    if isinstance(node, _Name):
        return {node.name}
    if isinstance(node, _Unary):
        return _names(node.operand)
    if isinstance(node, _Binary):
        return _names(node.left) | _names(node.right)
    if isinstance(node, _Compare):
        found = _names(node.first)
        for _, operand in node.rest:
            found |= _names(operand)
        return found
    return set()


def _evaluate(node: _Node, params: Mapping[str, Any]) -> Any:
    if isinstance(node, _Number):
        return node.value
    if isinstance(node, _Name):
        return params[node.name]
    if isinstance(node, _Unary):
        value = _evaluate(node.operand, params)
        if node.op == "not":
            return not value
        return -value if node.op == "-" else +value
    if isinstance(node, _Binary):
        if node.op == "and":
            return bool(_evaluate(node.left, params)) and bool(_evaluate(node.right, params))
        if node.op == "or":
            return bool(_evaluate(node.left, params)) or bool(_evaluate(node.right, params))
        return _ARITH[node.op](_evaluate(node.left, params), _evaluate(node.right, params))
    left = _evaluate(node.first, params)
    for op, operand in node.rest:
        right = _evaluate(operand, params)
        if not _COMPARE[op](left, right):
            return False
        left = right
    return True


@dataclass(frozen=True)
class Constraint:
    """A parsed constraint: call it with a parameter dict to get True (admissible) or False."""

    text: str
    tree: _Node
    names: frozenset[str]

    def __call__(self, params: Mapping[str, Any]) -> bool:
        try:
            value = _evaluate(self.tree, params)
        except ZeroDivisionError:
            raise ConstraintError(
                f"The constraint divides by zero for {_shown(params, self.names)}.",
                params=dict(params),
            ) from None
        except TypeError:
            raise ConstraintError(
                f"The constraint cannot compare or compute with these values: "
                f"{_shown(params, self.names)}.",
                params=dict(params),
            ) from None
        if isinstance(value, float) and math.isnan(value):
            return False
        return bool(value)


def _shown(params: Mapping[str, Any], names: Collection[str]) -> str:
    return ", ".join(f"{name}={params.get(name)!r}" for name in sorted(names))


def parse_constraint(text: str, *, names: Collection[str]) -> Constraint:
    """Parse ``text``; every name in it must be one of ``names`` (the optimised parameters).

    Raises :class:`ConstraintError` naming the bad token (and its position) or the unknown
    names. ``names`` are what the optimisation varies: a constraint on anything else would
    compare against nothing.
    """
    if not isinstance(text, str) or not text.strip():
        raise ConstraintError("The constraint is empty; leave it out to test every combination.")
    if len(text) > MAX_LENGTH:
        raise ConstraintError(f"The constraint is longer than {MAX_LENGTH} characters.")
    tree = _Parser(_tokens(text)).parse()
    used = _names(tree)
    unknown = sorted(used - set(names))
    if unknown:
        listed = ", ".join(unknown)
        raise ConstraintError(
            f"The constraint names {listed}, which {'is' if len(unknown) == 1 else 'are'} not "
            f"among the optimised parameters ({', '.join(sorted(names)) or 'none'}).",
            unknown=unknown,
        )
    return Constraint(text=text, tree=tree, names=frozenset(used))
