"""Step 2: tokens -> lexemes (the grammar's terminals), each with its span of the user's text.

The longest phrase of :mod:`.vocabulary` wins at each position ("sell short" before "sell",
"closes above" before "close"). Numbers followed by "%" become ``PCT``; an all-capitals word
the vocabulary does not know ("SPY") is a ``TICKER``; filler words become ``FILLER`` (dropped
later); every other word is ``UNKNOWN`` and, unless its whole sentence is small talk, makes
the description be refused with that word named.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from Backtest.llm.offline import vocabulary as v
from Backtest.llm.offline.text import Token, tokenize
from Backtest.llm.offline.typos import corrected

_PUNCT = {
    ",": "COMMA",
    ":": "COLON",
    "(": "LPAR",
    "[": "LPAR",
    ")": "RPAR",
    "]": "RPAR",
    ".": "SEP",
    ";": "SEP",
    "!": "SEP",
    "?": "SEP",
    "->": "ARROW",
    "=>": "ARROW",
    "=": "ARROW",
    "/": "SLASH",
    "+": "PLUS",
    "-": "MINUS",
    "*": "TIMES",
    "&": "AND",
    "@": "AT",
    "%": "PERCENT_SIGN",
    "'": "QUOTE",
    '"': "QUOTE",
    "“": "QUOTE",
    "”": "QUOTE",
    "‘": "QUOTE",
    "’": "QUOTE",
    "•": "BULLET",
    "·": "BULLET",
    "–": "MINUS",
    "—": "MINUS",
}
_ABBREVIATIONS = frozenset({"vs"})  # a point right after these is part of the word
_COMPARISON_SIGNS = {">": ">", "<": "<", ">=": ">=", "<=": "<=", "==": "==", "!=": "!="}


# emoji that may carry a rule's meaning (yes/no, buy/sell colours, directions, up/down charts)
_MEANING_EMOJI = frozenset("✅✔☑❌✖❎⛔🚫⚠👍👎📈📉🟢🔴🟩🟥🔼🔽⬆⬇↗↘➡⬅↑↓🐂🐻🛑🟡🟠🔺🔻")
_CHART_SIDE = {"📉": ("short", "shorts", "sell"), "📈": ("long", "longs", "buy")}


def _is_emoji(char: str) -> bool:
    code = ord(char)
    return (
        0x1F000 <= code <= 0x1FAFF
        or 0x2600 <= code <= 0x27BF
        or 0x2B00 <= code <= 0x2BFF
        or code in (0xFE0F, 0x200D)
    )


@dataclass
class Lexeme:
    """One terminal: its kind, value, the span in the user's text and that text."""

    kind: str
    value: Any
    start: int
    end: int
    text: str
    extra: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"{self.kind}({self.text!r})"


class _Lexer:
    def __init__(self, text: str, tokens: Sequence[Token]) -> None:
        self.source = text
        self.tokens = list(tokens)
        self.out: list[Lexeme] = []

    def emit(self, kind: str, value: Any, first: int, last: int) -> None:
        start, end = self.tokens[first].start, self.tokens[last].end
        # the words as typed, one space between them: a phrase wrapped over a line reads as one
        said = " ".join(self.source[start:end].split())
        lexeme = Lexeme(kind, value, start, end, said)
        typos = [(t.typo, t.norm) for t in self.tokens[first : last + 1] if t.typo]
        if typos:
            lexeme.extra["typos"] = typos
        self.out.append(lexeme)

    def phrase(self, i: int) -> tuple[int, str, Any]:
        """(length, kind, value) of the longest vocabulary phrase at ``i`` (length 0: none)."""
        for length in range(min(v.MAX_PHRASE, len(self.tokens) - i), 0, -1):
            window = self.tokens[i : i + length]
            if any(t.kind in ("newline", "time") for t in window):
                continue
            if length > 1 and any(t.kind == "punct" and t.norm not in "%+-/&" for t in window):
                continue
            key = " ".join(t.norm for t in window)
            if key in v.PHRASES:
                kind, value = v.PHRASES[key]
                return length, kind, value
            if key in v.FILLER:
                return length, "FILLER", None
        return 0, "", None

    def run(self) -> list[Lexeme]:
        i = 0
        while i < len(self.tokens):
            token = self.tokens[i]
            length, kind, value = self.phrase(i)
            if token.kind == "num" and not (length > 1):
                i = self._number(i)
                continue
            if token.kind == "time":
                self.emit("TIME", int(token.norm), i, i)
                i += 1
                continue
            if token.kind == "newline":
                self.emit("SEP", "\n", i, i)
                i += 1
                continue
            if length:
                last = i + length - 1
                if self._abbreviation(last):
                    last += 1  # "vs.": the point belongs to the word, it ends no sentence
                self.emit(kind, value, i, last)
                i = last + 1
                continue
            if token.kind == "punct":
                self._punct(i)
            else:
                self._word(i)
            i += 1
        return self.out

    def _abbreviation(self, last: int) -> bool:
        if self.tokens[last].norm not in _ABBREVIATIONS or last + 1 >= len(self.tokens):
            return False
        point = self.tokens[last + 1]
        return point.norm == "." and point.start == self.tokens[last].end

    def _number(self, i: int) -> int:
        token = self.tokens[i]
        nxt = self.tokens[i + 1] if i + 1 < len(self.tokens) else None
        if nxt is not None and (
            nxt.norm in ("%", "percent", "percents", "pct")
            or nxt.norm == "per"
            and (i + 2 < len(self.tokens) and self.tokens[i + 2].norm == "cent")
        ):
            last = i + 2 if nxt.norm == "per" else i + 1
            self.emit("PCT", token.number, i, last)
            return last + 1
        self.emit("NUM", token.number, i, i)
        return i + 1

    def _punct(self, i: int) -> None:
        norm = self.tokens[i].norm
        if norm in _COMPARISON_SIGNS:
            self.emit("CMP", _COMPARISON_SIGNS[norm], i, i)
        elif self._decoration(i):
            # a break, as the eye reads it ("→ long 🚀 trail it ..."): never glue across it
            self.emit("SEP", norm, i, i)
        else:
            self.emit(_PUNCT.get(norm, "UNKNOWN"), norm, i, i)

    def _decoration(self, i: int) -> bool:
        """An emoji that says nothing a rule could depend on ("🚀", "🔥"); one that may
        ("✅", "❌", "🟢", arrows, "📈"/"📉") is not, except a chart emoji right before the side
        it agrees with ("📉 short setup")."""
        norm = self.tokens[i].norm
        if not norm or not all(_is_emoji(c) for c in norm):
            return False
        if not any(c in _MEANING_EMOJI for c in norm):
            return True
        nxt = self.tokens[i + 1].norm if i + 1 < len(self.tokens) else ""
        return norm in _CHART_SIDE and nxt in _CHART_SIDE[norm]

    def _word(self, i: int) -> None:
        token = self.tokens[i]
        original = self.source[token.start : token.end]
        if original.isalpha() and original.isupper() and 1 < len(original) <= 5:
            self.emit("TICKER", original, i, i)
        else:
            self.emit("UNKNOWN", token.norm, i, i)


def _is_heading(line: list[Token]) -> bool:
    """ "Exit: ..." / "Trailing stop: 4%": a label and a colon at the start of a line (not
    the end of a wrapped sentence before one: "SMA. Exit: ...")."""
    for token in line[1:4]:
        if token.norm in _ENDS:
            return False
        if token.norm == ":":
            return True
    return False


_ENDS = frozenset({".", ";", "!", "?"})


_ARROWS = frozenset({"->", "=>", "="})
_ARROW_ACTIONS = frozenset({"long", "short", "flat", "buy", "sell", "out", "exit", "cover"})


def _arrow_rule(line: list[Token]) -> bool:
    """ "SMA10 - SMA50 > 0 => long": a line that is a whole arrow rule ends its sentence."""
    return len(line) > 2 and line[-1].norm in _ARROW_ACTIONS and line[-2].norm in _ARROWS


def _is_bullet(line: list[Token]) -> bool:
    if not line:
        return False
    first = line[0]
    if first.norm in ("-", "*", "•", "·", ">", "–", "—"):
        return True
    return _item_number(line) is not None


def _item_number(line: list[Token]) -> int | None:
    """The number of a numbered item ("2. ..." / "2) ..."), else None."""
    if len(line) > 2 and line[0].kind == "num" and line[1].norm in (".", ")"):
        value = line[0].number
        if value.is_integer() and 0 < value < 100:
            return int(value)
    return None


def _numbered_items(lines: list[list[Token]]) -> set[int]:
    """Indexes of lines that are items of a numbered list.

    "1." starts a list only at the start of the text or after a line that ends a sentence,
    and "n." continues it only right after item n-1: a wrapped sentence whose next line
    starts with a number ("... goes over\n85. Stop 2%") keeps its number.
    """
    items: set[int] = set()
    expected: int | None = None
    for index, line in enumerate(lines):
        number = _item_number(line)
        if number is None:
            continue
        previous = lines[index - 1] if index else []
        ends = not previous or previous[-1].norm in (".", ":", ";", "!", "?")
        if number == expected or (number == 1 and ends):
            items.add(index)
            expected = number + 1
        else:
            expected = None
    return items


def _bold(line: list[Token], i: int) -> bool:
    return (
        i + 1 < len(line)
        and line[i].norm == line[i + 1].norm == "*"
        and line[i].end == line[i + 1].start
    )


def _markdown(line: list[Token]) -> list[Token]:
    """A markdown heading ("## Turtle-ish") or a line in bold ("**Bollinger bounce**") is a
    label: it ends with a colon, so it is read (or ignored) like "Turtle-ish:"; bold markers
    around a label ("**Entry:** RSI(14) ...") are dropped. Nothing else changes."""
    if not line:
        return line
    heading = False
    if line[0].norm == "#":
        while line and line[0].norm == "#":
            line = line[1:]
        heading = bool(line)
    elif _bold(line, 0):
        line = line[2:]
        close = next((i for i in range(len(line)) if _bold(line, i)), None)
        if close is None:
            return line
        heading = close + 2 == len(line)
        line = line[:close] + line[close + 2 :]
    if heading and line and line[-1].norm != ":":
        line = [*line, Token(":", line[0].start, line[-1].end, "punct")]
    return _inline_bold(line)


def _inline_bold(line: list[Token]) -> list[Token]:
    """ "... > 70. **Risk:** 3% stop": bold markers inside a line are emphasis, dropped when
    they pair up, none glued to a word or number outside the pair ("2**3" is no emphasis)."""
    marks = [i for i in range(len(line)) if _bold(line, i) and not (i and _bold(line, i - 1))]
    if not marks or len(marks) % 2:
        return line
    for opening, closing in zip(marks[::2], marks[1::2], strict=True):
        after = closing + 2
        before = line[opening - 1] if opening else None
        if before and before.kind != "punct" and before.end == line[opening].start:
            return line
        nxt = line[after] if after < len(line) else None
        if nxt and nxt.kind != "punct" and line[after - 1].end == nxt.start:
            return line
    dropped = {i + k for i in marks for k in (0, 1)}
    return [token for i, token in enumerate(line) if i not in dropped]


def _lines(tokens: list[Token]) -> list[Token]:
    """Keep a line break only where it ends a sentence; drop bullet markers.

    A break ends a sentence after a line ending in ":" (a heading), around bullet items (one
    item per line) and at blank lines; anywhere else it is a wrapped line, i.e. a space.
    """
    lines: list[list[Token]] = [[]]
    breaks: list[Token] = []
    for token in tokens:
        if token.kind == "newline":
            lines.append([])
            breaks.append(token)
        else:
            lines[-1].append(token)
    lines = [_markdown(line) for line in lines]
    numbered = _numbered_items(lines)

    def bullet(index: int) -> bool:
        line = lines[index]
        return index in numbered or (_is_bullet(line) and _item_number(line) is None)

    def wrapped_item(index: int) -> bool:
        """An indented line after an item that has not ended: the item, wrapped."""
        previous, line = lines[index - 1], lines[index]
        return (
            bullet(index - 1)
            and not bullet(index)
            and previous[-1].norm not in _ENDS | {":"}
            and line[0].start > breaks[index - 1].end
            and not _is_heading(line)
        )

    out: list[Token] = []
    for index, line in enumerate(lines):
        if index:
            previous = lines[index - 1]
            hard = (
                not previous
                or not line
                or previous[-1].norm == ":"
                or (bullet(index - 1) and not wrapped_item(index))
                or bullet(index)
                or _is_heading(line)
                or _arrow_rule(previous)
            )
            if hard:
                out.append(breaks[index - 1])
        if index in numbered:
            line = line[2:]
        elif bullet(index):
            line = line[1:]
        out.extend(line)
    return out


def lex(text: str, *, typos: bool = False) -> list[Lexeme]:
    """Lexemes of ``text`` in order, including FILLER/NEWLINE/UNKNOWN ones; with ``typos``, a
    hurried typo of a known word is read as that word (:mod:`.typos`; each lexeme read from one
    lists ``extra["typos"]``, the word as typed and the word meant)."""
    tokens = _lines(tokenize(text))
    return _Lexer(text, corrected(tokens, text) if typos else tokens).run()


def mentioned_indicators(text: str) -> list[str]:
    """Catalogue names of the indicators ``text`` mentions, in order (for LLM prompts)."""
    names = [lexeme.value[0] for lexeme in lex(text) if lexeme.kind == "IND"]
    return list(dict.fromkeys(names))
