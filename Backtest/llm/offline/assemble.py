"""Step 5: statements -> rules by role -> spec 2.0 JSON.

Roles: "buy" opens a long, "short"/"sell short" a short, "sell" closes a long (or opens a
short in a short-only description), "cover" closes a short, "exit"/"close" closes the side of
the entry before it. Several rules for one role are alternatives (any of them triggers);
conditions listed under an "Entry:" heading must all hold, under "Exit:" any one exits.
Filters ("only on Mondays", "never when ADX < 20", "unless ...") are conjuncts of the entries.
No rule is invented: a description without an exit has no exit rule (``understood_as`` says
so), one direction is never mirrored into the other unless the text asks ("vice versa").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from Backtest.llm.offline import ir
from Backtest.llm.offline import vocabulary as v
from Backtest.llm.offline.conditions import Resolver
from Backtest.llm.offline.resolve import (
    Arith,
    Context,
    Expr,
    Inst,
    ParseError,
    Problem,
    RCalendar,
    RCmp,
    RGroup,
    RHeld,
    RNode,
    RNot,
    Series,
)
from Backtest.llm.offline.vocabulary import MOVING_AVERAGES

ROLES = ("entry_long", "exit_long", "entry_short", "exit_short")
_LONG_WORD = re.compile(r"\blongs?\b")
_EXIT_VERBS = frozenset({"sell", "exit", "cover", "exit_n"})
_SPEC_RULE = {
    "entry_long": "entry",
    "exit_long": "exit",
    "entry_short": "short_entry",
    "exit_short": "short_exit",
}
_UPWARD = frozenset({"entry_long", "exit_short"})


# Capitalised chat words the lexer takes for tickers, which name no symbol.
_NOT_SYMBOLS = frozenset(
    {"IMO", "IMHO", "FYI", "LOL", "ASAP", "PS", "TBH", "AFAIK", "BTW", "OK", "TLDR", "NB"}
    | {"AKA", "DM", "PM", "AM", "ETA", "FWIW", "IIRC", "THX", "PLS", "PLZ", "TIA", "NFA"}
)


def symbol_note(symbol: str) -> str | None:
    """The note for a symbol the text names ("buy AAPL when ..."): the spec has none."""
    if symbol.upper() in _NOT_SYMBOLS:
        return None
    return f"symbol '{symbol}' is not part of the strategy; it runs on the symbol you choose"


@dataclass
class Assembly:
    """Everything read from the description, in spec terms."""

    ctx: Context
    rules: dict[str, list[tuple[RNode, bool]]] = field(default_factory=dict)  # role -> (node, or)
    filters: list[tuple[RNode, str | None]] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    side: str | None = None
    reverse: bool = False
    section: str | None = None
    last_entry_side: str = "long"
    crossover: tuple[Series, Series] | None = None
    declarations: int = 0  # declarations of indicators read so far
    mirrors: list[str] = field(default_factory=list)
    cross_mirrors: set[str] = field(default_factory=set)  # "on the opposite cross"
    # "crossing back under = exit": the direction written, and its words
    cross_directions: dict[str, tuple[str, ir.Span]] = field(default_factory=dict)
    # "the cross back over signal": the line named, which the mirrored crossing must cross
    cross_lines: dict[str, Expr] = field(default_factory=dict)
    # "Standard 14 period", "Standard 12/26/9"
    period_notes: list[ir.PeriodNote | ir.ParamsNote] = field(default_factory=list)
    # "buy only when X": conjuncts of the role's other rules (or its rule when alone)
    restrictions: dict[str, list[tuple[RNode, ir.Span]]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    no_exit: bool = False
    # "the only exit is a 3% trailing stop": its kind; no exit rule, no other stop or target
    only_exit: tuple[str, ir.Span] | None = None
    no_risk: list[tuple[str, ir.Span]] = field(default_factory=list)  # "No stops, no targets"
    # entries on a date or time window alone: (role, span, the verb said: "buy", "trade", ...)
    calendar_triggers: list[tuple[str, ir.Span, str]] = field(default_factory=list)
    time_unless_hit: bool = False  # "if neither is hit within N bars": needs a stop or target
    declared: list[tuple[Inst, ir.Span]] = field(default_factory=list)  # must be used by a rule
    # "MACD zero line strat": a rule must compare the indicator with zero
    zero_lines: list[tuple[Inst, ir.Span]] = field(default_factory=list)
    risk_sides: list[tuple[str, str, ir.Span]] = field(default_factory=list)  # "3% below entry"
    # "3% above your short entry": the side whose entry a stop or target was said of
    risk_entry_sides: list[tuple[str, str, ir.Span]] = field(default_factory=list)

    # ---- statements -------------------------------------------------------------------------
    conditions_are_entry: bool = False
    previous: ir.Statement | None = None  # the statement read last ("otherwise" needs it)
    # "Short." / "Long:" heading no condition or rule of its side yet: it must head one
    side_heading: ir.Heading | None = None
    # conditions listed with no action and no heading, waiting for "if both are true, buy"
    pending: list[tuple[RNode, ir.Span]] = field(default_factory=list)

    def add(self, statements: tuple[ir.Statement, ...], resolver: Resolver) -> None:
        for statement in statements:
            action = getattr(statement, "action", None)
            if isinstance(action, ir.Action) and action.ticker:
                self._symbol_note(action.ticker)
            try:
                if isinstance(statement, ir.Otherwise):
                    self._otherwise(statement)
                else:
                    self._statement(statement, resolver)
            except ParseError as exc:
                self.problems.append(exc.problem)
            self.previous = statement

    def _note(self, note: str) -> None:
        if note not in self.ctx.warnings:
            self.ctx.warnings.append(note)

    def _symbol_note(self, symbol: str) -> None:
        note = symbol_note(symbol)
        if note is not None:
            self._note(note)

    def _otherwise(self, statement: ir.Otherwise) -> None:
        previous = self.previous
        if not (isinstance(previous, ir.Filter) and isinstance(previous.cond, ir.Not)):
            raise ParseError(
                statement.span,
                "'otherwise' is only understood after a rule that keeps entries out "
                "('Never enter on a Friday. Otherwise buy when ...')",
            )

    def _role(self, verb: str, span: ir.Span, word: str = "") -> str:
        if verb in ("buy", "enter", "trade", "entry_n"):
            if self.side == "short" and verb == "buy":
                return "exit_short"  # "buy" closes a short in a short-only description
            role = "entry_short" if self.side == "short" else "entry_long"
        elif verb == "short":
            role = "entry_short"
        elif verb == "sell":
            role = "entry_short" if self.side == "short" else "exit_long"
        elif verb == "cover":
            role = "exit_short"
        elif verb == "exit" and _LONG_WORD.search(word):
            role = "exit_long"  # "Exit longs when ...": the long side, whatever came before
        else:  # exit, exit_n
            role = f"exit_{self.last_entry_side}"
        if role.startswith("entry"):
            self.last_entry_side = role.split("_")[1]
        return role

    def _headed(self, statement: ir.Statement) -> None:
        """A side heading ("Short.", "Long:") must head conditions or rules of its side: "Short.
        Buy when ..." (a long rule under it) is refused, never read as long."""
        heading = self.side_heading
        if heading is None or isinstance(statement, ir.Heading):
            return
        verb = statement.action.verb if isinstance(statement, ir.Rule) else None
        other = {"buy": ("short", "cover"), "short": ("buy",)}[heading.verb]
        if verb in other:
            self.side_heading = None
            raise ParseError(
                heading.span,
                f"'{self.ctx.quote(heading.span)}' heads a rule of the other side; say which "
                "side the strategy trades ('long only', 'short only' or 'both ways')",
            )
        if isinstance(statement, ir.Rule | ir.CondOnly):
            self.side_heading = None

    def unheaded(self) -> list[Problem]:
        """A side heading that headed nothing ("Buy when ... . Short.")."""
        if self.side_heading is None:
            return []
        span = self.side_heading.span
        return [Problem(span, f"'{self.ctx.quote(span)}' heads no rule")]

    def unplaced(self) -> list[Problem]:
        """Conditions listed with no action that no "if both are true, buy" took."""
        pending, self.pending = self.pending, []
        return [Problem(span, "a condition with no action (buy/sell?)") for _n, span in pending]

    def _all_before(self, statement: ir.AllBefore) -> None:
        """ "If 1 and 2 are both true, buy": the conditions listed before it, all required."""
        pending, self.pending = self.pending, []
        said = self.ctx.quote(statement.span)
        if not pending:
            raise ParseError(
                statement.span, f"'{said}' needs the conditions listed before it, with no action"
            )
        if statement.count is not None and statement.count != len(pending):
            raise ParseError(
                statement.span,
                f"'{said}' counts {statement.count} conditions, but {len(pending)} are listed "
                "before it",
            )
        action = statement.action
        node = pending[0][0]
        for other, _span in pending[1:]:
            node = RGroup("all", (node, other))
        self._add_rule(self._role(action.verb, action.span, action.word), node, True)
        self._note(f"'{said}': the {len(pending)} conditions listed before it, all required")

    def _statement(self, statement: ir.Statement, resolver: Resolver) -> None:
        self._headed(statement)
        if isinstance(statement, ir.Heading) and statement.verb in ("buy", "short"):
            self.side_heading = statement
        if isinstance(statement, ir.Rule):
            self._rule(
                statement.action, statement.cond, resolver, explicit=True, only=statement.only
            )
        elif isinstance(statement, ir.CondOnly):
            self._cond_only(statement, resolver)
        elif isinstance(statement, ir.AllBefore):
            self._all_before(statement)
        elif isinstance(statement, ir.Heading):
            self.section = statement.verb
        elif isinstance(statement, ir.Filter):
            if statement.verb in _EXIT_VERBS:
                # "Don't sell when RSI is below 50" restricts exits, not entries: the filters
                # here are conjuncts of the entries, so never apply it to them.
                raise ParseError(
                    _first_span(statement.cond),
                    "a condition that holds back an exit cannot be expressed; state when to "
                    "exit instead",
                )
            node = resolver.cond(statement.cond)
            self.filters.append((node, statement.verb))
        elif isinstance(statement, ir.Risk):
            self._setting(statement.kind, statement.distance)
            if statement.side_of_entry is not None:
                self.risk_sides.append((statement.kind, statement.side_of_entry, statement.span))
            if statement.entry_side is not None:
                self.risk_entry_sides.append((statement.kind, statement.entry_side, statement.span))
        elif isinstance(statement, ir.TargetAt):
            level = resolver.expr(statement.level)
            self._add_rule(
                f"exit_{self.last_entry_side}", RCmp(Series(price="Close"), "touch", level), True
            )
        elif isinstance(statement, ir.TimeExit):
            self._setting("time", statement.bars)
            self.time_unless_hit = self.time_unless_hit or statement.unless_hit
        elif isinstance(statement, ir.NoExit):
            self.no_exit = True
            if statement.only is not None:
                self.only_exit = (statement.only, statement.span)
        elif isinstance(statement, ir.NoRisk):
            self.no_risk += [(kind, statement.span) for kind in statement.kinds]
        elif isinstance(statement, ir.HoldWhile):
            node = resolver.cond(statement.cond)
            self._add_rule("exit_long", _not(node), True)
        elif isinstance(statement, ir.Size):
            self._size(statement)
        elif isinstance(statement, ir.OrderStmt):
            verb = "short" if statement.order.side == "sell" else "buy"
            action = ir.Action(verb, order=statement.order)
            if statement.cond is None:
                self._order(action.order, self._role(verb, (0, 0)), resolver)
            else:
                self._rule(action, statement.cond, resolver, explicit=True)
        elif isinstance(statement, ir.Side):
            self._side(statement.mode)
        elif isinstance(statement, ir.Mirror):
            role = self._role(statement.action.verb, statement.action.span, statement.action.word)
            self.mirrors.append(role)
            if statement.cross_only:
                self.cross_mirrors.add(role)
            if statement.direction is not None:
                self.cross_directions[role] = (statement.direction, statement.span)
            if statement.line is not None:
                self.cross_lines[role] = resolver.expr(statement.line)
        elif isinstance(statement, ir.Declare):
            self._declare(statement, resolver)
        elif isinstance(statement, ir.Timeframe):
            if statement.symbol:
                self._symbol_note(statement.text)
            else:
                self._note(f"bar size '{statement.text}' is chosen when the strategy is run")
        elif isinstance(statement, ir.Crossover):
            self._crossover(statement, resolver)
        elif isinstance(statement, ir.ZeroLine):
            self._declare(ir.Declare((statement.mention,)), resolver)
            self.zero_lines.append((self.declared[-1][0], statement.span))
        elif isinstance(statement, ir.PeriodNote | ir.ParamsNote):
            self.period_notes.append(statement)

    def _rule(
        self,
        action: ir.Action,
        cond: ir.Cond,
        resolver: Resolver,
        explicit: bool,
        only: bool = False,
    ) -> None:
        if isinstance(cond, ir.Event) and cond.kind == "opposite":
            self.mirrors.append(self._role(action.verb, action.span, action.word))
            return
        role = self._role(action.verb, action.span, action.word)
        resolver.ctx.new_rule()
        if action.traded and resolver.ctx.last_subject is None:
            resolver.ctx.last_subject = Series(price="Close")  # "short the stock when it ..."
        node = resolver.cond(cond)
        if only:
            self.restrictions.setdefault(role, []).append((node, _first_span(cond)))
        else:
            if role.startswith("entry") and is_calendar_only(node):
                self.calendar_triggers.append((role, _first_span(cond), action.verb))
            self._add_rule(role, node, explicit)
        if action.order is not None:
            self._order(action.order, role, resolver)
        if action.units is not None:
            self._size(ir.Size("units", action.units))
        if action.fraction is not None:
            self._size(ir.Size("equity_fraction", action.fraction / 100))

    def _cond_only(self, statement: ir.CondOnly, resolver: Resolver) -> None:
        verb = self.section
        if verb is None and self.conditions_are_entry:
            verb = "entry_n"
        if verb is None or verb == "filter":
            node = resolver.cond(statement.cond)
            if verb == "filter":
                self.filters.append((node, None))
                return
            self.pending.append((node, _first_span(statement.cond)))  # refused if still there
            return
        role = self._role("exit" if verb in ("exit_n", "exit", "sell", "cover") else verb, (0, 0))
        node = resolver.cond(statement.cond)
        entry_section = role.startswith("entry")
        # Entry bullets must all hold; exit bullets are alternatives.
        self._add_rule(role, node, not entry_section or statement.joiner == "or")

    def _add_rule(self, role: str, node: RNode, alternative: bool) -> None:
        self.rules.setdefault(role, []).append((node, alternative))

    def _setting(self, kind: str, value: Any) -> None:
        if kind in self.settings and self.settings[kind] != value:
            raise ParseError((0, 0), f"two different values are given for the {kind}")
        self.settings[kind] = value

    def _size(self, size: ir.Size) -> None:
        self._setting("size", (size.mode, size.value))
        if size.stop is not None:
            self._setting("stop", size.stop)

    def _order(self, order: ir.Order | None, role: str, resolver: Resolver) -> None:
        if order is None or order.price is None:
            raise ParseError((0, 0), "a limit or stop order needs its price")
        price = order.price
        if isinstance(price, ir.Channel) and price.previous and not price.prior:
            # "a buy stop at the highest high of the last 5 bars": the order is for the next
            # bar, so the last 5 bars are those up to the signal bar (the 5 before the fill);
            # "of the previous 5 bars" / "the prior 5-day high" are the 5 before the signal bar
            price = replace(price, previous=False)
            self._note(
                f"'{resolver.ctx.quote(price.span)}' in the order's price read as the bars up to "
                "and including the signal bar (the order is for the next bar); say 'the "
                "previous N bars' for the N bars before it"
            )
        base = resolver.expr(price)
        if order.offset_pct is not None:
            factor = (
                1 - order.offset_pct / 100 if order.offset_op == "<" else 1 + order.offset_pct / 100
            )
            base = Arith("*", base, round(factor, 10))
        key = "entry_order" if role == "entry_long" else "short_entry_order"
        if not role.startswith("entry"):
            raise ParseError((0, 0), "limit and stop orders are supported for entries only")
        self._setting(key, (order.type, base))
        if order.valid_bars != 1:
            self._setting(f"{key}_valid_bars", order.valid_bars)

    def _side(self, mode: str) -> None:
        if mode == "reverse":
            self.reverse = True
            return
        if self.side is not None and self.side != mode:
            raise ParseError((0, 0), f"the description says both '{self.side}' and '{mode}'")
        self.side = mode

    def _declare(self, statement: ir.Declare, resolver: Resolver) -> None:
        concrete = [m for m in statement.mentions if not (m.plural and not m.numbers)]
        for mention in concrete:
            self.declared.append((resolver.ctx.instance(mention), mention.span))
        if len(concrete) == 1 and len(statement.mentions) == 1 and not resolver.ctx.instances[:-1]:
            # "Supertrend (10, 3). Long when it flips bullish": the one indicator named so far
            resolver.ctx.declared_subject = self.declared[-1][0]
        if statement.count is not None and len(concrete) not in (0, statement.count):
            raise ParseError(
                statement.mentions[0].span,
                f"{statement.count} indicators announced, {len(concrete)} given",
            )
        self.declarations += 1
        resolver.ctx.declared_pair = None  # another declaration: which pair would it be?
        if self.declarations == 1 and _declared_pair(concrete):
            # "20/50 EMA: long on the bullish x-over": the two averages of the one declaration,
            # faster first, are the pair a crossover said without its lines crosses
            first, second = concrete
            resolver.ctx.declared_pair = (
                resolver.ctx.series(resolver.ctx.instance(first), None, first.span),
                resolver.ctx.series(resolver.ctx.instance(second), None, second.span),
            )

    def _crossover(self, statement: ir.Crossover, resolver: Resolver) -> None:
        # "EMA crossover using 12 and 26 period EMAs": the bare "EMA" only names the family.
        mentions = [m for m in statement.pair if m.numbers or m.labelled]
        series = [resolver.ctx.series(resolver.ctx.instance(m), m.output, m.span) for m in mentions]
        if len(statement.pair) == 1 and statement.kind == "cross":
            series, mentions = _own_lines(statement.pair[0], resolver.ctx), list(statement.pair)
        if len(series) == 2:
            if len(mentions) == 2:
                _check_two_averages(mentions)
                _check_fast_first(mentions)
            self.crossover = (series[0], series[1])
            resolver.ctx.crossed(self.crossover)
            for one, mention in zip(series, mentions * (3 - len(mentions)), strict=False):
                if one.inst is not None:
                    self.declared.append((one.inst, mention.span))
        elif statement.kind == "golden":
            node = resolver.cond(ir.Event("golden"))
            assert isinstance(node, RCmp)
            assert isinstance(node.left, Series)
            assert isinstance(node.right, Series)
            self.crossover = (node.left, node.right)
            for one in (node.left, node.right):
                if one.inst is not None:
                    self.declared.append((one.inst, (0, 0)))


def _own_lines(mention: ir.Mention, ctx: Context) -> list[Series]:
    """ "MACD crossover", "stochastic crossover": the indicator's line and its signal line; an
    indicator with no such pair ("RSI crossover") has none, and the text no entry."""
    if mention.output is not None:
        return []
    inst = ctx.instance(mention)
    line = ctx.series(inst, None, mention.span) if inst.name in v.MAIN_OUTPUT else None
    partner = None if line is None else v.PARTNER_OUTPUT.get((inst.name, line.output or ""))
    return [] if line is None or partner is None else [line, Series(inst, output=partner)]


def _declared_pair(mentions: list[ir.Mention]) -> bool:
    """Two averages of one kind, each of one period, the faster written first."""
    if len(mentions) != 2:
        return False
    first, second = mentions
    return (
        first.name == second.name
        and first.name in MOVING_AVERAGES
        and len(first.numbers) == len(second.numbers) == 1
        and not first.labelled
        and not second.labelled
        and first.output is None
        and second.output is None
        and first.numbers[0] < second.numbers[0]
    )


def _check_two_averages(mentions: list[ir.Mention]) -> None:
    """ "RSI 30/70 crossover" is two levels of one RSI far more often than an RSI(30) crossing
    an RSI(70): a crossover of two periods is read for moving averages only, never guessed."""
    first, second = mentions
    same = first.name == second.name and first.numbers and second.numbers
    if same and first.name not in MOVING_AVERAGES:
        a, b = first.numbers[0], second.numbers[0]
        raise ParseError(
            first.span,
            f"two {first.name}s of periods {a:g} and {b:g}, or one {first.name} crossing the "
            f"levels {a:g} and {b:g}? say it as a rule, e.g. 'buy when {first.name}(14) "
            f"crosses above {a:g}, sell when it crosses above {b:g}'",
        )


def _check_fast_first(mentions: list[ir.Mention]) -> None:
    """ "the 30/10 SMA crossover": the buy is the faster line crossing up, which the order
    written contradicts (which one is meant to cross up?); refused, never guessed."""
    first, second = mentions
    same = first.name == second.name and first.numbers[:1] and second.numbers[:1]
    if same and first.numbers[0] > second.numbers[0]:
        raise ParseError(
            first.span,
            f"the slower {first.name} is written first; write the faster one first, e.g. "
            f"'{second.numbers[0]:g}/{first.numbers[0]:g} {first.name}'",
        )


def is_calendar_only(node: RNode) -> bool:
    """A date or time window and nothing else ("buy on Mondays", "between 10:00 and 15:00")."""
    if isinstance(node, RCalendar):
        return True
    if isinstance(node, RNot):
        return is_calendar_only(node.inner)
    if isinstance(node, RGroup):
        return all(is_calendar_only(child) for child in node.items)
    return False


def _not(node: RNode) -> RNode:
    flip = {"<": ">=", ">": "<=", "<=": ">", ">=": "<"}
    if isinstance(node, RCmp) and node.op in flip:
        return RCmp(node.left, flip[node.op], node.right)
    return RNot(node)


def _first_span(cond: ir.Cond) -> ir.Span:
    span = getattr(cond, "span", None)
    if span and span != (0, 0):
        return span  # type: ignore[no-any-return]
    for child in getattr(cond, "items", ()):
        found = _first_span(child)
        if found != (0, 0):
            return found
    inner = getattr(cond, "cond", None)
    return _first_span(inner) if inner is not None else (0, 0)


# ---- orientation and mirroring ------------------------------------------------------------------
def orient(node: RNode, role: str) -> RNode:
    """Give undirected crossings and touches the direction the rule's role implies."""
    if isinstance(node, RGroup):
        return RGroup(node.logic, tuple(orient(x, role) for x in node.items))
    if isinstance(node, RNot):
        return RNot(orient(node.inner, role))
    if isinstance(node, RHeld):
        return RHeld(orient(node.inner, role), node.bars)
    if not isinstance(node, RCmp):
        return node
    if node.op == "cross":
        return RCmp(node.left, "crosses_above" if role in _UPWARD else "crosses_below", node.right)
    if node.op == "touch":
        return RCmp(node.left, _touch_op(node, role), node.right)
    if node.op == "pullback":  # against the trend of the side: down for a long, up for a short
        return RCmp(node.left, "<=" if role.endswith("long") else ">=", node.right)
    return node


_ROLE_TEXT = {
    "entry_long": "a long entry",
    "exit_long": "a long exit",
    "entry_short": "a short entry",
    "exit_short": "a short exit",
}
_OP_TEXT = {"crosses_above": "crosses above", "crosses_below": "crosses below"}


def orientation_notes(before: RNode, after: RNode, role: str) -> list[str]:
    """What :func:`orient` decided, said back: "crosses" with no direction is a guess from the
    rule's role ("Buy when the 50 SMA crosses the 200 SMA" reads "crosses above")."""
    if isinstance(before, RGroup) and isinstance(after, RGroup):
        return [
            n
            for b, a in zip(before.items, after.items, strict=True)
            for n in orientation_notes(b, a, role)
        ]
    if isinstance(before, (RNot, RHeld)) and isinstance(after, type(before)):
        return orientation_notes(before.inner, after.inner, role)
    if isinstance(before, RCmp) and isinstance(after, RCmp) and before.op == "cross":
        return [
            f"'crosses' without a direction is read as '{_OP_TEXT[after.op]}', as "
            f"{_ROLE_TEXT[role]} implies"
        ]
    return []


def _touch_op(node: RCmp, role: str) -> str:
    right = node.right
    if isinstance(right, Series) and right.output in ("upperband", "upper"):
        return ">="
    if isinstance(right, Series) and right.output in ("lowerband", "lower"):
        return "<="
    # "hits (is at) a new 20-day high": the highest high is reached from below, the lowest
    # low from above, whatever the side (never "at or below the 20-day high")
    if isinstance(right, Series) and right.inst is not None and right.output is None:
        if right.inst.name == "MAX":
            return ">="
        if right.inst.name == "MIN":
            return "<="
    return "<=" if role in _UPWARD else ">="


def the_crossing(node: RNode) -> RNode:
    """The one crossing of a rule ("sell on the opposite cross" mirrors only that)."""
    if isinstance(node, RCmp) and node.op in ("crosses_above", "crosses_below"):
        return node
    if isinstance(node, RGroup) and node.logic == "all":
        crossings = [the_crossing(x) for x in node.items if _has_crossing(x)]
        if len(crossings) == 1:
            return crossings[0]
    raise ParseError(
        (0, 0), "'the opposite cross' needs a rule with exactly one crossing; state the exit rule"
    )


def _has_crossing(node: RNode) -> bool:
    if isinstance(node, RGroup):
        return any(_has_crossing(x) for x in node.items)
    return isinstance(node, RCmp) and node.op in ("crosses_above", "crosses_below")


def mirror(node: RNode) -> RNode:
    """The opposite signal: crossings flip; comparisons of two series flip."""
    if isinstance(node, RGroup):
        return RGroup(node.logic, tuple(mirror(x) for x in node.items))
    if isinstance(node, RCmp):
        flip = {
            "crosses_above": "crosses_below",
            "crosses_below": "crosses_above",
            "<": ">",
            ">": "<",
            "<=": ">=",
            ">=": "<=",
        }
        number_level = isinstance(node.right, float) and node.right != 0
        if node.op in flip and not number_level:
            return RCmp(node.left, flip[node.op], node.right)
    raise ParseError((0, 0), "the opposite of this rule is not clear; state the exit rule itself")


# ---- to spec JSON -------------------------------------------------------------------------------
