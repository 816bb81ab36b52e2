"""Who and where a system comes from (attribution), set aside before the sentences are read.

Descriptions often name their source: "From a day-trading YouTube channel, on 5-minute bars:
...", "Summary of the video \"The only MACD strategy you need\": ...", "Donald Lambert's CCI",
"Connors-style limit entry". None of it says what the strategy does, so it is set aside and
said in ``warnings``:

* a source phrase: "from" and a source ("from my book notes", "from a video I liked", "from
  the newsletter", "from Connors & Alvarez"), "video summary", "summary of the video", each
  with the quoted title that may follow it; "the way he published it in 1980";
* a credit: a person's name in the possessive before what it names ("Wilder's ADX",
  "Donald Lambert's CCI"), a first name before an indicator named after a person ("Chester
  Keltner's channel"), "Name-style".

Fail closed: a source phrase is set aside only when every word of it, outside a quoted title,
is a word that never places a rule (an unknown word, filler, "from", "trading", ...); "from
the Friday email" keeps "Friday", and so is refused as it was. A quoted title is set aside only
right after a source ("the video \"...\"") or after "from" in title case ("from \"New Concepts
in Technical Trading Systems\""); a quote anywhere else is read. A credit drops the name only:
the words it credits ("CCI", "limit entry") stay to be read or refused. Sentences about the
source with rule words ("He trades it long only and shows no stop") are not touched here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from Backtest.llm.offline.lexer import Lexeme

# Lexeme kinds a source phrase may consist of (outside its quoted title): none places a rule.
_HARMLESS = frozenset(
    {"FROM", "FILLER", "UNKNOWN", "TRADE", "OF", "THAT", "PRON", "ITS", "QUOTE", "COMMA", "AND"}
)

_NOUNS = (
    r"(?:youtube|discord|telegram|trading)\s+(?:channel|video|short|stream|server|group)|"
    r"book\s+notes|blog\s+post|forum\s+(?:thread|post)|e-?mail|newsletters?|videos?|books?|"
    r"blogs?|posts?|threads?|courses?|podcasts?|articles?|webinars?|streams?|tweets?|"
    r"youtube|substack|seminar|mentor|notes"
)
_CLAUSE = (
    r"(?:\s+(?:that\s+)?(?:i|we)\s+(?:really\s+)?(?:liked|like|love|loved|watched|saw|read|"
    r"found|follow|dug\s+up|came\s+across|bookmarked|subscribe\s+to))?"
)
_QUOTED = r"[\"“][^\"”\n]{1,100}[\"”]"
_TITLE = rf"(?:\s*,?\s*(?P<title>{_QUOTED}|\(\s*{_QUOTED}\s*\)))?"

_SOURCES = [
    # "from a day-trading YouTube channel", "from my book notes", "from a video I liked"
    re.compile(
        r"(?:,\s*)?\bfrom\s+(?:(?:a|an|my|the|this|that|our|his|her|one\s+of\s+(?:my|the))\s+)?"
        rf"(?P<middle>(?:[\w'’-]+\s+){{0,3}}?)(?P<noun>{_NOUNS})(?![\w'’-])(?P<clause>{_CLAUSE}){_TITLE}",
        re.IGNORECASE,
    ),
    # "Video summary", "Summary of the video \"...\"", "YouTube summary (\"...\")"
    re.compile(
        r"\b(?:(?:youtube|video|book|podcast|newsletter|course)\s+summary|summary\s+of\s+"
        r"(?:the|a|this|my|that)\s+(?:youtube\s+)?(?:video|book|podcast|newsletter|post|"
        rf"article|course|webinar))\b{_TITLE}",
        re.IGNORECASE,
    ),
    # "from Connors & Alvarez", "From Connors and Alvarez, \"Short Term Trading ...\""
    re.compile(
        r"(?:,\s*)?\b[Ff]rom\s+(?P<names>[A-Z][\w'’-]+(?:\s+(?:&|and)\s+[A-Z][\w'’-]+)?)"
        rf"(?=\s*[,:;.]){_TITLE}"
    ),
    # "the way he published it in 1980", "as she described it"
    re.compile(
        r"(?:,\s*)?\b(?:the\s+way|as)\s+(?:he|she|they)\s+(?:originally\s+)?(?:published|"
        r"wrote|described|taught|designed|presented|intended)\s+it"
        r"(?P<year>\s+(?:back\s+)?in\s+(?:19|20)\d\d)?\b",
        re.IGNORECASE,
    ),
]
# "from \"New Concepts in Technical Trading Systems\"": a title-case quote after "from"
_FROM_TITLE = re.compile(rf"(?:,\s*)?\bfrom\s+(?P<title>{_QUOTED})", re.IGNORECASE)


def _title_case(quoted: str) -> bool:
    words = re.findall(r"[A-Za-z][\w'’-]*", quoted)
    long = [w for w in words if len(w) > 3]
    return bool(long) and all(w[0].isupper() for w in long)


# People who published systems, credited by surname ("Wilder's ADX", "Connors-style").
AUTHORS = frozenset(
    {"wilder", "connors", "williams", "lambert", "appel", "lane", "bollinger", "keltner"}
    | {"donchian", "elder", "crabel", "lebeau", "raschke", "dennis", "seykota", "minervini"}
    | {"o'neil", "weinstein", "chande", "granville", "kaufman", "ehlers", "hull", "alvarez"}
    | {"faith", "schwager", "murphy", "pring", "bulkowski", "nison", "darvas", "livermore"}
)


# What each author made: a credit before another indicator may name an indicator of its own
# ("Wilder's moving average" is his smoothing, not the SMA), so it is kept (and refused).
_OWN = {
    "wilder": {"RSI", "ADX", "ADXR", "DX", "ATR", "SAR", "PLUS_DI", "MINUS_DI"},
    "lambert": {"CCI"},
    "appel": {"MACD"},
    "lane": {"STOCH"},
    "bollinger": {"BBANDS"},
    "keltner": {"KELTNER"},
    "donchian": {"DONCHIAN"},
    "williams": {"WILLR"},
    "granville": {"OBV"},
    "chande": {"CMO", "AROON", "AROONOSC"},
    "kaufman": {"KAMA"},
}
# Words after a credit that may join it into a name of its own ("Wilder's smoothing")
_JOINS = frozenset({"IND", "AVERAGE", "SMOOTHING", "OUTPUT"})


def _credited(surname: str | None, following: Lexeme) -> bool:
    """A possessive credit before ``following``: an indicator of the author's own, or a word
    that names no indicator (read or refused after it)."""
    if following.kind == "IND" and isinstance(following.value, tuple):
        return following.value[0] in _OWN.get(surname or "", ())
    return following.kind not in _JOINS


def _surname(text: str) -> str | None:
    """The surname of a possessive ("Lambert's" -> "lambert"), or None."""
    for end in ("'s", "’s", "'", "’"):
        if text.endswith(end):
            return text[: -len(end)].lower().replace("’", "'")
    return None


def _name(lexeme: Lexeme) -> bool:
    return lexeme.kind == "UNKNOWN" and lexeme.text[:1].isupper() and lexeme.text.isalpha()


def _spans(text: str, lexemes: Sequence[Lexeme]) -> list[tuple[int, int]]:
    """The spans of the source phrases that may be set aside."""
    found: list[tuple[int, int]] = []
    matches = [m for pattern in _SOURCES for m in pattern.finditer(text)]
    matches += [m for m in _FROM_TITLE.finditer(text) if _title_case(m.group("title"))]
    for match in matches:
        start, end = match.span()
        exempt = [
            match.span(g) for g in ("title", "clause", "year", "noun") if g in match.groupdict()
        ]
        inside = [lx for lx in lexemes if lx.end > start and lx.start < end]
        if any(lx.start < start or lx.end > end for lx in inside):
            continue  # a phrase of the vocabulary runs across the source's edge
        checked = [lx for lx in inside if not any(a <= lx.start and lx.end <= b for a, b in exempt)]
        if checked and inside[0].kind == "COMMA":
            checked = checked[1:]
        if all(lx.kind in _HARMLESS for lx in checked):
            found.append((start, end))
    return found


def set_aside_sources(text: str, lexemes: Sequence[Lexeme]) -> tuple[list[Lexeme], list[str]]:
    """``lexemes`` without the sources and credits of ``text``, and the notes saying so."""
    notes: list[str] = []
    dropped: set[int] = set()
    for start, end in sorted(set(_spans(text, lexemes))):
        ids = {id(lx) for lx in lexemes if start <= lx.start and lx.end <= end}
        if ids - dropped:
            dropped |= ids
            quoted = " ".join(text[start:end].lstrip(", ").split())
            notes.append(f"set aside '{quoted}' (where the system comes from; no rule in it)")
    kept = [lx for lx in lexemes if id(lx) not in dropped]
    out: list[Lexeme] = []
    index = 0
    while index < len(kept):
        lexeme = kept[index]
        width = _credit(text, kept, index)
        if not width:
            out.append(lexeme)
            index += 1
            continue
        first = lexeme
        while out and _name(out[-1]) and not text[out[-1].end : first.start].strip():
            first = out.pop()  # the first names before it ("Donald Lambert's")
        last = kept[index + width - 1]
        whom = " ".join(text[first.start : last.end].split())
        following = kept[index + width] if index + width < len(kept) else None
        what = (
            f" {following.text}" if following is not None and following.text[:1].isalnum() else ""
        )
        notes.append(f"read '{whom}{what}' without the credit '{whom}' (who it comes from)")
        index += width
    return out, notes


def _credit(text: str, lexemes: Sequence[Lexeme], index: int) -> int:
    """How many lexemes from ``lexemes[index]`` are a credit to a person (0: none): a surname
    in the possessive ("Lambert's"), "Connors-style", or a first name before an indicator
    named after a person ("Chester" in "Chester Keltner's channel")."""
    lexeme = lexemes[index]
    following = lexemes[index + 1] if index + 1 < len(lexemes) else None
    if lexeme.kind != "UNKNOWN" or following is None:
        return 0
    surname = _surname(lexeme.text)
    if surname in AUTHORS and lexeme.text[:1].isupper():
        return int(_credited(surname, following))
    if (
        _name(lexeme)
        and lexeme.text.lower() in AUTHORS  # "Turtle-style breakout:" stays a title
        and following.kind == "UNKNOWN"
        and following.text.lower() == "style"
        and text[lexeme.end : following.start] == "-"
    ):
        return 2
    # "Chester Keltner's channel", "Larry Williams' %R": the indicator's name in the
    # possessive ("Tight Bollinger bands" keeps "Tight", which may say what is meant)
    word = re.match(r"[A-Za-z]+(?:'s|’s|'|’)", following.text)
    after = lexemes[index + 2] if index + 2 < len(lexemes) else None
    if (
        word is None
        and after is not None
        and after.kind == "QUOTE"
        and after.start == following.end
    ):
        word = re.match(r"[A-Za-z]+s'$", following.text + "'")  # "Williams' %R"
    return int(
        _name(lexeme)
        and following.kind == "IND"
        and word is not None
        and _surname(word.group()) in AUTHORS
    )
