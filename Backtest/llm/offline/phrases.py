"""Phrase tables of the offline parser: comparators, zones, actions, sides, fillers.

Like :mod:`.vocabulary` (indicators, prices and what cannot be expressed), everything here is in
normalised form: lower case, single spaces, digits for numbers.
"""

from __future__ import annotations

# ---- comparators ---------------------------------------------------------------------------
# Every inflection spelled out: a table is easier to audit than suffix rules.
_VERB_FORMS: dict[str, tuple[str, ...]] = {
    "rise": ("rise", "rises", "rising", "rose", "risen"),
    "climb": ("climb", "climbs", "climbing", "climbed"),
    "jump": ("jump", "jumps", "jumping", "jumped"),
    "pop": ("pop", "pops", "popping", "popped"),
    "push": ("push", "pushes", "pushing", "pushed"),
    "spike": ("spike", "spikes", "spiking", "spiked"),
    "surge": ("surge", "surges", "surging", "surged"),
    "rally": ("rally", "rallies", "rallying", "rallied"),
    "recover": ("recover", "recovers", "recovering", "recovered"),
    "drop": ("drop", "drops", "dropping", "dropped"),
    "fall": ("fall", "falls", "falling", "fell", "fallen"),
    "dip": ("dip", "dips", "dipping", "dipped"),
    "sink": ("sink", "sinks", "sinking", "sank", "sunk"),
    "slip": ("slip", "slips", "slipping", "slipped"),
    "plunge": ("plunge", "plunges", "plunging", "plunged"),
    "decline": ("decline", "declines", "declining", "declined"),
    "slide": ("slide", "slides", "sliding", "slid"),
    "pull": ("pull", "pulls", "pulling", "pulled"),
    "retrace": ("retrace", "retraces", "retracing", "retraced"),
    "cross": ("cross", "crosses", "crossing", "crossed"),
    "break": ("break", "breaks", "breaking", "broke", "broken"),
    "move": ("move", "moves", "moving", "moved"),
    "go": ("go", "goes", "going", "went", "gone"),
    "get": ("get", "gets", "getting", "got"),
    "cut": ("cut", "cuts", "cutting"),
    "come": ("come", "comes", "coming", "came"),
    "trade": ("trade", "trades", "trading", "traded"),
    "pierce": ("pierce", "pierces", "piercing", "pierced"),
    "close": ("close", "closes", "closing", "closed"),
}
_UP_VERBS = ("rise", "climb", "jump", "pop", "push", "spike", "surge", "rally", "recover")
_DOWN_VERBS = (
    "drop",
    "fall",
    "dip",
    "sink",
    "slip",
    "plunge",
    "decline",
    "slide",
    "pull",
    "retrace",
)
_NEUTRAL_VERBS = ("cross", "break", "move", "go", "get", "cut", "come", "pierce")
_UP_PARTICLES = ("above", "over", "up through", "up over", "up above", "upward through", "up")
_DOWN_PARTICLES = ("below", "under", "beneath", "down through", "down below", "down under", "down")


def _forms(verb: str) -> tuple[str, ...]:
    return _VERB_FORMS[verb]


def _comparators() -> dict[str, str]:
    table: dict[str, str] = {}
    for verbs, default in ((_UP_VERBS, "crosses_above"), (_DOWN_VERBS, "crosses_below")):
        for verb in verbs:
            for form in _forms(verb):
                for back in ("", " back"):
                    for particle in _UP_PARTICLES + ("through", "past"):
                        op = "crosses_below" if particle in _DOWN_PARTICLES else default
                        table[f"{form}{back} {particle}"] = op
                    for particle in _DOWN_PARTICLES:
                        table[f"{form}{back} {particle}"] = "crosses_below"
    for verb in _NEUTRAL_VERBS:
        for form in _forms(verb):
            for back in ("", " back"):
                for particle in _UP_PARTICLES:
                    table[f"{form}{back} {particle}"] = "crosses_above"
                for particle in _DOWN_PARTICLES:
                    table[f"{form}{back} {particle}"] = "crosses_below"
    for form in _forms("cross"):
        table[form] = "cross"
        table[f"{form} back"] = "cross"
        table[f"{form} through"] = "cross"
        table[f"{form} back through"] = "cross"
    table.update(
        {
            "breaks out above": "crosses_above",
            "breaks out": "crosses_above",
            "break out above": "crosses_above",
            "breaks out below": "crosses_below",
            "breaks down below": "crosses_below",
            "breaks down through": "crosses_below",
            "turns up through": "crosses_above",
            "turns down through": "crosses_below",
            "bounces off": "crosses_above",
            "bounce off": "crosses_above",
            "bounced off": "crosses_above",
            "bouncing off": "crosses_above",
            "bounces from": "crosses_above",
            "rebounds off": "crosses_above",
            "rebounds from": "crosses_above",
            "is rejected at": "crosses_below",
            "gets rejected at": "crosses_below",
            "rejected at": "crosses_below",
            "is rejected by": "crosses_below",
        }
    )
    # Closing is a state, not an event: "closes above" compares the close with the level.
    for form in _forms("close"):
        for back in ("", " back"):
            for particle in ("above", "over"):
                table[f"{form}{back} {particle}"] = "crosses_above" if back else ">"
            for particle in ("below", "under", "beneath"):
                table[f"{form}{back} {particle}"] = "crosses_below" if back else "<"
    # "closes" also names the price: handled by the lexer via PRICE_VERBS.
    return table


MOTION: dict[str, str] = _comparators()
STATIC: dict[str, str] = {
    "above": ">",
    "over": ">",
    "is above": ">",
    "greater than": ">",
    "higher than": ">",
    "more than": ">",
    "bigger than": ">",
    "exceeds": ">",
    "exceed": ">",
    "exceeding": ">",
    "trading above": ">",
    "trades above": ">",
    "stays above": ">",
    "remains above": ">",
    "holds above": ">",
    "is over": ">",
    ">": ">",
    ">=": ">=",
    "at or above": ">=",
    "at least": ">=",
    "greater than or equal to": ">=",
    "below": "<",
    "under": "<",
    "beneath": "<",
    "less than": "<",
    "lower than": "<",
    "smaller than": "<",
    "trading below": "<",
    "trades below": "<",
    "stays below": "<",
    "remains below": "<",
    "is below": "<",
    "is under": "<",
    "<": "<",
    "<=": "<=",
    "=<": "<=",
    "at or below": "<=",
    "at most": "<=",
    "less than or equal to": "<=",
}
TOUCH = frozenset(
    {"touches", "touch", "touching", "touched", "tags", "tag", "tagging", "hits", "hit"}
    | {"reaches", "reach", "reaching", "reached", "tests", "test", "testing", "at"}
    | {"pulls back to", "pull back to", "pulls back into", "retraces to", "dips to"}
    | {"drops to", "falls to", "comes back to", "returns to", "gets back to", "goes back to"}
    | {"rallies to", "rises to", "climbs to", "back to", "touches the", "is at", "trades at"}
)
# "the 10-day high is broken": the close crosses the level (direction from the level).
BROKEN = frozenset(
    {"is broken", "gets broken", "is taken out", "gets taken out", "is breached", "is exceeded"}
    | {"is violated", "is crossed", "gets crossed", "breaks", "is hit"}
)
# Comparators that carry their own right-hand side: (op, right) with right a number or "prev".
IMPLICIT: dict[str, tuple[str, float | str]] = {
    "turns positive": ("crosses_above", 0),
    "turn positive": ("crosses_above", 0),
    "turning positive": ("crosses_above", 0),
    "goes positive": ("crosses_above", 0),
    "becomes positive": ("crosses_above", 0),
    "flips positive": ("crosses_above", 0),
    "crosses into positive": ("crosses_above", 0),
    "turns negative": ("crosses_below", 0),
    "turn negative": ("crosses_below", 0),
    "turning negative": ("crosses_below", 0),
    "goes negative": ("crosses_below", 0),
    "becomes negative": ("crosses_below", 0),
    "flips negative": ("crosses_below", 0),
    "crosses into negative": ("crosses_below", 0),
    "is positive": (">", 0),
    "positive": (">", 0),
    "is negative": ("<", 0),
    "negative": ("<", 0),
    "closed up": (">", "prev"),
    "closes up": (">", "prev"),
    "closed higher": (">", "prev"),
    "closes higher": (">", "prev"),
    "closed green": (">", "prev"),
    "closed down": ("<", "prev"),
    "closes down": ("<", "prev"),
    "closed lower": ("<", "prev"),
    "closes lower": ("<", "prev"),
    "closed red": ("<", "prev"),
    "rising": (">", "prev"),
    "is rising": (">", "prev"),
    "rises": (">", "prev"),
    "increasing": (">", "prev"),
    "is increasing": (">", "prev"),
    "turns up": (">", "prev"),
    "turning up": (">", "prev"),
    "sloping up": (">", "prev"),
    "slopes up": (">", "prev"),
    "pointing up": (">", "prev"),
    "trending up": (">", "prev"),
    "upward sloping": (">", "prev"),
    "falling": ("<", "prev"),
    "is falling": ("<", "prev"),
    "falls": ("<", "prev"),
    "decreasing": ("<", "prev"),
    "is decreasing": ("<", "prev"),
    "declining": ("<", "prev"),
    "turns down": ("<", "prev"),
    "turning down": ("<", "prev"),
    "sloping down": ("<", "prev"),
    "slopes down": ("<", "prev"),
    "pointing down": ("<", "prev"),
    "trending down": ("<", "prev"),
    "downward sloping": ("<", "prev"),
}
ZERO_WORDS = frozenset({"zero", "zero line", "the zero line", "0 line"})
CENTRE_WORDS = frozenset(
    {"centerline", "center line", "centreline", "centre line", "midline", "mid line", "50 line"}
)

# ---- zones ---------------------------------------------------------------------------------
# phrase -> (zone, motion): motion None = "is in the zone", "enter"/"exit" = crossing its level.
ZONE_PHRASES: dict[str, tuple[str, str | None]] = {}
for _zone in ("oversold", "overbought"):
    ZONE_PHRASES[_zone] = (_zone, None)
    for _verb in ("exits", "exit", "exiting", "leaves", "leave", "leaving", "comes out of"):
        ZONE_PHRASES[f"{_verb} {_zone}"] = (_zone, "exit")
        ZONE_PHRASES[f"{_verb} the {_zone}"] = (_zone, "exit")
    for _verb in ("moves out of", "gets out of", "climbs out of", "rises out of", "out of"):
        ZONE_PHRASES[f"{_verb} {_zone}"] = (_zone, "exit")
        ZONE_PHRASES[f"{_verb} the {_zone}"] = (_zone, "exit")
    for _verb in ("enters", "enter", "entering", "goes", "gets", "becomes", "dips into"):
        ZONE_PHRASES[f"{_verb} {_zone}"] = (_zone, "enter")
        ZONE_PHRASES[f"{_verb} the {_zone}"] = (_zone, "enter")
    for _verb in ("moves into", "falls into", "rises into", "gets into", "goes into", "into"):
        ZONE_PHRASES[f"{_verb} {_zone}"] = (_zone, "enter")
        ZONE_PHRASES[f"{_verb} the {_zone}"] = (_zone, "enter")
ZONE_LEVEL_WORDS = frozenset({"level", "line", "threshold", "zone", "territory", "area", "region"})
# Conditions that are one phrase: (left field, bars ago, op, right field, bars ago) ...
SPECIAL_CONDITIONS: dict[str, tuple[tuple[str, int, str, str, int], ...]] = {
    "gap up": (("Open", 0, ">", "High", 1),),
    "gaps up": (("Open", 0, ">", "High", 1),),
    "gapped up": (("Open", 0, ">", "High", 1),),
    "gap higher": (("Open", 0, ">", "High", 1),),
    "gaps higher": (("Open", 0, ">", "High", 1),),
    "gap down": (("Open", 0, "<", "Low", 1),),
    "gaps down": (("Open", 0, "<", "Low", 1),),
    "gapped down": (("Open", 0, "<", "Low", 1),),
    "gap lower": (("Open", 0, "<", "Low", 1),),
    "gaps lower": (("Open", 0, "<", "Low", 1),),
    "inside bar": (("High", 0, "<", "High", 1), ("Low", 0, ">", "Low", 1)),
    "inside day": (("High", 0, "<", "High", 1), ("Low", 0, ">", "Low", 1)),
    "outside bar": (("High", 0, ">", "High", 1), ("Low", 0, "<", "Low", 1)),
    "outside day": (("High", 0, ">", "High", 1), ("Low", 0, "<", "Low", 1)),
    "higher high": (("High", 0, ">", "High", 1),),
    "higher highs": (("High", 0, ">", "High", 1),),
    "lower low": (("Low", 0, "<", "Low", 1),),
    "lower lows": (("Low", 0, "<", "Low", 1),),
    "higher low": (("Low", 0, ">", "Low", 1),),
    "lower high": (("High", 0, "<", "High", 1),),
}
# "drops 5% in a day": a percentage move of the close, i.e. ROC over N bars.
PCT_MOVE_VERBS: dict[str, int] = {
    **dict.fromkeys(
        ("drops", "drop", "dropped", "falls", "fall", "fell", "declines", "declined", "loses")
        + ("lost", "is down", "goes down", "went down", "moves down", "sinks", "slides", "tanks")
        + ("plunges", "dips", "dipped"),
        -1,
    ),
    **dict.fromkeys(
        ("rises", "rise", "rose", "gains", "gained", "is up", "goes up", "went up", "moves up")
        + ("jumps", "jumped", "climbs", "climbed", "rallies", "rallied", "surges", "pops"),
        1,
    ),
}

# Execution timing: backtesting.py fills at the next bar's open; these are noted and ignored.
TIMING = frozenset(
    {"at the open", "on the open", "at the close", "on the close", "at market", "next bar"}
    | {"at the next open", "on the next open", "next day", "market on close", "at open"}
    | {"the next day", "on the next bar", "at the next bar", "market order", "at market price"}
)
# "crosses the 26 EMA from below" = crosses above.
FROM_DIRECTION = {
    "from below": "crosses_above",
    "from under": "crosses_above",
    "from beneath": "crosses_above",
    "from underneath": "crosses_above",
    "from above": "crosses_below",
    "from over": "crosses_below",
}
# Where a comparison sits relative to Bollinger Bands: "outside"/"inside" the bands.
BAND_WORDS = {
    "outside": "outside",
    "closes outside": "outside",
    "closed outside": "outside",
    "is outside": "outside",
    "inside": "inside",
    "closes inside": "inside",
    "closes back inside": "inside",
    "back inside": "inside",
    "is inside": "inside",
    "within": "inside",
    "back within": "inside",
}
