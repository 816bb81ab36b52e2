"""Trader wording learnt in the twenty-second prose round (c), forms of known verbs and words
with one meaning in their place: "pokes above" / "pokes back above" (as "pops"), "come back
to" (as "comes back to"), "Entries come from X" (the entries are X), "again" after a crossing
or a turn, "fixed" before a stop, a size or a target, "Once filled," before the exits; with
the near misses that must stay refused. Compared semantically, in the corpus notation of
tests/quality/README.md."""

from __future__ import annotations

import pytest

from Backtest.llm.offline import parse_description
from tests.backtest.offline.readings import reads_as, refused


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        # "pokes": as "pops", only with its way said
        (
            "Buy when CCI(20) pokes back above -100; sell when it falls back below +100.",
            {"entry": "CCI(20) crosses_above -100", "exit": "CCI(20) crosses_below 100"},
        ),
        (
            "Short-only: RSI(14) pokes above 75 -> short; cover when RSI(14) is under 45.",
            {"side": "short", "short_entry": "RSI(14) > 75", "short_exit": "RSI(14) < 45"},
        ),
        # "come back to": as "comes back to"
        (
            "When price is under the lower Keltner channel (20, 10, 2), I buy. When price come "
            "back to the middle line, I sell.",
            {
                "entry": "Close < KELTNER(20,10,2).lower",
                "exit": "Close >= KELTNER(20,10,2).middle",
            },
        ),
        # "Entries come from X": the entries are X
        (
            "Entries come from the 14-day RSI crossing above 30 while price is above the "
            "200-day SMA. Exit when RSI(14) goes over 70.",
            {"entry": "all(RSI(14) crosses_above 30; Close > SMA(200))", "exit": "RSI(14) > 70"},
        ),
        # "again" after a crossing or a turn
        (
            "Long when price reclaims the 200 SMA (closes back above it), out when it loses it "
            "again.",
            {"entry": "Close crosses_above SMA(200)", "exit": "Close crosses_below SMA(200)"},
        ),
        (
            "Buy when the MACD histogram turns positive. Exit when the histogram turns "
            "negative again.",
            {
                "entry": "MACD(12,26,9).macdhist crosses_above 0",
                "exit": "MACD(12,26,9).macdhist crosses_below 0",
            },
        ),
        (
            "Buy when RSI(14) crosses above 30 again. Sell when RSI(14) crosses below 70.",
            {"entry": "RSI(14) crosses_above 30", "exit": "RSI(14) crosses_below 70"},
        ),
        # "fixed": the stop, size or target as said
        (
            "Buy when RSI(14) crosses above 30. Sell when RSI(14) > 70. Fixed 3% stop, long only.",
            {"entry": "RSI(14) crosses_above 30", "exit": "RSI(14) > 70", "stop": "3%"},
        ),
        (
            "Buy when RSI(14) crosses above 30, trade a fixed 100 shares each time. Trailing "
            "stop at 3 ATR(14), no fixed target and no other exit.",
            {"entry": "RSI(14) crosses_above 30", "trailing": "3 ATR(14)", "size": "100 units"},
        ),
        # "Once filled,": the exits follow the entry, as they always do
        (
            "Buy when RSI(14) crosses above 30. Once filled, stop loss at 1.5 ATR(14) and "
            "profit target at 3 ATR(14).",
            {"entry": "RSI(14) crosses_above 30", "stop": "1.5 ATR(14)", "target": "3 ATR(14)"},
        ),
        (
            "Buy when RSI(14) crosses above 30. If filled, sell after 5 days.",
            {"entry": "RSI(14) crosses_above 30", "exit_after_bars": 5},
        ),
    ],
)
def test_reads(text: str, expect: dict[str, object]) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # "pokes" with no way said: through the level, or only touching it?
        ("Buy when CCI(20) pokes -100. Sell when CCI(20) is above 100.", "pokes"),
        # "again" after a state: a second dip is a pattern, not the state
        ("Buy when RSI(14) is below 30 again. Sell when RSI(14) is above 70.", "again"),
        (
            "Buy when RSI(14) crosses above 30 and is below 50 again. Sell when RSI(14) > 70.",
            "again",
        ),
        # "again" that opens the rule: which earlier event?
        ("Buy again when RSI(14) crosses above 30. Sell when RSI(14) > 70.", "again"),
        # "come from" after anything but the rules' noun
        ("Buy when RSI(14) crosses above 30. My losses come from flat markets.", "come"),
        ("Buy when RSI(14) comes from 30. Sell when RSI(14) > 70.", "comes"),
        # "filled" that limits the entry, not a time after it
        ("Buy when RSI(14) crosses above 30. I only want to get filled on weakness.", "filled"),
    ],
)
def test_refused(text: str, named: str) -> None:
    assert named in refused(text)


def test_notes() -> None:
    parsed = parse_description(
        "Entries come from RSI(14) crossing above 30. Exit when RSI(14) crosses below 70 again."
    )
    assert "'Entries come from' read as: the entries are" in parsed.warnings
    assert any("'again' after a crossing" in w for w in parsed.warnings)


@pytest.mark.parametrize(
    "text",
    [
        "When today's high and low are both inside yesterday's range and the close is above the "
        "50-day SMA, place a buy stop at today's high. Close the trade after 4 bars.",
        "Buy when today's bar is inside yesterday's bar and the close is above the 50-day SMA. "
        "Sell after 4 days.",
    ],
)
def test_inside_yesterday(text: str) -> None:
    parsed = parse_description(text)
    assert (
        "High is below High 1 bar ago and Low is above Low 1 bar ago and Close is above SMA(50)"
        in parsed.understood_as
    )
    assert any("read as strictly inside" in w for w in parsed.warnings)


@pytest.mark.parametrize(
    "text",
    [
        # one price inside a range: between yesterday's high and low, not an inside day
        "Buy when today's close is inside yesterday's range. Sell after 3 days.",
        # inside a band: crossing back or being there, and which band?
        "Buy when today's high and low are inside the Bollinger Bands (20, 2). Sell after 3 days.",
        # yesterday against the day before: not read yet
        "Buy when yesterday's bar was inside the bar before it. Sell after 3 days.",
        # a bracket that says something else (at or below is not strictly inside)
        "Buy when today's high and low are inside yesterday's range (high at or below "
        "yesterday's high and low at or above yesterday's low). Sell after 3 days.",
        "Inside that uptrend I wait for a pullback where the close drops below the 20 day EMA.",
    ],
)
def test_inside_refused(text: str) -> None:
    assert "inside" in refused(text).lower()


def test_pierces_the_upper_band() -> None:
    reads_as(
        "Keltner channel: 20 EMA middle, 10-period ATR, 2x multiplier. Entry: close pierces the "
        "upper band. Exit: close drops under the middle line.",
        {
            "entry": "Close crosses_above KELTNER(20,10,2).upper",
            "exit": "Close below KELTNER(20,10,2).middle",
        },
    )


@pytest.mark.parametrize(
    "text",
    [
        # a line with no side: from which side is it pierced?
        "Buy when the close pierces the 50-day SMA. Sell after 3 days.",
        "Buy when the close pierces 30. Sell after 3 days.",
    ],
)
def test_pierces_refused(text: str) -> None:
    assert "pierces" in refused(text)
