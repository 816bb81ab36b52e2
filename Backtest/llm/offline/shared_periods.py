"""One period given in a bracket for the indicators named before it, "Buy when +DI crosses above
-DI and ADX is over 20 (all three 14 period)": each of them with that period, noted.

Read only when:

* the bracket is wholly a count in words and a period: "(all three 14 period)", "(both 14
  periods)" (a count in digits, "(all 3 14 period)", is not read);
* the sentence names exactly that many indicators before the bracket, each of a kind that has
  one period (ADX, +DI, RSI, an average, ...), none with a period of its own (a number just
  before or after it).

Anything else is left as it was (and refused by the grammar, naming the bracket's words).
"""

from __future__ import annotations

from collections.abc import Sequence

from Backtest.llm.offline.lexer import Lexeme

# Indicators whose one setting is the period (a bracket's one number is that period).
_ONE_PERIOD = frozenset(
    {"ADX", "ADXR", "PLUS_DI", "MINUS_DI", "RSI", "SMA", "EMA", "WMA", "ATR", "CCI", "ROC", "MFI"}
)
_PERIOD_WORDS = frozenset({"period", "periods", "-period", "bar", "bars", "day", "days"})


def _count(inside: Sequence[Lexeme]) -> int | None:
    """The count the bracket opens with, "both" or a number said in words ("all three": the
    "all" is filler by now), or None (a count in digits, "(3 14 period)", is not read)."""
    if not inside:
        return None
    if inside[0].kind == "BOTH" and inside[0].text.lower() == "both":
        return 2
    value = inside[0].value
    spelled = inside[0].kind == "NUM" and inside[0].text.isalpha()
    if spelled and isinstance(value, float) and value.is_integer() and 2 <= value <= 5:
        return int(value)
    return None


def _own_period(lexemes: Sequence[Lexeme], index: int) -> bool:
    before = lexemes[index - 1].kind if index > 0 else None
    after = lexemes[index + 1].kind if index + 1 < len(lexemes) else None
    return before in ("NUM", "UNIT") or after in ("NUM", "LPAR")


def shared_period(lexemes: Sequence[Lexeme]) -> tuple[list[Lexeme], str | None]:
    """``lexemes`` with the bracket's period written after each indicator before it (as
    "ADX(14)"), and the bracket dropped; or as they were, with None."""
    for open_at, lexeme in enumerate(lexemes):
        if lexeme.kind != "LPAR":
            continue
        close_at = next(
            (k for k in range(open_at + 1, len(lexemes)) if lexemes[k].kind == "RPAR"), None
        )
        if close_at is None:
            return list(lexemes), None
        inside = lexemes[open_at + 1 : close_at]
        count = _count(inside)
        if count is None:
            continue
        rest = inside[1:]
        if len(rest) != 2 or rest[0].kind != "NUM" or rest[1].kind != "UNIT":
            continue
        if rest[1].text.lower().lstrip("-") not in {w.lstrip("-") for w in _PERIOD_WORDS}:
            continue
        period = rest[0]
        if not (isinstance(period.value, float) and period.value.is_integer()):
            continue
        before = lexemes[:open_at]
        named = [i for i, lx in enumerate(before) if lx.kind == "IND"]
        if len(named) != count or any(
            before[i].value[0] not in _ONE_PERIOD or before[i].value[1] or _own_period(before, i)
            for i in named
        ):
            return list(lexemes), None
        out: list[Lexeme] = []
        for i, lx in enumerate(before):
            out.append(lx)
            if i in named:
                out += [
                    Lexeme("LPAR", "(", lx.end, lx.end, ""),
                    Lexeme("NUM", period.value, lx.end, lx.end, ""),
                    Lexeme("RPAR", ")", lx.end, lx.end, ""),
                ]
        out += lexemes[close_at + 1 :]
        names = ", ".join(f"{before[i].text}({int(period.value)})" for i in named)
        return out, f"read the period in brackets as that of each indicator before it: {names}"
    return list(lexemes), None
