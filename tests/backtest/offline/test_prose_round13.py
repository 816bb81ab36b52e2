"""Trader wording learnt in the thirteenth prose round from the refusals of held-out 6 to 14 and
tuning 2, with the near misses that must stay refused. Compared semantically, in the corpus
notation of tests/quality/README.md."""

from __future__ import annotations

import pytest

from tests.backtest.offline.readings import reads_as, refused

_RSI = "Buy when RSI(2) < 5. Sell when RSI(2) > 70. "


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        # a stop "on every trade" / "per trade": the stop of each trade, which a stop is
        (
            "Buy when the 20-day EMA crosses above the 100-day EMA and sell when it crosses "
            "back below. Put a 5% stop loss on every trade.",
            {
                "entry": "EMA(20) crosses_above EMA(100)",
                "exit": "EMA(20) crosses_below EMA(100)",
                "stop": "5%",
            },
        ),
        (
            _RSI + "Stop loss 3% per trade.",
            {"entry": "RSI(2) < 5", "exit": "RSI(2) > 70", "stop": "3%"},
        ),
        # "N days earlier": as "N days ago"
        (
            "Buy when the close is above the close 10 days earlier. Sell when RSI(2) > 70.",
            {"entry": "Close > Close[10]", "exit": "RSI(2) > 70"},
        ),
        # "down 8% or more from the close 3 days ago": as "more than 8%"
        (
            "Buy when the close is down 8% or more from the close 3 days earlier. "
            "Sell after 3 days.",
            {"entry": "change_pct(Close, 3) < -8", "exit_after_bars": 3},
        ),
        # the time exit beside a stop and target, its condition said last
        (
            "Buy when RSI(2) < 5. Take profit at 5%, stop loss at 4%, and exit after 7 days "
            "if neither has been hit.",
            {"entry": "RSI(2) < 5", "target": "5%", "stop": "4%", "exit_after_bars": 7},
        ),
        (
            "Buy when RSI(2) < 5. Stop loss at 4%, exit after 7 days if it is not hit.",
            {"entry": "RSI(2) < 5", "stop": "4%", "exit_after_bars": 7},
        ),
        # "Hold for 1 bar and exit": a time exit, as "hold 1 bar, then exit"
        (
            "Buy when RSI(2) < 5. Hold for 1 bar and exit.",
            {"entry": "RSI(2) < 5", "exit_after_bars": 1},
        ),
        # "is no longer rising" / "is not falling": the one-bar move negated
        (
            "Buy when RSI(14) < 40. Sell once the 50-day SMA is no longer rising.",
            {"entry": "RSI(14) < 40", "exit": "falling(SMA(50))"},
        ),
        # "10:30–15:00": a time window written as a range
        (
            "rsi(9) crosses up thru 30 -> buy, entries only 10:30–15:00. sell when rsi(9) > 60",
            {
                "entry": "all(RSI(9) crosses_above 30; time in 10:30-15:00)",
                "exit": "RSI(9) > 60",
            },
        ),
        # "in any month other than August and September": neither month
        (
            "Buy when the close crosses above the 30-day WMA, in any month other than August "
            "and September. Sell when the close crosses below the 30-day WMA.",
            {
                "entry": "all(Close crosses_above WMA(30); month not in [aug, sep])",
                "exit": "Close crosses_below WMA(30)",
            },
        ),
        # an emoji that says nothing a rule depends on: a break, as the eye reads it
        (
            "cci(20) crosses above +100 and close > 50 ema → long 🚀 trail it with 2.5 atr(14), "
            "no other exit",
            {
                "entry": "all(CCI(20) crosses_above 100; Close > EMA(50))",
                "trailing": "2.5 ATR(14)",
            },
        ),
        # a chart emoji right before the side it agrees with
        (
            "📉 short when rsi(2) > 90, cover when rsi(2) < 50",
            {"side": "short", "short_entry": "RSI(2) > 90", "short_exit": "RSI(2) < 50"},
        ),
        # "go down under" / "go up over" (the bare verb, as "fall" and "rise" are read)
        (
            "When the Williams %R(14) go down under -95 I am buying. When it go up over -20 I am "
            "selling all. Stop loss is 3 percent. Only buying, no short selling.",
            {"entry": "WILLR(14) below -95", "exit": "WILLR(14) above -20", "stop": "3%"},
        ),
        # Pine Script's "crossover" / "crossunder" as verbs, and the noun with the lines said
        (
            "Buy when RSI(14) crossover 30. sell when RSI(14) crossunder 70",
            {"entry": "RSI(14) crosses_above 30", "exit": "RSI(14) crosses_below 70"},
        ),
        (
            "Buy when the MACD(12,26,9) histogram crosses over 0. Close the long on a crossunder "
            "of the MACD line under the signal line.",
            {
                "entry": "MACD(12,26,9).macdhist crosses_above 0",
                "exit": "MACD(12,26,9).macd crosses_below MACD(12,26,9).macdsignal",
            },
        ),
        # MACD settings named by their labels, in a list or in brackets
        (
            "MACD with fast 8, slow 21, signal 5. Buy when the MACD line crosses above the signal "
            "line. Sell when it crosses below.",
            {
                "entry": "MACD(8,21,5).macd crosses_above MACD(8,21,5).macdsignal",
                "exit": "MACD(8,21,5).macd crosses_below MACD(8,21,5).macdsignal",
            },
        ),
        (
            "MACD (fast 8, slow 21, signal 5). Buy when the MACD line crosses above the signal "
            "line. Sell when it crosses below.",
            {
                "entry": "MACD(8,21,5).macd crosses_above MACD(8,21,5).macdsignal",
                "exit": "MACD(8,21,5).macd crosses_below MACD(8,21,5).macdsignal",
            },
        ),
        # "Indicator is X with period 14": a declaration's label, and the period after "with"
        (
            "Hello, I need strategy for test please. Indicator is Williams %R with period 14. "
            "When the Williams %R go down under -95 I am buying. When it go up over -20 I am "
            "selling all. Thank you very much",
            {"entry": "WILLR(14) below -95", "exit": "WILLR(14) above -20"},
        ),
        (
            "Buy when RSI with period 9 < 30. Sell when RSI with period 9 > 70.",
            {"entry": "RSI(9) < 30", "exit": "RSI(9) > 70"},
        ),
        # "indicator" in talk stays talk
        (
            "I love this indicator. Buy when RSI(14) < 30. Sell when RSI(14) > 70.",
            {"entry": "RSI(14) < 30", "exit": "RSI(14) > 70"},
        ),
    ],
)
def test_reads(text: str, expect: dict[str, object]) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # "earlier" that is not a bar back: "or earlier at a 6% target" is another exit (read
        # since round 17, test_prose_round17); before a rule it stays refused
        (
            "Buy when RSI(2) < 5. Exit after 7 days, or earlier when RSI(2) > 70.",
            "",
        ),
        # "if it is hit" after a time exit says something else than "if neither is hit"
        ("Buy when RSI(2) < 10. Stop loss at 4%, exit after 7 days if it is hit.", "hit"),
        # "neither" with no stop or target to refer to
        ("Buy when RSI(2) < 10. exit after 7 days if neither has been hit.", "neither"),
        # "more than 8% or more": two comparisons
        (
            "Buy when the close is down more than 8% or more from the close 3 days earlier. "
            "Sell after 3 days.",
            "earlier",
        ),
        # a window that ends before it starts
        ("rsi(9) crosses up thru 30 -> buy, entries only 15:00-10:30. " + _RSI, "10:30"),
        # an emoji that may carry meaning: a chart against the side, a tick, a colour
        ("📈 short when rsi(2) > 90, cover when rsi(2) < 50", "📈"),
        ("✅ rsi(2) < 10 → buy. rsi(2) > 70 → sell", "✅"),
        ("🟢 rsi(2) < 10. 🔴 rsi(2) > 70", "🟢"),
        # a decoration inside a rule breaks it, never glues across it
        ("rsi(2) < 10 and 🔥 close > sma(200) → buy. rsi(2) > 70 → sell", "and"),
        # months other than a season: not a month list
        ("Buy when RSI(2) < 5, in any month other than the summer. " + _RSI, "summer"),
        # "only buying when ...": no rule the words place
        ("I am only buying when RSI(2) < 10. Sell when RSI(2) > 70.", "when"),
        # "only buying" and shorting: a contradiction, not a side
        ("Buy when RSI(2) < 10. Sell when RSI(2) > 70. Only buying, shorting too.", "shorting"),
        # the noun's side against its word: garbled
        (
            "Buy when the MACD(12,26,9) histogram crosses over 0. Close the long on a crossover "
            "of the MACD line under the signal line.",
            "signal line",
        ),
        # a label the indicator has not, or said twice
        ("RSI with fast 8, slow 21. Buy when RSI < 30. Sell when RSI > 70.", "no such setting"),
        ("MACD with fast 12, fast 26. Buy when the MACD line crosses above the signal line.", "26"),
        # "the indicator" as a subject: which one is not said
        (
            "RSI(14). Buy when the indicator is below 30. Sell when the indicator is above 70.",
            "the indicator",
        ),
        # a declared indicator no rule uses
        ("Indicator is RSI(9). Buy when RSI(14) < 30. Sell when RSI(14) > 70.", "RSI(9)"),
    ],
)
def test_refused(text: str, named: str) -> None:
    assert named in refused(text)
