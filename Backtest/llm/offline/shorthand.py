"""Trader shorthand the vocabulary reads, each only where its meaning is unambiguous.

Registered into :data:`.vocabulary.PHRASES` (imported at the end of that module), kept apart
so the shorthand dictionary can be read in one place:

* "bull cross" / "bear cross" (and "bullish/bearish cross"): a crossing up / down, of the pair
  the text named ("EMA 9/21 cross. Long on the bull cross"); without a pair it is refused;
* "mid" (band): the middle line of the one band indicator named nearby (else refused);
* "the cross up", "a cross down" (the noun; "the cross down" was already read as the opposite
  crossing), and "cross up" / "cross down" right after "on" ("sell on cross down");
* "reclaims" / "loses" (a line): crosses above / below it;
* "out" ("close < mid = out", "out after 3 bars"): leave the position, as "get out";
* "max hold 10 days", "10 day max hold": a time exit;
* "take longs" / "taking longs" / "take shorts": the entering verb; "in on" ("in on the
  cross up"): enter;
* a vague term the trader defines on the spot ("the trend is up (close above the 200-day
  SMA)", "volatility is low, meaning ATR(14) is below ..."): only the definition is read;
  the term alone is refused (see :mod:`.grammar.conditions`);
* candle colours: "green" / "white" is a close above the open, "red" / "black" below it
  ("the day closes green", "three red candles in a row"), never a close against the previous
  close (main read "3 red days in a row" as three falling closes);
* "in a day" / "in a single day" after a percent change: over one bar, as "in one day";
* "makes a new 20-day high / 10-day low": above (below) that high (low) of the bars before;
* "oversold according to RSI" / "overbought as measured by the stochastic": that indicator
  is oversold / overbought;
* "<line> slope is positive / negative" (turns positive / negative): rising / falling, as
  "is rising" ("turns up" is read as rising too);
* "gap up" / "gap down": today's open above / below yesterday's close; "inside day": a high
  below yesterday's high and a low above yesterday's low (see :mod:`.grammar.patterns`).
"""

from __future__ import annotations

from typing import Any

SHORTHAND: dict[str, tuple[str, Any]] = {}


def _add(kind: str, phrases: str, value: Any = None) -> None:
    for phrase in phrases.split("|"):
        SHORTHAND[phrase.strip()] = (kind, value)


# "bullish crossover" was already read (a sign word and a crossing noun); these are the rest
_add("SIGNCROSS", "the cross up|a cross up|the cross higher|the upside cross", "crosses_above")
_add("SIGNCROSS", "bull cross|bull crossover|bull x over|bull xover|bullish cross", "crosses_above")
_add("SIGNCROSS", "bear cross|bear crossover|bear x over|bear xover|bearish cross", "crosses_below")
# "sell on a cross down": as "a cross up" ("the cross down" is read as the opposite crossing)
_add("SIGNCROSS", "a cross down", "crosses_below")
# "price reclaims VWAP" / "loses VWAP": crosses back above / below a line
_add("CROSS", "reclaims|reclaimed", "crosses_above")
_add("CROSS", "loses", "crosses_below")
_add("OUTPUT", "mid|mid bb|mid bollinger band", "middle")
_add("EXIT", "out")
_add(
    "TIMESTOP",
    "max hold|maximum hold|max hold time|max holding time|maximum holding period|max holding|"
    "max holding period of|max time in trade|max time in the trade",
)
_add("BUY", "take longs|take long trades|taking longs|taking long trades")
_add("SHORT", "take shorts|take short trades|taking shorts|taking short trades")
# "in on the cross up": the entering verb ("get in" was already read)
_add("ENTER", "in on")
# "When RSI(2) < 10 i'm in": entering, only after a when-clause ("I am in while ..." is a hold)
_add("IMIN", "i am in|we are in")
_add("GAP", "gap up|gaps up|gapped up|gapping up|gaps higher|gap higher|gapped higher", "up")
_add("GAP", "gap down|gaps down|gapped down|gapping down|gaps lower|gap lower|gapped lower", "down")
_add("INSIDE", "inside day|inside bar|an inside day|an inside bar|inside days|inside bars")
# chatty asides about the trader's own testing, which never change a rule
_add(
    "FILLER",
    "been paper trading|paper trading|paper traded|paper trade|for a couple of months|"
    "for a couple of weeks|for a couple of years|held up ok|held up okay|held up well|"
    "held up pretty well|has held up ok|has held up well|nothing else|nothing more|"
    "that is literally it|that is it|nothing else in the rules",
)
# terms with no fixed meaning: read only with a definition right after them
_add(
    "VAGUE",
    "the trend is up|trend is up|the trend is bullish|in an uptrend|in uptrend|an uptrend|"
    "uptrend|volatility is high|the volatility is high|vol is high",
    "up",
)
_add(
    "VAGUE",
    "the trend is down|trend is down|the trend is bearish|in a downtrend|in downtrend|"
    "a downtrend|downtrend|volatility is low|volatility is quiet|the volatility is low|vol is low",
    "down",
)
_add("DEFINE", "meaning|which means|which for me means|that means|defined as|i mean")
_add("COLOR", "green|white", "up")
_add("COLOR", "red|black", "down")
# "up 20% vs. 60 days ago": the close then, the change over those bars
_add("VERSUS", "vs|versus|compared to|compared with|relative to")
_add("LONGONLY", "long setups only|only long setups")
_add("SHORTONLY", "short setups only|only short setups")
# "today opened more than 2% below yesterday's close", "the stock opens above ...": the open
_add("OPENS", "opens|opened")
# "px above the 100ema": price, the close (the quote-screen abbreviation; "pxs" is not one)
_add("PRICE", "px", "Close")
# "sell on the first close above ...": read only after an exit verb (see :mod:`.grammar.rules`)
_add("FIRST", "first")
_add("ENTRY_N", "entry trigger|entry triggers|buy trigger")
_add("EXIT_N", "exit trigger|exit triggers|sell trigger")
# "new 100-day closing highs": the highest (lowest) close of the N bars before
# "drops 5% in a day", "in a single day": the change over one bar, as "in one day" (read only
# after a percent change, see :mod:`.grammar.comparisons`)
_add("ONEBAR", "in a day|in a single day|in a single bar|in a single session|in one single day")
# "the price makes a new 20-day high": above the highest high of the 20 bars before, as "breaks
# above the 20-day high" (read only before an N-day high or low, see :mod:`.grammar.comparisons`)
_add(
    "MAKESNEW",
    "makes a new|make a new|made a new|making a new|sets a new|set a new|prints a new|print a new",
)
_add("MAKESNEW", "closes at a new|close at a new|closed at a new|closing at a new", "close")
# "oversold according to RSI": that indicator is oversold (read only between oversold /
# overbought and an indicator, see :mod:`.grammar.comparisons`)
_add("ACCORDING", "according to|as measured by|as per|going by")
# "the SMA(10) slope is positive": rising over one bar; "slope turns positive" as "turns up"
# (also read as rising); "the slope of the SMA" (before the line) stays refused
_add(
    "RISING",
    "slope is positive|slope turns positive|slope becomes positive|slope is up|slope turns up",
    "rising",
)
_add(
    "FALLING",
    "slope is negative|slope turns negative|slope becomes negative|slope is down|slope turns down",
    "falling",
)
_add("CLOSINGEXT", "closing high|closing highs", "max")
_add("CLOSINGEXT", "closing low|closing lows", "min")
