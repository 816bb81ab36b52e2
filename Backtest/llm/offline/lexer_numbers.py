"""Lexer steps that start with a number or a percentage move."""

from __future__ import annotations

from Backtest.llm.offline import actions as act
from Backtest.llm.offline import phrases as ph
from Backtest.llm.offline import vocabulary as v
from Backtest.llm.offline.lexer_base import (
    AVERAGE_WORDS,
    CHANNEL_WORDS,
    DEVIATION_WORDS,
    ROW_WORDS,
    Lex,
    is_number,
)
from Backtest.llm.offline.lexer_mentions import MentionSteps
from Backtest.llm.offline.model import Mention


class NumberSteps(MentionSteps):
    """Steps for periods, N-bar highs, streaks, deviations and "drops 5% in a day"."""

    def _number(self) -> bool:
        start, sign, j = self.i, 1.0, self.i
        if self.at() in ("-", "minus", "+") and is_number(self.at(1)):
            previous = self.out[-1].kind if self.out else "hard"
            if previous in ("num", "ind", "price", "pron") and self.at() != "minus":
                return False  # "20 - 50" style ranges are handled as pairs; leave it
            sign, j = (1.0 if self.at() == "+" else -1.0), j + 1
        elif self.at() == "minus":
            return False
        if j >= len(self.tokens) or not is_number(self.tokens[j]):
            return False
        value = sign * float(self.tokens[j])
        j += 1
        if j < len(self.tokens) and self.tokens[j] == "%":
            follower = self.tokens[j + 1] if j + 1 < len(self.tokens) else ""
            if follower in ("above", "below", "over", "under", "higher", "lower", "from", "off"):
                message = v.ARITHMETIC_MESSAGE.format(text=self.text(start, j + 2))
                return self.emit("unsupported", start, j + 2, message)
            return self.emit("num", start, j + 1, value, percent=True)
        if sign > 0 and (result := self._after_number(start, value, j)):
            return result
        return self.emit("num", start, j, value)

    def _after_number(self, start: int, value: float, j: int) -> bool:
        """Numbers that belong to something: N-day high, streaks, deviations, indicator periods."""
        length = self.phrase(DEVIATION_WORDS, j)
        if length:
            if self._deviation_band(start, value, j + length):
                return True
            return self.emit("bbdev", start, j + length, value)
        after = self.out[-1].text if self.out else ""
        if (
            after in ("after", "within", "in")
            and self.tokens[j : j + 1]
            and (
                self.tokens[j] in act.STREAK_UNITS or self.tokens[j] in ("weeks", "week", "months")
            )
        ):
            message = "time-based rules (after N bars) cannot be expressed in spec 1.0"
            return self.emit("unsupported", start, j + 1, message)
        unit = 1
        if j < len(self.tokens) and self.tokens[j] in act.UNIT_WORDS:
            unit = act.UNIT_WORDS[self.tokens[j]]
            j += 1
        length = self.phrase(CHANNEL_WORDS, j)
        if length and unit and self.tokens[j - 1] != "new":
            func, source = CHANNEL_WORDS[self.text(j, j + length)]
            return self.emit("channel", start, j + length, (func, source, int(value * unit)))
        if result := self._streak(start, value, j):
            return result
        if result := self._pair(start, value * unit, j):
            return result
        if j < len(self.tokens) and self.tokens[j] == "-":
            j += 1
        speed = None
        if (length := self.phrase(act.SPEED_WORDS, j)) and self._ma_length(j + length):
            speed, j = act.SPEED_WORDS[self.text(j, j + length)], j + length
        if unit != 1 or self.tokens[j - 1] in act.UNIT_WORDS:
            length = self.phrase(AVERAGE_WORDS, j)
            if length and not self.phrase(v.INDICATOR_NAMES, j) > length:
                name = AVERAGE_WORDS[self.text(j, j + length)]
                source = None
                if j + length < len(self.tokens) and self.tokens[j + length] == "volume":
                    source, length = "Volume", length + 1
                mention = Mention(name, (value * unit,), speed, source=source)
                return self._finish_mention(start, j + length, mention)
        if self.tokens[j : j + 1] == ["volume"] and (length := self._ma_length(j + 1)):
            mention = Mention("SMA", (value * unit,), speed, source="Volume")
            return self._finish_mention(start, j + 1 + length, mention)
        name, end = self._indicator_name(j)
        if name is None:
            return False
        mention = Mention(name, (value * unit,), speed)
        return self._finish_mention(start, end, mention)

    def _deviation_band(self, start: int, deviations: float, j: int) -> bool:
        """ "2 standard deviations below the 20-day mean" is the lower Bollinger band."""
        side = {"below": "lower", "under": "lower", "above": "upper", "over": "upper"}
        if j >= len(self.tokens) or self.tokens[j] not in side:
            return False
        role, k = side[self.tokens[j]], j + 1
        while k < len(self.tokens) and self.tokens[k] in ("the", "its", "a"):
            k += 1
        period = 20.0
        if k < len(self.tokens) and is_number(self.tokens[k]):
            period, k = float(self.tokens[k]), k + 1
            if k < len(self.tokens) and self.tokens[k] in act.UNIT_WORDS:
                k += 1
        length = self.phrase(AVERAGE_WORDS, k)
        if not length or AVERAGE_WORDS[self.text(k, k + length)] != "SMA":
            return False
        op = "<" if role == "lower" else ">"
        self.out.append(Lex("cmp", self.text(start, j + 1), op))
        mention = Mention("BBANDS", (period, deviations), role=role)
        self.out.append(Lex("ind", self.text(j + 1, k + length), mention))
        self.i = k + length
        return True

    def _streak(self, start: int, value: float, j: int) -> bool:
        k = j
        if k < len(self.tokens) and self.tokens[k] in ("consecutive", "straight"):
            k += 1
        if k + 1 >= len(self.tokens) or self.tokens[k] not in act.STREAK_WORDS:
            return False
        if self.tokens[k + 1] not in act.STREAK_UNITS:
            return False
        end = k + 2
        length = self.phrase(frozenset(ROW_WORDS), end)
        return self.emit(
            "streak", start, end + length, (act.STREAK_WORDS[self.tokens[k]], int(value))
        )

    def _pair(self, start: int, first: float, j: int) -> bool:
        """``20/50 EMA``, ``10 and 30 day moving averages``, ``50-200 SMA``."""
        if j + 1 >= len(self.tokens) or self.tokens[j] not in ("/", "and", ",", "-", "&"):
            return False
        if not is_number(self.tokens[j + 1]):
            return False
        second = float(self.tokens[j + 1])
        k = j + 2
        unit = 1
        if k < len(self.tokens) and self.tokens[k] in act.UNIT_WORDS:
            unit = act.UNIT_WORDS[self.tokens[k]]
            k += 1
        length = self._ma_length(k)
        if not length:
            return False
        name = v.INDICATOR_NAMES[self.text(k, k + length)]
        pair = (Mention(name, (first * unit,)), Mention(name, (second * unit,)))
        return self.emit("pair", start, k + length, pair)

    def _persist(self) -> bool:
        if self.at() != "for" or not is_number(self.at(1)):
            return False
        j = self.i + 2
        if j < len(self.tokens) and self.tokens[j] in ("consecutive", "straight"):
            j += 1
        if j >= len(self.tokens) or self.tokens[j] not in act.STREAK_UNITS:
            return False
        end = j + 1 + self.phrase(frozenset(ROW_WORDS), j + 1)
        return self.emit("persist", self.i, end, int(float(self.at(1))))

    def _pct_move(self) -> bool:
        """ "drops 5% in a day" -> ROC(1) < -5; "gains 10% over 5 days" -> ROC(5) > 10."""
        length = self.phrase(ph.PCT_MOVE_VERBS)
        if not length:
            return False
        sign = ph.PCT_MOVE_VERBS[self.text(self.i, self.i + length)]
        j = self.i + length
        while j < len(self.tokens) and self.tokens[j] in ("by", "more", "than", "over", "at"):
            j += 1
        if not (j + 1 < len(self.tokens) and is_number(self.tokens[j])):
            return False
        if self.tokens[j + 1] != "%":
            return False
        percent, j = float(self.tokens[j]), j + 2
        period, k, default = 1, j, True
        while k < len(self.tokens) and self.tokens[k] in ("in", "over", "within", "the", "last"):
            k += 1
        if k < len(self.tokens) and self.tokens[k] in {"a", "one", "single", "1"}:
            k += 1
        if k < len(self.tokens) and is_number(self.tokens[k]):
            period, k = int(float(self.tokens[k])), k + 1
        if k < len(self.tokens) and self.tokens[k] in act.STREAK_UNITS | {"session", "sessions"}:
            j, default = k + 1, False
        elif self.tokens[j : j + 1] in (["today"], ["intraday"]):
            j, default = j + 1, False
        return self.emit("pctmove", self.i, j, (sign, percent, period), default=default)

    def _single_streak(self) -> bool:
        if self.at() not in act.STREAK_WORDS:
            return False
        if self.at(1) not in {"close", "day", "bar", "candle", "session"}:
            return False
        return self.emit("streak", self.i, self.i + 2, (act.STREAK_WORDS[self.at()], 1))
