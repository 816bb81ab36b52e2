"""A Keltner channel defined in prose, in a sentence of its own.

"The middle line is the 20-day EMA and the bands sit 2 times the 10-day ATR on either side.",
"Keltner channel: 20 EMA middle, 10-period ATR, 2x multiplier.", "Channel = 20-period EMA as
the middle, bands at 1.5x ATR(10)." give the three settings of a Keltner channel (the EMA
period of the middle line, the ATR period and the ATR multiple of the bands). Such a sentence
is read as the channel with its settings, "Keltner channel (20 EMA, 10 ATR, multiplier 2)", a
declaration the rules' later mentions ("the upper band", "the middle line") then take. It is
read only when:

* the whole sentence is the three settings, each given once, in the words of a definition
  (the middle line, the bands, their width, "on either side", "away from it"), after at most a
  head naming the channel ("Keltner channel:", "Channel settings:", "The channel is");
* the middle line is an EMA (an SMA middle line is not a Keltner channel and is refused), and
  the bands are one multiple of the ATR on both sides (two multiples are refused);
* the sentence names the Keltner channel, or the description names it and no other channel.

"N ATR" with no other ATR period is the ATR period ("10 ATR", as in the bracket "(20 EMA,
10 ATR, 2x)"); beside another period it is the multiple ("2 ATR of 10 days", "2 ATR(10)").
Anything else is left as it was, and its words are read or refused as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from Backtest.llm.offline.lexer import Lexeme

# the words of a definition that carry nothing beside the three settings
_ROLES = frozenset({"middle", "band"})  # OUTPUT values: "the middle line", "the bands"
_LINKS = frozenset({"COMMA", "AND", "WITH", "AT", "FOR", "IS", "WIDTH", "FROM", "ON", "EITHER"})
_LINK_WORDS = frozenset({"sit", "sits", "away", "side", "sides", "each"})
_UNITS = frozenset({"period", "periods", "day", "days", "bar", "bars", "length"})
# other indicators with bands: "the channel" with one of them named is not surely Keltner's
_OTHER_CHANNELS = frozenset({"BBANDS", "DONCHIAN", "SUPERTREND"})


@dataclass
class _Found:
    ema: list[float] = field(default_factory=list)
    atr: list[float] = field(default_factory=list)
    multiple: list[float] = field(default_factory=list)
    maybe_atr: list[float] = field(default_factory=list)  # "10 ATR": a period unless another


def _kind(lexemes: Sequence[Lexeme], i: int) -> str:
    return lexemes[i].kind if i < len(lexemes) else ""


def _ind(lexemes: Sequence[Lexeme], i: int, name: str) -> bool:
    return _kind(lexemes, i) == "IND" and lexemes[i].value[0] == name


def _unit(lexemes: Sequence[Lexeme], i: int) -> bool:
    return _kind(lexemes, i) == "UNIT" and lexemes[i].text.lower().lstrip("-") in _UNITS


def _period_after(lexemes: Sequence[Lexeme], i: int) -> tuple[float, int] | None:
    """ "(10)", " 10", " of 10 days" after an indicator's name at ``i``: the period and the
    index after it."""
    if _kind(lexemes, i) == "LPAR" and _kind(lexemes, i + 1) == "NUM":
        if _kind(lexemes, i + 2) == "RPAR":
            return lexemes[i + 1].value, i + 3
        return None
    j = i + 1 if _kind(lexemes, i) == "OF" else i
    if _kind(lexemes, j) == "NUM":
        return lexemes[j].value, j + 2 if _unit(lexemes, j + 1) else j + 1
    return None


def _item(lexemes: Sequence[Lexeme], i: int, found: _Found) -> int:
    """The index after one setting starting at ``i`` (``i`` when there is none)."""
    kind = _kind(lexemes, i)
    if kind == "NUM":
        value = lexemes[i].value
        j = i + 1
        if _kind(lexemes, j) == "TIMES":  # "2x", "2 times the 10-day ATR", "1.5x multiplier"
            found.multiple.append(value)
            j += 1
            if _kind(lexemes, j) == "MULT":
                return j + 1
            if _kind(lexemes, j) == "NUM" and _unit(lexemes, j + 1) and _ind(lexemes, j + 2, "ATR"):
                found.atr.append(lexemes[j].value)
                return j + 3
            if _ind(lexemes, j, "ATR"):
                period = _period_after(lexemes, j + 1)
                if period is None:
                    return _bare_atr(j, found)
                found.atr.append(period[0])
                return period[1]
            return j
        if _kind(lexemes, j) == "MULT":  # "2 multiplier"
            found.multiple.append(value)
            return j + 1
        has_unit = _unit(lexemes, j)
        if has_unit:
            j += 1
        if _ind(lexemes, j, "EMA"):
            found.ema.append(value)
            return j + 1
        if _ind(lexemes, j, "ATR"):
            if has_unit:
                found.atr.append(value)
                return j + 1
            period = _period_after(lexemes, j + 1)
            if period is not None:  # "2 ATR(10)", "2 ATR of 10 days": the multiple
                found.multiple.append(value)
                found.atr.append(period[0])
                return period[1]
            found.maybe_atr.append(value)
            return j + 1
        return i
    if kind == "IND" and lexemes[i].value[0] in ("EMA", "ATR"):
        period = _period_after(lexemes, i + 1)
        if period is None:
            return i
        (found.ema if lexemes[i].value[0] == "EMA" else found.atr).append(period[0])
        return period[1]
    if kind == "MULT":  # "multiplier 2", "a multiplier of 2"
        j = i + 2 if _kind(lexemes, i + 1) == "OF" else i + 1
        if _kind(lexemes, j) == "NUM":
            found.multiple.append(lexemes[j].value)
            return j + 1
    return i


def _bare_atr(j: int, found: _Found) -> int:
    """ "2 times ATR" with no period: the ATR's period is missing (the sentence is not read)."""
    found.atr.append(float("nan"))
    return j + 1


def _link(lexeme: Lexeme) -> bool:
    if lexeme.kind == "OUTPUT":
        return lexeme.value in _ROLES
    if lexeme.kind == "UNKNOWN":
        return lexeme.text.lower() in _LINK_WORDS
    if lexeme.kind == "PRON":
        return lexeme.text.lower() == "it"
    return lexeme.kind in _LINKS


def _head(lexemes: Sequence[Lexeme]) -> tuple[int, bool]:
    """Where the settings start after a head naming the channel, and whether it names
    Keltner's: "Keltner channel:", "Channel settings:", "The channel is", "Keltner is"."""
    i, keltner = 0, False
    if _ind(lexemes, 0, "KELTNER"):
        i, keltner = 1, True
    elif _kind(lexemes, 0) == "OUTPUT" and lexemes[0].text.lower() in ("channel", "channels"):
        i = 1
    if i and _kind(lexemes, i) == "SETTINGS":
        i += 1
    if i and _kind(lexemes, i) in ("COLON", "ARROW", "IS", "WITH"):
        i += 1
    return i, keltner


def keltner_definition(
    lexemes: Sequence[Lexeme], every: Sequence[Lexeme]
) -> tuple[list[Lexeme], str] | None:
    """The sentence as "Keltner channel (20 EMA, 10 ATR, multiplier 2)" and a note saying so,
    when ``lexemes`` (one sentence of the description ``every``) define a Keltner channel."""
    if not lexemes:
        return None
    start, keltner = _head(lexemes)
    found = _Found()
    i = start
    while i < len(lexemes):
        after = _item(lexemes, i, found)
        if after > i:
            i = after
        elif _link(lexemes[i]):
            i += 1
        else:
            return None
    if found.maybe_atr:
        if found.atr:
            found.multiple += found.maybe_atr
        else:
            found.atr += found.maybe_atr
    if not (len(found.ema) == len(found.atr) == len(found.multiple) == 1):
        return None
    ema, atr, multiple = found.ema[0], found.atr[0], found.multiple[0]
    if atr != atr:  # nan: an ATR without its period
        return None
    named = {lx.value[0] for lx in every if lx.kind == "IND"}
    if not keltner and ("KELTNER" not in named or named & _OTHER_CHANNELS):
        return None
    at, end = lexemes[0].start, lexemes[-1].end
    quoted = lexemes[0].text if keltner else "Keltner channel"

    def made(kind: str, value: object, text: str) -> Lexeme:
        return Lexeme(kind, value, at, end, text)

    written = [
        made("IND", ("KELTNER", False), quoted),
        made("LPAR", "(", "("),
        made("NUM", ema, f"{ema:g}"),
        made("IND", ("EMA", False), "EMA"),
        made("COMMA", ",", ","),
        made("NUM", atr, f"{atr:g}"),
        made("IND", ("ATR", False), "ATR"),
        made("COMMA", ",", ","),
        made("MULT", None, "multiplier"),
        made("NUM", multiple, f"{multiple:g}"),
        made("RPAR", ")", ")"),
    ]
    note = (
        f"the Keltner channel's settings: an EMA({ema:g}) middle line and bands "
        f"{multiple:g} x ATR({atr:g}) on either side"
    )
    return written, note


_MODERN = ("modern", "version")


def modern_heading(
    lexemes: Sequence[Lexeme], after: Sequence[Lexeme], every: Sequence[Lexeme]
) -> list[Lexeme] | None:
    """ "The Keltner channel, modern version." before the sentence defining it: the modern
    channel is the one of an EMA and ATR bands, which the next sentence gives; the sentence
    is read as the channel's name alone (the definition then completes it)."""
    if len(lexemes) != 4 or not _ind(lexemes, 0, "KELTNER") or _kind(lexemes, 1) != "COMMA":
        return None
    if tuple(lx.text.lower() for lx in lexemes[2:]) != _MODERN:
        return None
    if any(lx.kind != "UNKNOWN" for lx in lexemes[2:]):
        return None
    if keltner_definition(after, every) is None:
        return None
    return [lexemes[0]]
