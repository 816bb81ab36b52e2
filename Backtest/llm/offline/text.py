"""Step 1: free text -> tokens that remember where they came from.

Every :class:`Token` carries the character span of the user's text it was read from, so a
phrase the parser cannot place is reported verbatim (the UI highlights it). Spelling is
normalised here and only here: lower case, one form for quotes and dashes, contractions
expanded ("don't" -> do not), possessives dropped ("yesterday's high" -> yesterday high),
number words read ("fifty-five" -> 55), glued units split ("sma20", "20d", "2x"), clock
times read ("9:30", "3pm"), and "%K"/"%D"/"%R" kept as one token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Token:
    """One normalised token and the span of the original text it came from."""

    norm: str
    start: int
    end: int
    kind: str = "word"  # word | num | time | punct | newline
    typo: str = ""  # the word as typed, when ``norm`` is the word it was a typo of

    @property
    def number(self) -> float:
        """The value of a ``num`` token."""
        return float(self.norm)


_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
# "one" is a number only before a unit ("one day", "one ATR"); else "the shorter one".
_ONE_UNITS = frozenset(
    {"day", "bar", "period", "percent", "%", "atr", "share", "unit", "contract", "week", "hour"}
)
_CONTRACTIONS = {
    "don't": ("do", "not"),
    "dont": ("do", "not"),
    "doesn't": ("does", "not"),
    "doesnt": ("does", "not"),
    "didn't": ("did", "not"),
    "isn't": ("is", "not"),
    "isnt": ("is", "not"),
    "aren't": ("are", "not"),
    "wasn't": ("was", "not"),
    "won't": ("will", "not"),
    "wont": ("will", "not"),
    "can't": ("can", "not"),
    "cant": ("can", "not"),
    "cannot": ("can", "not"),
    "shouldn't": ("should", "not"),
    "it's": ("it", "is"),
    "that's": ("that", "is"),
    "there's": ("there", "is"),
    "what's": ("what", "is"),
    "let's": ("let", "us"),
    "i'm": ("i", "am"),
    "i'd": ("i", "would"),
    "i've": ("i", "have"),
    "i'll": ("i", "will"),
    "we're": ("we", "are"),
    "we'd": ("we", "would"),
    "we'll": ("we", "will"),
    "you're": ("you", "are"),
    "they're": ("they", "are"),
    "he's": ("he", "is"),
    "she's": ("she", "is"),
}
_RAW = re.compile(
    r"""
    (?P<time>\d{1,2}:\d{2}(?:\s?[ap]\.?m\.?)?|\d{1,2}\s?[ap]\.?m\.?(?![a-z]))
  | (?P<pctk>%\s?[kdr]\b)
  | (?P<num>(?<![\w.])-?\d+(?:[.,]\d+)*(?:\.\d+)?|(?<![\w.])\.\d+)
  | (?P<word>[^\W\d_](?:[^\W_]|['’](?=[^\W\d_]))*)
  | (?P<newline>\n)
  | (?P<op>->|=>|>=|<=|=<|!=|==|&&|\|\||[→⇒≥≤])
  | (?P<punct>[^\w\s])
    """,
    re.VERBOSE | re.IGNORECASE,
)
_GLUED = re.compile(r"^(?:(\d+(?:\.\d+)?)([a-z]+)|([a-z]+)(\d+(?:\.\d+)?))$")
_OPS = {"→": "->", "⇒": "=>", "≥": ">=", "≤": "<=", "=<": "<=", "&&": "&", "||": "or"}


def _clock(text: str) -> int | None:
    """Minutes since midnight for "9:30", "9:30am", "3pm", "15:45" (None when invalid)."""
    match = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?\s?([ap])?\.?m?\.?", text.lower())
    if match is None:
        return None
    hours, minutes = int(match[1]), int(match[2] or 0)
    if match[3] == "p" and hours < 12:
        hours += 12
    if match[3] == "a" and hours == 12:
        hours = 0
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        return None
    return hours * 60 + minutes


def _split_word(word: str, start: int) -> list[Token]:
    """Expand contractions/possessives, split hyphens and glued units of one word."""
    lower = word.lower().replace("’", "'")
    if lower in _CONTRACTIONS:
        return [Token(part, start, start + len(word)) for part in _CONTRACTIONS[lower]]
    if lower.endswith("'s"):
        lower = lower[:-2]  # possessive: "yesterday's high"
    elif lower.endswith("s'"):
        lower = lower[:-1]
    lower = lower.replace("'", "")
    glued = _GLUED.match(lower)
    if glued and lower not in ("x", "3d"):
        if glued[1] is not None:  # "20d", "2x", "10day"
            number, unit = glued[1], glued[2]
            split_at = start + len(number)
            return [Token(number, start, split_at, "num"), Token(unit, split_at, start + len(word))]
        name, number = glued[3], glued[4]  # "sma20", "rsi2"
        split_at = start + len(name)
        return [Token(name, start, split_at), Token(number, split_at, start + len(word), "num")]
    return [Token(lower, start, start + len(word))]


def _raw_tokens(text: str) -> list[Token]:
    tokens: list[Token] = []
    for match in _RAW.finditer(text):
        kind = match.lastgroup or "punct"
        value, start, end = match.group(), match.start(), match.end()
        if kind == "time":
            minutes = _clock(value)
            if minutes is not None:
                tokens.append(Token(str(minutes), start, end, "time"))
                continue
            kind = "num"
            value = value.split(":")[0]
        if kind == "pctk":
            tokens.append(Token("pct_" + value[-1].lower(), start, end))
        elif kind == "num":
            number = value.replace(",", "") if re.fullmatch(r"-?\d{1,3}(,\d{3})+", value) else value
            if "," in number:  # "20,2" inside brackets: two numbers
                offset = start
                for index, part in enumerate(number.split(",")):
                    if index:
                        tokens.append(Token(",", offset, offset + 1, "punct"))
                        offset += 1
                    tokens.append(Token(part, offset, offset + len(part), "num"))
                    offset += len(part)
                continue
            tokens.append(Token(number if number[0] != "." else "0" + number, start, end, "num"))
        elif kind == "word":
            offset = start
            for part in re.split(r"(-)", value):
                if part and part != "-":
                    tokens.extend(_split_word(part, offset))
                offset += len(part)
        elif kind == "newline":
            tokens.append(Token("\n", start, end, "newline"))
        elif kind == "op":
            tokens.append(Token(_OPS.get(value, value), start, end, "punct"))
        else:
            tokens.append(Token(value, start, end, "punct"))
    return tokens


def _read_numbers(tokens: list[Token]) -> list[Token]:
    """Number words -> numbers: "fifty five" -> 55, "two hundred" -> 200, "one day" -> 1 day."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        word = token.norm if token.kind == "word" else ""
        nxt = tokens[i + 1].norm if i + 1 < len(tokens) else ""
        # "the zero line" is a name (read as 0 by the grammar), not a number and a "line"
        if (word == "one" and nxt.rstrip("s") not in _ONE_UNITS) or (
            word == "zero" and nxt in ("line", "-")
        ):
            out.append(token)
            i += 1
            continue
        if word in _TENS or word in _UNITS:
            value, j = (_TENS[word], i + 1) if word in _TENS else (_UNITS[word], i + 1)
            if word in _TENS and j < len(tokens) and 0 < _UNITS.get(tokens[j].norm, 0) < 10:
                value, j = value + _UNITS[tokens[j].norm], j + 1
            if j < len(tokens) and tokens[j].norm == "hundred":
                value, j = value * 100, j + 1
            out.append(Token(str(value), token.start, tokens[j - 1].end, "num"))
            i = j
            continue
        out.append(token)
        i += 1
    return out


def _negative_signs(tokens: list[Token]) -> list[Token]:
    """ "crosses above - 100" written with a space stays "- 100"; "SMA(10) - SMA(50)" too.

    A number token already carries its sign when the minus was glued to it ("-100"); a glued
    minus right after a value ("x -5") is subtraction, so it is split off again.
    """
    out: list[Token] = []
    for token in tokens:
        previous = out[-1] if out else None
        value_before = previous is not None and (
            previous.kind == "num" or previous.norm in (")", "]")
        )
        if token.kind == "num" and token.norm.startswith("-") and value_before:
            out.append(Token("-", token.start, token.start + 1, "punct"))
            out.append(Token(token.norm[1:], token.start + 1, token.end, "num"))
        else:
            out.append(token)
    return out


_WEEKDAY_WORDS = frozenset(
    [
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thur",
        "thurs",
        "fri",
        "sat",
        "sun",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
)
_MONTH_WORDS = frozenset(
    [
        "jan",
        "feb",
        "mar",
        "apr",
        "may",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
)


def _calendar_range(before: Token, after: Token) -> bool:
    """ "mon-thu", "may-jul": a hyphen between two weekdays or two months is a range, kept."""
    pair = {before.norm, after.norm}
    return pair <= _WEEKDAY_WORDS or pair <= _MONTH_WORDS


def _glued_hyphens(tokens: list[Token]) -> list[Token]:
    """Drop a hyphen glued between two words or numbers: "20-day", "fifty-five", "rsi-14"
    (not between two weekdays or two months: "mon-thu" is a range)."""
    out: list[Token] = []
    for index, token in enumerate(tokens):
        before = out[-1] if out else None
        after = tokens[index + 1] if index + 1 < len(tokens) else None
        glued = (
            token.norm == "-"
            and before is not None
            and after is not None
            and before.end == token.start
            and token.end == after.start
            and before.kind in ("word", "num")
            and after.kind in ("word", "num")
            and not _calendar_range(before, after)
        )
        if not glued:
            out.append(token)
    return out


# Pine Script's namespaces ("ta.crossover", "math.abs"): blanked, keeping every offset
_NAMESPACE = re.compile(r"\b(?:ta|math)\.(?=[a-z])", re.IGNORECASE)


def tokenize(text: str) -> list[Token]:
    """Normalised tokens with their source spans (see the module docstring)."""
    text = _NAMESPACE.sub(lambda m: " " * len(m[0]), text)
    return _negative_signs(_read_numbers(_glued_hyphens(_raw_tokens(text))))
