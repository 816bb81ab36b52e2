"""The offline parser's pipeline: text -> tokens -> lexemes -> sentences -> readings ->
statements -> spec 2.0 -> ``validate_spec`` -> ``sanity_problems`` -> ``understood_as``.

Fail closed: every word is placed in the spec or is known filler. Before the grammar runs,
each sentence is tidied in ways that are always reported back (rules typed with no comma or no
"when", "buy rsi<30 sell rsi>70", are given them first):

* structure around the rules is written as the sentences it says (:mod:`.structured`), noted:
  a markdown table of rules ("| Entry | close crosses above the 20 EMA |" as "Entry: ..."),
  config lines ("symbol = MSFT", "Bars: daily", "CCI period: 20"), emoji list marks ("✅ ...",
  "❌ Sell when ..."), "short side:" as a heading; an unknown row label or key is refused;
* a request to the tool that opens a sentence ("Create a strategy that buys when ...", "Can you
  build a short-only strategy?") is set aside, noted; its words that may change the strategy
  ("short-only") stay and are read or refused;
* a leading "Name:" with unknown words and no rule in it is a title (ignored, noted);
* a bracket with no number and no word that states a condition is an explanation (ignored,
  noted): numbers in brackets are parameters or levels and are always read, and a bracket
  that states a condition must say the same as the text it follows;
* who and where the system comes from ("from a video I liked", "Summary of the video
  \"...\":", "Donald Lambert's CCI", "Connors-style") is set aside, noted (:mod:`.sources`);
* the lesson around the rules, a label ("Exercise 3:", "Step 2 -", "Mentor's note to Alex:")
  or a heading of plain words ("Lesson 9 - Keltner channel breakouts."), is set aside, noted
  (:mod:`.lessons`); the words after a label are read;
* an indicator defined in prose (a Keltner channel's middle line and bands, the MACD line and
  its signal line) is read as that indicator with its settings, a definition that is not the
  standard indicator refused (:mod:`.keltner_prose`, :mod:`.definitions`), noted; a position
  size before the rules' colon ("Trade 100 shares each time: buy when ...") is read as the size
  (:mod:`.setting_heads`), noted;
* a form of a known verb that changes nothing in a bar rule ("Entries come from ...", "crosses
  above 30 again") is read as the plain verb (:mod:`.verb_forms`), and "today's high and low
  are inside yesterday's range" as the inside day's two comparisons (:mod:`.inside_range`),
  noted; "(all three 14 period)" after the indicators it counts as each one's period
  (:mod:`.shared_periods`), noted;
* a sentence with no trading word at all is small talk (ignored; noted when it had words the
  parser does not know).

Anything else the parser cannot place - an unknown word, an idea the spec cannot express, a
sentence the grammar cannot read, an ambiguous one, a reference to nothing - refuses the
whole description, naming each phrase.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from Backtest.llm.offline import ir
from Backtest.llm.offline.assemble import Assembly, symbol_note
from Backtest.llm.offline.build import build_spec
from Backtest.llm.offline.conditions import Resolver
from Backtest.llm.offline.definitions import differing, read_definitions
from Backtest.llm.offline.entry_filters import days_filter, entry_filter, when_it_is
from Backtest.llm.offline.errors import DescriptionNotUnderstood, Unrecognised
from Backtest.llm.offline.grammar import read_sentence
from Backtest.llm.offline.inside_range import inside_yesterday
from Backtest.llm.offline.keltner_prose import keltner_definition, modern_heading
from Backtest.llm.offline.lessons import set_aside_lessons
from Backtest.llm.offline.lexer import Lexeme, lex
from Backtest.llm.offline.named_series import declaration, named, other_average, restated
from Backtest.llm.offline.refusal import refusal
from Backtest.llm.offline.resolve import Context, ParseError, Problem
from Backtest.llm.offline.setting_heads import setting_head
from Backtest.llm.offline.shared_periods import shared_period
from Backtest.llm.offline.sources import set_aside_sources
from Backtest.llm.offline.statements import days_against_lines, inside_prices, settle_inside
from Backtest.llm.offline.structured import Unstructured, original_span, unstructure
from Backtest.llm.offline.typos import said_as
from Backtest.llm.offline.unnamed_settings import unnamed_settings
from Backtest.llm.offline.verb_forms import (
    again_after_event,
    come_from,
    or_on_risk,
    pierces_line,
)
from Backtest.spec import (
    SpecValidationError,
    StrategySpec,
    render_understood_as,
    sanity_problems,
    validate_spec,
)

MAX_DESCRIPTION_CHARS = 5000

# Lexeme kinds that carry no trading meaning on their own (a sentence of only these is talk).
# A word that links or limits a rule ("when", "then", "while", "until", "except", "either",
# "both", "today", "last") is not one of them: "Until it stabilises." or "when both are true
# i'm in" is read, and refused when it cannot be, never set aside as talk.
_WEAK = frozenset(
    {"COMMA", "COLON", "LPAR", "RPAR", "QUOTE", "BULLET", "AND", "OR", "TO", "OF", "WITH"}
    | {"FOR", "BY", "IN", "ON", "AT", "FROM", "IS", "PRON", "THAT", "ITS", "ONE", "EVERY"}
    | {"PLACE", "TRADE", "UNKNOWN", "ARROW", "MINUS", "PLUS", "SLASH", "SIGNAL_N", "TICKER"}
    | {"PERCENT_SIGN", "FIRST", "VERSUS", "DEFINE", "OPENS"}  # the last four: shorthand
    | {"SETTINGS"}  # "Default settings." stays talk; "Standard 12/26/9 settings" is a check
    | {"INDICATOR_N"}  # "I love this indicator." stays talk
    | {"RANGE"}  # "It works best in a range." stays talk; "today's range" is read
    | {"FOR_NOW", "SMOOTHING", "EARLIER", "PRICES"}  # "Thanks for now.", "New highs." stay talk
    | {"NONE", "LOSS", "MET"}  # "None of this is tuned.", "That's true." stay talk
)
# A bracket of names and unknown words only ("(momentum)", "(Donchian upper band)", "(daily)")
# is an explanation and is dropped with a note. Any other word may restate or change a rule
# ("(today's open below yesterday's close)", "(but not on Fridays)", "(close half)"): such a
# bracket is read, and must say the same as the text it explains, or the description is refused.
_EXPLANATION = _WEAK | {"IND", "OUTPUT", "PRICE", "AVERAGE", "TIMEFRAME", "FILLER"}
# Windows said in calendar units an approximate restatement may name ("roughly a 52-week high")
_LONG_UNITS = frozenset({"week", "month", "year"})
# What a title ("Turtle-style breakout:") may contain besides unknown words.
_TITLE = frozenset(
    {"UNKNOWN", "IND", "NUM", "LPAR", "RPAR", "COMMA", "CROSSNOUN", "UNIT", "TICKER", "PRICE"}
    | {"MINUS", "SLASH", "PCT", "RELATIVE", "UPWORD", "DOWNWORD", "THAT", "AND", "OF", "WITH"}
    | {"GOLDEN", "DEATH", "TIMEFRAME", "IS", "FOR", "ON", "IN", "TRADE", "PLACE", "AVERAGE"}
    | {"TURNS", "SIGNAL_N", "COLOR", "RANGE", "INSIDE"}
)
# Known words that name a kind of strategy in a title ("Parabolic SAR flip:", "Stoch setup
# (14,3,3):"), dropped with the title's unknown words.
_TITLE_NOUNS = frozenset({"flip", "setup", "system", "signal"})


# a rule or an exit said before "Trigger:" (after an exit it could be the exit's trigger)
_RULE_BEFORE = re.compile(
    r"\b(exits?|sell\w*|cover\w*|clos\w+|entry|entries|enter\w*|buy\w*|shorts?|go|trigger\w*|"
    r"target|stop\w*|when|if)\b",
    re.IGNORECASE,
)


def _comma_before_colon(lexemes: list[Lexeme]) -> list[Lexeme]:
    """ "Golden cross, the classic: buy when ...": a comma with only filler before a colon
    says nothing."""
    out = []
    for index, lexeme in enumerate(lexemes):
        if lexeme.kind == "COMMA":
            rest = [lx for lx in lexemes[index + 1 :] if lx.kind != "FILLER"]
            if rest and rest[0].kind == "COLON":
                continue
        out.append(lexeme)
    return out


def _entry_trigger(head: list[Lexeme]) -> bool:
    """ "Trigger:" alone before its colon: the entry trigger's heading, not a title."""
    return len(head) == 1 and head[0].kind == "SIGNAL_N" and head[0].text.lower() == "trigger"


# A label's verb before the indicator whose settings it gives ("Fading the Keltner channel (EMA
# 20, ATR 10, 2x): ..."): set aside, the rules after the colon saying what is traded.
_LABEL_VERBS = frozenset({"fading", "trading"})


def _title_word(lexeme: Lexeme) -> bool:
    return lexeme.kind == "UNKNOWN" or (
        lexeme.kind in ("TURNS", "SIGNAL_N") and lexeme.text.lower() in _TITLE_NOUNS
    )


# A request addressed to the tool: "Create a strategy that buys when ...", "Can you write me a
# simple trading bot to buy when ...", "I want a strategy that shorts when", "Could you set up
# a SuperTrend system?". The request verb, the article, a few words that never change a
# strategy and the strategy noun are set aside (noted); any other word of it ("a long-only
# strategy", "a SuperTrend system") stays and is read or refused.
_REQUEST = re.compile(
    r"(?:(?:please|pls|hey|hi|ok|okay)[,!]?\s+)*(?:(?:can|could|would|will) you\s+)?"
    r"(?:please\s+)?(?:write|create|generate|build|make|code|code up|set up|design|develop|"
    r"implement|program|give|backtest|test|i want|i need|i'd like|i would like|we want|"
    r"we need)\s+(?:to\s+(?:test|backtest|try|run|see|build|create|code|write|make)\s+)?"
    r"(?:me\s+|us\s+)?(?:a|an|the)\s+(?P<middle>(?:[\w%/().,-]+\s+){0,4}?)"
    r"(?:strategy|bot|algo|algorithm|system|script)\b\s*(?:[?.!:,]\s*|(?:that|which|to|around|"
    r"using|with|based on|(?:where|in which)(?:\s+(?:we|i|you))?)\b\s*)?",
    re.IGNORECASE,
)
# Words of a request that never change a strategy ("a simple python trading bot").
_REQUEST_WORDS = frozenset(
    {"simple", "basic", "trading", "python", "quick", "small", "new", "little", "algorithmic"}
    | {"automated", "backtest", "backtesting"}
)


def _request_side(lexeme: Lexeme) -> Lexeme:
    """ "Make me an intraday long strategy": a strategy of the long side only, which the rules
    must agree with (short rules are refused). "a short strategy" stays as it was: it may be a
    brief one, and a short side would turn its buy and sell rules around."""
    if lexeme.kind != "BUY" or lexeme.text.lower() != "long":
        return lexeme
    return Lexeme("LONGONLY", None, lexeme.start, lexeme.end, lexeme.text)


@dataclass
class ParsedDescription:
    """A parsed description: the validated 2.0 spec, what it does in English, and notes.

    ``understood_as`` is :func:`Backtest.spec.render_understood_as` of the spec; ``understood``
    is the same text split into sentences; ``warnings`` list what was set aside or assumed
    (titles, explanations in brackets, the bar size, ...); ``defaults_used`` the documented
    defaults that were applied.
    """

    spec: StrategySpec
    understood_as: str
    warnings: list[str] = field(default_factory=list)
    defaults_used: list[str] = field(default_factory=list)

    @property
    def understood(self) -> list[str]:
        """``understood_as`` as a list of sentences."""
        return [s.strip() + "." for s in self.understood_as.split(". ") if s.strip(". ")]


@dataclass
class _Sentence:
    lexemes: list[Lexeme]
    start: int
    end: int


def _sentences(lexemes: Sequence[Lexeme]) -> list[_Sentence]:
    """Sentences of meaningful lexemes; each keeps the span of all its words (filler too)."""
    out: list[tuple[list[Lexeme], list[Lexeme]]] = [([], [])]
    depth = 0  # open brackets in this sentence
    for lexeme in lexemes:
        # a ";" inside a bracket ("(upper minus lower, divided by the middle band; 20 periods,
        # 2 standard deviations)") separates the bracket's parts, not two sentences
        if lexeme.kind == "SEP" and not (depth > 0 and lexeme.text == ";"):
            out.append(([], []))
            depth = 0
            continue
        depth += (lexeme.kind == "LPAR") - (lexeme.kind == "RPAR")
        out[-1][1].append(lexeme)
        if lexeme.kind not in ("FILLER", "QUOTE", "BULLET"):
            out[-1][0].append(lexeme)
    return [_Sentence(kept, every[0].start, every[-1].end) for kept, every in out if kept]


def _weak(lexemes: Sequence[Lexeme], i: int) -> bool:
    """Whether the lexeme at ``i`` carries no trading meaning on its own: a weak kind, "closed",
    or "stocks" / "shares" with no number before it ("energy stocks tend to trend in winter")."""
    lexeme = lexemes[i]
    if lexeme.kind in _WEAK:
        return True
    if lexeme.kind == "CLOSES" and lexeme.text.lower() == "closed":
        return True  # "I closed the trade early." stays talk ("closed lower 3 days" is read)
    return (
        lexeme.kind == "SHARES"
        and lexeme.text.lower() in ("stocks", "shares")
        and (i == 0 or lexemes[i - 1].kind != "NUM")
    )


def _reverse_after(lexemes: list[Lexeme]) -> list[Lexeme]:
    """ "SMA 10/40 stop-and-reverse": a reversal said last, right after what it is of, as if
    after a comma ("SMA 10/40, stop and reverse"); "Each new signal closes the old trade and
    flips": the reversal (every signal does it)."""
    if len(lexemes) < 2 or lexemes[-1].kind != "REVERSE":
        return lexemes
    if [lx.kind for lx in lexemes] == ["EVERY", "OUTPUT", "REVERSE"] and lexemes[
        1
    ].text.lower() in (
        "signal",
        "signals",
    ):
        return lexemes[2:]
    if lexemes[-2].kind not in ("NUM", "RPAR", "IND"):
        return lexemes
    at = lexemes[-1].start
    return [*lexemes[:-1], Lexeme("COMMA", ",", at, at, ""), lexemes[-1]]


def _extreme(lexeme: Lexeme) -> str | None:
    """ "max" / "min" for a word naming a highest or lowest value ("highest", "closing high",
    "high"), else None."""
    if lexeme.kind in ("HIGHEST", "LOWEST"):
        return "max" if lexeme.kind == "HIGHEST" else "min"
    if lexeme.kind == "CLOSINGEXT":
        return str(lexeme.value)
    if lexeme.kind == "PRICE" and lexeme.value in ("High", "Low"):
        return "max" if lexeme.value == "High" else "min"
    return None


class _Reader:
    """Tidies sentences, collects problems and notes, and reads each sentence."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.read_ok: list[str] = []
        self.written = text  # the text as the user wrote it (before tables, config lines, ...)
        self.structure: Unstructured | None = None  # how it was rewritten (:mod:`.structured`)

    def quote(self, start: int, end: int) -> str:
        return " ".join(self.text[start:end].split())

    def tidy(self, sentence: _Sentence) -> list[Lexeme] | None:
        lexemes = sentence.lexemes
        for lexeme in lexemes:
            if lexeme.kind == "UNSUPPORTED":
                self.problems.append(Problem((lexeme.start, lexeme.end), lexeme.value))
        if any(lexeme.kind == "UNSUPPORTED" for lexeme in lexemes):
            return None
        lexemes = self._request(lexemes, sentence.start)
        lexemes = self._title(lexemes, sentence.start)
        lexemes = _comma_before_colon(self._explanations(lexemes))
        lexemes = self._reason_before_so(lexemes)
        lexemes = _reverse_after(lexemes)
        lexemes, come = come_from(lexemes)
        lexemes, again = again_after_event(lexemes)
        lexemes, inside = inside_yesterday(lexemes)
        lexemes, pierce = pierces_line(lexemes)
        lexemes, risk = or_on_risk(lexemes)
        lexemes, shared = shared_period(lexemes)
        notes = come + again + inside + pierce + risk + ([shared] if shared else [])
        self.warnings.extend(n for n in notes if n not in self.warnings)
        while lexemes and lexemes[0].kind in ("COLON", "COMMA"):
            lexemes = lexemes[1:]  # "Mean reversion: buy ...": the label was filler
        if not lexemes:
            return None
        if all(_weak(lexemes, i) for i in range(len(lexemes))):
            self._symbols(lexemes)
            if any(lexeme.kind == "UNKNOWN" for lexeme in lexemes):
                self.warnings.append(
                    f"ignored '{self.quote(sentence.start, sentence.end)}' (no trading rule in it)"
                )
            return None
        counted = _one_number_for_several(lexemes)
        if counted:
            for lexeme in counted:
                self.problems.append(
                    Problem(
                        (lexeme.start, lexeme.end),
                        "one number for several averages (a count or a period?); give each "
                        "one's period ('the 10 and 30 EMAs')",
                    )
                )
            return None
        unknown = [lexeme for lexeme in lexemes if lexeme.kind == "UNKNOWN"]
        weeks = _weeks_counted(lexemes)
        for number, week in weeks:
            self.problems.append(
                Problem(
                    (number.start, week.end),
                    "a number of weeks is not read; give it in bars (days), e.g. 'the "
                    "252-day high' for a 52-week high, 'after 10 days' for 2 weeks",
                )
            )
        unknown = [lexeme for lexeme in unknown if all(lexeme is not w for _, w in weeks)]
        for start, end in _equal_multiples(lexemes):
            self.problems.append(
                Problem(
                    (start, end),
                    "'is twice the average' (equal to a multiple) is not read: on real data it "
                    "is almost never exactly equal; say 'at least twice' or 'more than twice'",
                )
            )
        if unknown or weeks or _equal_multiples(lexemes):
            for start, end in _merge(unknown, lexemes):
                self.problems.append(Problem((start, end), "unknown"))
            return None
        return lexemes

    def _reason_before_so(self, lexemes: list[Lexeme]) -> list[Lexeme]:
        """ "Seasonality matters to me, so I never open new longs in June": a reason with no
        trading word in it before ", so" is set aside (noted); the rest is read. A reason with
        any word that may place a rule ("I don't like chasing, so ...") is left as it was."""
        for i, lexeme in enumerate(lexemes[:-1]):
            if lexeme.kind != "COMMA":
                continue
            between = self.text[lexeme.end : lexemes[i + 1].start].split()
            if [w.lower() for w in between[:1]] != ["so"]:
                continue
            if i == 0 or not all(_weak(lexemes, k) for k in range(i)):
                return lexemes
            reason = self.quote(lexemes[0].start, lexeme.start)
            self.warnings.append(f"set aside '{reason}' (the reason before 'so': no rule in it)")
            return lexemes[i + 1 :]
        return lexemes

    def _symbols(self, lexemes: Sequence[Lexeme]) -> None:
        for lexeme in lexemes:
            note = symbol_note(lexeme.text) if lexeme.kind == "TICKER" else None
            if note is not None and note not in self.warnings:
                self.warnings.append(note)

    def _request(self, lexemes: list[Lexeme], start: int) -> list[Lexeme]:
        """The sentence without a request to the tool that opens it ("Create a strategy that",
        "Could you set up a SuperTrend system?"), noted; words of the request that may change
        the strategy ("a short-only strategy", "a SuperTrend system") stay to be read."""
        asked = _REQUEST.match(self.text, start)
        if asked is None or not lexemes:
            return lexemes
        middle = range(*asked.span("middle"))
        kept = [
            _request_side(lx)
            for lx in lexemes
            if lx.start in middle and lx.text.lower().rstrip(".,") not in _REQUEST_WORDS
        ]
        # the side first ("an intraday long strategy" as "long only, intraday")
        kept.sort(key=lambda lx: lx.kind != "LONGONLY")
        rest = [lx for lx in lexemes if lx.start >= asked.end()]
        self.warnings.append(f"read '{self.quote(start, asked.end()).rstrip(':,')}' as the request")
        if kept and rest:
            kept.append(Lexeme("COMMA", ",", kept[-1].end, kept[-1].end, ""))
        return kept + rest

    def _title(self, lexemes: list[Lexeme], start: int) -> list[Lexeme]:
        colon = next((i for i, lx in enumerate(lexemes) if lx.kind == "COLON"), None)
        if colon is None or colon == 0:
            return lexemes
        head = lexemes[:colon]
        if (
            len(head) > 3
            and head[0].kind == "UNKNOWN"
            and head[0].text.lower() in _LABEL_VERBS
            and [lx.kind for lx in head[1:3]] == ["IND", "LPAR"]
            and _closing(head, 2) == len(head) - 1
        ):
            # "Fading the Keltner channel (EMA 20, ATR 10, 2x): short when ...": the label's
            # verb is set aside; the indicator and its settings are read, the rules say the side
            self.warnings.append(
                f"set aside '{head[0].text}' in the label '{self.quote(start, head[-1].end)}' "
                "(the rules after the colon say what is traded)"
            )
            return lexemes[1:]
        if colon == len(lexemes) - 1:  # a title on its own line ("## Turtle-ish")
            if (
                all(lx.kind in _TITLE for lx in head)
                and any(lx.kind == "UNKNOWN" for lx in head)
                and not any(lx.kind in ("NUM", "PCT") for lx in head)
            ):
                self.warnings.append(f"read '{self.quote(start, head[-1].end)}' as a title")
                self._symbols(head)
                return []
            return lexemes
        if _entry_trigger(head) and not _RULE_BEFORE.search(self.text[: head[0].start]):
            # "- Filter: ... - Trigger: close crosses above the 20 EMA": the entry's heading,
            # as "Entry trigger:" (a sell rule under it clashes and is refused)
            word = head[0]
            return [Lexeme("ENTRY_N", None, word.start, word.end, word.text), *lexemes[1:]]
        if all(lx.kind in _WEAK for lx in head) and not any(_title_word(lx) for lx in head):
            # "Idea to test: buy when ...": a label of filler words only
            self.warnings.append(f"read '{self.quote(start, lexemes[colon].start)}' as a title")
            self._symbols(head)
            return lexemes[colon + 1 :]
        if all(lx.kind in _TITLE for lx in head) and any(map(_title_word, head)):
            title = self.quote(start, lexemes[colon].start)
            if any(lx.kind in ("NUM", "PCT") for lx in head):
                # "RSI(2) scalper: buy when RSI < 10": a number in a title is a parameter the
                # rules may rely on, so only the unknown words go; the rest must be read.
                unknown = [lx.text for lx in head if _title_word(lx)]
                self.warnings.append(
                    f"ignored {', '.join(map(repr, unknown))} in the title '{title}'"
                )
                return [lx for lx in head if not _title_word(lx)] + lexemes[colon:]
            self.warnings.append(f"read '{title}' as a title")
            self._symbols(head)
            # ("Momentum combo:" names a style, not the MOM indicator)
            named = [lx for lx in head if lx.kind == "IND" and lx.text.lower() != "momentum"]
            if named and all(lx.kind in ("IND", "UNKNOWN", "TURNS", "SIGNAL_N") for lx in head):
                # "RSI flip: buy when ...": the indicator the title names must be one a rule
                # uses (kept as a declaration, which is checked), never silently dropped
                return named + lexemes[colon:]
            return lexemes[colon + 1 :]
        return lexemes

    def _explanations(self, lexemes: list[Lexeme]) -> list[Lexeme]:
        out: list[Lexeme] = []
        i = 0
        while i < len(lexemes):
            lexeme = lexemes[i]
            if lexeme.kind == "LPAR":
                close = _closing(lexemes, i)
                inside = lexemes[i + 1 : close]
                # "today's range (high minus low)": what the range is, read and checked
                said = i > 0 and lexemes[i - 1].kind == "RANGE"
                # "the band width (upper minus lower, ...)", "the band width, meaning (upper
                # band minus lower band) divided by ...": the width's definition, read
                said = said or (i > 0 and lexemes[i - 1].kind == "WIDTH")
                # "X, meaning Y" written as "X (Y)" (:mod:`.lessons`): read and checked
                said = said or bool(lexeme.extra.get("restatement"))
                said = said or [lx.kind for lx in lexemes[max(i - 3, 0) : i]] == [
                    "WIDTH",
                    "COMMA",
                    "DEFINE",
                ]
                if close is not None and not said and all(lx.kind in _EXPLANATION for lx in inside):
                    span = self.quote(lexeme.start, lexemes[close].end)
                    self.warnings.append(f"ignored the explanation {span}")
                    i = close + 1
                    continue
                approximate = self._approximate(lexeme, inside, lexemes[:i])
                if close is not None and not said and approximate:
                    span = self.quote(lexeme.start, lexemes[close].end)
                    self.warnings.append(
                        f"ignored the approximate restatement {span}: the rule's own numbers "
                        "are read"
                    )
                    i = close + 1
                    continue
            out.append(lexeme)
            i += 1
        return out

    def _approximate(
        self, lpar: Lexeme, inside: Sequence[Lexeme], before: Sequence[Lexeme]
    ) -> bool:
        """ "(roughly a 52-week closing high)" after "the highest close of the prior 250 days":
        a bracket that says it is approximate, of a window in weeks, months or years and an
        extreme, after an extreme of the rule, with nothing else that could place a rule."""
        rule = [_extreme(lx) for lx in before if _extreme(lx) is not None]
        said_extremes = [_extreme(lx) for lx in inside if _extreme(lx) is not None]
        if not rule or not said_extremes or set(said_extremes) != {rule[-1]}:
            return False  # the same extreme as the rule's last one ("highest" ... "high")
        said = self.text[lpar.end : inside[0].start if inside else lpar.end].split()
        if [w.lower() for w in said[:1]] not in (["roughly"], ["approximately"], ["about"]):
            return False
        kinds = [lx.kind for lx in inside]
        weeks = any(
            lx.kind in ("UNKNOWN", "MONTH_N") and lx.text.lower().rstrip("s") in _LONG_UNITS
            for lx in inside
        )
        return weeks and all(k in _EXPLANATION | {"NUM", "CLOSINGEXT", "MONTH_N"} for k in kinds)

    def read(self, sentence: _Sentence, lexemes: list[Lexeme]) -> tuple[ir.Statement, ...] | None:
        result = read_sentence(lexemes)
        if not result.readings:
            at = min(result.stopped_at, len(lexemes) - 1)
            stop = lexemes[at]
            self.problems.append(
                Problem(
                    (stop.start, stop.end),
                    f"could not place this in '{self.quote(sentence.start, sentence.end)}'",
                )
            )
            return None
        best = [r for r in result.readings if len(r) == len(result.readings[0])]
        distinct = list(dict.fromkeys(best))
        if len(distinct) > 1:
            self.problems.append(
                Problem(
                    (sentence.start, sentence.end),
                    "this sentence can be read in more than one way; split it or use 'either "
                    "... or ...'",
                )
            )
            return None
        mixed = days_against_lines(distinct[0])
        if mixed:
            for price, line in mixed:
                ago = f"{price.ago} bar{'s' * (price.ago > 1)}"
                self.problems.append(
                    Problem(
                        (min(price.span[0], line.span[0]), max(price.span[1], line.span[1])),
                        (
                            f"'{self.quote(*line.span)}' of which day? Compare '{price.field} "
                            f"{ago} ago' with 'the {self.quote(*line.span)} {ago} ago' for "
                            f"that day's, with 'the {self.quote(*line.span)}' for today's"
                        )
                        if isinstance(line, ir.Mention)
                        else (
                            f"'{self.quote(*line.span)}' before that day or before today? "
                            f"'{price.field} {ago} ago is above the {self.quote(*line.span)}' "
                            "is the one before today"
                        ),
                    )
                )
            return None
        statements = tuple(settle_inside(s) for s in distinct[0])
        if any(s is None for s in statements):
            for start, end in inside_prices(distinct[0]):
                self.problems.append(
                    Problem(
                        (start, end),
                        "which inside day? the rule's condition must define it (e.g. 'inside "
                        "day (high below yesterday's high, low above yesterday's low)')",
                    )
                )
            return None
        self.read_ok.append(self.quote(sentence.start, sentence.end))
        return tuple(s for s in statements if s is not None)


def _breakout_notes(text: str, lexemes: Sequence[Lexeme]) -> list[str]:
    """ "a 20-day breakout" is read on closes (grammar/conditions.py); said, as it may have
    meant the day's high. "3 red days" is read as candles (close against open); said, as it may
    have meant closes against the day before."""
    notes = []
    for number, word in zip(lexemes, lexemes[1:], strict=False):
        if number.kind == "COLOR" and word.kind == "UNIT" and word.text.lower().startswith("day"):
            # "3 red days in a row": a day's candle colour, which some mean as its change
            below = "below" if number.value == "down" else "above"
            notes.append(
                f"'{text[number.start : word.end]}' read as: the close {below} the open (the "
                f"candle's colour), not {below} the previous close"
            )
        if number.kind == "NUM" and word.kind == "BREAKOUT":
            up = word.value == "up"
            notes.append(
                f"'{text[number.start : word.end]}' read as: the close "
                f"{'above the highest high' if up else 'below the lowest low'} of the "
                f"{number.text} bars before"
            )
    return notes


def _journal_header(lexemes: Sequence[Lexeme]) -> bool:
    """ "Journal, 14 March.", "Trading journal, Tuesday.", "Pullback journal, week 3.": the
    first sentence, a journal's name and the day it was written, nothing else (the day is when
    the note was written, never a day to trade)."""
    comma = next((i for i, lx in enumerate(lexemes) if lx.kind == "COMMA"), None)
    if comma is None or comma == 0:
        return False
    name, date = lexemes[:comma], [lx.kind for lx in lexemes[comma + 1 :]]
    words = [lx.text.lower() for lx in name]
    if "journal" not in words or not all(
        lx.kind == "UNKNOWN"
        or (lx.kind == "TRADE" and lx.text.lower() == "trading")
        or (lx.kind == "ENTRY_N" and lx.text.lower() == "entry")
        for lx in name
    ):
        return False
    week = bool(date) and lexemes[comma + 1].text.lower() == "week"
    return date in (["NUM", "MONTH"], ["MONTH", "NUM"], ["WEEKDAY"]) or (
        week and date == ["UNKNOWN", "NUM"]
    )


def _named_series(sentences: list[_Sentence], reader: _Reader) -> list[_Sentence]:
    """ "Take RSI(9) and smooth it with a 5-period EMA. Buy when the smoothed RSI ...": the
    declaration set aside (noted) and each later name written out (:mod:`.named_series`); only
    one declaration, and only when a later sentence names it."""
    found = [(i, d) for i, s in enumerate(sentences) if (d := declaration(s.lexemes))]
    if len(found) != 1:
        return sentences
    index, (written, source) = found[0]
    out = sentences[: index + 1]
    average = not any(other_average(s.lexemes) for s in sentences[index + 1 :])
    for sentence in sentences[index + 1 :]:
        lexemes = named(sentence.lexemes, written, source, average)
        out.append(_Sentence(lexemes, sentence.start, sentence.end))
    declared = sentences[index]
    if all(a.lexemes == b.lexemes for a, b in zip(out, sentences, strict=True)):
        if not any(restated(s.lexemes, written, source) for s in sentences[index + 1 :]):
            return sentences  # named nowhere: the declaration's words are refused
        # "Take RSI(14) and compute a 9-period SMA of it. Buy when RSI(14) crosses above its
        # 9-period SMA": the rules say the same average again in full
        reader.warnings.append(
            f"read '{reader.quote(declared.start, declared.end)}' as the definition of the "
            "average the rules name again in full"
        )
        return out[:index] + out[index + 1 :]
    reader.warnings.append(
        f"read '{reader.quote(declared.start, declared.end)}' as the definition of the "
        "smoothed line the rules name"
    )
    return out[:index] + out[index + 1 :]


def _definitions(sentences: list[_Sentence], reader: _Reader) -> list[_Sentence]:
    """ "The MACD line is the 12-period EMA minus the 26-period EMA; the signal line is a
    9-period EMA of the MACD line.": read as the declaration "MACD(12,26,9)", checked against
    the standard MACD (:mod:`.definitions`), noted; OBV's definition checked and set aside."""
    for span, reason in differing([s.lexemes for s in sentences]):
        reader.problems.append(Problem(span, reason))
    read, notes = read_definitions(reader.text, [s.lexemes for s in sentences])
    if not read:
        return sentences
    reader.warnings += notes
    out = []
    for index, sentence in enumerate(sentences):
        if index not in read:
            out.append(sentence)
        elif read[index]:
            out.append(_Sentence(read[index], sentence.start, sentence.end))
    return out


def _entry_filters(sentences: list[_Sentence], reader: _Reader) -> list[_Sentence]:
    """ "ADX(14) must be above 25 before any trade is opened, long or short.": read as "Only
    trade when ADX(14) must be above 25" (:mod:`.entry_filters`), noted; a next "When it is,"
    set aside. "Any weekday except Thursday and Friday.": as "Only trade on ...", noted."""
    out: list[_Sentence] = []
    after_filter = False
    for index, sentence in enumerate(sentences):
        lexemes = sentence.lexemes
        if after_filter and (skip := when_it_is(lexemes)):
            reader.warnings.append(
                f"read '{reader.quote(lexemes[0].start, lexemes[skip - 1].end)}' as the filter "
                "on every entry said before it"
            )
            lexemes = lexemes[skip:]
        others = [lx for k, s in enumerate(sentences) if k != index for lx in s.lexemes]
        written = entry_filter(lexemes, others)
        after_filter = written is not None
        if written is not None:
            reader.warnings.append(
                f"read '{reader.quote(sentence.start, sentence.end)}' as a filter on every entry "
                "(only trade when it holds)"
            )
            lexemes = written
        elif (days := days_filter(lexemes)) is not None:
            reader.warnings.append(
                f"read '{reader.quote(sentence.start, sentence.end)}' as a filter on every entry "
                "(only trade on those days)"
            )
            lexemes = days
        out.append(_Sentence(lexemes, sentence.start, sentence.end))
    return out


def _setting_heads(sentences: list[_Sentence], reader: _Reader) -> list[_Sentence]:
    """ "Trade 100 shares each time: buy when ...": the size and the rules, two sentences."""
    out = []
    for sentence in sentences:
        at = setting_head(sentence.lexemes)
        if at is None:
            out.append(sentence)
            continue
        head, rest = sentence.lexemes[:at], sentence.lexemes[at + 1 :]
        reader.warnings.append(
            f"read '{reader.quote(sentence.start, head[-1].end)}' as the size of every trade, "
            "set before the rules after its colon"
        )
        out.append(_Sentence(head, sentence.start, head[-1].end))
        out.append(_Sentence(rest, rest[0].start, sentence.end))
    return out


def _unsettled(statements: tuple[ir.Statement, ...], name: str) -> tuple[ir.Statement, ...]:
    """The sentence naming a channel without settings, read before the sentence of its
    settings ("Could you set up a SuperTrend system? ATR period 12, multiplier 2."): its
    declaration of the channel with the standard settings is the one the settings complete."""
    return tuple(
        statement
        for statement in statements
        if not (
            isinstance(statement, ir.Declare)
            and len(statement.mentions) == 1
            and statement.mentions[0].name == name
            and not statement.mentions[0].numbers
            and not statement.mentions[0].labelled
            and statement.mentions[0].source is None
        )
    )


# Bar sizes other than a day, and the words that count days: "sell after 2 days" on a 5-minute
# chart would silently be 2 bars (10 minutes), so such a description is refused.
_NOT_DAILY = frozenset(
    {"1h", "4h", "h chart", "hour bars", "hour chart", "hourly", "hourly bars", "hourly chart"}
    | {"h", "h candles", "h bars", "h timeframe"}
    | {"intraday", "intraday bars", "m bars", "m chart", "min bars", "min candles", "min chart"}
    | {"minute bars", "minute candles", "minute chart", "weekly bars", "weekly chart"}
)
_DAY_UNITS = frozenset(
    {"day", "days", "d", "trading days", "day lookback", "day period", "session", "sessions"}
)


def _days_on_other_bars(lexemes: Sequence[Lexeme]) -> list[tuple[Lexeme, Lexeme]]:
    """Day counts in a description that names intraday or weekly bars."""
    frame = next(
        (lx for lx in lexemes if lx.kind == "TIMEFRAME" and lx.text.lower() in _NOT_DAILY), None
    )
    if frame is None:
        return []
    return [(lx, frame) for lx in lexemes if lx.kind == "UNIT" and lx.text.lower() in _DAY_UNITS]


def _bar_size(lexemes: Sequence[Lexeme], index: int) -> str | None:
    """The bar size a TIMEFRAME lexeme names ("5 minute chart" -> "5 minute"), or None for
    words that name none ("chart", "timeframe")."""
    text = " ".join(lexemes[index].text.lower().split())
    if text in ("minute", "minutes"):
        return None  # "after 30 minutes", "the first 90 minutes": a duration, not a bar size
    number = lexemes[index - 1].text if index and lexemes[index - 1].kind == "NUM" else ""
    if "week" in text:
        return "weekly"
    if text in ("1h", "hourly", "hourly bars", "hourly chart"):
        return "1 hour"
    if text == "4h":
        return "4 hour"
    if text == "h" or text.startswith(("h ", "hour")):
        return f"{number or '?'} hour"
    if text.startswith(("m ", "min", "minute")):
        return f"{number or '?'} minute"
    if text.startswith("intraday"):
        return "intraday"
    if "daily" in text or text in ("eod", "end of day data") or text.startswith("1 d "):
        return "daily"
    return None


def _several_bar_sizes(lexemes: Sequence[Lexeme]) -> tuple[tuple[int, int], str, str] | None:
    """A description naming two bar sizes ("on the 5-minute chart ... the daily 20 EMA"): the
    spec runs on one, so an indicator "of the daily" on 5-minute bars would silently be an
    indicator of 5-minute bars. Returns the second mention's span and both sizes."""
    seen: str | None = None
    for index, lexeme in enumerate(lexemes):
        size = _bar_size(lexemes, index) if lexeme.kind == "TIMEFRAME" else None
        if size is None or size == seen:
            continue
        if seen is None or seen == "intraday" and size.endswith(("hour", "minute")):
            seen = size
        elif not (size == "intraday" and seen.endswith(("hour", "minute"))):
            first = lexemes[index - 1] if index and lexemes[index - 1].kind == "NUM" else lexeme
            return (first.start, lexeme.end), seen, size
    return None


def _hold_then_exit(lexemes: Sequence[Lexeme]) -> list[tuple[int, int]]:
    """ "Hold for 5 bars, then exit when RSI > 70": a shortest hold before an exit rule (the
    grammar refuses it too; this names the words and says why)."""
    found: list[tuple[int, int]] = []
    kinds = [lx.kind for lx in lexemes]
    for index, lexeme in enumerate(lexemes):
        if lexeme.kind != "HOLD":
            continue
        at = index + 1 + (kinds[index + 1 : index + 2] == ["FOR"])
        if kinds[at : at + 2] != ["NUM", "UNIT"]:
            continue
        at += 2 + (kinds[at + 2 : at + 3] == ["COMMA"])
        if kinds[at : at + 1] == ["THEN"] and kinds[at + 1 : at + 3] in (
            ["SELL", "WHEN"],
            ["EXIT", "WHEN"],
            ["COVER", "WHEN"],
        ):
            found.append((lexeme.start, lexemes[at].end))
    return found


def _trail_from_extreme(lexemes: Sequence[Lexeme]) -> list[tuple[int, int, str]]:
    """ "a trailing stop 3 x ATR(14) from the highest high since entry": the compiled trailing
    stop is pulled toward each bar's close (never loosened), so it trails the highest close
    since entry, not the highest high (or a short's lowest low); the words and what differs."""
    found: list[tuple[int, int, str]] = []
    for index, lexeme in enumerate(lexemes):
        if lexeme.kind != "TRAIL":
            continue
        for at in range(index + 1, min(index + 10, len(lexemes) - 1)):
            extreme, price = lexemes[at], lexemes[at + 1]
            if lexemes[at].kind in ("SEP", "TRAIL", "STOP", "TARGET"):
                break
            if extreme.kind not in ("HIGHEST", "LOWEST") or price.kind != "PRICE":
                continue
            said = price.text.lower()
            if said in ("high", "low"):
                found.append(
                    (
                        extreme.start,
                        price.end,
                        f"the trailing stop trails the {extreme.text.lower()} close since "
                        f"entry (it is pulled toward each bar's close), not the "
                        f"{extreme.text.lower()} {said}",
                    )
                )
            break
    return found


# Rules as they are typed into a text box. "buy when rsi < 30 sell when rsi > 70": a side word
# and "when"/"if" right after an operand ends the rule before it (as a comma would). "buy rsi<30
# sell rsi>70": a side word right before a comparison ("rsi < 30", "close above sma(200)") is
# "buy when" (nothing else can follow a side word there).
_SIDES = frozenset({"BUY", "SELL", "SHORT", "EXIT", "COVER"})
_OPERAND_ENDS = frozenset(
    {"NUM", "RPAR", "IND", "PRICE", "OUTPUT", "PCT", "TIME", "OVERBOUGHT", "OVERSOLD"}
    | {"RISING", "FALLING", "WEEKDAY"}
)


def _compared_after(lexemes: Sequence[Lexeme], index: int) -> bool:
    """Whether a comparison sign follows an indicator (with its parameters) or a price field
    that starts at ``index``."""
    kinds = [lx.kind for lx in lexemes[index : index + 12]]
    if kinds[:1] == ["PRICE"]:
        return kinds[1:2] == ["CMP"]
    if kinds[:1] != ["IND"]:
        return False
    at = 1
    if kinds[at : at + 1] == ["NUM"]:
        at += 1
    elif kinds[at : at + 1] == ["LPAR"]:
        while at < len(kinds) and kinds[at] != "RPAR":
            if kinds[at] not in ("LPAR", "NUM", "COMMA"):
                return False
            at += 1
        at += 1
    return kinds[at : at + 1] == ["CMP"]


_RULE_ENDS = frozenset({"COMMA", "SEP", "SEMI", "AND"}) | _SIDES


def _level_after(lexemes: Sequence[Lexeme], index: int) -> bool:
    """ "buy below 30, sell above 70" (after "Use RSI 14."): a comparison word and a plain
    number that end the rule, with the subject left out (it must be the one indicator the
    text declared, see :meth:`.conditions.Conditions._implied_subject`)."""
    kinds = [lx.kind for lx in lexemes[index : index + 3]]
    if kinds[:2] != ["CMP", "NUM"]:
        return False
    if lexemes[index].value not in ("<", ">"):
        return False
    return len(kinds) == 2 or kinds[2] in _RULE_ENDS


# "sell when rsi > 70 sl 2% tp 4%", "... under the 20 ema stop 2 atr", "... short side only no
# stop": a setting typed straight after a rule starts a sentence part of its own
_SETTINGS = frozenset({"STOP", "TARGET", "TRAIL", "SIZE", "RISK", "SHORTONLY", "LONGONLY"})
_SETTINGS_AFTER_NO = frozenset({"STOP", "TARGET", "TRAIL"})


def _setting_starts(lexemes: Sequence[Lexeme], index: int) -> bool:
    """A setting word followed by its own value ("sl 2%", "stop 2 atr", "size 50%"; never the
    word after its value, "a 2% stop"), "no stop", or a side ("short side only")."""
    kinds = [lx.kind for lx in lexemes[index : index + 3]]
    if kinds[:1] == ["NO"]:
        return len(kinds) > 1 and kinds[1] in _SETTINGS_AFTER_NO
    if kinds[:2] == ["NUM", "SHARES"]:
        return True  # "... no stop 100 shares a trade"
    if not kinds or kinds[0] not in _SETTINGS:
        return False
    if kinds[0] in ("SHORTONLY", "LONGONLY"):
        return True  # "... under 50 short side only no stop": a setting of no value
    value = kinds[2:3] if kinds[1:2] == ["AT"] else kinds[1:2]
    return value in (["NUM"], ["PCT"])


def _setting_ends(before: Sequence[Lexeme]) -> bool:
    """Whether a rule or a setting of no value ("short side only", "no stop") ends here."""
    last = before[-1].kind
    if last in ("SHORTONLY", "LONGONLY"):
        return True
    if last in _SETTINGS_AFTER_NO:
        return len(before) > 1 and before[-2].kind == "NO"
    return last in _OPERAND_ENDS


def _day_after_day(before: Sequence[Lexeme], lexemes: Sequence[Lexeme], index: int) -> bool:
    """ "buy on monday sell on friday": a side word between two weekdays ends the rule before
    it (as a comma would)."""
    after = [lx.kind for lx in lexemes[index + 1 : index + 3]]
    if after[:1] in (["ON"], ["EVERY"]):
        after = after[1:]
    return bool(before) and before[-1].kind == "WEEKDAY" and after[:1] == ["WEEKDAY"]


def _typed_rules(lexemes: Sequence[Lexeme]) -> list[Lexeme]:
    """``lexemes`` with a comma and a "when" (of no width) where typed rules leave them out."""
    out: list[Lexeme] = []
    kinds = [lx.kind for lx in lexemes]
    # a level with no subject only where one indicator, and no price or line, is named
    one_line = kinds.count("IND") == 1 and not {"PRICE", "OUTPUT"} & set(kinds)
    for index, lexeme in enumerate(lexemes):
        side = lexeme.kind in _SIDES
        bare = side and (
            _compared_after(lexemes, index + 1) or one_line and _level_after(lexemes, index + 1)
        )
        after = lexemes[index + 1].kind if index + 1 < len(lexemes) else None
        # "... sell on 10 day low", "... sell after 5 days": "on" / "after" starts a rule too
        starts = (side and (bare or after in ("WHEN", "ON", "AFTER"))) or _setting_starts(
            lexemes, index
        )
        if (starts and out and _setting_ends(out)) or (
            side and _day_after_day(out, lexemes, index)
        ):
            out.append(Lexeme("COMMA", ",", lexeme.start, lexeme.start, ""))
        out.append(lexeme)
        if bare:
            out.append(Lexeme("WHEN", "when", lexeme.end, lexeme.end, ""))
    return out


def _k_or_d(lexeme: Lexeme, previous: Lexeme | None) -> str | None:
    """ "K" or "D" standing alone ("D" after a number is a day: "20D")."""
    text = lexeme.text.strip()
    if lexeme.kind == "UNKNOWN" and text in ("K", "k"):
        return "k"
    if (
        lexeme.kind == "UNIT"
        and text in ("D", "d")
        and (previous is None or previous.kind != "NUM")
    ):
        return "d"
    return None


def _stochastic_lines(lexemes: list[Lexeme]) -> list[Lexeme]:
    """ "the stochastic K crosses above D": where a stochastic is named, a bare "K" / "D" on
    either side of a crossing is its %K / %D line (as "%K crosses above %D")."""
    if not any(lx.kind == "IND" and lx.value[0] == "STOCH" for lx in lexemes):
        return lexemes
    out = list(lexemes)
    for index, lexeme in enumerate(lexemes):
        if lexeme.kind != "CROSS":
            continue
        before = index - 1
        after = index + 1
        if after < len(lexemes) and lexemes[after].kind == "FILLER":
            after += 1
        if before < 1 or after >= len(lexemes):
            continue
        first = _k_or_d(lexemes[before], lexemes[before - 1])
        second = _k_or_d(lexemes[after], lexemes[after - 1])
        if first is None or second is None or first == second:
            continue
        for at, line in ((before, first), (after, second)):
            old = lexemes[at]
            out[at] = Lexeme("OUTPUT", line, old.start, old.end, old.text)
    return out


# Lexemes that may stand between "vol >" and the average it is compared with ("vol > 1.5x its
# 50d avg", "vol > 2x 20d avg vol"): a multiple, "its", a number of bars
_TO_AVERAGE = frozenset({"NUM", "TIMES", "TWICE", "ITS", "UNIT", "THAT", "OF"})


def _volume_shorthand(text: str, lexemes: list[Lexeme]) -> tuple[list[Lexeme], list[str]]:
    """ "vol > 2x 20d avg vol", "vol > its 20d avg": the chat shorthand for volume, read only as
    the subject of a comparison with an average (and as that average's "vol"), noted. Elsewhere
    "vol" may be volatility ("vol contracting", "vol is low") and stays unknown."""
    out = list(lexemes)
    notes: list[str] = []

    def vol(index: int) -> bool:
        lexeme = lexemes[index]
        return lexeme.kind == "UNKNOWN" and lexeme.text.lower() == "vol"

    for index in range(len(lexemes)):
        if (
            not vol(index)
            or lexemes[index + 1 : index + 2] == []
            or lexemes[index + 1].kind != "CMP"
        ):
            continue
        at = index + 2
        while at < len(lexemes) and lexemes[at].kind in _TO_AVERAGE:
            at += 1
        if at >= len(lexemes) or lexemes[at].kind != "AVERAGE":
            continue
        read = [index] + ([at + 1] if at + 1 < len(lexemes) and vol(at + 1) else [])
        for i in read:
            old = lexemes[i]
            out[i] = Lexeme("PRICE", "Volume", old.start, old.end, old.text)
        end = lexemes[read[-1]].end if len(read) > 1 else lexemes[at].end
        notes.append(f"'vol' in '{text[lexemes[index].start : end]}' read as volume")
    return out, notes


def _percent_b(lexemes: list[Lexeme]) -> list[Lexeme]:
    """ "%B" written as one word: Bollinger %B (see :data:`.grammar.operands.percent_b`)."""
    out: list[Lexeme] = []
    for lexeme in lexemes:
        if (
            out
            and out[-1].kind == "PERCENT_SIGN"
            and out[-1].text == "%"
            and lexeme.kind == "UNKNOWN"
            and lexeme.text in ("B", "b")
            and lexeme.start == out[-1].end
        ):
            sign = out.pop()
            out.append(Lexeme("PCTB", None, sign.start, lexeme.end, "%" + lexeme.text))
            continue
        out.append(lexeme)
    return out


def _one_number_for_several(lexemes: Sequence[Lexeme]) -> list[Lexeme]:
    """Plural indicator names after a single number: "the 2 moving averages" is a count, not
    SMA(2); "the 50 SMAs" is unclear. "the 10 and 30 EMAs" (a list of periods) is fine, and so
    is a count that the periods follow ("two moving averages, a 20-day and a 100-day SMA")."""
    found: list[Lexeme] = []
    for index, lexeme in enumerate(lexemes):
        if lexeme.kind != "IND" or not lexeme.value[1]:
            continue
        following = lexemes[index + 1].kind if index + 1 < len(lexemes) else None
        if following in ("COMMA", "COLON", "LPAR"):
            continue  # a count, then the periods: the grammar reads them or refuses
        numbers = 0
        back = index - 1
        while back >= 0 and lexemes[back].kind in ("NUM", "AND", "COMMA", "SLASH", "UNIT"):
            numbers += lexemes[back].kind == "NUM"
            back -= 1
        if numbers == 1:
            found.append(lexeme)
    return found


def _closing(lexemes: Sequence[Lexeme], open_index: int) -> int | None:
    depth = 0
    for index in range(open_index, len(lexemes)):
        depth += lexemes[index].kind == "LPAR"
        depth -= lexemes[index].kind == "RPAR"
        if depth == 0:
            return index
    return None


def _equal_multiples(lexemes: Sequence[Lexeme]) -> list[tuple[int, int]]:
    """ "volume is twice (2x, 2 times) the average volume": a price field equal to a multiple
    of an average, with no comparison word (the spans of "is twice")."""
    found = []
    kinds = [lx.kind for lx in lexemes]
    for i in range(1, len(lexemes) - 1):
        if kinds[i - 1] != "PRICE" or kinds[i] != "IS":
            continue
        if lexemes[i].text.lower() not in ("is", "are"):
            continue
        if kinds[i + 1] == "TWICE":
            last = i + 1
        elif kinds[i + 1 : i + 3] == ["NUM", "TIMES"]:
            last = i + 2
        else:
            continue
        rest = kinds[last + 1 : last + 6]
        if "AVERAGE" in rest and not {"CMP", "MOTION", "IND"} & set(rest):
            found.append((lexemes[i].start, lexemes[last].end))
    return found


def _weeks_counted(lexemes: Sequence[Lexeme]) -> list[tuple[Lexeme, Lexeme]]:
    """ "52-week high", "the 4 week low": a number of weeks (refused with what to write
    instead: weeks are 5 bars only on daily bars of a full trading week)."""
    return [
        (lexemes[i - 1], lx)
        for i, lx in enumerate(lexemes)
        if i
        and lx.kind == "UNKNOWN"
        and lx.text.lower() in ("week", "weeks", "wk", "wks")
        and lexemes[i - 1].kind == "NUM"
    ]


def _merge(unknown: list[Lexeme], lexemes: list[Lexeme]) -> list[tuple[int, int]]:
    """Adjacent unknown words as one phrase."""
    positions = {id(lx): i for i, lx in enumerate(lexemes)}
    spans: list[tuple[int, int]] = []
    last_index = -2
    for lexeme in unknown:
        index = positions[id(lexeme)]
        if index == last_index + 1 and spans:
            spans[-1] = (spans[-1][0], lexeme.end)
        else:
            spans.append((lexeme.start, lexeme.end))
        last_index = index
    return spans


def _refuse(text: str, reader: _Reader, problems: list[Problem]) -> DescriptionNotUnderstood:
    """The refusal naming ``problems``, quoted from the text as the user wrote it (a table or
    a config line rewritten before reading is quoted as written: ``original_span``)."""
    items: list[Unrecognised] = []
    written = reader.written
    for problem in problems:
        start, end = problem.span
        if (start, end) == (0, 0):
            start, end = 0, len(text)
        if reader.structure is not None:
            start, end = original_span(written, reader.structure, (start, end))
        items.append(
            Unrecognised(text=written[start:end], start=start, end=end, reason=problem.reason)
        )
    return refusal(written, items, reader.read_ok, parse_description)


def parse_description(text: str, *, name: str | None = None) -> ParsedDescription:
    """Parse a plain-English strategy description into a validated spec 2.0.

    Raises :class:`DescriptionNotUnderstood` naming every phrase it could not place; it
    never returns a strategy that differs from the text without saying so in ``warnings``.
    """
    if not isinstance(text, str) or not text.strip():
        raise DescriptionNotUnderstood("The description is empty.", example=_EXAMPLE)
    if len(text) > MAX_DESCRIPTION_CHARS:
        raise DescriptionNotUnderstood(
            f"The description is too long ({len(text)} characters, limit "
            f"{MAX_DESCRIPTION_CHARS}); describe the entry and exit rules briefly.",
            example=_EXAMPLE,
        )
    # tables, config lines and emoji list marks, as the sentences they say (noted)
    as_written = text
    structure = unstructure(text)
    text, structure_notes, structure_problems = structure.text, structure.notes, structure.problems
    reader = _Reader(text)
    reader.written, reader.structure = as_written, structure
    # who and where the system comes from ("from a video I liked", "Wilder's ADX"), noted
    lexed, reader.warnings = set_aside_sources(text, lex(text, typos=True))
    reader.warnings = structure_notes + reader.warnings
    reader.problems += [Problem(problem.span, problem.reason) for problem in structure_problems]
    # the lesson around the rules ("Exercise 3:", "Slide 12 - The stochastic oscillator"), noted
    lexed, lesson_notes = set_aside_lessons(text, lexed)
    reader.warnings += lesson_notes
    every, volume_notes = _volume_shorthand(
        text, _percent_b(_stochastic_lines(_typed_rules(lexed)))
    )
    reader.warnings += volume_notes
    for lexeme in every:
        for typed, word in lexeme.extra.get("typos", ()):
            reader.warnings.append(f"read '{typed}' as '{said_as(typed, word)}' (a typo?)")
    reader.warnings += _breakout_notes(text, every)
    for unit, frame in _days_on_other_bars(every):
        reader.problems.append(
            Problem(
                (unit.start, unit.end),
                f"'{unit.text}' on {'weekly' if 'week' in frame.text.lower() else 'intraday'} "
                "bars: periods and exits count bars of the size the strategy runs on; give "
                "them in bars",
            )
        )
    if (several := _several_bar_sizes(every)) is not None:
        span, first, second = several
        reader.problems.append(
            Problem(
                span,
                f"two bar sizes ({first} and {second} bars): a strategy runs on one bar size, "
                "and an indicator of another timeframe cannot be expressed",
            )
        )
    for span in _hold_then_exit(every):
        reader.problems.append(
            Problem(
                span,
                "a shortest hold before an exit rule cannot be expressed; for a time exit "
                "beside the rule say 'exit when ... or after N bars'",
            )
        )
    for start, end, reason in _trail_from_extreme(every):
        reader.problems.append(Problem((start, end), reason))
    readings: list[tuple[ir.Statement, ...]] = []
    sentences = _entry_filters(
        _setting_heads(_named_series(_definitions(_sentences(every), reader), reader), reader),
        reader,
    )
    read_at: list[int] = []  # the sentence each reading is of
    for index, sentence in enumerate(sentences):
        settled: str | None = None
        if index == 0 and _journal_header(sentence.lexemes):
            reader.warnings.append(
                f"read '{reader.quote(sentence.start, sentence.end)}' as a journal heading"
            )
            continue
        before = sentences[index - 1].lexemes if index else []
        if (settings := unnamed_settings(sentence.lexemes, before, every)) is not None:
            # "ATR period 10, multiplier 3." after "Could you set up a SuperTrend system?"
            written, channel = settings
            reader.warnings.append(
                f"read '{reader.quote(sentence.start, sentence.end)}' as the settings of "
                f"{channel}, the one indicator with an ATR multiple named"
            )
            sentence = _Sentence(written, sentence.start, sentence.end)
            settled = written[0].value[0]
        elif (
            modern := modern_heading(
                sentence.lexemes,
                sentences[index + 1].lexemes if index + 1 < len(sentences) else [],
                every,
            )
        ) is not None:
            # "The Keltner channel, modern version." before its definition
            reader.warnings.append(
                f"read '{reader.quote(sentence.start, sentence.end)}' as the Keltner channel of "
                "an EMA middle line and ATR bands, defined in the next sentence"
            )
            sentence = _Sentence(modern, sentence.start, sentence.end)
        elif (defined := keltner_definition(sentence.lexemes, every)) is not None:
            # "The middle line is the 20-day EMA and the bands sit 2 times the 10-day ATR ..."
            written, note = defined
            reader.warnings.append(f"read '{reader.quote(sentence.start, sentence.end)}' as {note}")
            sentence = _Sentence(written, sentence.start, sentence.end)
            settled = "KELTNER"
        lexemes = reader.tidy(sentence)
        if lexemes is not None:
            statements = reader.read(sentence, lexemes)
            if statements is not None:
                if settled is not None and read_at and read_at[-1] == index - 1:
                    readings[-1] = _unsettled(readings[-1], settled)
                readings.append(statements)
                read_at.append(index)
    if reader.problems:
        raise _refuse(text, reader, reader.problems)
    ctx = Context(text)
    assembly = Assembly(ctx)
    if not any(isinstance(s, _ACTIONS) for statements in readings for s in statements):
        # Only conditions, no "buy"/"sell" anywhere: they describe the entry (said in warnings).
        assembly.conditions_are_entry = any(
            isinstance(s, ir.CondOnly) for statements in readings for s in statements
        )
        if assembly.conditions_are_entry:
            reader.warnings.append("no action word: the conditions are read as the long entry")
    resolver = Resolver(ctx)
    for statements in readings:
        assembly.add(statements, resolver)
    assembly.problems += assembly.unheaded() + assembly.unplaced()
    if assembly.problems:
        raise _refuse(text, reader, assembly.problems)
    try:
        data = build_spec(assembly, name=name, description=text)
    except ParseError as exc:
        raise _refuse(text, reader, [exc.problem]) from None
    try:
        spec = validate_spec(data)
    except SpecValidationError as exc:
        problems = [Problem((0, 0), f"{e['field']}: {e['message']}") for e in exc.errors]
        raise _refuse(text, reader, problems) from None
    assert isinstance(spec, StrategySpec)
    sanity = sanity_problems(spec)
    if sanity:
        raise _refuse(text, reader, [Problem((0, 0), problem) for problem in sanity])
    warnings = list(dict.fromkeys(reader.warnings + ctx.warnings))
    return ParsedDescription(
        spec=spec,
        understood_as=render_understood_as(spec),
        warnings=warnings,
        defaults_used=list(ctx.defaults_used),
    )


_ACTIONS = (ir.Rule, ir.Mirror, ir.Heading, ir.OrderStmt, ir.Crossover, ir.HoldWhile, ir.AllBefore)
_EXAMPLE = "Buy when RSI(14) drops below 30, sell when it rises above 70. 2% stop loss."
