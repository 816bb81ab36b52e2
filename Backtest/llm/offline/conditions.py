"""Step 5 of the pipeline: read the conditions of one clause into a rule tree.

A clause body is split at "or" (alternatives) and at "and"/"while"/"when" (conjuncts); each
conjunct is scanned left to right as ``operand comparator operand`` with these completions:

* no subject: "closes above X" and comparisons with a price-scale series mean the close;
  comparisons with a number continue the previous subject ("%K crosses above %D below 20");
* no object after a cross: the indicator's partner line (MACD -> signal, %K -> %D), else the
  previous condition's other operand ("sell when it crosses back below");
* "oversold"/"overbought" use the oscillator named nearby, else the one the text names,
  else RSI(14), with the standard thresholds unless a number is given next to them.

Fragments that say something but yield no condition are reported, never dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from Backtest.llm.offline import actions as act
from Backtest.llm.offline import vocabulary as v
from Backtest.llm.offline.conditions_special import SpecialConditions
from Backtest.llm.offline.lexer import Lex
from Backtest.llm.offline.model import Cond, Group, Mention, Node, Ser, combine
from Backtest.llm.offline.model import conditions as conditions_of
from Backtest.llm.offline.operands import (
    finalise,
    is_average,
    is_price,
    price_scale,
)
from Backtest.llm.offline.resolve import Context, Operand

_OPERANDS = frozenset(
    {"ind", "outref", "price", "channel", "num", "zero", "centre", "itsavg", "pron", "pair"}
    | {"speedref"}
)
_CONJUNCT_BREAKS = frozenset({"and", "marker"})


@dataclass
class ClauseResult:
    """The rule tree of a clause (None when nothing was recognised) and what went wrong."""

    node: Node | None
    # (fragment + reason, rule_like): rule-like fragments name indicators or comparisons
    failed: list[tuple[str, bool]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # stray words next to good conditions


def _split(items: list[Lex], kinds: frozenset[str]) -> list[list[Lex]]:
    parts: list[list[Lex]] = [[]]
    for lex in items:
        splits = lex.kind in kinds or (lex.kind == "filter" and lex.extra.get("splits"))
        if splits and "and" in kinds or lex.kind in kinds:
            parts.append([])
        else:
            parts[-1].append(lex)
    return [part for part in parts if part]


def parse_clause(body: list[Lex], ctx: Context) -> ClauseResult:
    """Parse a clause body; "X then Y" keeps Y plus the non-event conditions of X.

    Spec 1.0 has no memory between bars, so a sequence of events cannot be expressed; the last
    event (which implies the earlier ones happened) is kept and a warning says so.
    """
    steps = _split(body, frozenset({"then"}))
    if len(steps) <= 1:
        return _parse_step(body, ctx)
    results = [_parse_step(step, ctx) for step in steps]
    final = results[-1]
    kept: list[Node] = []
    for earlier in results[:-1]:
        final.failed += earlier.failed
        final.ignored += earlier.ignored
        if earlier.node is None:
            continue
        events = [c for c in conditions_of(earlier.node) if c.op.startswith("cross")]
        if events and final.node is not None:
            ctx.warnings.append(
                f"'{earlier.node.describe()}' then '{final.node.describe()}': sequences of "
                "events cannot be expressed; kept the last step"
            )
            kept += [c for c in conditions_of(earlier.node) if not c.op.startswith("cross")]
        else:
            kept.append(earlier.node)
    if final.node is not None:
        final.node = combine("all", [*kept, final.node])
    return final


def _parse_step(body: list[Lex], ctx: Context) -> ClauseResult:
    """Parse a clause body into ``any`` of ``all`` groups."""
    result = ClauseResult(None)
    alternatives: list[Node] = []
    for alternative in _split(body, frozenset({"or"})):
        conjuncts: list[Node] = []
        for part in _split(alternative, _CONJUNCT_BREAKS):
            scan = _Scan(part, ctx)
            nodes = scan.run()
            text = " ".join(lex.text for lex in part if lex.text)
            if scan.fatal:
                result.failed.append((f"'{text}': {'; '.join(scan.fatal)}", True))
            elif nodes and scan.leftover:
                reason = f"'{scan.leftover}' is not part of any comparison"
                result.failed.append((f"'{text}': {reason}", True))
            elif nodes:
                if scan.words:
                    result.ignored.append(f"'{' '.join(scan.words)}' in '{text}'")
            elif scan.says_something and not scan.declaration:
                reason = "; ".join(scan.problems) or "no condition recognised"
                result.failed.append((f"'{text}': {reason}", scan.rule_like))
            if not scan.fatal:
                conjuncts.extend(nodes)
        if conjuncts:
            alternatives.append(combine("all", conjuncts))
    if alternatives:
        result.node = combine("any", alternatives)
    return result


class _Scan(SpecialConditions):
    """Left-to-right reading of one conjunct."""

    def __init__(self, items: list[Lex], ctx: Context) -> None:
        skipped = ("either", "paren", "filter", "timing")
        self.items = [lex for lex in items if lex.kind not in skipped]
        self.ctx = ctx
        self.out: list[Node] = []
        self.words: list[str] = []
        self.problems: list[str] = []
        self.fatal: list[str] = []  # things the spec cannot express: never ignored
        self.says_something = False
        self.rule_like = False
        self.declaration = False  # just "RSI 14": names the subject of what follows
        self.leftover: str | None = None  # an operand left over after the conditions
        self.left: Operand | list[Ser] | None = None
        self.pending: Lex | None = None
        self.plural: tuple[str, list[Ser]] | None = None  # "both are below 20"
        self.i = 0

    # ---- driver ------------------------------------------------------------------------------
    def run(self) -> list[Node]:
        """Scan every lexeme; return the conditions found."""
        while self.i < len(self.items):
            lex = self.items[self.i]
            self.i += 1
            handler = getattr(self, f"_on_{lex.kind}", None)
            if lex.kind in _OPERANDS:
                self.says_something = self.rule_like = True
                self._on_operand(lex)
            elif handler is not None:
                self.says_something = self.rule_like = True
                handler(lex)
            elif lex.kind == "word" and lex.value not in act.FILLER:
                self.says_something = True
                self.words.append(lex.text)
        self._finish()
        return self.out

    def _finish(self) -> None:
        if self.pending is not None:
            self._complete_pending()
        elif isinstance(self.left, list):
            self._emit(self.left[0], Lex("cmp", "", "cross"), self.left[1])
        elif isinstance(self.left, Ser) and not self.out and not self.words:
            if self.left.ind is not None and sum(i.kind != "word" for i in self.items) == 1:
                self.declaration = True  # "Simple RSI strategy: RSI 14, buy below 30"
                self.ctx.last_subject = self.left
            else:
                self.problems.append("a value with no comparison")
        elif self.left is not None and not self.out:
            self.problems.append("a value with no comparison")
        elif isinstance(self.left, Ser) and not self._restates(self.left):
            self.leftover = self.left.describe()  # "... natr": something was not understood

    # ---- operands ----------------------------------------------------------------------------
    def _operand(self, lex: Lex) -> Operand | list[Ser] | None:
        kind, value = lex.kind, lex.value
        ctx = self.ctx
        if kind == "ind":
            return ctx.mention_series(value)
        if kind == "pair":
            first, second = (ctx.mention_series(m) for m in value)
            return None if first is None or second is None else [first, second]
        if kind == "outref":
            return ctx.outref(value)
        if kind == "price":
            field_name, bars_ago = value
            return Ser(price=field_name, bars_ago=bars_ago)
        if kind == "channel":
            return ctx.channel(*value, lex.extra.get("default", False))
        if kind in ("num", "zero"):
            return float(value)
        if kind == "centre":
            subject = self._subject()
            name = subject.ind.name if isinstance(subject, Ser) and subject.ind else None
            return float(v.CENTRE.get(name or "", 0))
        if kind == "pron":
            if self.pending is None:  # "it crosses ...": the previous subject
                return ctx.pronoun(None)
            return ctx.pronoun(self._subject())  # "... rises back above it": the other operand
        if kind == "itsavg":
            return self._its_average(lex)
        if kind == "speedref":
            return ctx.speed_ref(value)
        return None

    def _its_average(self, lex: Lex) -> Ser | None:
        name, period = lex.value
        subject = self._subject_or_none()
        if isinstance(subject, Ser) and subject.ind is None and subject.bars_ago == 0:
            numbers = (period,) if period else ()
            if not period:
                self.ctx.note_default("20-bar average for 'average' with no period")
                numbers = (20.0,)
            return self.ctx.mention_series(Mention(name, numbers, source=subject.price))
        text = f"{subject.describe() if isinstance(subject, Ser) else '?'} {lex.text}"
        self.fatal.append(v.INDICATOR_OF_INDICATOR_MESSAGE.format(text=text))
        return None

    def _on_operand(self, lex: Lex) -> None:
        operand = self._operand(lex)
        if operand is None:
            if lex.kind not in ("itsavg",):
                self.problems.append(f"cannot resolve '{lex.text}'")
            self.pending = None
            return
        if self.pending is None:
            self.left = operand
            return
        if isinstance(operand, list):  # "above the 50 and 200 SMA": above both
            left = self.left if not isinstance(self.left, list) else None
            for item in operand:
                self._emit(left, self.pending, item)
        else:
            left = self.left if not isinstance(self.left, list) else None
            self._emit(left, self.pending, operand)
        self.left, self.pending = None, None

    def _subject_or_none(self) -> Operand | None:
        if self.left is not None and not isinstance(self.left, list):
            return self.left
        return None

    def _subject(self) -> Operand | None:
        return self._subject_or_none() or self.ctx.last_subject

    # ---- comparisons ---------------------------------------------------------------------------
    def _on_cmp(self, lex: Lex) -> None:
        if lex.value == "between":
            low, high = lex.extra["bounds"]
            subject = self._subject()
            if isinstance(subject, Ser):
                self._emit(subject, Lex("cmp", "", ">"), low)
                self._emit(subject, Lex("cmp", "", "<"), high)
                self.left = None
            else:
                self.problems.append(f"'{lex.text}' has no subject")
            return
        if self.pending is not None and self.left is None:
            return  # "drops below ... under": keep the first comparator
        self.pending = lex

    def _on_fromdir(self, lex: Lex) -> None:
        """Give an undirected cross its direction ("crosses the 26 EMA from below").

        "crosses above %D from below 20" instead says where the crossing happens: below 20.
        """
        nxt = self.items[self.i] if self.i < len(self.items) else None
        last = self.out[-1] if self.out else None
        if nxt is not None and nxt.kind == "num" and isinstance(last, Cond):
            self.i += 1
            op = "<" if lex.value == "crosses_above" else ">"
            self._emit(last.left, Lex("cmp", lex.text, op), float(nxt.value))
            return
        if self.pending is not None and self.pending.value == "cross":
            self.pending = Lex("cmp", self.pending.text, lex.value, dict(self.pending.extra))
            return
        last = self.out[-1] if self.out else None
        if isinstance(last, Cond) and last.op == "cross":
            self.out[-1] = Cond(last.left, lex.value, last.right)
            self.ctx.record(self.out[-1])  # type: ignore[arg-type]

    def _on_implicit(self, lex: Lex) -> None:
        op, right = lex.value
        if self._plural_emit(lambda s: (op, s.ago(1) if right == "prev" else float(right))):
            self.left = None
            return
        subject = self._subject()
        if not isinstance(subject, Ser):
            self.problems.append(f"'{lex.text}' has no subject")
            return
        target = subject.ago(1) if right == "prev" else float(right)
        self._emit(subject, Lex("cmp", lex.text, op), target)
        self.left = None

    def _restates(self, series: Ser) -> bool:
        """Whether a leftover operand just repeats one the conditions use ("(RSI 14)")."""
        conds = conditions_of(combine("all", self.out))
        used = {o.ind for c in conds for o in (c.left, c.right) if isinstance(o, Ser)}
        return series.ind is not None and series.ind in used

    def _complete_pending(self) -> None:
        """A comparator with nothing after it: partner line, or the previous comparison."""
        pending, left = self.pending, self.left
        self.pending = None
        if isinstance(left, list):
            self._emit(left[0], pending, left[1])
            return
        last = self.ctx.last_cond
        subject = left if left is not None else self.ctx.last_subject
        if isinstance(subject, Ser) and subject.ind is not None and subject.output:
            partner = v.PARTNER_OUTPUT.get((subject.ind.name, subject.output))
            if partner is not None:
                self._emit(subject, pending, Ser(ind=subject.ind, output=partner))
                return
        if last is not None and subject is not None:
            if last.left == subject:
                self._emit(subject, pending, last.right)
                return
            if last.right == subject:
                self._emit(subject, pending, last.left)
                return
        self.problems.append(f"'{pending.text}' compares with nothing")

    def _plural_emit(self, make: Callable[[Ser], tuple[str, Operand]]) -> bool:
        """Apply one comparison to every series a plural subject names; False if none."""
        if self.plural is None:
            return False
        logic, subjects = self.plural
        self.plural = None
        conds: list[Node] = [finalise(subject, *make(subject)) for subject in subjects]
        self.out.append(combine(logic, conds))
        self.ctx.record(conds[0])  # type: ignore[arg-type]
        return True

    def _emit(self, left: Operand | None, cmp: Lex, right: Operand) -> None:
        op = cmp.value
        if left is None and self._plural_emit(lambda _subject: (op, right)):
            return
        last = self.out[-1] if self.out and isinstance(self.out[-1], Cond) else None
        if left is None and last is not None and price_scale(last.right) and price_scale(right):
            left = last.right  # "price > EMA 50 > EMA 200": chained comparison
        if left is None:
            if cmp.extra.get("price_verb") or price_scale(right):
                left = Ser(price="Close")
            else:
                left = self.ctx.last_subject
        if left is None:
            self.problems.append(f"'{cmp.text}' has no subject")
            return
        indicator_left = isinstance(left, Ser) and left.ind is not None
        if cmp.extra.get("price_verb") and indicator_left and is_price(right):
            left, right = right, left  # "the SMA ... closes above it": price is the subject
        period = isinstance(left, float) and left.is_integer() and left >= 2
        if period and isinstance(right, Ser) and right.ind is not None and is_average(right):
            # "50 > 200 SMA": the bare number is the period of a second moving average
            mention = Mention(right.ind.name, (left,), source=right.ind.source)  # type: ignore[arg-type]
            left = self.ctx.mention_series(mention) or left
        if not isinstance(left, Ser) and not isinstance(right, Ser):
            self.problems.append("a comparison between two numbers")
            return
        node = finalise(left, op, right)
        if isinstance(node, Cond) and cmp.extra.get("motion"):
            node = Cond(node.left, node.op, node.right, motion=True)
        self.out.append(node)
        self.ctx.record(node if isinstance(node, Cond) else conditions_of(node)[0])

    # ---- special conditions ------------------------------------------------------------------

    def _on_unsupported(self, lex: Lex) -> None:
        self.fatal.append(lex.value)

    def _on_bbdev(self, lex: Lex) -> None:
        """Deviations were applied globally before parsing; nothing to do here."""


def as_group(nodes: list[Node]) -> Node | None:
    """``all`` of the nodes (None when empty)."""
    return combine("all", nodes) if nodes else None


__all__ = ["ClauseResult", "Group", "as_group", "parse_clause"]
