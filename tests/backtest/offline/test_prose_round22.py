"""Prose round 22 (lead): "breaks the upper/lower band" of any channel (Bollinger, Keltner,
Donchian): above an upper line, below a lower one; a line with no side is not read."""

from __future__ import annotations

import pytest

from tests.backtest.offline.readings import reads_as, refused


@pytest.mark.parametrize(
    "exit_phrase",
    ["the close breaks the lower band", "the close breaks the lower Bollinger band (20, 2)"],
)
def test_breaking_a_bollinger_band_is_crossing_it_the_way_its_side_says(exit_phrase: str) -> None:
    reads_as(
        f"Buy when the close breaks the upper Bollinger band (20, 2), sell when {exit_phrase}.",
        {
            "entry": "Close above BBANDS(20,2,2).upperband",
            "exit": "Close below BBANDS(20,2,2).lowerband",
        },
    )


def test_the_lower_band_of_a_donchian_channel_named_before_is_broken_downwards() -> None:
    reads_as(
        "Buy when the close breaks above the upper band of a 20-day Donchian channel, "
        "sell when it breaks the lower band.",
        {"entry": "Close above DONCHIAN(20).upper[1]", "exit": "Close below DONCHIAN(20).lower[1]"},
    )


def test_a_keltner_band_is_broken_the_way_its_side_says() -> None:
    reads_as(
        "Short when the close breaks the lower Keltner channel (20, 10, 2). "
        "Cover when the close breaks the upper Keltner channel (20, 10, 2).",
        {
            "side": "short",
            "short_entry": "Close below KELTNER(20,10,2).lower",
            "short_exit": "Close above KELTNER(20,10,2).upper",
        },
    )


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # a middle line has no side: broken up or down?
        (
            "Buy when the close breaks the upper Keltner channel (20, 10, 2). "
            "Sell when it breaks the middle band.",
            "middle band",
        ),
        # no channel named: the lower band of what?
        (
            "Buy when the close crosses above the 50 SMA, sell when the close breaks the lower "
            "band.",
            "lower band",
        ),
        # an average has no side either
        ("Buy when the close breaks the 200 SMA, sell when RSI(14) > 70.", ""),
    ],
)
def test_a_line_with_no_side_or_no_channel_is_not_broken(text: str, named: str) -> None:
    assert named in refused(text)
