"""Step 3 of the pipeline: group tokens into lexemes (indicator mentions, comparators, actions).

Each position is tried against the vocabulary tables in a fixed order and the longest phrase
wins, so "sell short" is an action before "sell" is, "closes above" a comparator before
"close" is a price, and "exits oversold" a zone change before "exit" is an action.

Lexeme kinds: ``hard``/``soft`` separators, ``mode`` (long only / both ...), ``unsupported``,
``zone``, ``golden``/``death``, ``ind`` (a :class:`Mention`), ``pair`` (two mentions:
"20/50 EMA"), ``outref`` ("signal line", "%K"), ``price``, ``channel`` (N-bar high/low),
``streak`` (N down days), ``num``, ``zero``, ``centre``, ``itsavg``, ``avgvol``, ``bbdev``,
``persist`` ("for 3 days"), ``cmp``, ``implicit``, ``and``/``or``/``either``, ``action``,
``mirror``, ``marker``, ``filter``, ``pron`` and ``word``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from Backtest.llm.offline import actions as act
from Backtest.llm.offline import phrases as ph
from Backtest.llm.offline import vocabulary as v
from Backtest.llm.offline.lexer_base import (
    AVG_VOLUME,
    COMPARATORS,
    CONNECTORS,
    HARD,
    SOFT,
    SPLITTING_FILTERS,
    Lex,
    is_number,
)
from Backtest.llm.offline.lexer_numbers import NumberSteps

__all__ = ["Lex", "Lexer", "lex"]


class Lexer(NumberSteps):
    """Walks the token list once, emitting lexemes; see the module docstring."""

    def run(self) -> list[Lex]:
        """Lex every token."""
        steps = (
            self._separator,
            self._table_step("mode", act.SIDE_MODES),
            self._unsupported,
            self._zone,
            self._golden,
            self._candle,
            self._avg_volume,
            self._number,
            self._persist,
            self._speed_indicator,
            self._speed_ref,
            self._single_streak,
            self._special,
            self._pct_move,
            self._plural,
            self._comparator,
            self._action,
            self._indicator,
            self._its_average,
            self._output_word,
            self._price,
            self._crossnoun,
            self._table_step("conn", CONNECTORS),
            self._table_step("mirror", act.MIRROR_WORDS),
            self._filter,
            self._table_step("marker", act.CONDITION_MARKERS),
            self._pronoun,
        )
        while self.i < len(self.tokens):
            if not any(step() for step in steps):
                self.emit("word", self.i, self.i + 1, self.at())
        return [self._connector_kind(lex) for lex in self.out]

    @staticmethod
    def _connector_kind(lex: Lex) -> Lex:
        if lex.kind == "conn":
            return Lex(lex.value, lex.text)
        return lex

    def _table_step(self, kind: str, table: Mapping[str, Any] | frozenset[str]):
        def step() -> bool:
            """Emit the longest phrase of ``table`` at the cursor, if any."""
            length = self.phrase(table)
            if not length:
                return False
            key = self.text(self.i, self.i + length)
            value = table[key] if isinstance(table, Mapping) else key
            return self.emit(kind, self.i, self.i + length, value)

        return step

    def _separator(self) -> bool:
        token = self.at()
        if token in HARD:
            return self.emit("hard", self.i, self.i + 1, token)
        if token in SOFT or (token == "-" and not is_number(self.at(1))):
            return self.emit("soft", self.i, self.i + 1, token)
        length = self.phrase(ph.TIMING)
        if length:
            return self.emit("timing", self.i, self.i + length)
        length = self.phrase(ph.FROM_DIRECTION)
        if length:
            key = self.text(self.i, self.i + length)
            return self.emit("fromdir", self.i, self.i + length, ph.FROM_DIRECTION[key])
        if token in ("(", ")"):
            return self.emit("paren", self.i, self.i + 1, token)
        return False

    def _unsupported(self) -> bool:
        length = self.phrase(v.UNSUPPORTED)
        if not length:
            return False
        key = self.text(self.i, self.i + length)
        return self.emit("unsupported", self.i, self.i + length, v.UNSUPPORTED[key])

    def _zone(self) -> bool:
        length = self.phrase(ph.ZONE_PHRASES)
        if not length:
            return False
        zone, motion = ph.ZONE_PHRASES[self.text(self.i, self.i + length)]
        end = self.i + length
        while end < len(self.tokens) and self.tokens[end] in ph.ZONE_LEVEL_WORDS:
            end += 1
        return self.emit("zone", self.i, end, (zone, motion))

    def _golden(self) -> bool:
        if self.at() not in ("golden", "death") or self.at(1) not in (
            "cross",
            "crossover",
            "crosses",
        ):
            return False
        return self.emit("golden" if self.at() == "golden" else "death", self.i, self.i + 2)

    def _candle(self) -> bool:
        j, sign = self.i, 0
        if self.at() in ("bullish", "bearish"):
            sign, j = (1 if self.at() == "bullish" else -1), j + 1
        length = self.phrase(v.CANDLES, j)
        if not length:
            return False
        name, default_sign = v.CANDLES[self.text(j, j + length)]
        end = j + length
        if end < len(self.tokens) and self.tokens[end] in ("pattern", "candle", "candles"):
            end += 1
        return self.emit("candle", self.i, end, (name, sign or default_sign))

    def _avg_volume(self) -> bool:
        length = self.phrase(AVG_VOLUME)
        if not length:
            return False
        return self.emit(
            "avgvol", self.i, self.i + length, AVG_VOLUME[self.text(self.i, self.i + length)]
        )

    def _special(self) -> bool:
        length = self.phrase(ph.SPECIAL_CONDITIONS)
        if not length:
            return False
        key = self.text(self.i, self.i + length)
        return self.emit("special", self.i, self.i + length, ph.SPECIAL_CONDITIONS[key])

    def _plural(self) -> bool:
        """ "both are below 20" / "either turns negative": a subject naming several series."""
        words = {"both": "all", "either": "any", "each": "all", "all": "all", "any": "any"}
        if self.at() not in words:
            return False
        j = self.i + 1
        while j < len(self.tokens) and self.tokens[j] in ("of", "them", "one", "lines", "are"):
            j += 1
        if j < len(self.tokens) and self.tokens[j] in ("is", "are"):
            j += 1
        if not (self.phrase(COMPARATORS, j) or self.phrase(ph.ZONE_PHRASES, j)):
            return False
        return self.emit("plural", self.i, j, words[self.at()])

    def _comparator(self) -> bool:
        between = self.at() == "between" and self.at(2) == "and"
        if between and is_number(self.at(1)) and is_number(self.at(3)):
            low, high = sorted((float(self.at(1)), float(self.at(3))))
            return self.emit("cmp", self.i, self.i + 4, "between", bounds=(low, high))
        length = self.phrase(ph.TOUCH)
        if length and self._touch_target(self.i + length, strict=self.at() in ("at", "back")):
            return self.emit("cmp", self.i, self.i + length, "touch")
        length = self.phrase(ph.BROKEN)
        if length and (self.at() != "breaks" or self.at(1) in HARD | SOFT | {"", "and", "or"}):
            return self.emit("broken", self.i, self.i + length)
        length = self.phrase(ph.ZERO_WORDS)
        if length:
            return self.emit("zero", self.i, self.i + length, 0.0)
        length = self.phrase(ph.CENTRE_WORDS)
        if length:
            return self.emit("centre", self.i, self.i + length)
        length = self.phrase(ph.BAND_WORDS)
        if length and self._touch_target(self.i + length, strict=True):
            key = self.text(self.i, self.i + length)
            return self.emit("cmp", self.i, self.i + length, ph.BAND_WORDS[key], price_verb=True)
        length = self.phrase(COMPARATORS)
        if not length:
            return False
        key = self.text(self.i, self.i + length)
        kind, value = COMPARATORS[key]
        if kind == "implicit":
            return self.emit("implicit", self.i, self.i + length, value)
        verb = key.split(" ")[0]
        price_verb = verb in v.PRICE_VERBS
        motion = value.startswith("crosses") and not verb.startswith("cross")
        return self.emit(
            "cmp", self.i, self.i + length, value, price_verb=price_verb, motion=motion
        )

    def _touch_target(self, j: int, *, strict: bool) -> bool:
        """Whether a touch word is followed by something it can touch."""
        while j < len(self.tokens) and self.tokens[j] in ("the", "a", "an", "its", "new"):
            j += 1
        if j >= len(self.tokens):
            return False
        if self.phrase(v.OUTPUT_WORDS, j) or self._indicator_name(j)[0] is not None:
            return True
        if strict:
            return False
        token = self.tokens[j]
        return (
            is_number(token)
            or token in ("highest", "lowest", "yesterday", "previous", "prior", "upper", "lower")
            or self.phrase(v.PRICE_WORDS, j) > 0
            or self.phrase(ph.ZONE_PHRASES, j) > 0
        )

    def _action(self) -> bool:
        length = self.phrase(act.ACTIONS)
        if not length:
            return False
        key = self.text(self.i, self.i + length)
        ambiguous = key in ("long", "short", "longs", "shorts", "trade", "trades", "entry", "exit")
        if ambiguous and self.at(length) in act.NOT_ACTION_AFTER:
            return False
        return self.emit("action", self.i, self.i + length, act.ACTIONS[key])

    def _crossnoun(self) -> bool:
        j, direction = self.i, "cross"
        if self.at() in act.BULLISH or self.at() in act.BEARISH:
            direction = "crosses_above" if self.at() in act.BULLISH else "crosses_below"
            j += 1
        if j >= len(self.tokens) or self.tokens[j] not in ("crossover", "crossovers", "cross"):
            return False
        j += 1
        if direction == "cross" and j < len(self.tokens):
            if (
                self.tokens[j] in ("up", "upward", "higher")
                or self.text(j, j + 3) == "to the upside"
            ):
                direction = "crosses_above"
            elif self.tokens[j] in ("down", "downward", "lower") or self.text(j, j + 3) == (
                "to the downside"
            ):
                direction = "crosses_below"
        return self.emit("cmp", self.i, j, direction, noun=True)

    def _filter(self) -> bool:
        length = self.phrase(act.FILTER_WORDS)
        if not length:
            return False
        key = self.text(self.i, self.i + length)
        return self.emit("filter", self.i, self.i + length, key, splits=key in SPLITTING_FILTERS)

    def _pronoun(self) -> bool:
        if self.at() in ("it", "they", "them"):
            return self.emit("pron", self.i, self.i + 1)
        return False


def lex(tokens: Sequence[str]) -> list[Lex]:
    """Lexemes for a normalised token list."""
    return Lexer(tokens).run()
