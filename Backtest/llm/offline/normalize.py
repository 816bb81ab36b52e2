"""Step 1 of the pipeline: turn free text into a lower-case stream of simple tokens.

Everything that only concerns spelling happens here, so later steps see one form per idea:
number words become digits ("fifty-day" -> "50 day"), glued units are split ("10d", "sma20",
"rsi-14"), "%K"/"%D"/"%R" become the tokens ``pct_k``/``pct_d``/``pct_r``, arrows and unicode
punctuation get one spelling, list bullets are dropped and every line ends in a newline token.
"""

from __future__ import annotations

import re

# Number words up to the hundreds ("two hundred" -> 200); "a"/"one" are handled like any number.
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

# Spelling variants mapped to one form before tokenising (applied in order, on lower-case text).
_REWRITES: tuple[tuple[str, str], ...] = (
    (r"[\u2018\u2019\u02bc`´]", "'"),
    (r"[\u201c\u201d]", '"'),
    (r"[\u2010\u2011\u2012\u2013\u2014\u2212]", "-"),
    (r"\u2192|\u27f6|\u21d2|-+>|=>", " -> "),
    (r"\u2265", " >= "),
    (r"\u2264", " <= "),
    (r"\u2022|\u25cf|\u25aa", "\n"),
    (r"\bit's\b", "it is"),
    (r"\bthat's\b", "that is"),
    (r"\b(i|we|you)'(d|ll|m|re|ve)\b", r"\1"),
    (r"\b(\w+)'s\b", r"\1"),  # possessive: "yesterday's high" -> "yesterday high"
    (r"'", " "),
    (r"\bper ?cent\b|\bpct\b", "%"),
    (r"%\s*k\b", " pct_k "),
    (r"%\s*d\b", " pct_d "),
    (r"%\s*r\b", " pct_r "),
    (r"\bw\s*pct_r\b", " williams pct_r "),
    (r"\bstoch(?:astic)?\s*k\b", "stochastic pct_k"),
    (r"\bstoch(?:astic)?\s*d\b", "stochastic pct_d"),
    (r"\bw/", "with "),
    (r"&", " and "),
    (r"(?<![\d(,.])(\d{1,3}),(\d{3})(?![\d,])", r"\1\2"),  # 1,000 shares
    (r"\bdi\s*\+", " plus_di "),
    (r"\bdi\s*-(?!\d)", " minus_di "),
    (r"(?<![\w)])\+\s*di\b", " plus_di "),
    (r"(?<![\w)])-\s*di\b", " minus_di "),
    (r"\b(\d+(?:\.\d+)?)x\b", r"\1 times"),
    (r"\b(\d+(?:\.\d+)?)([a-z]+)\b", r"\1 \2"),  # 10d, 20day, 2sd
    (r"\b([a-z]+)(\d+(?:\.\d+)?)\b", r"\1 \2"),  # sma20, rsi2
    (r"\b([a-z]+)[-_](\d)", r"\1 \2"),  # rsi-14, sma_50
    (r"(\d)-([a-z])", r"\1 \2"),  # 10-day
    (r"([a-z])-(?=[a-z])", r"\1 "),  # short-term, long-only, fifty-day, above-average
)
_BULLET = re.compile(r"^\s*(?:[-*+>]+|\d{1,2}[.)](?!\d))\s+", re.MULTILINE)
_TOKEN = re.compile(
    r"\d+(?:\.\d+)?|pct_[kdr]|plus_di|minus_di|[a-z][a-z_]*|->|>=|<=|=<|!=|[<>=%()/,;:.!?+\-&\n]"
)


def _small_number(words: list[str], i: int) -> tuple[int | None, int]:
    """Read "twenty one" / "seven" / "fifteen" at ``i``; (None, i) when no number word is there."""
    word = words[i]
    if word in _TENS:
        value, i = _TENS[word], i + 1
        if i < len(words) and 0 < _UNITS.get(words[i], 0) < 10:
            value, i = value + _UNITS[words[i]], i + 1
        return value, i
    if word in _UNITS:
        return _UNITS[word], i + 1
    return None, i


def _numbers_from_words(words: list[str]) -> list[str]:
    """Replace runs of number words by their value ("two hundred and ten" -> "210")."""
    out: list[str] = []
    i = 0
    while i < len(words):
        value, j = _small_number(words, i)
        if value is None:
            out.append(words[i])
            i += 1
            continue
        if j < len(words) and words[j] == "hundred":
            value, j = value * 100, j + 1
            k = j + 1 if j < len(words) and words[j] == "and" else j
            if k < len(words):
                rest, after = _small_number(words, k)
                if rest is not None:
                    value, j = value + rest, after
        out.append(str(value))
        i = j
    return out


def normalize(text: str) -> str:
    """Lower-case, respelled text with one space between tokens and ``\\n`` between lines."""
    text = text.lower()
    text = _BULLET.sub("", text)
    for pattern, replacement in _REWRITES:
        text = re.sub(pattern, replacement, text)
    lines = []
    for line in text.split("\n"):
        tokens = _TOKEN.findall(line)
        lines.append(" ".join(_numbers_from_words(tokens)))
    return " \n ".join(line for line in lines if line.strip())


def tokens(text: str) -> list[str]:
    """The normalised text split into tokens (``\\n`` marks a line break)."""
    return [token for token in normalize(text).split(" ") if token]
