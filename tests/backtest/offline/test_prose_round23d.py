"""Trader wording learnt in the twenty-third prose round (d), what held-out 23 typed: English
words typed for the parser's own ("crosses up trough 20", "falls bellow 40") read only where the
word meant is certain, "its" for "it's" ("sell when its over 55"), "it has closed lower 3 days
in a row", "I only want to test the short side of this one", a style and a side as a label
("Momentum short: short when ..."); with the near misses that must stay refused. Compared
semantically, in the corpus notation of tests/quality/README.md."""

from __future__ import annotations

import pytest

from Backtest.llm.offline import parse_description
from tests.backtest.offline.readings import reads_as, refused

_SHORT = "Short when RSI(14) crosses back under 70. Cover when it falls below 40. "
_SHORT_EXPECT = {
    "side": "short",
    "short_entry": "RSI(14) crosses_below 70",
    "short_exit": "RSI(14) below 40",
}


@pytest.mark.parametrize(
    ("text", "expect", "note"),
    [
        (
            "Slow stoch 14/3/3: buy when %D crosses up trough 20, sell when %D crosses down "
            "through 80.",
            {
                "entry": "STOCH(14,3,3).slowd crosses_above 20",
                "exit": "STOCH(14,3,3).slowd crosses_below 80",
            },
            "read 'trough' as 'through' (a typo?)",
        ),
        (
            "Short when RSI(14) crosses back under 70. Cover when it falls bellow 40.",
            _SHORT_EXPECT,
            "read 'bellow' as 'below' (a typo?)",
        ),
        (
            "14-period RSI under 25 -> buy 100 shares. sell when its over 55.",
            {"entry": "RSI(14) < 25", "exit": "RSI(14) > 55", "size": "100 units"},
            "read 'its' as 'it's' (a typo?)",
        ),
        (
            "When the close is above the 50 SMA and it has closed lower 3 days in a row, buy. "
            "Sell when the close is below the 50 SMA.",
            {"entry": "all(Close > SMA(50); falling(Close, 3))", "exit": "Close < SMA(50)"},
            "",
        ),
        (_SHORT + "No longs, I only want to test the short side of this one.", _SHORT_EXPECT, ""),
        (_SHORT + "I only want to test the short side.", _SHORT_EXPECT, ""),
        (
            "Momentum short: short when RSI(14) crosses back under 70. Cover when it falls "
            "below 40.",
            _SHORT_EXPECT,
            "set aside 'Momentum' (a label) and read 'short' as 'short only'",
        ),
    ],
)
def test_reads(text: str, expect: dict[str, object], note: str) -> None:
    reads_as(text, expect)
    if note:
        assert any(note in w for w in parse_description(text).warnings)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # an English word typed for another is read only right after a crossing or motion verb
        # and before a number or a line
        ("Buy at the trough when RSI(14) is below 30. Sell when RSI(14) is above 70.", "trough"),
        ("Buy when RSI(14) crosses up trough. Sell when RSI(14) is above 70.", "trough"),
        ("Buy when RSI(14) is below 30. Sell when it falls bellow.", "bellow"),
        ("Buy when RSI(14) is below 30. Sell when the bellow is 40.", "bellow"),
        # "its" is "it's" only between "when" and a comparison
        ("Buy when RSI(14) is below 30. Sell when RSI(14) is at its over 55.", "over"),
        # "closed" is read only as the close of a streak
        ("Buy when RSI(14) is below 30. Sell when the trade is closed.", "closed"),
        ("Buy when RSI(14) is below 30 and it closed. Sell when RSI(14) is above 70.", "closed"),
        # the side named without "only" is no side traded
        (_SHORT + "I want to test the short side.", "short side"),
        # a style label's side must be that of the rule after it
        (
            "Momentum short: buy when RSI(14) is below 30. Sell when RSI(14) is above 70.",
            "short",
        ),
    ],
)
def test_refused(text: str, named: str) -> None:
    assert named in refused(text)


def test_never_short_label_is_not_a_style() -> None:
    """ "Never short: short when ..." says long only: refused as the contradiction it is."""
    assert "long only" in refused(
        "Never short: short when RSI(14) crosses back under 70. Cover when it falls below 40."
    )
