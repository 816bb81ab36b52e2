"""The wording of ``understood_as`` (Backtest/spec/render.py), read back: a user copies that text,
tweaks it and submits it, so the parser must read it as the same strategy. Each phrase is read
exactly and only in its meaning; the near misses after it stay refused or read otherwise.
Compared semantically, in the corpus notation of tests/quality/README.md."""

from __future__ import annotations

import pytest

from Backtest.llm.offline import parse_description
from tests.backtest.offline.readings import reads_as, refused

_RSI_EXIT = " Exit when RSI(2) is above 70."
_SMA_EXIT = " Exit when Close is below SMA(20)."


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        # calendar: "the day is ...", "the month is ...", "the time of day is from ... to ..."
        (
            "Enter long when RSI(2) is below 10 and the day is not Friday." + _RSI_EXIT,
            {"entry": "all(RSI(2) < 10; weekday not in [fri])", "exit": "RSI(2) > 70"},
        ),
        (
            "Enter long when RSI(2) is below 10 and the day is Tuesday." + _RSI_EXIT,
            {"entry": "all(RSI(2) < 10; weekday in [tue])", "exit": "RSI(2) > 70"},
        ),
        (
            "Enter long when RSI(2) is below 10 and the day is Monday, Tuesday or Friday."
            + _RSI_EXIT,
            {"entry": "all(RSI(2) < 10; weekday in [mon, tue, fri])", "exit": "RSI(2) > 70"},
        ),
        (
            "Enter long when RSI(2) is below 10 and the month is November or December." + _RSI_EXIT,
            {"entry": "all(RSI(2) < 10; month in [nov, dec])", "exit": "RSI(2) > 70"},
        ),
        (
            "Enter long when RSI(2) is below 10 and the month is not September." + _RSI_EXIT,
            {"entry": "all(RSI(2) < 10; month not in [sep])", "exit": "RSI(2) > 70"},
        ),
        (  # a long list is read whole
            "Enter long when Close is above SMA(50) and the month is January, February, March, "
            "April, November or December. Exit when Close is below SMA(50).",
            {
                "entry": "all(Close > SMA(50); month in [jan, feb, mar, apr, nov, dec])",
                "exit": "Close < SMA(50)",
            },
        ),
        (
            "Enter long when RSI(2) is below 10 and the time of day is from 09:45 to before "
            "15:00." + _RSI_EXIT,
            {"entry": "all(RSI(2) < 10; time in 09:45-15:00)", "exit": "RSI(2) > 70"},
        ),
        (
            "Enter long when RSI(2) is below 10 and not (the time of day is from 10:00 to "
            "before 15:00)." + _RSI_EXIT,
            {"entry": "all(RSI(2) < 10; not(time in 10:00-15:00))", "exit": "RSI(2) > 70"},
        ),
        # exits and settings
        (
            "Enter short when RSI(14) crosses below 70. Exit (cover) when RSI(14) crosses "
            "below 30. Stop loss 3% above the entry price. Size: 100% of equity.",
            {
                "side": "short",
                "short_entry": "RSI(14) crosses_below 70",
                "short_exit": "RSI(14) crosses_below 30",
                "stop": "3%",
            },
        ),
        (
            "Enter long when RSI(14) crosses above 30. Exit any trade after 5 bars.",
            {"entry": "RSI(14) crosses_above 30", "exit_after_bars": 5},
        ),
        (
            "Enter long when Close is below SMA(5). Exit any trade after 1 bar.",
            {"entry": "Close < SMA(5)", "exit_after_bars": 1},
        ),
        (
            "Enter long when RSI(14) crosses above 30. Exit any trade after 5 bars. "
            "Size: 100 units.",
            {"entry": "RSI(14) crosses_above 30", "exit_after_bars": 5, "size": "100 units"},
        ),
        (
            "Enter long when EMA(20) crosses above EMA(50). Exit when EMA(20) crosses below "
            "EMA(50). Stop loss 1.5 × ATR(14) below the entry price. Take profit 3 × ATR(14) "
            "above the entry price.",
            {
                "entry": "EMA(20) crosses_above EMA(50)",
                "exit": "EMA(20) crosses_below EMA(50)",
                "stop": "1.5 ATR(14)",
                "target": "3 ATR(14)",
            },
        ),
        # operands: an indicator of a series, MAX/MIN of a price, % change, session VWAP
        (
            "Enter long when Close is above MAX(55) of High 1 bar ago. Exit when Close is "
            "below MIN(20) of Low 1 bar ago.",
            {"entry": "Close > MAX(55, High)[1]", "exit": "Close < MIN(20, Low)[1]"},
        ),
        (  # without "1 bar ago" the current bar counts too
            "Enter long when Close is below MAX(55) of High." + _SMA_EXIT,
            {"entry": "Close < MAX(55, High)", "exit": "Close < SMA(20)"},
        ),
        (
            "Enter long when Volume is above SMA(50) of Volume and Close is above SMA(50). "
            "Exit when Close is below SMA(50).",
            {"entry": "all(Volume > SMA(50, Volume); Close > SMA(50))", "exit": "Close < SMA(50)"},
        ),
        (
            "Enter long when Volume is above 3 * SMA(20) of Volume. Exit any trade after 10 bars.",
            {"entry": "Volume > 3 * SMA(20, Volume)", "exit_after_bars": 10},
        ),
        (
            "Enter long when OBV crosses above SMA(20) of OBV. Exit when OBV crosses below "
            "SMA(20) of OBV.",
            {"entry": "OBV crosses_above SMA(20, OBV)", "exit": "OBV crosses_below SMA(20, OBV)"},
        ),
        (
            "Enter long when RSI(14) crosses above EMA(5) of RSI(14). Exit when RSI(14) crosses "
            "below EMA(5) of RSI(14).",
            {
                "entry": "RSI(14) crosses_above EMA(5, RSI(14))",
                "exit": "RSI(14) crosses_below EMA(5, RSI(14))",
            },
        ),
        (
            "Enter long when the 3-bar % change of Close is below -5. Exit any trade after 5 bars.",
            {"entry": "change_pct(Close, 3) < -5", "exit_after_bars": 5},
        ),
        (
            "Enter long when Close crosses above VWAP (session). Exit when Close crosses below "
            "VWAP (session).",
            {"entry": "Close crosses_above VWAP", "exit": "Close crosses_below VWAP"},
        ),
        # streaks and persistence
        (
            "Enter long when Close has fallen on each of the last 4 bars. Exit when Close has "
            "risen on each of the last 3 bars.",
            {"entry": "falling(Close, 4)", "exit": "rising(Close, 3)"},
        ),
        (
            "Enter long when on each of the last 5 bars, Close is above SMA(20)." + _SMA_EXIT,
            {"entry": "for_bars(Close > SMA(20), 5)", "exit": "Close < SMA(20)"},
        ),
        (  # unbracketed, the persistence covers all that follows the comma
            "Enter long when on each of the last 5 bars, Close is above SMA(20) and RSI(2) is "
            "below 70." + _SMA_EXIT,
            {"entry": "for_bars(all(Close > SMA(20); RSI(2) < 70), 5)", "exit": "Close < SMA(20)"},
        ),
        (  # bracketed, only what is inside the brackets
            "Enter long when (on each of the last 5 bars, Close is above SMA(20)) and RSI(2) is "
            "below 70." + _SMA_EXIT,
            {"entry": "all(for_bars(Close > SMA(20), 5); RSI(2) < 70)", "exit": "Close < SMA(20)"},
        ),
        # part 2: orders, trailing stops, both sides, sizing, no exit, zero levels
        (
            "Enter long when RSI(2) is below 10." + _RSI_EXIT + " Long entries use a limit order "
            "at Close * 0.98 (read on the signal bar), cancelled if not filled within 1 bar.",
            {"entry": "RSI(2) < 10", "exit": "RSI(2) > 70", "order": "limit Close * 0.98"},
        ),
        (
            "Enter short when RSI(2) is above 90. Exit (cover) when RSI(2) is below 30. Short "
            "entries use a stop order at Low * 0.99 (read on the signal bar), cancelled if not "
            "filled within 1 bar.",
            {
                "side": "short",
                "short_entry": "RSI(2) > 90",
                "short_exit": "RSI(2) < 30",
                "order": "stop Low * 0.99",
            },
        ),
        (
            "Enter long when EMA(10) is above EMA(30). Exit when EMA(10) is below EMA(30). "
            "Trailing stop 10% below the highest close since entry.",
            {"entry": "EMA(10) > EMA(30)", "exit": "EMA(10) < EMA(30)", "trailing": "10%"},
        ),
        (
            "Enter short when EMA(10) is below EMA(30). Trailing stop 3 × ATR(20) above the "
            "lowest close since entry.",
            {"side": "short", "short_entry": "EMA(10) < EMA(30)", "trailing": "3 ATR(20)"},
        ),
        (
            "Enter long when EMA(12) crosses above EMA(26). Enter short when EMA(12) crosses "
            "below EMA(26). An opposite entry signal closes the open position and reverses it. "
            "Stop loss 3% below (longs) / above (shorts) the entry price. Take profit 2 × ATR(14) "
            "above (longs) / below (shorts) the entry price. Trailing stop 4% below the highest "
            "close (longs) / above the lowest close (shorts) since entry.",
            {
                "side": "both",
                "entry": "EMA(12) crosses_above EMA(26)",
                "short_entry": "EMA(12) crosses_below EMA(26)",
                "stop": "3%",
                "target": "2 ATR(14)",
                "trailing": "4%",
            },
        ),
        (
            "Enter long when RSI(2) is below 10. Stop loss 2% below the entry price. Size: risk "
            "2% of equity per trade (the loss if the stop loss is hit), never more than the "
            "equity can buy.",
            {"entry": "RSI(2) < 10", "stop": "2%", "size": "risk 2%"},
        ),
        (
            "Enter long when RSI(2) is below 10. There is no exit rule: a position stays open "
            "until the end of the data.",
            {"entry": "RSI(2) < 10"},
        ),
        (
            "Enter long when EMA(5) - EMA(20) is above 0. Exit when EMA(5) - EMA(20) is below 0.",
            {"entry": "EMA(5) - EMA(20) > 0", "exit": "EMA(5) - EMA(20) < 0"},
        ),
        (
            "Enter long when Close is above MAX(50) 1 bar ago. Exit when Close is below MIN(10) "
            "1 bar ago.",
            {"entry": "Close > MAX(50, Close)[1]", "exit": "Close < MIN(10, Close)[1]"},
        ),
        (
            "Enter long when Close is above DONCHIAN(20) upper line 1 bar ago. Exit when Close "
            "is below DONCHIAN(10) lower line 1 bar ago.",
            {"entry": "Close > DONCHIAN(20).upper[1]", "exit": "Close < DONCHIAN(10).lower[1]"},
        ),
        (  # a list and a negated list of months: both hold
            "Enter long when RSI(2) is below 10 and the month is January or December and the "
            "month is not May." + _RSI_EXIT,
            {
                "entry": "all(RSI(2) < 10; month in [jan, dec]; month not in [may])",
                "exit": "RSI(2) > 70",
            },
        ),
    ],
)
def test_understood_as_phrases_are_read(text: str, expect: dict[str, object]) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # "the day is" names weekdays only; "the month is" months only
        ("Enter long when RSI(2) is below 10 and the day is November." + _RSI_EXIT, "November"),
        ("Enter long when RSI(2) is below 10 and the month is Friday." + _RSI_EXIT, "Friday"),
        # a window must run forwards
        (
            "Enter long when RSI(2) is below 10 and the time of day is from 15:00 to before "
            "09:45." + _RSI_EXIT,
            "time",
        ),
        # "× ATR" only with a number before it
        (
            "Enter long when RSI(14) crosses above 30. Stop loss × ATR(14) below the entry price.",
            "ATR",
        ),
        # a time limit is an exit: "after 5 bars" reads no entry
        ("Enter long after 5 bars. Exit when RSI(2) is above 70.", "bars"),
        # "(cover)" closes shorts only
        (
            "Enter long when RSI(14) crosses above 30. Exit (cover) when RSI(14) crosses below 30.",
            "short_exit",
        ),
        # MAX/MIN of a price one bar back, never further
        (
            "Enter long when Close is above MAX(55) of High 2 bars ago." + _SMA_EXIT,
            "ago",
        ),
        # a streak on each of the last bars needs two bars at least
        (
            "Enter long when Close has fallen on each of the last 1 bars." + _SMA_EXIT,
            "bars",
        ),
        # "on each of the last 5 bars" set off after a condition: which does it cover?
        (
            "Enter long when RSI(2) is below 70 and on each of the last 5 bars, Close is above "
            "SMA(20)." + _SMA_EXIT,
            "Close is above SMA(20)",
        ),
        # the side words must match the side each line is on
        (
            "Enter long when EMA(10) is above EMA(30). Enter short when EMA(10) is below "
            "EMA(30). Stop loss 3% above (longs) / below (shorts) the entry price.",
            "(",
        ),
        (
            "Enter long when EMA(10) is above EMA(30). Trailing stop 3% below the lowest close "
            "since entry.",
            "since entry",
        ),
        (
            "Enter long when EMA(10) is above EMA(30). Trailing stop 3% above the lowest close "
            "since entry.",
            "trailing is below the entry price",
        ),
        # a short's order in a long-only strategy
        (
            "Enter long when RSI(2) is below 10." + _RSI_EXIT + " Short entries use a limit "
            "order at Close * 0.98 (read on the signal bar), cancelled if not filled within 1 bar.",
            "short_entry_order",
        ),
        # a level other than zero for a difference, and vague sign words, stay unread
        (
            "Enter long when EMA(5) - EMA(20) is bullish. Exit when EMA(5) - EMA(20) is below 0.",
            "bullish",
        ),
        # risk sizing still needs its stop
        (
            "Enter long when RSI(2) is below 10. Size: risk 2% of equity per trade (the loss if "
            "the stop loss is hit), never more than the equity can buy.",
            "stop",
        ),
    ],
)
def test_near_misses_stay_refused(text: str, named: str) -> None:
    assert named in refused(text)


def test_an_order_kept_several_bars_keeps_them() -> None:
    spec = parse_description(
        "Enter long when Close is below KELTNER(20,10,2) lower line. Exit when Close is above "
        "KELTNER(20,10,2) middle line. Long entries use a limit order at Close * 0.99 (read on "
        "the signal bar), cancelled if not filled within 2 bars."
    ).spec
    assert spec.entry_order is not None
    assert (spec.entry_order.type, spec.entry_order.valid_bars) == ("limit", 2)
