"""Conditions written as one phrase: golden cross, streaks, gaps, "drops 5% in a day" ...

A mixin of the clause scanner in :mod:`.conditions`; each ``_on_<kind>`` handles one lexeme kind.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from Backtest.llm.offline.lexer import Lex
from Backtest.llm.offline.model import Cond, Mention, Node, Ser, combine
from Backtest.llm.offline.operands import zone_threshold
from Backtest.llm.offline.resolve import zone_name

_ZONE_OPS = {
    ("oversold", None): "<",
    ("overbought", None): ">",
    ("oversold", "enter"): "crosses_below",
    ("oversold", "exit"): "crosses_above",
    ("overbought", "enter"): "crosses_above",
    ("overbought", "exit"): "crosses_below",
}

if TYPE_CHECKING:
    from Backtest.llm.offline.resolve import Context, Operand


class SpecialConditions:
    """Handlers for single-phrase conditions; relies on the scanner's state and ``_emit``."""

    ctx: Context
    out: list[Node]
    problems: list[str]
    fatal: list[str]
    left: object
    items: list[Lex]
    i: int
    pending: Lex | None
    plural: tuple[str, list[Ser]] | None

    def _emit(self, left: Operand | None, cmp: Lex, right: Operand) -> None:
        raise NotImplementedError

    def _subject_or_none(self) -> Operand | None:
        raise NotImplementedError

    def _operand(self, lex: Lex) -> object:
        raise NotImplementedError

    def _plural_emit(self, make: object) -> bool:
        raise NotImplementedError

    def _on_special(self, lex: Lex) -> None:
        """ "gap up", "inside bar": fixed comparisons of this bar's prices with the last bar's."""
        for left, left_ago, op, right, right_ago in lex.value:
            cond = Cond(
                Ser(price=left, bars_ago=left_ago), op, Ser(price=right, bars_ago=right_ago)
            )
            self.out.append(cond)
            self.ctx.record(cond)

    def _on_pctmove(self, lex: Lex) -> None:
        """ "drops 5% in a day": the N-bar rate of change of the close."""
        sign, percent, period = lex.value
        subject = self._subject_or_none()
        if isinstance(subject, Ser) and (subject.ind is not None or subject.price != "Close"):
            self.problems.append(f"'{lex.text}' only works on the closing price")
            return
        if lex.extra.get("default"):
            self.ctx.note_default("1-bar change for a percentage move with no period")
        roc = self.ctx.mention_series(Mention("ROC", (period,)))
        if roc is not None:
            op = "<" if sign < 0 else ">"
            self._emit(roc, Lex("cmp", lex.text, op), sign * percent)
        self.left = None

    def _on_plural(self, lex: Lex) -> None:
        """ "both are below 20": the next comparison applies to each series just compared."""
        last = self.ctx.last_cond
        subjects = [o for o in (last.left, last.right) if isinstance(o, Ser)] if last else []
        if len(subjects) < 2:
            self.fatal.append(f"'{lex.text}' does not say which indicators it means")
            return
        self.plural = (lex.value, subjects)

    def _on_broken(self, lex: Lex) -> None:
        """ "the 10-day high is broken": the close crosses that level."""
        level = self._subject_or_none()
        if not isinstance(level, Ser):
            self.problems.append(f"'{lex.text}' has no level")
            return
        op = "cross"
        if level.ind is not None and level.ind.name in ("MAX", "MIN"):
            op = "crosses_above" if level.ind.name == "MAX" else "crosses_below"
        elif level.output in ("upperband", "lowerband"):
            op = "crosses_above" if level.output == "upperband" else "crosses_below"
        elif level.ind is None and level.price in ("High", "Low"):
            op = "crosses_above" if level.price == "High" else "crosses_below"
        self._emit(Ser(price="Close"), Lex("cmp", lex.text, op), level)
        self.left = None

    def _on_candle(self, lex: Lex) -> None:
        name, sign = lex.value
        series = self.ctx.mention_series(Mention(name))
        if series is not None:
            self._emit(series, Lex("cmp", lex.text, ">" if sign > 0 else "<"), 0.0)

    def _on_golden(self, lex: Lex) -> None:
        self._cross_pair(lex, "crosses_above")

    def _on_death(self, lex: Lex) -> None:
        self._cross_pair(lex, "crosses_below")

    def _cross_pair(self, lex: Lex, op: str) -> None:
        if isinstance(self.left, list):  # "EMA 50/200 golden cross": that pair crosses
            fast, slow = self.left
            self.left = None
            self._emit(fast, Lex("cmp", lex.text, op), slow)
            return
        fast = self.ctx.mention_series(Mention("SMA", (50,)))
        slow = self.ctx.mention_series(Mention("SMA", (200,)))
        if fast is not None and slow is not None:
            self._emit(fast, Lex("cmp", lex.text, op), slow)

    def _on_streak(self, lex: Lex) -> None:
        op, count = lex.value
        close = Ser(price="Close")
        conds = [Cond(close.ago(k), op, close.ago(k + 1)) for k in range(count)]
        if conds:
            self.out.append(combine("all", list(conds)))
            self.ctx.record(conds[0])

    def _on_avgvol(self, lex: Lex) -> None:
        average = self.ctx.mention_series(Mention("SMA", (20,), source="Volume"))
        self.ctx.note_default("20-bar average volume")
        if average is not None:
            self._emit(Ser(price="Volume"), Lex("cmp", lex.text, lex.value), average)

    def _on_persist(self, lex: Lex) -> None:
        if not self.out or not isinstance(self.out[-1], Cond):
            self.problems.append(f"'{lex.text}' follows no condition")
            return
        cond = self.out[-1]
        if cond.op not in ("<", ">", "<=", ">="):
            self.problems.append(f"'{lex.text}' cannot apply to a crossing")
            return
        shifted = [cond] + [
            Cond(_shift(cond.left, k), cond.op, _shift(cond.right, k)) for k in range(1, lex.value)
        ]
        self.out[-1] = combine("all", list(shifted))

    def _on_zone(self, lex: Lex) -> None:
        zone, motion = lex.value
        if self.pending is not None:  # "crosses back above the oversold level"
            subject = self._zone_subject_here()
            if subject is not None:
                self._emit(subject, self.pending, zone_threshold(subject, zone))
            self.pending, self.left = None, None
            return
        if self._plural_emit(lambda s: (_ZONE_OPS[(zone, motion)], zone_threshold(s, zone))):
            return
        subject = self._zone_subject_here(lookahead=True)
        if subject is None:
            self.problems.append(f"no oscillator for '{lex.text}'")
            return
        threshold = zone_threshold(subject, zone)
        nxt = self._peek()
        if nxt is not None and nxt.kind == "cmp" and nxt.value in ("<", ">", "<=", ">="):
            after = self._peek(1)
            if after is not None and after.kind == "num":
                threshold = float(after.value)
                self.i = self.items.index(after) + 1
        elif nxt is not None and nxt.kind == "num":
            threshold = float(nxt.value)
            self.i = self.items.index(nxt) + 1
        self._emit(subject, Lex("cmp", lex.text, _ZONE_OPS[(zone, motion)]), threshold)
        self.left = None

    def _zone_subject_here(self, lookahead: bool = False) -> Ser | None:
        left = self._subject_or_none()
        if zone_name(left):
            return left  # type: ignore[return-value]
        if lookahead:
            nxt = self._peek()
            if nxt is not None and nxt.kind in ("ind", "outref"):
                candidate = self._operand(nxt)
                if zone_name(candidate):
                    self.i = self.items.index(nxt) + 1
                    return candidate  # type: ignore[return-value]
        return self.ctx.zone_subject()

    def _peek(self, skip: int = 0) -> Lex | None:
        found = -1
        for lex in self.items[self.i :]:
            if lex.kind == "word":
                continue
            found += 1
            if found == skip:
                return lex
        return None


def _shift(operand: Operand, bars: int) -> Operand:
    return operand.ago(bars) if isinstance(operand, Ser) else operand
