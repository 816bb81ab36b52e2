"""Short refusals: the phrases not understood, the closest supported constructs, one example.

The message names at most three phrases and stays under 600 characters; the full list is in
``details["unrecognised"]`` with character offsets. The example is the user's own text with
the unknown words removed when that reads as a strategy (so the user sees what would be
understood), else the example of the closest construct. The message says which one it is: a
dropped word may have mattered ("weekly"), so the user is told to check, never left to paste
back a different strategy unawares.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable

from Backtest.llm.offline import vocabulary as v
from Backtest.llm.offline.capabilities import CAPABILITIES, Capability
from Backtest.llm.offline.errors import MAX_MESSAGE, DescriptionNotUnderstood, Unrecognised
from Backtest.llm.offline.lexer import mentioned_indicators

_UNKNOWN = "not a word the offline parser knows"
_SHOWN = 3


@functools.cache
def _words() -> list[str]:
    return sorted({p for p in v.PHRASES if " " not in p and p.isalpha() and len(p) > 2})


def _unknown_reason(phrase: str) -> str:
    words = phrase.lower().split()
    guesses = [difflib.get_close_matches(w, _words(), n=1, cutoff=0.8) for w in words]
    found = [g[0] for g in guesses if g]
    if len(words) == 1 and found:
        return f"{_UNKNOWN} (did you mean '{found[0]}'?)"
    return _UNKNOWN


def _closest(text: str) -> list[Capability]:
    lower = text.lower()
    names = set(mentioned_indicators(text))
    scored = []
    for index, cap in enumerate(CAPABILITIES):
        score = sum(1 for k in cap["keywords"] if k in names or k.lower() in lower)
        scored.append((-score, index, cap))
    scored.sort(key=lambda item: (item[0], item[1]))
    best = [cap for score, _, cap in scored if score < 0][:2]
    if not best:
        best = [CAPABILITIES[2], CAPABILITIES[0]]
    return best


def _without(text: str, items: list[Unrecognised], reads: Callable[[str], object]) -> str | None:
    if not items or any(item["reason"].startswith(_UNKNOWN) is False for item in items):
        return None
    parts, last = [], 0
    for item in sorted(items, key=lambda i: i["start"]):
        parts.append(text[last : item["start"]])
        last = item["end"]
    parts.append(text[last:])
    candidate = " ".join("".join(parts).split())
    try:
        reads(candidate)
    except DescriptionNotUnderstood:
        return None
    return candidate if len(candidate) <= 240 else None


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def refusal(
    text: str,
    items: list[Unrecognised],
    understood: list[str],
    reads: Callable[[str], object],
) -> DescriptionNotUnderstood:
    """The error for ``text``: ``items`` are the phrases that could not be placed.

    ``reads`` is the parser itself (it raises ``DescriptionNotUnderstood``): the example offered
    is the user's own text without those phrases when the parser reads that.
    """
    for item in items:
        if item["reason"] == "unknown":
            item["reason"] = _unknown_reason(item["text"])
    closest = _closest(text)
    own = _without(text, items, reads)
    example = own or closest[0]["example"]
    titles = ", ".join(cap["title"].lower() for cap in closest)
    if own:
        tail = (
            f" Closest supported: {titles}. Without those words it reads: "
            f'"{_short(example, 200)}" (check that this is still your strategy).'
        )
    else:
        tail = f' Closest supported: {titles}. Example: "{_short(example, 200)}"'
    # A phrase repeated with the same reason is named once (every place stays in
    # ``unrecognised`` for highlighting). Name fewer phrases (whole, with their reasons) rather
    # than cut one in the middle; the message stays under MAX_MESSAGE characters.
    named: list[Unrecognised] = []
    for item in items:
        if all(
            (item["text"].lower(), item["reason"]) != (n["text"].lower(), n["reason"])
            for n in named
        ):
            named.append(item)
    for count in range(min(_SHOWN, len(named)), 0, -1):
        shown = "; ".join(f"'{_short(i['text'])}' ({i['reason']})" for i in named[:count])
        more = f" and {len(named) - count} more" if len(named) > count else ""
        head = f"Not understood: {shown}{more}."
        if len(head) + len(tail) < MAX_MESSAGE:
            break
    if len(head) + len(tail) >= MAX_MESSAGE:
        head = head[: MAX_MESSAGE - len(tail) - 5] + "...'"
    return DescriptionNotUnderstood(
        head + tail,
        unrecognised=items,
        suggestions=[f"{cap['title']}: {cap['example']}" for cap in closest],
        example=example,
        understood=understood,
        example_from_text=bool(own),
    )
