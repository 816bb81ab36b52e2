"""Step 4b: operands and conditions of the grammar's reading -> resolved series and rule nodes."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TypeGuard

from Backtest.llm.offline import ir
from Backtest.llm.offline import vocabulary as v
from Backtest.llm.offline.operand_resolver import OperandResolver, _span_of
from Backtest.llm.offline.resolve import (
    Arith,
    Change,
    Context,
    Expr,
    ParseError,
    RCalendar,
    RCmp,
    RGroup,
    RHeld,
    RNode,
    RNot,
    RRisk,
    RTrend,
    Series,
    is_price_scale,
)

_FLIP = {"<": ">=", ">": "<=", "<=": ">", ">=": "<"}
_PERCENT_VALUED = frozenset({"ROC", "ROCP", "PPO", "NATR"})
# the words of a turn ("turns up", "turning back down"), as against a motion ("is rising")
_TURN_WORDS = re.compile(r"\bturn(?:s|ing|ed)?\s+(?:back\s+)?(?:up|down)\b", re.IGNORECASE)


_GOLDEN_PAIR = frozenset({("SMA", 50.0), ("SMA", 200.0)})


class Resolver(OperandResolver):
    """Resolves operands (:class:`.operand_resolver.OperandResolver`) and conditions of one
    description, in text order."""

    # ---- conditions ---------------------------------------------------------------------------
    def cond(self, item: ir.Cond) -> RNode:
        node = self._cond(item)
        if self.ctx.rule_subject is None:
            self.ctx.rule_subject = self.ctx.last_subject
        return node

    def _cond(self, item: ir.Cond) -> RNode:
        ctx = self.ctx
        if isinstance(item, ir.Cmp):
            return self._cmp(item)
        if isinstance(item, ir.Group):
            if item.logic == "mixed":
                raise ParseError(
                    _group_span(item),
                    "'and' and 'or' are mixed without saying which go together; use 'either "
                    "... or ...' or separate sentences",
                )
            return RGroup(item.logic, tuple(self.cond(x) for x in item.items))
        if isinstance(item, ir.Not):
            each = item.cond.right if isinstance(item.cond, ir.Cmp) else None
            if isinstance(each, ir.Channel) and each.kind == "each":
                # "not higher than the previous 3 closes": than any of them, or all of them?
                raise ParseError(
                    each.span,
                    f"'{ctx.quote(each.span)}' after a negation: than any of them, or than all "
                    "of them? say it without 'not'",
                )
            return _negate(self.cond(item.cond))
        if isinstance(item, ir.Trend):
            of = self.expr(item.of) if item.of is not None else ctx.last_subject
            if not isinstance(of, Series):
                raise ParseError(item.span, f"'{ctx.quote(item.span)}': rising or falling what?")
            if self._supertrend_turn(item, of):
                # "SuperTrend turns up": its trend flips to up, as "flips up" (its line never
                # rises on the bar it flips: it jumps to the other side of the price)
                said = " ".join(ctx.quote(item.span).split())
                ctx.warnings.append(
                    f"read '{said}' as SuperTrend's direction turning "
                    f"{'up' if item.direction == 'rising' else 'down'}"
                )
                return self._sign(ir.Sign(item.of, item.direction == "rising", True, item.span))
            ctx.last_subject = of
            ctx.last_trend = of
            return RTrend(of, item.direction, item.bars)
        if isinstance(item, ir.Calendar):
            return RCalendar(item.kind, item.values, item.time_from, item.time_to, item.negate)
        if isinstance(item, ir.Held):
            return RHeld(self.cond(item.cond), item.bars)
        if isinstance(item, ir.Zone):
            return self._zone(item, None)
        if isinstance(item, ir.Sign):
            return self._sign(item)
        if isinstance(item, ir.Event):
            return self._event(item)
        if isinstance(item, ir.RiskAtom):
            return RRisk(item.kind, item.distance, item.bars, item.moved)
        if isinstance(item, ir.Restate):
            return self._restate(item)
        raise ParseError((0, 0), f"cannot read {item!r}")

    def _cmp(self, item: ir.Cmp) -> RNode:
        trend, self.ctx.last_trend = self.ctx.last_trend, None
        ctx = self.ctx
        if item.both:
            return self._both(item)
        if item.left is None and item.right is None and ctx.compared != 1:
            # "..., sell when below": both sides are those of the one comparison before
            raise ParseError(
                item.span,
                f"'{ctx.quote(item.span)}': what is compared? Name both sides ('sell when the "
                "close is below the 200-day SMA')",
            )
        if isinstance(item.right, ir.Channel) and item.right.kind == "each":
            item = self._each_of(item, item.right)
        if item.kind == "close" and isinstance(item.left, ir.Ref) and item.left.kind == "it":
            left: Expr | None = Series(price="Close")  # "it closes above X": the price does
        else:
            left = self._operand_or_period(item.left, None)
        right_subject = left if left is not None else ctx.last_subject
        it = item.right if isinstance(item.right, ir.Ref) and item.right.kind == "it" else None
        if it is not None and left is not None:
            right: Expr | None = self._other(left, it, trend)  # "closes below it"
        elif it is not None and item.left is None and item.kind == "cross" and ctx.last_cmp:
            # "cci(14) crossing above its 10 sma = buy, crossing below it = sell": with the
            # subject left out, "it" is the line the subject crossed before (never the subject)
            left = self._implied_subject(item, None)
            right = self._other(left, it)
            if not isinstance(right, Series) or not ctx.last_cmp.op.startswith("cross"):
                raise ParseError(it.span, f"'{ctx.quote(it.span)}': which line?")
        else:
            right = self.expr(item.right, right_subject) if item.right is not None else None
        if (
            isinstance(right, float)
            and isinstance(item.right, ir.Num)
            and isinstance(item.left, ir.Num)
            and isinstance(left, Series)
        ):
            right = self._period_ref(item.right)  # "the 12 crosses above the 26"
        if (
            isinstance(right, float)
            and isinstance(left, Series)
            and left.inst is not None
            and left.inst.name in v.MOVING_AVERAGES
            and item.kind == "cross"
            and isinstance(item.right, ir.Num)
        ):
            same = [i for i in ctx.instances if i.name == left.inst.name and i.period() == right]
            if same:
                right = Series(same[-1])  # "the 20 EMA crosses back above the 50"
        if (
            isinstance(right, float)
            and isinstance(item.right, ir.Num)
            and _after_the(ctx, item.right)
        ):
            right = self._the_number(left, item.right, right)
        if left is None:
            left = self._implied_subject(item, right)
        if right is None:
            right = self._partner(item, left)
        self._check_scales(item, left, right)
        op = item.op
        if item.kind == "touch":
            # "drops to X" is Close <= X, "rises to X" Close >= X; "pulls back to" and plain
            # "touches" get their direction from the rule (see assemble.orient)
            op = {"down": "<=", "up": ">=", "pullback": "pullback"}.get(item.op, "touch")
            if (
                isinstance(right, Series)
                and right.inst is None
                and right.ago == 0
                and right.price in ("High", "Low")
                and item.left is None
            ):
                # "buy at the low of the day": a fill at a price known only once the bar has
                # closed, not a condition on the close.
                raise ParseError(
                    item.span,
                    f"trading at the bar's own {str(right.price).lower()} needs a price known "
                    "only after the bar (look-ahead); use a limit or stop order instead",
                )
        right = self._broken_channel(item, op, left, right)
        if ctx.rule_subject is None:
            ctx.rule_subject = left.of if isinstance(left, Change) else left
        self._check_percent(item, left)
        node = RCmp(left, op, right)
        ctx.last_subject = left.of if isinstance(left, Change) else left
        ctx.last_cmp = node
        ctx.compared += 1
        if isinstance(left, Series) and isinstance(right, Series) and op.startswith("cross"):
            ctx.crossed((left, right))
        return node

    def _check_scales(self, item: ir.Cmp, left: Expr, right: Expr) -> None:
        """ "OBV crosses above the 30 EMA", "volume > the close": volume (or OBV) against a
        price or an average of the price is never meant ("its 30 EMA" is OBV's own average)."""
        for volume, price, operand in ((left, right, item.right), (right, left, item.left)):
            if _volume_scale(volume) and is_price_scale(price):
                span = _span_of(operand) if operand is not None else item.span
                name = "volume" if isinstance(volume, Series) and volume.inst is None else "OBV"
                raise ParseError(
                    span,
                    f"'{self.ctx.quote(span)}' is on the price scale and {name} is not; for "
                    f"an average of {name} say 'its ...' ('its 30 EMA')",
                )

    def _the_number(self, left: Expr | None, num: ir.Num, level: float) -> Expr:
        """ "the 50-day SMA crosses above the 200", "the close is above the 200": "the" before
        a bare number names an average of that period, not a price level. After an average it
        is one of the same kind (said in warnings); after a price, the one average of that
        period named, else refused. After anything else ("RSI crosses above the 30") it stays
        the level."""
        ctx = self.ctx
        quoted = ctx.quote(num.span)
        if not isinstance(left, Series) or left.ago:
            return level
        if left.inst is not None and left.inst.name in v.MOVING_AVERAGES:
            name = left.inst.name
            same = [i for i in ctx.instances if i.name == name and i.period() == level]
            if same:
                return Series(ctx.remember(same[-1]))
            if not float(level).is_integer() or level < 2:
                raise ParseError(num.span, f"'the {quoted}': which {name}?")
            line = ctx.series(
                ctx.instance(ir.Mention(name, (level,), span=num.span)), None, num.span
            )
            ctx.warnings.append(
                f"'the {quoted}' read as {line.label()}, the same kind as {left.label()}"
            )
            return line
        if left.inst is None:
            averages = [i for i in ctx.instances if i.name in v.MOVING_AVERAGES]
            same = list(dict.fromkeys(i for i in averages if i.period() == level))
            if len(same) == 1:
                return Series(ctx.remember(same[0]))
            raise ParseError(
                num.span,
                f"'the {quoted}': a price level or a {quoted}-period average? Write "
                f"'{quoted}' for the level or 'the {quoted}-day SMA'",
            )
        return level

    def _check_percent(self, item: ir.Cmp, left: Expr) -> None:
        """ "ROC is above 3%" is a level of a percent-valued series; "RSI above 3%" is not."""
        if not (isinstance(item.right, ir.Num) and item.right.percent):
            return
        percent_valued = isinstance(left, Change) or (
            isinstance(left, Series) and left.inst is not None and left.inst.name in _PERCENT_VALUED
        )
        if not percent_valued:
            raise ParseError(
                item.right.span,
                f"'{self.ctx.quote(item.right.span)}': a percentage compared with a value "
                "that is not a percentage",
            )

    def _other(self, left: Expr, ref: ir.Ref, trend: Series | None = None) -> Expr:
        """A pronoun on the right: the other operand of the comparison that had ``left``, or
        the line whose rise or fall was tested just before (never ``left`` itself)."""
        last = self.ctx.last_cmp
        if last is not None and last.left == left:
            return last.right
        if last is not None and last.right == left:
            return last.left
        if trend is not None and trend != left:
            return trend  # "the 50-day SMA has risen 5 days and the close is above it"
        raise ParseError(ref.span, f"'{self.ctx.quote(ref.span)}' refers to nothing clear")

    def _implied_subject(self, item: ir.Cmp, right: Expr | None) -> Expr:
        ctx = self.ctx
        if item.kind == "close" or is_price_scale(right):
            return Series(price="Close")
        if ctx.last_subject is not None:
            return ctx.last_subject
        # "Use RSI 14. Buy below 30": the one indicator the text declared, and no other
        only = ctx.declared_subject
        if only is not None and ctx.instances == [only] and only.name not in v.PRICE_SCALE:
            return ctx.series(only, None, item.span)
        raise ParseError(item.span, f"'{ctx.quote(item.span)}': what is compared?")

    def _partner(self, item: ir.Cmp, left: Expr) -> Expr:
        ctx = self.ctx
        if isinstance(left, Series) and left.inst is not None and left.output is not None:
            partner = v.PARTNER_OUTPUT.get((left.inst.name, left.output))
            if partner is not None:
                return Series(left.inst, output=partner)
        last = ctx.last_cmp
        if last is not None and last.left == left:
            return last.right
        if last is not None and last.right == left:
            return last.left
        raise ParseError(item.span, f"'{ctx.quote(item.span)}': compared with what?")

    def _both(self, item: ir.Cmp) -> RNode:
        last = self.ctx.last_cmp
        if last is None or not isinstance(last.left, Series) or not isinstance(last.right, Series):
            raise ParseError(item.span, f"'{self.ctx.quote(item.span)}': both of what?")
        right = self.expr(item.right) if item.right is not None else None
        if right is None:
            raise ParseError(item.span, f"'{self.ctx.quote(item.span)}': compared with what?")
        return RGroup("all", (RCmp(last.left, item.op, right), RCmp(last.right, item.op, right)))

    def _oscillator(self, of: ir.Operand | None, span: ir.Span) -> Series:
        ctx = self.ctx
        if of is not None:
            series = self.expr(of)
            if not isinstance(series, Series) or series.inst is None:
                raise ParseError(span, f"'{ctx.quote(span)}' needs an oscillator")
            return series
        if (
            isinstance(ctx.last_subject, Series)
            and ctx.last_subject.inst is not None
            and (ctx.last_subject.inst.name in v.ZONES)
        ):
            return ctx.last_subject
        zoned = [i for i in ctx.instances if i.name in v.ZONES]
        if zoned:
            return ctx.series(ctx.remember(zoned[-1]), None, span)
        ctx.default("RSI(14) for 'oversold/overbought' with no oscillator named")
        return ctx.series(ctx.instance(ir.Mention("RSI", span=span)), None, span)

    def _zone(self, item: ir.Zone, level: ir.Cmp | None) -> RNode:
        ctx = self.ctx
        series = self._oscillator(item.of, item.span)
        assert series.inst is not None
        zone = v.ZONES.get(series.inst.name)
        if zone is None:
            raise ParseError(item.span, f"{series.inst.label()} has no oversold/overbought levels")
        oversold = item.zone == "oversold"
        if level is not None and isinstance(level.right, ir.Num):
            threshold, op = level.right.value, level.op
            if op not in ("<", ">", "<=", ">="):
                raise ParseError(level.span, "an oversold/overbought level is a comparison")
        else:
            threshold, op = (zone[0], "<") if oversold else (zone[1], ">")
            ctx.default(
                f"{series.inst.label()} {'oversold' if oversold else 'overbought'} means "
                f"{'below' if oversold else 'above'} {threshold:g}"
            )
        ctx.last_subject = series
        return RCmp(series, op, float(threshold))

    def _supertrend_turn(self, item: ir.Trend, of: Series) -> bool:
        """ "SuperTrend turns up / turns down" (not its "line"): a turn of SuperTrend named as
        the indicator is a change of its trend; "SuperTrend is rising" (its trend, or its line?)
        is refused."""
        if of.inst is None or of.inst.name != "SUPERTREND":
            return False
        if isinstance(item.of, ir.Mention) and item.of.output is not None:
            return False  # "the SuperTrend line turns up": the line itself
        if of.output not in (None, "line", "direction"):
            return False
        said = self.ctx.quote(item.span)
        if not _TURN_WORDS.search(said):
            # "SuperTrend is rising": the trend it shows, or its line moving on the bar?
            up = item.direction == "rising"
            raise ParseError(
                item.span,
                f"SuperTrend's trend or its line? Say 'SuperTrend is "
                f"{'bullish' if up else 'bearish'}' (its trend) or 'the SuperTrend line is "
                f"{item.direction}'",
            )
        if item.bars != 1:
            # "SuperTrend turns up for 3 days": a flip happens on one bar
            raise ParseError(
                item.span, f"'{self.ctx.quote(item.span)}': SuperTrend turns on one bar"
            )
        return True

    def _sign(self, item: ir.Sign) -> RNode:
        ctx = self.ctx
        of = self.expr(item.of) if item.of is not None else ctx.last_subject
        only = ctx.declared_subject
        if (
            of is None
            and only is not None
            and only.name == "SUPERTREND"
            and ctx.instances == [only]
        ):
            # "supertrend 10/3: flips bullish -> go long": the one indicator named, and only
            # SuperTrend (whose bullish and bearish are its direction, nothing else's)
            of = Series(only, output="direction")
        if not isinstance(of, Series):
            raise ParseError(item.span, f"'{ctx.quote(item.span)}': what turns?")
        if of.inst is not None and of.inst.name == "SUPERTREND" and of.output in (None, "line"):
            of = Series(of.inst, output="direction", ago=of.ago)
        elif item.colour and (
            of.inst is None or of.inst.name != "SUPERTREND" or of.output != "direction"
        ):
            # "flips green" names SuperTrend's colour; another line's colour has no fixed meaning
            what = "flips to a trend" if item.trend else "has a colour"
            raise ParseError(item.span, f"'{ctx.quote(item.span)}': only SuperTrend {what}")
        if is_price_scale(of):
            raise ParseError(item.span, f"'{ctx.quote(item.span)}': a price is never negative")
        ctx.last_subject = of
        if item.turn:
            return RCmp(of, "crosses_above" if item.positive else "crosses_below", 0.0)
        return RCmp(of, ">" if item.positive else "<", 0.0)

    def _broken_channel(self, item: ir.Cmp, op: str, left: Expr | None, right: Expr) -> Expr:
        """ "the upper Donchian band is broken", "price breaks above the 20 period Donchian
        upper band": the channel of the bars before the current one (the current bar's always
        holds its price, as a "20-day breakout"), noted. Only a price moving or crossing through
        it; "is above the upper band" (a state) is left as said, and refused as never true."""
        up = {"upper": (">", "crosses_above"), "lower": ("<", "crosses_below")}
        if (
            item.kind not in ("motion", "cross")
            or not isinstance(left, Series)
            or left.inst is not None
            or left.ago != 0
            or not isinstance(right, Series)
            or right.inst is None
            or right.inst.name != "DONCHIAN"
            or right.ago != 0
            or op not in up.get(right.output or "", ())
        ):
            return right
        period = right.inst.period()
        self.ctx.warnings.append(
            f"'{self.ctx.quote(item.span)}' read as: the Donchian {right.output} line of the "
            f"{period:g} bars before the current one (1 bar ago)"
        )
        return right.back(1)

    def _each_of(self, item: ir.Cmp, each: ir.Channel) -> ir.Cmp:
        """ "higher than the previous 3 closes": above each of them is above the highest of
        them, below each is below the lowest (noted); any other comparison is refused."""
        kind = {">": "max", "crosses_above": "max", "<": "min", "crosses_below": "min"}
        if item.op not in kind:
            raise ParseError(
                each.span,
                f"'{self.ctx.quote(each.span)}': above or below each of them? say 'higher than' "
                "or 'lower than'",
            )
        extreme = "highest" if kind[item.op] == "max" else "lowest"
        field = {"Close": "close", "High": "high", "Low": "low"}[each.field]
        self.ctx.warnings.append(
            f"'{self.ctx.quote(each.span)}' read as: the {extreme} {field} of the "
            f"{each.period:g} bars before the current one"
        )
        return replace(item, right=replace(each, kind=kind[item.op]))

    def _event(self, item: ir.Event) -> RNode:
        ctx = self.ctx
        if item.kind in ("golden", "death"):
            pair = ctx.pair
            if item.of is not None and item.other is not None:
                first, second = self.expr(item.of), self.expr(item.other)
                assert isinstance(first, Series)
                assert isinstance(second, Series)
                pair = (first, second)
            named = [
                i
                for i in ctx.instances
                if i.name in v.MOVING_AVERAGES and (i.name, i.period()) not in _GOLDEN_PAIR
            ]
            if pair is None and named:
                # "Use the 20 and 50 EMA. Buy on the golden cross": not SMA(50)/SMA(200) then
                raise ParseError(
                    item.span,
                    f"which averages cross? {named[0].label()} is named, and the "
                    "golden/death cross is SMA(50) against SMA(200)",
                )
            if pair is None:
                fast = ctx.series(
                    ctx.instance(ir.Mention("SMA", (50.0,), span=item.span)), None, item.span
                )
                slow = ctx.series(
                    ctx.instance(ir.Mention("SMA", (200.0,), span=item.span)), None, item.span
                )
                ctx.default("golden/death cross: SMA(50) against SMA(200)")
                pair = (fast, slow)
                ctx.crossed(pair)
            op = "crosses_above" if item.kind == "golden" else "crosses_below"
            return RCmp(pair[0], op, pair[1])
        if item.kind == "opposite":
            raise ParseError(item.span, "'the opposite signal' needs a rule to mirror")
        op = item.direction or "cross"
        if item.of is not None:
            left = self.expr(item.of)
            right = self.expr(item.other, left) if item.other is not None else None
            if right is None:
                right = self._partner(ir.Cmp(item.of, op, None, span=item.span), left)
            node = RCmp(left, op, right)
        elif ctx.pairs_differ:
            raise ParseError(
                item.span,
                f"'{ctx.quote(item.span)}': which lines cross? more than one pair is named",
            )
        elif ctx.pair is not None:
            node = RCmp(ctx.pair[0], op, ctx.pair[1])
        elif ctx.declared_pair is not None:
            node = RCmp(ctx.declared_pair[0], op, ctx.declared_pair[1])
        else:
            raise ParseError(item.span, f"'{ctx.quote(item.span)}': a crossover of what?")
        if isinstance(node.left, Series) and isinstance(node.right, Series):
            ctx.crossed((node.left, node.right))
        return node

    def _restate(self, item: ir.Restate) -> RNode:
        note = item.note
        if isinstance(item.cond, ir.Zone) and isinstance(note, ir.Cmp) and note.left is None:
            return self._zone(item.cond, note)
        first = self.cond(item.cond)
        second = self.cond(note)
        if _undirected(second) and isinstance(first, RCmp) and first.op.startswith("cross"):
            second = RCmp(second.left, first.op, second.right)  # "(the fast line crossing ...)"
        if _settles_flat_day(first, second):
            # "no longer rising, meaning it is lower than the day before": the restatement
            # says how a day with no change is read, and is what the rule does (noted)
            said = item.cond.cond if isinstance(item.cond, ir.Not) else item.cond
            self.ctx.warnings.append(
                f"read the rule on '{self.ctx.quote(_span_of(said))}' as its restatement "
                f"'{self.ctx.quote(_span_of(note))}' says (a bar with no change does not count)"
            )
            return second
        if _unit_multiples(first) != _unit_multiples(second) and not _full_gap(first, second):
            if isinstance(note, ir.Held):  # "(... each day)": the bracket's own condition
                note = note.cond
            raise ParseError(
                _span_of(note),
                f"'{self.ctx.quote(_span_of(note))}' in brackets says something else",
            )
        return first


_VOLUME_LINES = frozenset({"OBV", "AD", "ADOSC"})


def _volume_scale(expr: Expr) -> bool:
    """Whether an operand counts shares: volume, OBV, or a line computed from them."""
    if not isinstance(expr, Series):
        return False
    if expr.inst is None:
        return expr.price == "Volume"
    if expr.inst.name in _VOLUME_LINES or expr.inst.source == "Volume":
        return True
    return expr.inst.source_series is not None and _volume_scale(expr.inst.source_series)


def _settles_flat_day(first: RNode, note: RNode) -> bool:
    """ "not rising" (lower or unchanged) restated as "falling" (lower than the bar before),
    or "not falling" as "rising": the same but for a bar with no change."""
    return (
        isinstance(first, RNot)
        and isinstance(first.inner, RTrend)
        and isinstance(note, RTrend)
        and first.inner.of == note.of
        and first.inner.bars == note.bars == 1
        and {first.inner.direction, note.direction} == {"rising", "falling"}
    )


def _unit_multiples(node: RNode | Expr) -> object:
    """``node`` with each multiple of one written as what it multiplies ("one ATR(14) above the
    SMA" is the "SMA(20) + ATR(14)" its restatement says), for comparing a restatement."""
    if isinstance(node, Arith):
        left, right = _unit_multiples(node.left), _unit_multiples(node.right)
        if node.op == "*" and left == 1:
            return right
        if node.op == "*" and right == 1:
            return left
        return (node.op, left, right)
    if isinstance(node, RCmp):
        return (_unit_multiples(node.left), node.op, _unit_multiples(node.right))
    return node


def _full_gap(first: RNode, note: RNode) -> bool:
    """ "open above yesterday's high (gap up)": a gap beyond the prior bar's range is a gap
    (the bracket's ``Open > Close[1]``) and says no more than the condition."""
    opened = Series(price="Open")
    return any(
        note == RCmp(opened, op, Series(price="Close", ago=1))
        and first == RCmp(opened, op, Series(price=extreme, ago=1))
        for op, extreme in ((">", "High"), ("<", "Low"))
    )


def _undirected(node: RNode) -> TypeGuard[RCmp]:
    return isinstance(node, RCmp) and node.op == "cross"


def _negate(node: RNode) -> RNode:
    if isinstance(node, RCmp) and node.op in _FLIP:
        return RCmp(node.left, _FLIP[node.op], node.right)
    if isinstance(node, RCalendar):
        start, end = node.time_from, node.time_to
        if node.kind == "time" and not node.negate and start == 0:
            return RCalendar("time", (), end, 1440)  # not before 10:00 = from 10:00
        if node.kind == "time" and not node.negate and end == 1440:
            return RCalendar("time", (), 0, start)  # not after 14:30 = before 14:30
        return RCalendar(node.kind, node.values, start, end, not node.negate)
    if isinstance(node, RNot):
        return node.inner
    return RNot(node)


def _group_span(group: ir.Group) -> ir.Span:
    spans = [_span_of(x) for x in group.items if _span_of(x) != (0, 0)]
    if not spans:
        return (0, 0)
    return (min(s[0] for s in spans), max(s[1] for s in spans))


def _after_the(ctx: Context, num: ir.Num) -> bool:
    """The number was written straight after "the" ("above the 200")."""
    return not num.percent and bool(re.search(r"\bthe\s*$", ctx.text[: num.span[0]], re.IGNORECASE))
