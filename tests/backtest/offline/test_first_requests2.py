"""What a trader types the first time, round 2: "sma crossover 50 200", "sell on a cross down",
"buy on monday sell on friday". Each reads as meant and says what it assumed; near misses are
refused, and the refusal says how to write them."""

from __future__ import annotations

import pytest

from Backtest.llm.offline import parse_description
from tests.backtest.offline.readings import reads_as, refused


@pytest.mark.parametrize(
    ("text", "fast", "slow", "family"),
    [
        ("sma crossover 50 200", 50, 200, "SMA"),
        ("ema crossover 9 21", 9, 21, "EMA"),
        ("ema cross 9/21", 9, 21, "EMA"),
        ("moving average crossover 20 50", 20, 50, "SMA"),
        ("ma cross 10 30", 10, 30, "SMA"),
    ],
)
def test_a_crossover_with_its_two_periods_after_the_noun(
    text: str, fast: int, slow: int, family: str
) -> None:
    reads_as(
        text,
        {
            "entry": f"{family}({fast}) crosses_above {family}({slow})",
            "exit": f"{family}({fast}) crosses_below {family}({slow})",
        },
    )
    note = f"'{family}({fast}) / {family}({slow}) crossover' read as: enter on the upward cross"
    assert any(w.startswith(note) for w in parse_description(text).warnings)


@pytest.mark.parametrize("text", ["sma crossover 200 50", "sma cross 200/50", "sma 200 50 cross"])
def test_a_crossover_with_the_slower_period_first_is_refused(text: str) -> None:
    assert "the slower SMA is written first" in refused(text)


@pytest.mark.parametrize(
    "text",
    ["rsi crossover 30/70", "rsi 30 70 cross", "rsi 30/70 crossover", "cci 100 200 cross"],
)
def test_two_numbers_of_an_oscillators_crossover_are_never_read_as_two_periods(text: str) -> None:
    # levels 30 and 70 of one RSI, or an RSI(30) crossing an RSI(70)? never guessed
    assert "or one" in refused(text)
