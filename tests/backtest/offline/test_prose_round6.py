"""Trader wording learnt in the sixth prose round (issue 12) from the refusals of held-out 7
(its first run), with the near misses that must stay refused. Compared semantically, in the
corpus notation of tests/quality/README.md."""

from __future__ import annotations

import pytest

from Backtest.llm.offline import parse_description
from Backtest.llm.offline.edits import EditNotUnderstood, apply_edit
from Backtest.spec import example_spec_data, validate_spec_v2
from tests.backtest.offline.readings import reads_as, refused


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        # "thru" in a crossing or a move: as "through"
        (
            "W%R(14) crosses up thru -80 -> long. out when it gets above -20. 4% SL",
            {"entry": "WILLR(14) crosses_above -80", "exit": "WILLR(14) above -20", "stop": "4%"},
        ),
        (
            "Short when RSI(14) crosses down thru 70, cover when it crosses up thru 30",
            {
                "side": "short",
                "short_entry": "RSI(14) crosses_below 70",
                "short_exit": "RSI(14) crosses_above 30",
            },
        ),
        ("Buy when the 10 EMA cuts thru the 30 EMA", {"entry": "EMA(10) crosses_above EMA(30)"}),
        # "mean rev" / "breakdown system": a label of the kind of strategy, as "mean reversion"
        (
            "BB(20,2) mean rev: buy when a candle closes under the lower band, sell when it "
            "closes back above the mid band. SL 3%",
            {
                "entry": "Close below BBANDS(20,2,2).lowerband",
                "exit": "Close above BBANDS(20,2,2).middleband",
                "stop": "3%",
            },
        ),
        (
            "short-only breakdown system: sell short when the close falls below the lowest low "
            "of the prior 20 bars. trailing stop 2.5 ATR(20), no other exit",
            {
                "side": "short",
                "short_entry": "Close below DONCHIAN(20).lower[1]",
                "trailing": "2.5 ATR(20)",
            },
        ),
        # "Standard 12/26/9 settings": a check, as "Standard 12/26/9"
        (
            "Buy when the MACD histogram turns positive and sell when it turns negative. "
            "Standard 12/26/9\nsettings.",
            {
                "entry": "MACD(12,26,9).macdhist crosses_above 0",
                "exit": "MACD(12,26,9).macdhist crosses_below 0",
            },
        ),
        # "the high from two bars ago": as "the high of two bars ago"
        (
            "My rule is really simple and I've traded it by hand for a couple of years. If "
            "today's close is higher than the high from two bars ago, and today's low is above "
            "yesterday's low, I buy. I get out after 3 bars, no stop.",
            {"entry": "all(Close above High[2]; Low above Low[1])", "exit_after_bars": 3},
        ),
        (
            "Buy when the close is not above the high from 2 bars ago",
            {"entry": "Close <= High[2]"},
        ),
        (
            "Buy when the close crosses above the high from 3 days ago",
            {"entry": "Close crosses_above High[3]"},
        ),
        # "..., crossing back under = exit": the opposite of the one crossing before it
        (
            "RSI14 crossing over its own 9-period SMA = long, crossing back under = exit",
            {
                "entry": "RSI(14) crosses_above SMA(9, RSI(14))",
                "exit": "RSI(14) crosses_below SMA(9, RSI(14))",
            },
        ),
        (
            "EMA 8/21 cross down = short, cross up = cover",
            {
                "side": "short",
                "short_entry": "EMA(8) crosses_below EMA(21)",
                "short_exit": "EMA(8) crosses_above EMA(21)",
            },
        ),
        (
            "Buy when the 10 EMA crosses above the 30 EMA and the close is above the 200 SMA. "
            "crossing back under = exit",
            {
                "entry": "all(EMA(10) crosses_above EMA(30); Close above SMA(200))",
                "exit": "EMA(10) crosses_below EMA(30)",
            },
        ),
        # "Default settings." stays talk (held-out 4's h4-007)
        (
            "MACD line crossing above zero = buy. Crossing below zero = sell. Default settings.",
            {
                "entry": "MACD(12,26,9).macd crosses_above 0",
                "exit": "MACD(12,26,9).macd crosses_below 0",
            },
        ),
    ],
)
def test_reads(text: str, expect: dict[str, object]) -> None:
    reads_as(text, expect)


def test_a_bare_crossing_is_refused_in_an_edit() -> None:
    data = validate_spec_v2(example_spec_data("ema_cross")).model_dump(
        mode="json", exclude_none=True
    )
    with pytest.raises(EditNotUnderstood):
        apply_edit(data, "crossing back under = exit")


def test_negated_thru_is_read() -> None:
    understood = parse_description("Buy when RSI(14) doesn't cross up thru 30").understood_as
    assert "not (RSI(14) crosses above 30)" in understood


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # "thru" outside a crossing or a move is not read
        ("Buy when RSI(14) is below 30 and hold thru the weekend", "thru"),
        ("Buy when the 10 EMA cuts up thru the 30 EMA", "thru"),
        # "from ... ago" only after a price or an indicator (the ninth round added those), with
        # a whole number of bars
        ("Buy when the close is above the high from 2.5 bars ago", "bars ago"),
        ("Buy when the close is up 5% from 3 bars ago", "3"),
        (
            "Buy when the close is above the high from 2 bars ago and RSI(14) from 2.5 bars "
            "ago is below 30",
            "ago",
        ),
        # a bare crossing: the same direction, no crossing, two crossings, or no pair
        ("EMA 8/21 cross up = long, cross up = exit", "not the opposite"),
        ("Buy when RSI(14) < 30. crossing under = exit", "exactly one crossing"),
        (
            "Buy when the 10 EMA crosses above the 30 EMA and RSI(14) crosses above 50. "
            "crossing back under = exit",
            "exactly one crossing",
        ),
        (
            "Buy when RSI(14) < 30 or the 10 EMA crosses above the 30 EMA. crossing back under "
            "= exit",
            "exactly one crossing",
        ),
        ("cross up = long, cross down = exit", "no rule to mirror"),
        ("EMA 8/21 cross up = long, not crossing back under = exit", "="),
        ("EMA 8/21 cross up = long, cross = exit", "="),
        # "breakdown" alone is not a label ("a breakdown below the 20-day low" is read: round 22)
        ("Buy on a breakdown. Sell after 5 bars.", "breakdown"),
        # a negated label is not dropped
        ("not a mean rev system: buy when RSI(2) < 10", ":"),
        ("no breakdown system: short when the close falls below the 20-day low", ":"),
        # settings that match no indicator, or not in the checked shape
        (
            "Buy when the MACD histogram turns positive and sell when it turns negative. "
            "Standard 5/35/5 settings.",
            "match no indicator",
        ),
        ("Buy when RSI(14) < 30. Standard 12/26/9 settings.", "match no indicator"),
        ("Buy when the MACD histogram turns positive. 12/26/9/5 settings.", "match no indicator"),
        ("Buy when the MACD histogram turns positive. Settings 12/26.", "Settings"),
        (
            "Buy when the MACD line crosses above the signal line. Not the standard 12/26/9 "
            "settings.",
            "/",
        ),
    ],
)
def test_refused(text: str, named: str) -> None:
    assert named in refused(text)
