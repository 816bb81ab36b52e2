"""Trader wording learnt in the ninth prose round (issue 12) from the refusals of held-out 10
and held-out 9, with the near misses that must stay refused. Compared semantically, in the
corpus notation of tests/quality/README.md."""

from __future__ import annotations

import pytest

from tests.backtest.offline.readings import reads_as, refused


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        # "from N bars ago": the indicator's value then
        (
            "Buy when ATR(14) is above ATR(14) from 10 bars ago",
            {"entry": "ATR(14) > ATR(14)[10]"},
        ),
        # a change "from" (or "vs.") the same price some bars back
        (
            "Buy when the close is down more than 8% from the close 3 days ago",
            {"entry": "change_pct(Close, 3) < -8"},
        ),
        (
            "Buy when the close is down more than 8% vs. the close 3 days ago",
            {"entry": "change_pct(Close, 3) < -8"},
        ),
        # a gap "from yesterday's close": the gap's own reference, restated
        (
            "gap down of more than 3% from yday's close -> long. exit after 2 bars",
            {"entry": "Open < Close[1] * 0.97", "exit_after_bars": 2},
        ),
        # a stop, target or trail led by its keyword right after another one
        (
            "Buy when the close > 20 sma. tp 8% sl 3%",
            {"entry": "Close > SMA(20)", "target": "8%", "stop": "3%"},
        ),
        (
            "Buy when the close > 20 sma. tp 4% / trailing 2%. 25% size",
            {"entry": "Close > SMA(20)", "target": "4%", "trailing": "2%", "size": "25%"},
        ),
        # a turn "from" one state "to" the other, and "back to" a state
        (
            "Go long when SuperTrend (10, 3) flips from down to up, and get out when it flips "
            "back to down.",
            {
                "entry": "SUPERTREND(10,3).direction crosses_above 0",
                "exit": "SUPERTREND(10,3).direction crosses_below 0",
            },
        ),
        # "only <condition>" as a sentence of its own: a filter of the entries
        (
            "rsi2 < 5 buy, rsi2 > 70 sell. only above 200sma",
            {"entry": "all(RSI(2) < 5; Close > SMA(200))", "exit": "RSI(2) > 70"},
        ),
        (
            "Buy when RSI(2) < 5. Only when ADX(14) > 25. Sell when RSI(2) > 70.",
            {"entry": "all(RSI(2) < 5; ADX(14) > 25)", "exit": "RSI(2) > 70"},
        ),
        # "sell that long": the long's exit, whatever side came last
        (
            "Trade both directions with RSI(7): buy when it drops below 20 and sell that long "
            "when it gets above 50; short when it rises above 80 and cover the short when it "
            "falls below 50.",
            {
                "side": "both",
                "entry": "RSI(7) below 20",
                "exit": "RSI(7) above 50",
                "short_entry": "RSI(7) above 80",
                "short_exit": "RSI(7) below 50",
            },
        ),
        # "cross back = out": the opposite of the one crossing before it
        (
            "ema 9/21 cross up = long, cross back = out",
            {"entry": "EMA(9) crosses_above EMA(21)", "exit": "EMA(9) crosses_below EMA(21)"},
        ),
        # "the cross back over signal": the line named is the one crossed, the way named is
        # the mirror's (a line break inside the phrase changes nothing)
        (
            "macd(12,26,9) crosses under signal while macd still above zero = short. cover on "
            "the cross\nback over signal",
            {
                "side": "short",
                "short_entry": "all(MACD(12,26,9).macd crosses_below MACD(12,26,9).macdsignal; "
                "MACD(12,26,9).macd > 0)",
                "short_exit": "MACD(12,26,9).macd crosses_above MACD(12,26,9).macdsignal",
            },
        ),
        (
            "Buy when the 9 EMA crosses above the 21 EMA. Sell on the cross back under the 21 EMA.",
            {"entry": "EMA(9) crosses_above EMA(21)", "exit": "EMA(9) crosses_below EMA(21)"},
        ),
        # a crossing with its subject left out: "it" is the line crossed before
        (
            "cci(14) crossing above its 10 sma = buy, crossing below it = sell",
            {
                "entry": "CCI(14) crosses_above SMA(10, CCI(14))",
                "exit": "CCI(14) crosses_below SMA(10, CCI(14))",
            },
        ),
        (
            "Buy when the close is above the 200 SMA and the 10 EMA crosses above the 30 EMA. "
            "Sell when crossing below it.",
            {
                "entry": "all(Close > SMA(200); EMA(10) crosses_above EMA(30))",
                "exit": "EMA(10) crosses_below EMA(30)",
            },
        ),
        # a multiple of an ATR with its period in brackets, in a price expression
        (
            "close > 50sma and rsi(14) > 50 -> buy stop at today's high + 0.5 atr(14). sl 1.5 "
            "atr, out after 8 bars",
            {
                "entry": "all(Close > SMA(50); RSI(14) > 50)",
                "order": "stop High + ATR(14) * 0.5",
                "stop": "1.5 ATR(14)",
                "exit_after_bars": 8,
            },
        ),
        # "but never when C" after a rule: its exception (the negation is kept)
        (
            "stoch(5,3,3) %k < 10 = buy, but never when volume < its 20d avg. %k > 80 = sell",
            {
                "entry": "all(STOCH(5,3,3).slowk < 10; not(Volume < SMA(20, Volume)))",
                "exit": "STOCH(5,3,3).slowk > 80",
            },
        ),
        (
            "Buy when RSI(14) < 30 and never when volume < its 20d avg",
            {"entry": "all(RSI(14) < 30; not(Volume < SMA(20, Volume)))"},
        ),
    ],
)
def test_reads(text: str, expect: dict[str, object]) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # from another price (a drawdown from the high?), from no bar, from the same bar
        ("Buy when the close is down more than 8% from the high 3 days ago", "days ago"),
        ("Buy when the close is down more than 8% from the close", "the close"),
        ("Buy when the close is down more than 8% from the close 0 days ago", "days ago"),
        # a gap from anything but yesterday's close is another measure
        ("gap down of more than 3% from yday's low -> long", "->"),
        ("gap down of more than 3% from the close 2 days ago -> long", "->"),
        # an unkeyed second percent (a stop glued to a rule, "... > 20 sma sl 3%", reads since
        # settings typed straight after a rule do: test_typed_rules.py)
        ("Buy when the close > 20 sma. tp 8% 3%", "3%"),
        # a turn from a state to the same state, from a state to nowhere, back to a level
        ("Go long when SuperTrend (10, 3) flips from up to up", "up"),
        ("Go long when SuperTrend (10, 3) flips from down", "down"),
        ("Buy when RSI(14) turns back to 30", "30"),
        # a bare "only" with both sides traded (which entries?), joined to other statements
        # (may be meant for the rules before it), with no line, or a crossing
        ("rsi2 < 5 buy, rsi2 > 70 short. only above 200sma", "both sides"),
        ("rsi2 < 5 buy, rsi2 > 70 sell. And only above 200sma", "sma"),
        ("rsi2 < 5 buy, rsi2 > 70 sell. only above 200sma, stop 2%", "2%"),
        ("rsi2 < 5 buy, rsi2 > 70 sell. only above", "above"),
        ("rsi2 < 5 buy, rsi2 > 70 sell. only on the cross", "cross"),
        # "sell long" is no exit phrase; "sell that long" with no long side
        ("Buy when RSI(7) < 20 and sell long when RSI(7) > 50", "long"),
        ("Short when RSI(7) > 80. Sell that long when RSI(7) < 50", "short"),
        # "cross back" with no crossing before it, several crossings, or no "back"
        ("rsi(14) < 30 = long, cross back = out", "exactly one crossing"),
        (
            "ema 9/21 cross up and rsi(14) crosses above 50 = long, cross back = out",
            "exactly one crossing",
        ),
        ("ema 9/21 cross up = long, cross = out", "="),
        # safety: a way or a line that is not the mirror's (main read "the cross back up"
        # after an upward cross as the cross down)
        ("Buy when the 9 EMA crosses above the 21 EMA. Sell on the cross back up.", "opposite"),
        (
            "macd(12,26,9) crosses under signal = short. cover on the cross back under signal",
            "opposite",
        ),
        (
            "macd(12,26,9) crosses under signal = short. cover on the cross back over zero",
            "opposite",
        ),
        (
            "macd(12,26,9) crosses under signal = short. cover on the cross back over macd",
            "opposite",
        ),
        (
            "macd(12,26,9) crosses under signal = short. cover on the opposite signal over signal",
            "over",
        ),
        # "it" after a level, after no crossing, or after a comparison that is no crossing
        ("RSI(14) crossing above 30 = buy, crossing below it = sell", "which line"),
        ("Buy when RSI(14) < 30. Sell when crossing below it", "which line"),
        (
            "Buy when the 10 EMA crosses above the 30 EMA and the close is above the 200 SMA. "
            "Sell when crossing below it.",
            "which line",
        ),
        # a number before another indicator with its period in brackets
        ("Buy when the close > 0.5 sma(50)", ")"),
        ("Buy when the close > 20 sma(50)", ")"),
        # "but never when C" after the last of several rules (C may be meant for both), and
        # "never" with no "when"
        (
            "stoch(5,3,3) %k < 10 = buy, %k > 80 = sell, but never when volume < its 20d avg",
            "avg",
        ),
        ("stoch(5,3,3) %k < 10 = buy, but never volume < its 20d avg", "never"),
        # "from" with no number of bars
        ("Buy when ATR(14) is above ATR(14) from bars ago", "ago"),
    ],
)
def test_refused(text: str, named: str) -> None:
    assert named in refused(text)
