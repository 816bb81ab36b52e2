"""Lexer steps for indicator mentions, outputs, prices and channels."""

from __future__ import annotations

from Backtest.indicator_registry import get_indicator
from Backtest.llm.offline import actions as act
from Backtest.llm.offline import vocabulary as v
from Backtest.llm.offline.lexer_base import (
    AVERAGE_WORDS,
    CHANNEL_WORDS,
    DEVIATION_WORDS,
    STANDALONE_OUTPUTS,
    Cursor,
    Lex,
    is_number,
    registry_name,
)
from Backtest.llm.offline.model import Mention


class MentionSteps(Cursor):
    """Steps that read indicator names with their parameters and output words."""

    def _speed_indicator(self) -> bool:
        length = self.phrase(act.SPEED_WORDS)
        if not length:
            return False
        speed = act.SPEED_WORDS[self.text(self.i, self.i + length)]
        j = self.i + length
        numbers: tuple[float, ...] = ()
        if j < len(self.tokens) and is_number(self.tokens[j]):
            numbers, j = (float(self.tokens[j]),), j + 1
            if j < len(self.tokens) and self.tokens[j] in act.UNIT_WORDS:
                j += 1
        name, end = self._indicator_name(j)
        if name is None:
            return False
        mention = Mention(name, numbers, speed)
        return self._finish_mention(self.i, end, mention)

    def _speed_ref(self) -> bool:
        """A bare "fast"/"slow" naming a moving average declared earlier."""
        if self.at() not in ("fast", "slow", "faster", "slower", "fastest", "slowest", "quick"):
            return False
        end = self.i + 1 + (self.at(1) in ("one", "line", "lines"))
        return self.emit("speedref", self.i, end, act.SPEED_WORDS[self.at()])

    def _indicator(self) -> bool:
        if self.at() == "volume" and (length := self._ma_length(self.i + 1)):
            mention = Mention("SMA", source="Volume")
            return self._finish_mention(self.i, self.i + 1 + length, mention)
        if self.phrase({"average volume": 1}):
            return self._finish_mention(self.i, self.i + 2, Mention("SMA", source="Volume"))
        name, end = self._indicator_name(self.i)
        if name is None:
            return False
        return self._finish_mention(self.i, end, Mention(name))

    def _finish_mention(self, start: int, j: int, mention: Mention) -> bool:
        """Read what follows a name: output words, "(20, 2)" / "14" / "of 10" params, "/30"."""
        self.i = j
        role = mention.role or self._role_word(mention.name)
        numbers = list(mention.numbers)
        params, pair, crossword = self._params(mention.name)
        if pair is not None and not numbers:
            first, second = pair
            mentions = (
                Mention(mention.name, (first,), source=mention.source),
                Mention(mention.name, (second,), source=mention.source),
            )
            self.out.append(Lex("pair", self.text(start, self.i), mentions))
            if crossword:
                self.out.append(Lex("cmp", crossword, "cross"))
            return True
        if not numbers:
            numbers = params
        role = role or self._role_word(mention.name)
        source = mention.source
        if self.at() in ("of", "on") and self.at(1) == "volume" and mention.source is None:
            info = get_indicator(mention.name)
            if len(info.inputs) == 1:
                source = "Volume"
                self.i += 2
        final = Mention(mention.name, tuple(numbers), mention.speed, role, source)
        self.out.append(Lex("ind", self.text(start, self.i), final))
        return True

    def _role_word(self, name: str) -> str | None:
        length = self.phrase(v.OUTPUT_WORDS)
        if not length:
            return None
        role = v.OUTPUT_WORDS[self.text(self.i, self.i + length)]
        if role != "main" and name not in v.OUTPUT_ROLES.get(role, {}):
            return None
        self.i += length
        return role

    def _params(self, name: str) -> tuple[list[float], tuple[float, float] | None, str]:
        """Numbers written after an indicator name; a pair for moving averages ("SMA 10/30")."""
        start = self.i
        j = self.i
        crossword = ""
        is_ma = name in v.MOVING_AVERAGES
        if is_ma and self.at() in ("crossover", "cross", "crossovers"):
            crossword, j = self.at(), j + 1
        opened = j < len(self.tokens) and self.tokens[j] == "("
        if opened:
            j += 1
        while (
            j < len(self.tokens)
            and self.tokens[j] in act.PARAM_INTRO
            and not is_number(self.tokens[j])
        ):
            j += 1
        numbers: list[float] = []
        separators: list[str] = []
        while j < len(self.tokens) and is_number(self.tokens[j]):
            if self.phrase(DEVIATION_WORDS, j + 1):
                break  # "with 2.5 standard deviations" is not a period
            numbers.append(float(self.tokens[j]))
            j += 1
            if j < len(self.tokens) and self.tokens[j] in act.UNIT_WORDS:
                j += 1
            if (
                j + 1 < len(self.tokens)
                and self.tokens[j] in (",", "/", "and")
                and is_number(self.tokens[j + 1])
            ):
                if self.tokens[j] == "and" and not (opened or is_ma):
                    break
                separators.append(self.tokens[j])
                j += 1
                continue
            break
        if opened:
            if j < len(self.tokens) and self.tokens[j] == ")":
                j += 1
            elif numbers:
                j = j  # unbalanced: keep what we read
        if not numbers:
            self.i = start
            return [], None, ""
        self.i = j
        if is_ma and len(numbers) == 2:
            return [], (numbers[0], numbers[1]), crossword
        if crossword:  # "SMA crossover 20" makes no sense; give the word back
            self.i = start
            return [], None, ""
        if not opened and len(numbers) > 1 and not separators:
            numbers = numbers[:1]
        return numbers, None, ""

    def _its_average(self) -> bool:
        j = self.i
        if self.at() == "its":
            j += 1
            if j < len(self.tokens) and self.tokens[j] == "own":
                j += 1
        elif self.at() not in ("average", "avg"):
            return False
        period = None
        if j < len(self.tokens) and is_number(self.tokens[j]):
            period = float(self.tokens[j])
            j += 1
            if j < len(self.tokens) and self.tokens[j] in act.UNIT_WORDS:
                period *= act.UNIT_WORDS[self.tokens[j]]
                j += 1
        length = self.phrase(AVERAGE_WORDS, j)
        if not length:
            if self.at() == "its":
                return self.emit("word", self.i, self.i + 1, "its")
            return False
        name = AVERAGE_WORDS[self.text(j, j + length)]
        return self.emit("itsavg", self.i, j + length, (name, period))

    def _output_word(self) -> bool:
        length = self.phrase(STANDALONE_OUTPUTS)
        if not length:
            return False
        role = v.OUTPUT_WORDS[self.text(self.i, self.i + length)]
        name = v.ROLE_DEFAULT[role]
        if name in ("BBANDS", "AROON"):
            start = self.i
            self.i += length
            if name == "BBANDS" and self.at() in ("bollinger", "bb"):
                self.i += 1
            return self._finish_mention(start, self.i, Mention(name, role=role))
        return self.emit("outref", self.i, self.i + length, role)

    def _ma_length(self, j: int) -> int:
        length = self.phrase(v.INDICATOR_NAMES, j)
        if length and v.INDICATOR_NAMES[self.text(j, j + length)] in v.MOVING_AVERAGES:
            return length
        return 0

    def _indicator_name(self, j: int) -> tuple[str | None, int]:
        length = self.phrase(v.INDICATOR_NAMES, j)
        if length:
            return v.INDICATOR_NAMES[self.text(j, j + length)], j + length
        if j < len(self.tokens) and (name := registry_name(self.tokens[j])):
            return name, j + 1
        return None, j

    def _price(self) -> bool:
        if self.at() in ("is", "was", "makes", "hits", "sets", "at") and (
            self.at(1) in ("the", "a") and self.at(2) in ("highest", "lowest", "new")
        ):
            # "the close is the highest close of the past 50 days": above the prior maximum
            low = self.at(2) == "lowest" or (self.at(2) == "new" and self.at(3) in ("low", "lows"))
            return self.emit("cmp", self.i, self.i + 2, "<" if low else ">")
        j, bars_ago = self.i, 0
        if length := self.phrase(v.PREVIOUS_WORDS):
            j, bars_ago = j + length, 1
        elif length := self.phrase(v.TODAY_WORDS):
            j = j + length
        if j < len(self.tokens) and self.tokens[j] == "day":
            j += 1
        if self.text(j, j + 2) in ("new high", "new highs", "new low", "new lows"):
            func, source = CHANNEL_WORDS[self.tokens[j + 1]]
            return self.emit("channel", self.i, j + 2, (func, source, 20), default=True)
        length = self.phrase(CHANNEL_WORDS, j)
        if length and self.tokens[j] in ("highest", "lowest"):
            return self._channel_over(j, length)
        length = self.phrase(v.PRICE_WORDS, j)
        if not length:
            if bars_ago and self.at() in ("yesterday", "previous", "prior"):
                return self.emit("price", self.i, j, ("Close", 1))
            return False
        field_name = v.PRICE_WORDS[self.text(j, j + length)]
        return self.emit("price", self.i, j + length, (field_name, bars_ago))

    def _channel_over(self, j: int, length: int) -> bool:
        """``highest high of the last 20 days``."""
        func, source = CHANNEL_WORDS[self.text(j, j + length)]
        k = j + length
        while k < len(self.tokens) and self.tokens[k] in (
            "of",
            "in",
            "over",
            "the",
            "last",
            "past",
            "previous",
            "prior",
            "for",
        ):
            k += 1
        if k < len(self.tokens) and is_number(self.tokens[k]):
            period = float(self.tokens[k])
            k += 1
            if k < len(self.tokens) and self.tokens[k] in act.UNIT_WORDS:
                period *= act.UNIT_WORDS[self.tokens[k]]
                k += 1
            return self.emit("channel", self.i, k, (func, source, int(period)))
        return self.emit("channel", self.i, j + length, (func, source, 20), default=True)
