"""Structured text around the rules (markdown tables, config lines, emoji list marks), written
as the plain sentences it says before the text is read.

Descriptions are pasted as tables, config files and emoji lists; their structure is not a rule,
their cells and values are. Each is rewritten line by line, and said in ``warnings``:

* a markdown table (``| Rule | Value |`` rows and a ``|---|---|`` line under the header) is read
  as the sentences its rows say: ``| Entry | close crosses above the 20 EMA |`` is "Entry: close
  crosses above the 20 EMA." A table of two columns needs a header of header words ("Field |
  Rule", "Setting | Value"); a table with a "Long" and a "Short" column says each row for each
  side ("Long entry: ...", "Short entry: ..."; a row the same for both is said once). Every row
  needs a label the parser reads as a field (:data:`_LABELS`) and a value; an unknown label, an
  empty cell or a row of another width refuses, naming it;
* config lines, ``key = value`` (``symbol = MSFT``, ``bars = daily``, ``stop_loss = 2.5%``) and
  the ``Key: value`` lines the grammar does not read itself (``Bars: daily``, ``CCI period:
  20``, ``Qty: 200 shares``): a symbol is the data symbol (not part of the strategy, noted), a
  side the side ("long", "short", "both"; any other value refuses), bars the timeframe, a period
  a declaration of that indicator's period, "CCI(20).", which the rules must agree with (it is
  never set against a period they say), and the rest the field of the same name. In ``key =
  value`` lines an unknown key refuses, naming it, when the text has any config line; a lone
  ``N = atr(20)`` with no config line is left as it was;
* an emoji list mark at the start of a line (✅ ❌ 👉 ➡️ 📈 🔴 🟢 ...) in a list of at least two such
  lines is a bullet; a mark that carries a meaning is one only where the line agrees with it:
  ❌ before a sell, an exit, a cover or a close ("❌ Sell when ..."; "❌ Short selling" may say
  "no shorts"), 🔴 📉 before those or a short, 🛑 before a stop, 🟢 📈 before a buy, an entry or
  a long. Any other use is left as it was (and refused, as an emoji that
  may say something);
* "short side" / "long side" as a heading ("Short side: short when ...", "Mean reversion, short
  side: short when ..."): right after the start of a line or a comma and right before a colon,
  it names the one side traded, and is read as "short only" / "long only" (noted; the rules
  must agree with it). "On the short side for a while" and "the other side" are left as they
  were.

Anything else is left as it was.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import NamedTuple

from Backtest.llm.offline.assemble import symbol_note
from Backtest.llm.offline.lexer import lex

# A table's header cells that name no rule ("| Field | Rule |", "| Setting | Value |").
_HEADER_WORDS = frozenset(
    {"", "field", "fields", "rule", "rules", "setting", "settings", "value", "values"}
    | {"parameter", "parameters", "param", "item", "name", "key", "details", "description"}
    | {"condition", "conditions", "what", "spec", "component", "part"}
)
_SIDES = {"long": "Long", "longs": "Long", "short": "Short", "shorts": "Short"}
# A row's or a key's label -> the label the grammar reads ("stop_loss" -> "Stop loss").
_LABELS = {
    "entry": "Entry",
    "entry rule": "Entry",
    "entry rules": "Entry",
    "exit": "Exit",
    "exit rule": "Exit",
    "exit rules": "Exit",
    "stop": "Stop loss",
    "stop loss": "Stop loss",
    "stoploss": "Stop loss",
    "stop-loss": "Stop loss",
    "sl": "Stop loss",
    "trailing stop": "Trailing stop",
    "target": "Take profit",
    "profit target": "Take profit",
    "take profit": "Take profit",
    "tp": "Take profit",
    "timeframe": "Timeframe",
    "time frame": "Timeframe",
    "bars": "Timeframe",
    "bar size": "Timeframe",
    "indicator": "Indicator",
    "indicators": "Indicator",
    "filter": "Filter",
    "trend filter": "Filter",
    "trigger": "Trigger",
    "size": "Size",
    "position size": "Size",
    "sizing": "Size",
    "qty": "Size",
    "quantity": "Size",
}
_SIDE_KEYS = frozenset({"side", "direction"})
_SYMBOL_KEYS = frozenset({"symbol", "ticker"})
# A side's value -> the sentence that says it.
_SIDE_VALUES = {
    "long": "Long only.",
    "long only": "Long only.",
    "longs": "Long only.",
    "short": "Short only.",
    "short only": "Short only.",
    "shorts": "Short only.",
    "both": "Both ways.",
    "long and short": "Both ways.",
    "long/short": "Both ways.",
    "both ways": "Both ways.",
    "both directions": "Both ways.",
}
# Keys of the ``Key: value`` lines rewritten here (the grammar reads the other fields itself).
_COLON_KEYS = frozenset({"bars", "bar size", "qty", "quantity", "position size", "sizing"})

_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_ASSIGNMENT = re.compile(
    r"^(?P<lead>\s*(?:[-*•]\s*)?)(?P<key>[A-Za-z][A-Za-z0-9_]*)\s*=\s*(?P<value>\S.*)$"
)
_COLON_LINE = re.compile(
    r"^(?P<lead>\s*(?:[-*•]\s*)?)(?P<key>[A-Za-z][A-Za-z0-9_ ]{0,30}?)\s*:\s*(?P<value>\S.*)$"
)
_PERIOD_KEY = re.compile(r"^(?P<ind>[a-z][a-z0-9%]*?)[ _](?:period|length|len|lookback)$")
_INTEGER = re.compile(r"^\d{1,4}$")

# Emoji list marks: neutral ones, and those whose meaning the line must agree with.
_NEUTRAL_MARKS = frozenset({"✅", "✔", "☑", "👉", "➡", "▶", "🔹", "🔸", "▪", "•", "🔷", "🔶"})
# a mark that says "no" (❌) is a list mark only before an exit ("❌ Sell when ..."): before a
# side or a stop ("❌ Short selling", "❌ Stop loss") it may say there is none, and is refused
_NO_MARKS = frozenset({"❌", "✖", "❎"})
_SELL_MARKS = _NO_MARKS | {"🔴", "🟥", "📉", "🔻"}
_STOP_MARKS = frozenset({"🛑"})
_BUY_MARKS = frozenset({"🟢", "🟩", "📈", "🔺"})
_EXIT_WORDS = frozenset({"sell", "exit", "cover", "close"})
_BUY_WORDS = frozenset({"buy", "long", "enter", "entry", "go"})
_MARK = re.compile(r"^(?P<lead>\s*)(?P<mark>[^\w\s\-*(\[\"'|]{1,3}?)\ufe0f?\s+(?P<rest>\S.*)$")


class StructureProblem:
    """A part of the structure that cannot be read: its span in the rewritten text, and why."""

    def __init__(self, span: tuple[int, int], reason: str) -> None:
        self.span = span
        self.reason = reason


class _Out:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.notes: list[str] = []
        self.problems: list[StructureProblem] = []
        # the lines of the text as written each line came from (first, last + 1)
        self.origins: list[tuple[int, int]] = []

    def came_from(self, first: int, last: int) -> None:
        """The lines added since the last call came from the written lines first..last - 1."""
        self.origins += [(first, last)] * (len(self.lines) - len(self.origins))

    @property
    def offset(self) -> int:
        return sum(len(line) + 1 for line in self.lines)

    def refuse(self, line: str, phrase: str, reason: str) -> None:
        """Keep ``line`` as it was and refuse ``phrase`` in it."""
        at = line.find(phrase) if phrase else -1
        start = self.offset + max(at, 0)
        end = start + (len(phrase) if at >= 0 else len(line))
        self.problems.append(StructureProblem((start, end), reason))
        self.lines.append(line)


def _cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [cell.strip() for cell in inner.split("|")]


def _label(cell: str) -> str:
    return " ".join(cell.lower().replace("_", " ").rstrip(":").split())


def _sentence(label: str, value: str) -> str:
    value = value.strip()
    return f"{label}: {value}" + ("" if value.endswith((".", "!", "?")) else ".")


def _field(out: _Out, line: str, key: str, value: str, lead: str = "") -> bool:
    """Write the field ``key`` = ``value`` as its sentence; False when the key is unknown."""
    label = _label(key)
    value = value.strip()
    if label in _SYMBOL_KEYS:
        word = value.rstrip(".")
        if not re.fullmatch(r"[A-Za-z][A-Za-z.^=-]{0,9}", word):
            out.refuse(line, value, "a symbol is one ticker ('symbol = MSFT')")
            return True
        note = symbol_note(word.upper())
        if note is not None and note not in out.notes:
            out.notes.append(note)
        out.lines.append("")
        return True
    if label in _SIDE_KEYS:
        said = _SIDE_VALUES.get(_label(value.rstrip(".")))
        if said is None:
            out.refuse(line, value, "a side is 'long', 'short' or 'both'")
        else:
            out.lines.append(lead + said)
        return True
    if (period := _PERIOD_KEY.match(label)) is not None:
        indicator = period["ind"]
        words = lex(indicator)
        if len(words) != 1 or words[0].kind != "IND":
            out.refuse(line, key, "not an indicator the parser knows")
        elif not _INTEGER.match(value.rstrip(".")):
            out.refuse(line, value, "a period is a whole number of bars")
        else:
            out.lines.append(f"{lead}{indicator.upper()}({value.rstrip('.')}).")
        return True
    if label in _LABELS:
        if not value:
            out.refuse(line, key, "a field with no value")
        else:
            out.lines.append(lead + _sentence(_LABELS[label], value))
        return True
    return False


def _table(out: _Out, rows: list[str]) -> None:
    """A markdown table's rows (header, separator, data) as sentences, or refused."""
    header = _cells(rows[0])
    data = rows[2:]
    heads = [_label(cell) for cell in header]
    sides = [_SIDES.get(head) for head in heads[1:]]
    if len(heads) == 2 and all(head in _HEADER_WORDS for head in heads):
        per_side: list[str | None] = [None]
    elif (
        len(heads) == 3
        and heads[0] in _HEADER_WORDS
        and sorted(map(str, sides))
        == [
            "Long",
            "Short",
        ]
    ):
        per_side = list(sides)
    else:
        out.refuse(rows[0], rows[0].strip(), "a table whose header is not 'Rule | Value'")
        out.lines.extend(rows[1:])
        return
    out.notes.append("read the table as the sentences its rows say ('Label: value.')")
    out.lines.append("")  # the header
    out.lines.append("")  # the separator
    for row in data:
        cells = _cells(row)
        if len(cells) != len(heads):
            out.refuse(row, row.strip(), f"a table row of {len(cells)} cells, not {len(heads)}")
            continue
        label = _label(cells[0])
        values = cells[1:]
        empty = next((value for value in values if not value.strip(" -")), None)
        if empty is not None:
            out.refuse(row, cells[0] or row.strip(), "a table row with an empty cell")
            continue
        if len(values) == 1 or values[0] == values[1]:
            if not _field(out, row, cells[0], values[0]):
                out.refuse(row, cells[0], "a table row the parser does not read")
            continue
        if label not in _LABELS:
            out.refuse(row, cells[0], "a table row the parser does not read for each side")
            continue
        name = _LABELS[label]
        said = [
            _sentence(f"{side} {name[0].lower()}{name[1:]}", value)
            for side, value in zip(per_side, values, strict=True)
        ]
        out.lines.append(" ".join(said))


def _mark(line: str) -> tuple[str, str, str] | None:
    """(indent, mark, rest) of a line that opens with an emoji list mark."""
    found = _MARK.match(line)
    if found is None:
        return None
    mark = found["mark"].replace("\ufe0f", "")
    if mark in _NEUTRAL_MARKS | _SELL_MARKS | _BUY_MARKS | _STOP_MARKS:
        return found["lead"], mark, found["rest"]
    return None


def _marked(mark: str, rest: str) -> bool:
    """Whether the line agrees with its mark (a sell mark before a sell, ...)."""
    first = rest.split()[0].lower().strip(":,") if rest.split() else ""
    if mark in _NO_MARKS:
        return first in _EXIT_WORDS
    if mark in _SELL_MARKS:
        return first in _EXIT_WORDS | {"short"}
    if mark in _STOP_MARKS:
        return first in ("stop", "stop-loss")
    if mark in _BUY_MARKS:
        return first in _BUY_WORDS
    return True


# "Short side: ...", "Mean reversion, short side: ...": the one side traded, as "short only"
_SIDE_HEADING = re.compile(r"(?P<before>^|,\s*)(?P<side>short|long) side(?=\s*:)", re.I | re.M)
# "Momentum short: short when ...": a style and a side as the label of the rule that follows,
# which trades that side; the style says nothing the rule does not ("Never short: short when"
# and "Momentum short: buy when" are left as they were)
_STYLE_HEADING = re.compile(
    r"^(?P<style>momentum|trend|trend-following|breakout|breakdown|mean reversion|"
    r"mean-reversion|reversal|fade|swing|pullback|counter-trend|intraday) (?P<side>short|long)"
    r"(?=\s*:\s*(?:go\s+)?(?P=side)\b)",
    re.I | re.M,
)


def _side_headings(text: str, notes: list[str]) -> str:
    def only(found: re.Match[str]) -> str:
        said = f"{found['side']} only"
        notes.append(f"read '{found['side']} side' as '{said}' (the one side traded)")
        return found["before"] + said

    def style(found: re.Match[str]) -> str:
        said = f"{found['side']} only"
        notes.append(
            f"set aside '{found['style']}' (a label) and read '{found['side']}' as '{said}'"
            " (the one side traded)"
        )
        return said

    return _STYLE_HEADING.sub(style, _SIDE_HEADING.sub(only, text))


class Unstructured(NamedTuple):
    """The text rewritten, the notes saying so, the parts that cannot be read (spans in the
    rewritten text), and for each rewritten line the written lines it came from."""

    text: str
    notes: list[str]
    problems: list[StructureProblem]
    origins: list[tuple[int, int]]


def unstructure(text: str) -> Unstructured:
    """``text`` with its tables, config lines and emoji list marks written as the sentences
    they say, the notes saying so, and the parts that cannot be read (spans in the new text)."""
    lines = text.split("\n")
    marks = [_mark(line) for line in lines]
    listed = sum(mark is not None for mark in marks) >= 2
    config = any(
        (found := _ASSIGNMENT.match(line)) is not None
        and (
            _label(found["key"]) in _LABELS.keys() | _SIDE_KEYS | _SYMBOL_KEYS
            or _PERIOD_KEY.match(_label(found["key"])) is not None
        )
        for line in lines
    )
    out = _Out()
    index = 0
    bulleted = False
    configured = False
    first = 0
    while index < len(lines):
        out.came_from(first, max(index, first + 1))
        first = index
        line = lines[index]
        if line.lstrip().startswith("|"):
            end = index
            while end < len(lines) and lines[end].lstrip().startswith("|"):
                end += 1
            block = lines[index:end]
            if len(block) >= 3 and _SEPARATOR.match(block[1]):
                _table(out, block)
            else:
                out.lines.extend(block)
            index = end
            continue
        index += 1
        if config and (found := _ASSIGNMENT.match(line)) is not None:
            configured = True
            if not _field(out, line, found["key"], found["value"], found["lead"]):
                out.refuse(line, found["key"], "a setting the parser does not read")
            continue
        colon = _COLON_LINE.match(line)
        if colon is not None:
            label = _label(colon["key"])
            if (label in _COLON_KEYS or _PERIOD_KEY.match(label)) and _field(
                out, line, colon["key"], colon["value"], colon["lead"]
            ):
                configured = True
                continue
        mark = marks[index - 1]
        if listed and mark is not None and _marked(mark[1], mark[2]):
            bulleted = True
            out.lines.append(f"{mark[0]}- {mark[2]}")
            continue
        out.lines.append(line)
    out.came_from(first, max(index, first + 1))
    if configured:
        out.notes.append("read the config lines as the settings they name")
    if bulleted:
        out.notes.append("read the emoji at the start of the lines as list marks")
    rewritten = _side_headings("\n".join(out.lines), out.notes)
    return Unstructured(rewritten, out.notes, out.problems, out.origins)


def _line_starts(lines: list[str]) -> list[int]:
    starts, at = [], 0
    for line in lines:
        starts.append(at)
        at += len(line) + 1
    return starts


def original_span(written: str, read: Unstructured, span: tuple[int, int]) -> tuple[int, int]:
    """Where a span of the rewritten text is in the text as written: the same words where
    their line was left as it was or they are in the line(s) it came from, else those whole
    lines (a table, a config line), so that a refusal quotes what the user wrote."""
    if written == read.text:
        return span
    old, new = written.split("\n"), read.text.split("\n")
    old_at, new_at = _line_starts(old), _line_starts(new)
    start, end = span
    first = bisect_right(new_at, start) - 1
    last = bisect_right(new_at, max(end - 1, start)) - 1
    if not 0 <= first <= last < len(read.origins):
        return 0, len(written)
    lo, hi = read.origins[first][0], read.origins[last][1]
    if first == last and hi - lo == 1 and new[first] == old[lo]:
        shift = old_at[lo] - new_at[first]
        return start + shift, end + shift
    block_start, block_end = old_at[lo], old_at[hi - 1] + len(old[hi - 1])
    phrase = read.text[start:end]
    at = written.find(phrase, block_start, block_end) if phrase.strip() else -1
    if at >= 0:
        return at, at + len(phrase)
    return block_start, block_end
