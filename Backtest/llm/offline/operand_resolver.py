"""Step 4b (operands): the grammar's operands -> resolved series, in text order.

The base of :class:`.conditions.Resolver`: indicators named or referred to ("it", "the
shorter one", "that SMA", "the 26", "its 20-day average"), prices, channels, arithmetic and
percent changes.
"""

from __future__ import annotations

import re

from Backtest.llm.offline import ir
from Backtest.llm.offline import vocabulary as v
from Backtest.llm.offline.resolve import Arith, Change, Context, Expr, Inst, ParseError, Series

# a bar shorter than a day named anywhere ("5m chart", "hourly", "intraday", "15-minute"), or
# a time of day ("after 10:30", "before 3pm"), which needs one
_INTRADAY = re.compile(
    r"\b(intraday|hourly|minutes?|mins?|hours?|hrs?|\d+[-\s]*(m|h)|\d{1,2}:\d{2}|\d+\s*(am|pm))\b",
    re.IGNORECASE,
)


def _span_of(item: object) -> ir.Span:
    return getattr(item, "span", (0, 0))


class OperandResolver:
    """Resolves the operands of one description, in text order."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # ---- operands -----------------------------------------------------------------------------
    def expr(self, item: ir.Operand, subject: Expr | None = None) -> Expr:
        ctx = self.ctx
        if isinstance(item, ir.Num):
            return float(item.value)
        if isinstance(item, ir.Price):
            if item.daily:
                if _INTRADAY.search(ctx.text):
                    raise ParseError(
                        item.span, "a daily price on bars shorter than a day is not the bar's"
                    )
                note = (
                    f"read '{ctx.quote(item.span)}' as each bar's {item.field.lower()} (daily bars)"
                )
                if note not in ctx.warnings:
                    ctx.warnings.append(note)
            return Series(price=item.field, ago=item.ago)
        if isinstance(item, ir.Mention):
            return ctx.series(ctx.instance(item), item.output, item.span, item.ago)
        if isinstance(item, ir.Ref):
            return self._ref(item, subject)
        if isinstance(item, ir.AvgOf):
            return self._average(item, subject)
        if isinstance(item, ir.Channel):
            if item.its and not (isinstance(subject, Series) and subject.inst is None):
                raise ParseError(
                    item.span,
                    f"'{ctx.quote(item.span)}': an N-day high or low is read of the price "
                    "only, not of an indicator",
                )
            if item.kind == "each":
                raise ParseError(
                    item.span,
                    f"'{ctx.quote(item.span)}': compare with them as 'higher than' or 'lower than'",
                )
            name = "MAX" if item.kind == "max" else "MIN"
            inst = ctx.remember(Inst(name, (("timeperiod", int(item.period)),), item.field))
            return Series(inst, ago=1 if item.previous else 0)
        if isinstance(item, ir.EntryPrice):
            raise ParseError(item.span, "the entry price can only set a stop or a target")
        if isinstance(item, ir.Arith):
            return Arith(item.op, self.expr(item.left, subject), self.expr(item.right, subject))
        if isinstance(item, ir.Change):
            base = self.expr(item.of, subject)
            if not isinstance(base, Series):
                raise ParseError(_span_of(item.of), "a percent change needs a price or indicator")
            if item.day is not None and _INTRADAY.search(ctx.text):
                raise ParseError(item.day, "on intraday bars the day's move is not one bar's")
            return Change(base, item.bars)
        raise ParseError((0, 0), f"cannot read {item!r}")

    def _ref(self, ref: ir.Ref, subject: Expr | None) -> Expr:
        ctx = self.ctx
        quoted = ctx.quote(ref.span)
        if ref.kind == "it":
            if ctx.rule_subject is None and ctx.previous_rule_subject is not None:
                return ctx.previous_rule_subject  # "Sell when it ...": the last rule's subject
            only = ctx.declared_subject
            if ctx.last_subject is None and only is not None and ctx.instances == [only]:
                return ctx.series(only, None, ref.span)
            if ctx.last_subject is None:
                raise ParseError(ref.span, f"'{quoted}' refers to nothing mentioned before")
            return ctx.last_subject
        if ref.kind == "its_output":
            base = subject if isinstance(subject, Series) and subject.inst else ctx.last_subject
            if not isinstance(base, Series) or base.inst is None:
                raise ParseError(ref.span, f"'{quoted}': of which indicator?")
            return ctx.series(base.inst, ref.detail, ref.span)
        if ref.kind == "that" and ref.mention is not None:
            name = ref.mention.name
            earlier = [i for i in ctx.instances if i.name == name]
            if not earlier:
                raise ParseError(ref.span, f"'{quoted}' refers to no {name} mentioned before")
            return ctx.series(ctx.remember(earlier[-1]), ref.mention.output, ref.span)
        if ref.kind == "relative":
            return self._relative(ref)
        if ref.kind == "average":
            averages = [i for i in ctx.instances if i.name in v.MOVING_AVERAGES]
            if not averages:
                raise ParseError(ref.span, f"'{quoted}': which average?")
            return Series(ctx.remember(averages[-1]))
        if ref.kind == "output":
            return self._bare_output(ref)
        raise ParseError(ref.span, f"'{quoted}' cannot be used here")

    def _relative(self, ref: ir.Ref) -> Expr:
        ctx = self.ctx
        family = {ref.mention.name} if ref.mention else set(v.MOVING_AVERAGES)
        candidates = list(
            dict.fromkeys(i for i in ctx.instances if i.name in family and i.period() is not None)
        )
        if ref.mention is not None and (ref.mention.numbers or ref.mention.labelled):
            return ctx.series(ctx.instance(ref.mention), ref.mention.output, ref.span)
        periods = {i.period() for i in candidates}
        if len(candidates) < 2 or len(periods) < len(candidates):
            raise ParseError(
                ref.span, f"'{ctx.quote(ref.span)}': name the periods of the averages it compares"
            )
        ordered = sorted(candidates, key=lambda i: float(i.period() or 0))
        return Series(ctx.remember(ordered[0] if ref.detail == "fast" else ordered[-1]))

    def _bare_output(self, ref: ir.Ref) -> Expr:
        ctx = self.ctx
        role = ref.detail or ""
        having = [inst for inst in ctx.instances if inst.name in v.OUTPUT_ROLES.get(role, {})]
        if len(set(having)) > 1:
            # "close < mid" after a Bollinger band and a Keltner channel: never the latest one
            names = " and ".join(dict.fromkeys(inst.name for inst in having))
            raise ParseError(
                ref.span, f"'{ctx.quote(ref.span)}' of which indicator? ({names} are named)"
            )
        if having:
            return ctx.series(ctx.remember(having[0]), role, ref.span)
        default = v.OUTPUT_DEFAULT.get(role)
        if default is None:
            raise ParseError(ref.span, f"'{ctx.quote(ref.span)}' of which indicator?")
        inst = ctx.instance(ir.Mention(default, span=ref.span))
        return ctx.series(inst, role, ref.span)

    def _average(self, avg: ir.AvgOf, subject: Expr | None) -> Expr:
        ctx = self.ctx
        base = self.expr(avg.of) if avg.of is not None else subject or ctx.last_subject
        if not isinstance(base, Series) or base.ago:
            raise ParseError(avg.span, f"'{ctx.quote(avg.span)}': an average of what?")
        source = base.price if base.inst is None else None
        source_series = base if base.inst is not None else None
        if source == "Close":
            source = None
        if avg.period is None:
            earlier = [
                i
                for i in ctx.instances
                if i.source == source
                and i.source_series == source_series
                and i.name == avg.name
                and (source or source_series)
            ]
            if earlier:
                return Series(ctx.remember(earlier[-1]))
            if source_series is not None or source is None:
                # An average of an indicator has no standard length (a moving average never
                # does, see ``resolve``); only volume's own average keeps the usual 20 bars.
                raise ParseError(avg.span, f"'{ctx.quote(avg.span)}': give the average's period")
            ctx.default(f"{avg.name}(20) for '{ctx.quote(avg.span)}': no period given")
        period = int(avg.period) if avg.period is not None else 20
        inst = Inst(avg.name, (("timeperiod", period),), source, source_series)
        return Series(ctx.remember(inst))

    def _operand_or_period(self, item: ir.Operand | None, subject: Expr | None) -> Expr | None:
        if item is None:
            return None
        if isinstance(item, ir.Num) and subject is None:
            return self._period_ref(item)
        return self.expr(item, subject)

    def _period_ref(self, num: ir.Num) -> Series:
        """ "the 12 crosses above the 26": a bare number names the indicator of that period."""
        matches = list(dict.fromkeys(i for i in self.ctx.instances if i.period() == num.value))
        if len(matches) != 1:
            what = "no indicator" if not matches else "several indicators"
            raise ParseError(
                num.span, f"'{self.ctx.quote(num.span)}' names {what} with that period"
            )
        return Series(self.ctx.remember(matches[0]))
