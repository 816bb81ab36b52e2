"""Trader wording learnt in the twentieth prose round (b), structured write-ups: a Keltner
channel defined in prose, with the near misses that must stay refused. Compared semantically,
in the corpus notation of tests/quality/README.md."""

from __future__ import annotations

import pytest

from Backtest.llm.offline import parse_description
from tests.backtest.offline.readings import reads_as, refused

_UP = (
    "Buy when the close breaks above the upper band. Sell when the close falls below the middle "
    "line."
)
_KC = "KELTNER(20,10,2)"


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        # a Keltner channel's three settings in a sentence of their own (noted)
        (
            "The Keltner channel, modern version. The middle line is the 20-day EMA and the "
            "bands sit 2 times the 10-day ATR on either side. " + _UP,
            {"entry": f"Close above {_KC}.upper", "exit": f"Close below {_KC}.middle"},
        ),
        (
            "Keltner channel: 20 EMA middle, 10-period ATR, 2x multiplier. " + _UP,
            {"entry": f"Close above {_KC}.upper", "exit": f"Close below {_KC}.middle"},
        ),
        (
            "Keltner breakout, long only. The channel is a 20-period EMA with bands at "
            "1.5 x ATR(10). Buy when the close is above the upper band; sell when the close is "
            "below the middle line.",
            {
                "entry": "Close above KELTNER(20,10,1.5).upper",
                "exit": "Close below KELTNER(20,10,1.5).middle",
            },
        ),
        (
            "Keltner channel: 20-period EMA as the middle line, bands at 2 x ATR(10). Short "
            "when the close crosses below the lower band. Cover when the close crosses above "
            "the middle line.",
            {
                "side": "short",
                "short_entry": f"Close crosses_below {_KC}.lower",
                "short_exit": f"Close crosses_above {_KC}.middle",
            },
        ),
        (
            "Keltner channel with a 20-period EMA as the middle line and the bands 2 x ATR(14) "
            "away from it. Buy when the close drops below the lower band. Sell when the close "
            "is above the middle line.",
            {
                "entry": "Close below KELTNER(20,14,2).lower",
                "exit": "Close above KELTNER(20,14,2).middle",
            },
        ),
        # "2 ATR of 10 days": the multiple, beside the ATR's own period
        (
            "Keltner is EMA 20 with 2 ATR of 10 days. Buy when the close is below the lower "
            "channel. Sell when the close is above the middle line.",
            {"entry": f"Close below {_KC}.lower", "exit": f"Close above {_KC}.middle"},
        ),
        (
            "Keltner channel: 20 EMA, 14 ATR, multiplier 2.5. " + _UP,
            {
                "entry": "Close above KELTNER(20,14,2.5).upper",
                "exit": "Close below KELTNER(20,14,2.5).middle",
            },
        ),
        # "2x multiplier" in the channel's bracket; "chanel"
        (
            "Buy when the close crosses above the upper Keltner channel (20 EMA, ATR 10, 2x "
            "multiplier). Sell when the close crosses below the Keltner middle line.",
            {
                "entry": f"Close crosses_above {_KC}.upper",
                "exit": f"Close crosses_below {_KC}.middle",
            },
        ),
        (
            "short when price closes under the lower keltner chanel (20 ema, 10 atr, 2x). "
            "cover when the close is above the middle line",
            {
                "side": "short",
                "short_entry": f"Close below {_KC}.lower",
                "short_exit": f"Close above {_KC}.middle",
            },
        ),
    ],
)
def test_reads(text: str, expect: dict[str, object]) -> None:
    reads_as(text, expect)


def test_a_keltner_definition_is_noted() -> None:
    warnings = parse_description(
        "The Keltner channel, modern version. The middle line is the 20-day EMA and the bands "
        "sit 2 times the 10-day ATR on either side. " + _UP
    ).warnings
    assert (
        "read 'The middle line is the 20-day EMA and the bands sit 2 times the 10-day ATR on "
        "either side' as the Keltner channel's settings: an EMA(20) middle line and bands "
        "2 x ATR(10) on either side" in warnings
    )
    assert any("modern version" in w and "EMA middle line and ATR bands" in w for w in warnings)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # an SMA middle line is no Keltner channel
        ("Keltner channel: 20 SMA middle, 10-period ATR, 2x multiplier. " + _UP, "multiplier"),
        # two multiples: which band is which?
        (
            "Keltner channel: 20 EMA middle, upper band 2 x ATR(10), lower band 1 x ATR(10). "
            + _UP,
            ",",
        ),
        # the ATR's period missing, or two of them
        ("Keltner channel: 20 EMA middle, 2x ATR. " + _UP, "ATR"),
        ("Keltner channel: 20 EMA middle, 10 ATR, 14 ATR, 2x. " + _UP, "x"),
        # "the channel" with another banded indicator named: not surely Keltner's
        (
            "Bollinger bands and Keltner channel. The channel is a 20-period EMA with bands at "
            "1.5 x ATR(10). Buy when the close is above the upper Keltner band. Sell when the "
            "close is below the lower Bollinger band.",
            "EMA",
        ),
        # "modern version" with no definition after it
        ("The Keltner channel, modern version. " + _UP, "modern version"),
        # a multiplier word beside an indicator without one
        ("Buy when RSI(14, 2x multiplier) < 30. Sell when RSI(14) > 70.", "no such setting"),
    ],
)
def test_near_misses_stay_refused(text: str, named: str) -> None:
    assert named in refused(text)


# a position size before a colon that opens the rules (noted)
def test_a_size_before_the_rules_colon() -> None:
    text = (
        "Trade 100 shares each time: buy when RSI(14) crosses above 30, sell when RSI(14) "
        "crosses above 70."
    )
    reads_as(
        text,
        {
            "entry": "RSI(14) crosses_above 30",
            "exit": "RSI(14) crosses_above 70",
            "size": "100 units",
        },
    )
    assert (
        "read 'Trade 100 shares each time' as the size of every trade, set before the rules "
        "after its colon" in parse_description(text).warnings
    )


def test_a_size_before_a_colon_without_an_action_stays_refused() -> None:
    assert ":" in refused("Trade 100 shares each time: RSI(14) crosses above 30.")
