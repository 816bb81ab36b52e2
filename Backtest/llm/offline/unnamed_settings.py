"""A channel's settings said in a sentence of their own, without the channel's name.

"Could you set up a SuperTrend system? ATR period 10, multiplier 3. Go long when ..." or "I
run SuperTrend on ETH. Settings are ATR length 12 and factor 3." give the settings of the one
indicator with an ATR multiple the description names (SuperTrend or a Keltner channel). The
sentence is read as that indicator with its settings ("SuperTrend with ATR period 10,
multiplier 3"), a declaration the rules' later mentions then take; the sentence before named
the channel without settings, and that plain naming is the one these settings complete (the
parser drops its declaration of the standard settings). It is read only when:

* the whole sentence is settings said by their names ("ATR period 10", "an ATR length of 12",
  "multiplier 3", "a factor of 2.5"), after at most "settings are" / "settings:", and one of
  them is the multiple (an ATR period alone may be a stop's);
* the description names exactly one kind of such indicator, and the sentence before names
  it ("... Use an ATR trailing stop. ATR period 14, multiplier 3." are the stop's).

Anything else is left as it was, and its words are refused.
"""

from __future__ import annotations

from collections.abc import Sequence

from Backtest.llm.offline.lexer import Lexeme

# indicators with an ATR multiple, and how a note names them
_CHANNELS = {"SUPERTREND": "SuperTrend", "KELTNER": "the Keltner channel"}
_PERIOD_WORDS = frozenset({"period", "length"})


def _setting(lexemes: Sequence[Lexeme], i: int) -> tuple[int, bool]:
    """Length of one named setting at ``i`` (0: none), and whether it is the multiple."""
    n = len(lexemes)
    if lexemes[i].kind == "MULT":
        j = i + 1
        multiple = True
    elif lexemes[i].kind == "IND" and lexemes[i].value[0] == "ATR":
        j = i + 1
        if j < n and lexemes[j].kind == "UNIT" and lexemes[j].text.lower() in _PERIOD_WORDS:
            j += 1
        multiple = False
    else:
        return 0, False
    if j < n and lexemes[j].kind == "OF":
        j += 1
    if j < n and lexemes[j].kind == "NUM":
        return j + 1 - i, multiple
    return 0, False


def _settings_from(lexemes: Sequence[Lexeme]) -> int | None:
    """Where the settings start when the whole sentence is named settings, else None."""
    start = 0
    if start < len(lexemes) and lexemes[start].kind == "SETTINGS":
        start += 1
        if start < len(lexemes) and lexemes[start].kind in ("IS", "COLON"):
            start += 1
    i, multiple = start, False
    while i < len(lexemes):
        length, is_multiple = _setting(lexemes, i)
        if not length:
            return None
        multiple = multiple or is_multiple
        i += length
        if i == len(lexemes):
            break
        while i < len(lexemes) and lexemes[i].kind in ("COMMA", "AND"):
            i += 1
        if i == len(lexemes):
            return None
    return start if multiple and i > start else None


def _channels(lexemes: Sequence[Lexeme]) -> set[str]:
    return {lx.value[0] for lx in lexemes if lx.kind == "IND" and lx.value[0] in _CHANNELS}


def unnamed_settings(
    lexemes: Sequence[Lexeme], before: Sequence[Lexeme], every: Sequence[Lexeme]
) -> tuple[list[Lexeme], str] | None:
    """The sentence as "<channel> with <settings>" and the channel's name for the note, when
    ``lexemes`` are the settings of the one channel ``every`` (the description) names, named
    in the sentence ``before`` them."""
    start = _settings_from(lexemes)
    if start is None:
        return None
    named = _channels(every)
    if len(named) != 1 or _channels(before) != named:
        return None
    (name,) = named
    # the channel stands for the settings it is given (quoted so in a refusal)
    at, end = lexemes[start].start, lexemes[-1].end
    channel = Lexeme("IND", (name, False), at, end, _CHANNELS[name])
    with_ = Lexeme("WITH", None, at, at, "with")
    return [channel, with_, *lexemes[start:]], _CHANNELS[name]
