"""The parser's intermediate shapes: indicator uses, series, conditions and rule trees.

They are independent of spec ids (those are assigned when the spec is built), hashable, and
know how to describe themselves in English for the ``understood`` list.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

_OP_WORDS = {
    "<": "is below",
    ">": "is above",
    "<=": "is at or below",
    ">=": "is at or above",
    "crosses_above": "crosses above",
    "crosses_below": "crosses below",
    "cross": "crosses",
}
FLIP = {
    "<": ">",
    ">": "<",
    "<=": ">=",
    ">=": "<=",
    "crosses_above": "crosses_below",
    "crosses_below": "crosses_above",
    "cross": "cross",
}


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


@dataclass(frozen=True)
class Mention:
    """An indicator as written: name plus whatever numbers and words came with it."""

    name: str
    numbers: tuple[float, ...] = ()
    speed: str | None = None  # "fast" / "slow" when written without a period
    role: str | None = None  # output word: "signal", "hist", "upper", "k" ...
    source: str | None = None  # price field for single-input indicators (volume SMA)
    text: str = ""


@dataclass(frozen=True)
class Ind:
    """One concrete indicator instance: registry name, every tunable parameter, source."""

    name: str
    params: tuple[tuple[str, int | float], ...]
    source: str | None = None

    def label(self) -> str:
        """``SMA(10)``, ``MACD(8,21,5)``, ``SMA(20) of Volume``."""
        args = ",".join(_number(v) for k, v in self.params if not k.endswith("matype"))
        text = f"{self.name}({args})" if args else self.name
        return f"{text} of {self.source}" if self.source else text


@dataclass(frozen=True)
class Ser:
    """A series: one indicator output or a price field, optionally some bars back."""

    ind: Ind | None = None
    price: str | None = None
    output: str | None = None
    bars_ago: int = 0

    def ago(self, bars: int) -> Ser:
        """The same series ``bars`` further back."""
        return replace(self, bars_ago=self.bars_ago + bars)

    def describe(self) -> str:
        """English label, e.g. ``MACD(12,26,9) macdsignal`` or ``High 1 bar ago``."""
        if self.ind is None:
            text = str(self.price)
        else:
            text = self.ind.label()
            if self.output is not None:
                text = f"{text} {self.output}"
        if self.bars_ago:
            text += f" {self.bars_ago} bar{'s' if self.bars_ago > 1 else ''} ago"
        return text


Operand = Ser | float


def describe_operand(operand: Operand) -> str:
    """English label of a series or a number."""
    return operand.describe() if isinstance(operand, Ser) else _number(operand)


@dataclass(frozen=True)
class Cond:
    """``left op right``; op ``cross`` means "crosses, direction decided by the rule's role"."""

    left: Operand
    op: str
    right: Operand
    # Written with a motion verb ("rises above 70") rather than "crosses": an exit may read
    # it as a level. Not part of equality: the same comparison however it was phrased.
    motion: bool = field(default=False, compare=False)

    def describe(self) -> str:
        """English rendering: ``RSI(14) is below 30``."""
        left, right = describe_operand(self.left), describe_operand(self.right)
        return f"{left} {_OP_WORDS[self.op]} {right}"

    def flipped(self) -> Cond:
        """The opposite comparison on the same operands."""
        return Cond(self.left, FLIP[self.op], self.right)


@dataclass(frozen=True)
class Group:
    """``all`` (and) / ``any`` (or) of conditions or nested groups."""

    logic: str
    items: tuple[Node, ...]

    def describe(self) -> str:
        """English rendering with "and"/"or" and parentheses for nesting."""
        joiner = " and " if self.logic == "all" else " or "
        parts = [f"({i.describe()})" if isinstance(i, Group) else i.describe() for i in self.items]
        return joiner.join(parts)


Node = Cond | Group


def combine(logic: str, nodes: list[Node]) -> Node:
    """Join nodes, flattening same-logic groups and dropping duplicates; one node stays as is."""
    items: list[Node] = []
    for node in nodes:
        children = node.items if isinstance(node, Group) and node.logic == logic else (node,)
        items.extend(child for child in children if child not in items)
    return items[0] if len(items) == 1 else Group(logic, tuple(items))


def conditions(node: Node) -> list[Cond]:
    """Every leaf condition, depth first."""
    if isinstance(node, Cond):
        return [node]
    return [cond for item in node.items for cond in conditions(item)]


def map_conditions(node: Node, func) -> Node:
    """Apply ``func`` to every leaf, keeping the tree's shape."""
    if isinstance(node, Cond):
        return func(node)
    return Group(node.logic, tuple(map_conditions(item, func) for item in node.items))
