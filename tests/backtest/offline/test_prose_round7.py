"""Trader wording learnt in the seventh prose round (issue 12) from the refusals of held-out 8
(its first run), with the near misses that must stay refused. Compared semantically, in the
corpus notation of tests/quality/README.md."""

from __future__ import annotations

import pytest

from tests.backtest.offline.readings import reads_as, refused


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        # "yday" is "yesterday"; a gap beyond a level on the gap's own side
        (
            "gap up over yday's high = buy. 3% trailing stop, nothing else",
            {"entry": "Open > High[1]", "trailing": "3%"},
        ),
        ("Buy on a gap down under yesterday's low", {"entry": "Open < Low[1]"}),
        (
            "gap up over yesterday's high = short",
            {"side": "short", "short_entry": "Open > High[1]"},
        ),
        ("gap up over 2% = buy", {"entry": "Open > Close[1] * 1.02"}),
        # "strat" is "strategy" (filler)
        (
            "RSI2 strat: buy when RSI(2) < 10, sell when RSI(2) > 70",
            {"entry": "RSI(2) < 10", "exit": "RSI(2) > 70"},
        ),
        # "on any day except Monday": the named weekdays are excluded
        (
            "Buy when the close dips below the 5-day SMA on any day except Monday. Sell when it "
            "closes above the 5-day SMA.",
            {
                "entry": "all(Close below SMA(5); weekday not in [mon])",
                "exit": "Close above SMA(5)",
            },
        ),
        (
            "Buy when RSI(2) < 10 on every day except Monday and Friday",
            {"entry": "all(RSI(2) < 10; weekday not in [mon, fri])"},
        ),
        # negated: only Monday is left
        (
            "Buy when RSI(2) < 10 but not on any day except Monday",
            {"entry": "all(RSI(2) < 10; weekday in [mon])"},
        ),
        # "up more than 3% on the day": today's close against yesterday's
        (
            "fade the rippers: close up >3% on the day -> short it",
            {"side": "short", "short_entry": "change_pct(Close, 1) > 3"},
        ),
        (
            "buy when the close is down more than 3% on the day",
            {"entry": "change_pct(Close, 1) < -3"},
        ),
        # SuperTrend's colour: green is bullish, red bearish
        (
            "supertrend (10,3) flips green -> buy, flips red -> sell. thats it",
            {
                "entry": "SUPERTREND(10,3).direction crosses_above 0",
                "exit": "SUPERTREND(10,3).direction crosses_below 0",
            },
        ),
        (
            "Short when SuperTrend(10,3) turns red, cover when it turns green",
            {
                "side": "short",
                "short_entry": "SUPERTREND(10,3).direction crosses_below 0",
                "short_exit": "SUPERTREND(10,3).direction crosses_above 0",
            },
        ),
    ],
)
def test_reads(text: str, expect: dict[str, object]) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # a gap against its own side, or over a bare number, or negated
        ("gap up below yesterday's high = buy", "="),
        ("gap down above yesterday's low = buy", "="),
        ("gap up over 5 = buy", "="),
        ("gap up over yesterday's high by 1% = buy", "by"),
        ("don't buy on a gap up over yesterday's high", "gap up"),
        ("buy when there is no gap up over yesterday's high", "no"),
        # "any day except" is read only before weekdays
        ("Buy when RSI(2) < 10, any day except when the close is above the 20 SMA", "when"),
        ("Buy when RSI(2) < 10 on any day except January", "January"),
        ("Buy when RSI(2) < 10 on any day but Monday", "but"),
        # "on the day" only with today's close named: not "it" (the trade?), another line or
        # another price, nor a range or a negation
        ("Buy when RSI(2) < 10. Sell when it is up 5% on the day", "the day"),
        ("buy when RSI(14) is down 3% on the day", "the day"),
        ("buy when the high is up 2% on the day", "the day"),
        ("buy when yesterday's close is down 2% on the day", "the day"),
        ("buy when the close is down less than 3% on the day", "the day"),
        ("buy when the close is not down 3% on the day", "down"),
        # on intraday bars "the day" is not one bar
        (
            "On the 5 minute chart, short when the close is up more than 3% on the day",
            "on intraday bars the day's move is not one bar's",
        ),
        ("1h chart: short when the close is up 3% on the day", "not one bar's"),
        ("short when the close is up 3% on the day and RSI(14) > 70 after 10:30", "not one bar's"),
        # a colour of any other line, or after another subject
        ("Buy when RSI(14) turns green", "only SuperTrend has a colour"),
        ("Buy when the MACD histogram turns green", "only SuperTrend has a colour"),
        ("Buy when the 20 SMA turns green", "only SuperTrend has a colour"),
        (
            "supertrend (10,3) flips green -> buy, RSI(14) > 70 and flips red -> sell",
            "only SuperTrend has a colour",
        ),
        (
            "Buy when supertrend (10,3) flips green, sell when RSI(14) crosses 70 or it flips red",
            "only SuperTrend has a colour",
        ),
        ("Buy when supertrend (10,3) does not flip green", "green"),
        ("Buy when SuperTrend(10,3) turns white", "white"),
    ],
)
def test_refused(text: str, named: str) -> None:
    assert named in refused(text)
