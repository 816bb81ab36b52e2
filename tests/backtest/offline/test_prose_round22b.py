"""Trader wording learnt in the twenty-second prose round (b), indicators built in words and
rules said as a teacher says them: an average of an indicator declared in steps ("Take RSI(14)
and compute a 9-period SMA of it") and then named ("that average", "the smoothed RSI") or said
again in full ("its 9-period SMA"); an inside day defined in prose, checked against the inside
day the strategy tests; a trailing stop "from the highest close since entry" under an "Exit:"
heading (what the compiled trailing stop does); with the near misses that must stay refused,
each naming its phrase. Compared semantically, in the corpus notation of
tests/quality/README.md."""

from __future__ import annotations

import pytest

from Backtest.llm.offline import parse_description
from tests.backtest.offline.readings import reads_as, refused

_INSIDE = (
    "Lesson 10: the inside day breakout. An inside day is a bar whose high is below the "
    "previous bar's high and whose low is above the previous bar's low. After an inside day, "
    "place a buy stop order at the inside day's high. Exit 5 bars after entry. Stop loss 2%."
)
_EMA = "Buy when the close crosses above the 20 EMA. "
_DI = (
    "Go long when +DI(14) crosses above -DI(14), and go short when -DI(14) crosses above "
    "+DI(14). Exit a long when +DI(14) crosses back below -DI(14); exit a short when -DI(14) "
    "crosses back below +DI(14)."
)
_DI_EXPECT = {
    "side": "both",
    "entry": "all(ADX(14) > 25; PLUS_DI(14) crosses_above MINUS_DI(14))",
    "exit": "PLUS_DI(14) crosses_below MINUS_DI(14)",
    "short_entry": "all(ADX(14) > 25; MINUS_DI(14) crosses_above PLUS_DI(14))",
    "short_exit": "MINUS_DI(14) crosses_below PLUS_DI(14)",
}
_LONG_DI = "Buy when +DI(14) crosses above -DI(14). Sell when +DI(14) crosses below -DI(14)."


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        # an average of an indicator declared in steps, said again in full by the rules
        (
            "Advanced homework: smoothing an oscillator. Take RSI(14) and compute a 9-period "
            "SMA of it. Buy when RSI(14) crosses above its 9-period SMA while RSI(14) is below "
            "50. Sell when RSI(14) crosses back below its 9-period SMA.",
            {
                "entry": "all(RSI(14) crosses_above SMA(9, RSI(14)); RSI(14) < 50)",
                "exit": "RSI(14) crosses_below SMA(9, RSI(14))",
            },
        ),
        # ... or named "that average"
        (
            "Take RSI(14) and compute a 9-period SMA of it. Buy when RSI(14) crosses above "
            "that average. Sell when RSI(14) crosses below that average.",
            {
                "entry": "RSI(14) crosses_above SMA(9, RSI(14))",
                "exit": "RSI(14) crosses_below SMA(9, RSI(14))",
            },
        ),
        # "Take RSI(14) and a 9-period EMA of that RSI", then "the smoothed RSI"
        (
            "Take RSI(14) and a 9-period EMA of that RSI. Buy when the smoothed RSI crosses "
            "above 30. Sell when RSI(14) is above 70.",
            {"entry": "EMA(9, RSI(14)) crosses_above 30", "exit": "RSI(14) > 70"},
        ),
        (
            "Smooth the RSI(14) with a 9-period EMA. Buy when the smoothed RSI crosses above "
            "30. Sell when the smoothed RSI crosses below 70.",
            {
                "entry": "EMA(9, RSI(14)) crosses_above 30",
                "exit": "EMA(9, RSI(14)) crosses_below 70",
            },
        ),
        # an inside day defined as the strategy tests it
        (
            _INSIDE,
            {
                "entry": "all(High < High[1]; Low > Low[1])",
                "order": "stop High",
                "exit_after_bars": 5,
                "stop": "2%",
            },
        ),
        # a trailing stop from the highest close since entry, under "Exit:"
        (
            _EMA + "Exit: a trailing stop 3 x ATR(14) from the highest close since entry.",
            {"entry": "Close crosses_above EMA(20)", "trailing": "3 ATR(14)"},
        ),
        (
            "Short when the close crosses below the 20 EMA. Cover: trailing stop 3% from the "
            "lowest close since entry.",
            {"side": "short", "short_entry": "Close crosses_below EMA(20)", "trailing": "3%"},
        ),
        (
            _EMA + "Exit: a trailing stop 3 x ATR(14).",
            {"entry": "Close crosses_above EMA(20)", "trailing": "3 ATR(14)"},
        ),
        # a condition every entry must meet, both sides traded
        (
            "ADX(14) must be above 25 before any trade is opened, long or short. " + _DI,
            _DI_EXPECT,
        ),
        (
            "ADX(14) must be above 25 before any trade is opened, long or short. When it is, "
            + _DI[0].lower()
            + _DI[1:],
            _DI_EXPECT,
        ),
        (
            "ADX(14) must be above 25 before any trade is opened. Buy when +DI(14) crosses "
            "above -DI(14). Sell when +DI(14) crosses below -DI(14).",
            {
                "entry": "all(ADX(14) > 25; PLUS_DI(14) crosses_above MINUS_DI(14))",
                "exit": "PLUS_DI(14) crosses_below MINUS_DI(14)",
            },
        ),
    ],
)
def test_reads(text: str, expect: dict[str, object]) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # the rules' average is not the declared one (another period, another indicator)
        (
            "Take RSI(14) and compute a 9-period SMA of it. Buy when RSI(14) crosses above its "
            "10-period SMA.",
            "compute",
        ),
        (
            "Take RSI(14) and compute a 9-period SMA of it. Buy when RSI(10) crosses above its "
            "9-period SMA.",
            "compute",
        ),
        # "its" is the close's: the declared average is named nowhere
        (
            "Take RSI(14) and compute a 9-period SMA of it. Buy when RSI(14) is below 50 and "
            "the close crosses above its 9-period SMA.",
            "compute",
        ),
        # "that average" could be the 200-day SMA too
        (
            "Take RSI(14) and compute a 9-period SMA of it. Buy when RSI(14) crosses above "
            "that average and the close is above the 200-day SMA. Sell when RSI(14) crosses "
            "below that average.",
            "compute",
        ),
        # the average of another indicator than the one taken
        (
            "Take RSI(14) and a 9-period EMA of that CCI. Buy when the smoothed RSI crosses "
            "above 30.",
            "Take",
        ),
        # an inside day defined otherwise than the strategy tests it
        (
            _INSIDE.replace("whose high is below", "whose high is above"),
            "this definition differs from the inside day",
        ),
        (
            _INSIDE.replace("whose high is below", "whose high is at or below"),
            "this definition differs from the inside day",
        ),
        (
            _INSIDE.replace(
                "whose low is above the previous bar's low",
                "whose close is above the previous bar's close",
            ),
            "this definition differs from the inside day",
        ),
        (
            _INSIDE.replace(" and whose low is above the previous bar's low", ""),
            "this definition differs from the inside day",
        ),
        # an inside-day heading over rules that test no inside day
        (
            "Lesson 10: the inside day breakout. Buy when RSI(14) is below 30. Sell when "
            "RSI(14) is above 70.",
            "inside day",
        ),
        # a trail from the highest high, or a long's trail from the lowest close
        (
            _EMA + "Exit: a trailing stop 3 x ATR(14) from the highest high since entry.",
            "not the highest high",
        ),
        (
            _EMA + "Trailing stop 3 x ATR(14) below the highest high since entry.",
            "not the highest high",
        ),
        (
            _EMA + "Exit: a trailing stop 3 x ATR(14) from the lowest close since entry.",
            "trailing stop 3 x ATR(14) from the lowest close since entry",
        ),
        (_EMA + "Exit: a trailing stop 3 x ATR(14) from the close.", "the close"),
        # "long or short" on a long-only strategy; no "must"; another moment than the entry
        (
            "ADX(14) must be above 25 before any trade is opened, long or short. " + _LONG_DI,
            "trade",
        ),
        ("ADX(14) is above 25 before any trade is opened. " + _LONG_DI, "trade"),
        ("ADX(14) must be above 25 before any trade is closed. " + _LONG_DI, "closed"),
        # "When it is," with no filter before it
        ("When it is, buy when +DI(14) crosses above -DI(14). " + _LONG_DI, ","),
        # an "Entry:" heading over a trailing stop
        (_EMA + "Entry: a trailing stop 3 x ATR(14).", ")"),
    ],
)
def test_refused(text: str, named: str) -> None:
    assert named in refused(text)


def test_definitions_are_noted() -> None:
    parsed = parse_description(_INSIDE)
    assert any("definition of the inside day" in w and "agrees" in w for w in parsed.warnings)
    parsed = parse_description(
        "Take RSI(14) and compute a 9-period SMA of it. Buy when RSI(14) crosses above its "
        "9-period SMA. Sell when RSI(14) crosses below its 9-period SMA."
    )
    assert any("the rules name again in full" in w for w in parsed.warnings)
