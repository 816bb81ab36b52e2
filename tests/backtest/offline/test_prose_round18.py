"""Trader wording learnt in the eighteenth prose round from the refusals of held-out 18 and
19, with the near misses that must stay refused. Compared semantically, in the corpus notation
of tests/quality/README.md."""

from __future__ import annotations

import pytest

from tests.backtest.offline.readings import reads_as, refused

_WMA = "Buy when the 10 WMA crosses above the 30 WMA. "
_RSI = "Sell when RSI(2) > 70."


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        # "the only exit is an 8% trailing stop": that stop, and no exit rule
        (
            _WMA + "Only exit is an 8% trailing stop.",
            {"entry": "WMA(10) crosses_above WMA(30)", "trailing": "8%"},
        ),
        (
            _WMA + "The only exit is a 5% stop loss.",
            {"entry": "WMA(10) crosses_above WMA(30)", "stop": "5%"},
        ),
        # ... under an exit heading: "Exit: only a trailing stop of 3 x ATR(14), nothing else"
        (
            "Entry: the close crosses above the 100-day SMA.\n"
            "Exit: only a trailing stop of 3 x ATR(14), nothing else.",
            {"entry": "Close crosses_above SMA(100)", "trailing": "3 ATR(14)"},
        ),
        # "the daily close" on daily bars: the bar's close
        (
            "Entry: the daily close crosses above the 100-day SMA.\nExit: only a 5% trailing stop.",
            {"entry": "Close crosses_above SMA(100)", "trailing": "5%"},
        ),
        (
            "Buy when the daily high is above yesterday's high. " + _RSI,
            {"entry": "High > High[1]", "exit": "RSI(2) > 70"},
        ),
        # "rising (higher than the day before)": the one-bar move said again in brackets
        (
            "Buy when ADX(14) is above 20 and rising (higher than the day before). " + _RSI,
            {"entry": "all(ADX(14) > 20; rising(ADX(14)))", "exit": "RSI(2) > 70"},
        ),
        (
            "Buy when the 100 SMA is falling (lower than yesterday). " + _RSI,
            {"entry": "falling(SMA(100))", "exit": "RSI(2) > 70"},
        ),
        # "- Filter: ... - Trigger: ... - Exit: ...": the entry's trigger
        (
            "Rules:\n- Daily bars, long only.\n- Filter: ADX(14) above 20.\n"
            "- Trigger: close crosses above the 20 EMA.\n- Exit: close crosses below the 20 EMA.",
            {
                "entry": "all(Close crosses_above EMA(20); ADX(14) > 20)",
                "exit": "Close crosses_below EMA(20)",
            },
        ),
        # "since 5 days": for 5 days, in a rising or falling trend's length
        (
            "Buy only if the 50 EMA is going up since 5 days and the price close above it. "
            "Sell when the close is going under the 50 EMA.",
            {"entry": "all(rising(EMA(50), 5); Close > EMA(50))", "exit": "Close < EMA(50)"},
        ),
        # the crossing in the progressive, "is crossing below", "is crossing up"; a level said
        # as "the -100 line", "the 70 level"; "The exit is happening when"; "what comes first"
        (
            "Short when the close is crossing below the 20 days SMA. Cover when close cross "
            "above the 20 SMA. The stop loss is 3 percents.",
            {
                "side": "short",
                "short_entry": "Close crosses_below SMA(20)",
                "short_exit": "Close crosses_above SMA(20)",
                "stop": "3%",
            },
        ),
        (
            "When the CCI of 20 periods is crossing up the -100 line, I enter long. The exit is "
            "happening when CCI cross down the +100 line, or after 10 bars in the trade, what "
            "comes first.",
            {
                "entry": "CCI(20) crosses_above -100",
                "exit": "CCI(20) crosses_below 100",
                "exit_after_bars": 10,
            },
        ),
        (
            "Buy when RSI(14) crosses above the 30 line. Sell when RSI(14) crosses below the 70 "
            "level.",
            {"entry": "RSI(14) crosses_above 30", "exit": "RSI(14) crosses_below 70"},
        ),
        # "gets back up to the SMA": at or above it; "unless ... at that moment"
        (
            "buy when price is at least 8% below its 20 day SMA, sell when it gets back up to "
            "the SMA",
            {"entry": "Close < SMA(20) * 0.92", "exit": "Close >= SMA(20)"},
        ),
        (
            "Buy when the 10 EMA crosses above the 30 EMA unless RSI(14) is above 70 at that "
            "moment. Exit when the 10 EMA crosses back below the 30 EMA.",
            {
                "entry": "all(EMA(10) crosses_above EMA(30); RSI(14) <= 70)",
                "exit": "EMA(10) crosses_below EMA(30)",
            },
        ),
        # one side said as "no short please", "no longs at all", "I only want shorts", "only
        # for the short side"
        (
            "Only long, no short please. Buy when RSI(14) < 30. Sell when RSI(14) > 70.",
            {"entry": "RSI(14) < 30", "exit": "RSI(14) > 70"},
        ),
        (
            "No longs at all. Short when RSI(2) > 90. Cover when RSI(2) < 30.",
            {"side": "short", "short_entry": "RSI(2) > 90", "short_exit": "RSI(2) < 30"},
        ),
        (
            "I only want shorts. Short when RSI(2) > 90. Cover when RSI(2) < 30.",
            {"side": "short", "short_entry": "RSI(2) > 90", "short_exit": "RSI(2) < 30"},
        ),
        (
            "Only for the short side: short when MFI(14) > 80, cover when MFI(14) < 50.",
            {"side": "short", "short_entry": "MFI(14) > 80", "short_exit": "MFI(14) < 50"},
        ),
        # the close in the progressive, "I am opening a short", "in the same time"
        (
            "When the price is closing over the upper Bollinger band (20 period, 2 deviation), "
            "I am opening a short. I close the short when the price come back under the middle "
            "line.",
            {
                "side": "short",
                "short_entry": "Close > BBANDS(20,2,2).upperband",
                "short_exit": "Close crosses_below BBANDS(20,2,2).middleband",
            },
        ),
        (
            "I like to enter long when the +DI is crossing over the -DI and in the same time the "
            "ADX is bigger than 25 (all of them 14 period). Exit is when the -DI cross over the "
            "+DI.",
            {
                "entry": "all(PLUS_DI(14) crosses_above MINUS_DI(14); ADX(14) > 25)",
                "exit": "MINUS_DI(14) crosses_above PLUS_DI(14)",
            },
        ),
        # "or when I have 1.5% of profit": a target beside the exit rule ("or when" joins)
        (
            "Short when RSI(14) > 70. I cover when RSI(14) < 50, or when I have 1.5% of profit.",
            {
                "side": "short",
                "short_entry": "RSI(14) > 70",
                "short_exit": "RSI(14) < 50",
                "target": "1.5%",
            },
        ),
        (
            "Buy when RSI(14) < 30 or when RSI(14) crosses above 50. Sell when RSI(14) > 70.",
            {"entry": "any(RSI(14) < 30; RSI(14) crosses_above 50)", "exit": "RSI(14) > 70"},
        ),
    ],
)
def test_reads(text: str, expect: dict[str, object]) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # "the only exit" beside an exit rule, another stop, target or time exit: a contradiction
        (_WMA + _RSI + " The only exit is an 8% trailing stop.", "only exit is said"),
        (_WMA + "The only exit is a 4% stop loss. Take profit 10%.", "only exit is said"),
        (_WMA + "The only exit is a 4% stop loss. Sell after 5 days.", "only exit is said"),
        (
            _WMA + "Exit: only a 5% trailing stop, and sell when RSI(2) > 70.",
            "only exit is said",
        ),
        # "the only exit" is a stop, never a rule or an entry
        (_WMA + "Only exit is when RSI(2) > 70.", ""),
        (_WMA + "Only entry is an 8% trailing stop.", ""),
        (_WMA + "Not the only exit is an 8% trailing stop.", ""),
        # "the daily close" on bars shorter than a day is not the bar's close
        ("On 5-minute bars buy when the daily close crosses above the 100 SMA. " + _RSI, ""),
        (
            "Buy when the daily close crosses above the 100 SMA after 10:30. " + _RSI,
            "shorter than a day",
        ),
        # brackets that say something else than the one-bar move
        ("Buy when the 100 SMA is falling (higher than yesterday). " + _RSI, ""),
        ("Buy when the 100 SMA is rising (higher than 5 days ago). " + _RSI, ""),
        ("Buy when the 100 SMA is rising (not higher than yesterday). " + _RSI, ""),
        ("Buy when the 100 SMA is rising (higher than the close). " + _RSI, ""),
        # "Trigger:" after a rule or an exit could be the exit's trigger; a sell under it clashes
        ("Buy when RSI(2) < 10. Exit: RSI(2) > 70. Trigger: RSI(2) > 50", "no action"),
        ("Buy when RSI(2) < 10. Trigger: RSI(2) > 70", "no action"),
        ("Filter: ADX(14) above 20. Trigger: sell when RSI(2) > 70. Buy when RSI(2) < 10.", ""),
        # "since" only before a trend's length in bars
        ("Buy when the 50 EMA is rising since 5 days ago. " + _RSI, "days ago"),
        ("Buy when RSI(2) is below 10 since 3 days. " + _RSI, "since"),
        ("Buy when the 50 EMA is rising since yesterday. " + _RSI, "yesterday"),
        ("Buy when the 50 EMA is not rising since 5 days. " + _RSI, "since"),
        # "is crossing" names a way; "was crossing" is not read
        ("Buy when the close is crossing. " + _RSI, "crossing"),
        ("Buy when the close was crossing below the 20 SMA. " + _RSI, "crossing below"),
        # a line or level is a number's only: a price's "30 line" may be an average's period
        ("Buy when the close crosses above the 30 line. " + _RSI, "30 line"),
        ("Buy when RSI(14) crosses above the level. " + _RSI, "level"),
        ("Buy when RSI(14) crosses above the 30% level. " + _RSI, "level"),
        ("Buy when RSI(14) crosses above the 30 signal line. " + _RSI, "signal line"),
        # "happening" only in "the exit is happening when"
        ("Buy when RSI(2) < 10. The exit is not happening when RSI(2) > 70.", "happening"),
        ("Buy when RSI(2) < 10. The exit is happening after 5 days.", ""),
        ("Buy when RSI(2) < 10. Sell when RSI(2) > 70. Stop loss percents 3.", "percents"),
        # a touch word ending in "to" needs its level: never the one said before
        ("Buy when the close is 8% below the 20 SMA. Sell when it rises to. " + _RSI, "rises to"),
        ("Buy when the close is 8% below the 20 SMA, sell when it rises to or below the SMA.", ""),
        (
            "Buy when the close is 8% below the 20 SMA, sell when it gets back up to or below it.",
            "",
        ),
        # the side said beside rules of the other side
        ("No shorts. Short when RSI(2) > 90. Cover when RSI(2) < 30.", "long only"),
        ("Buy when RSI(2) < 10. Sell when RSI(2) > 70. Only shorts.", "short only"),
        ("Only the short side when RSI(2) > 50. Short when RSI(2) > 90. " + _RSI, "when"),
        ("Buy when the close was closing over the 20 SMA. " + _RSI, "closing over"),
        ("Buy when the close is closing. " + _RSI, "closing"),
        # a profit is a target only as an alternative exit, never an entry or a conjunct
        ("Buy when I have 2% profit. " + _RSI, "cannot trigger an entry"),
        ("Buy when RSI(14) < 30. Sell when RSI(14) > 70 and 2% profit.", "alternative exit"),
        ("Buy when RSI(14) < 30. Sell when I have 2% of loss.", "loss"),
        (
            "Buy when RSI(14) < 30. Sell when RSI(14) > 70, or when I have 2% profit and "
            "RSI(2) > 90.",
            "mixed",
        ),
    ],
)
def test_refused(text: str, named: str) -> None:
    assert named in refused(text)
