"""Structure around the rules learnt in the twenty-second prose round (a): markdown tables of
rules, config lines ("symbol = MSFT", "Bars: daily", "CCI period: 20"), emoji list marks, and
"short side" as a heading; with the near misses that must stay refused. Compared semantically,
in the corpus notation of tests/quality/README.md."""

from __future__ import annotations

import pytest

from Backtest.llm.offline import parse_description
from tests.backtest.offline.readings import reads_as, refused

_TABLE = "| Field | Rule |\n|-------|------|\n"
_BOTH_TABLE = "|       | Long | Short |\n|---|---|---|\n"
_RSI = {"entry": "RSI(14) < 30", "exit": "RSI(14) > 70"}


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        # a table of two columns: each row as "Label: value."
        (
            _TABLE + "| Timeframe | daily |\n| Side | long |\n"
            "| Entry | close crosses above the 20 EMA |\n"
            "| Exit | close crosses below the 20 EMA |\n"
            "| Stop loss | 2% |\n",
            {
                "entry": "Close crosses_above EMA(20)",
                "exit": "Close crosses_below EMA(20)",
                "stop": "2%",
            },
        ),
        (
            "| Setting | Value |\n|:---|---:|\n| Entry | RSI(14) < 30 |\n| Exit | RSI(14) > 70 |\n"
            "| Take profit | 5% |\n| Size | 100 shares |\n",
            {**_RSI, "target": "5%", "size": "100 units"},
        ),
        # a table with a Long and a Short column: each row for each side, once when the same
        (
            "Daily breakout system, both directions:\n\n"
            + _BOTH_TABLE
            + "| Entry | close above the highest high of the prior 20 days | close below the "
            "lowest low of the prior 20 days |\n"
            "| Exit | close below the lowest low of the prior 10 days | close above the highest "
            "high of the prior 10 days |\n| Stop | 2 ATR(20) | 2 ATR(20) |\n",
            {
                "side": "both",
                "entry": "Close above MAX(20, High)[1]",
                "exit": "Close below MIN(10, Low)[1]",
                "short_entry": "Close below MIN(20, Low)[1]",
                "short_exit": "Close above MAX(10, High)[1]",
                "stop": "2 ATR(20)",
            },
        ),
        # config lines: the symbol is the data symbol, a period a declaration of the indicator's
        (
            "config I typed for the backtest:\n\nsymbol = MSFT\nbars = daily\nside = long\n"
            "cci_period = 20\nentry = CCI crosses above -100\nexit = CCI crosses above +100\n"
            "stop_loss = 2.5%\nqty = 200 shares\n",
            {
                "entry": "CCI(20) crosses_above -100",
                "exit": "CCI(20) crosses_above 100",
                "stop": "2.5%",
                "size": "200 units",
            },
        ),
        (
            "Bars: daily\nCCI period: 20\nEntry: CCI crosses above -100\n"
            "Exit: CCI crosses above +100\n",
            {"entry": "CCI(20) crosses_above -100", "exit": "CCI(20) crosses_above 100"},
        ),
        (
            "side = short\nentry = RSI(14) > 70\nexit = RSI(14) < 30\n",
            {"side": "short", "short_entry": "RSI(14) > 70", "short_exit": "RSI(14) < 30"},
        ),
        # emoji list marks, where the line agrees with the mark
        (
            "Turtle-ish breakout, daily bars:\n📈 Long: close above the highest high of the "
            "previous 20 days\n📉 Exit: close below the lowest low of the previous 10 days\n"
            "🛑 Stop: 2 × ATR(20) under the entry\n",
            {
                "entry": "Close above MAX(20, High)[1]",
                "exit": "Close below MIN(10, Low)[1]",
                "stop": "2 ATR(20)",
            },
        ),
        (
            "✅ Buy when RSI(14) < 30\n❌ Sell when RSI(14) > 70\n",
            _RSI,
        ),
        (
            "👉 Buy when RSI(14) < 30\n🔴 Exit when RSI(14) > 70\n🟢 long only\n",
            _RSI,
        ),
        # "short side" as a heading: the one side traded
        (
            "Mean reversion, short side: short when the 50 EMA crosses below the 200 EMA, "
            "cover when it crosses back above.",
            {
                "side": "short",
                "short_entry": "EMA(50) crosses_below EMA(200)",
                "short_exit": "EMA(50) crosses_above EMA(200)",
            },
        ),
        (
            "Short side: short when RSI(14) > 70, cover when RSI(14) < 30.",
            {"side": "short", "short_entry": "RSI(14) > 70", "short_exit": "RSI(14) < 30"},
        ),
    ],
)
def test_reads(text: str, expect: dict[str, object]) -> None:
    reads_as(text, expect)


def test_notes() -> None:
    result = parse_description("symbol = MSFT\nentry = RSI(14) < 30\nexit = RSI(14) > 70\n")
    assert "read the config lines as the settings they name" in result.warnings
    assert any("symbol 'MSFT'" in note for note in result.warnings)
    table = parse_description(_TABLE + "| Entry | RSI(14) < 30 |\n| Exit | RSI(14) > 70 |\n")
    assert any("read the table" in note for note in table.warnings)
    marks = parse_description("✅ Buy when RSI(14) < 30\n❌ Sell when RSI(14) > 70\n")
    assert any("list marks" in note for note in marks.warnings)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # a table row whose label is no field, an empty cell, a row of another width
        (
            _TABLE + "| Entry | RSI(14) < 30 |\n| Mood | bullish |\n| Exit | RSI(14) > 70 |\n",
            "Mood",
        ),
        (_TABLE + "| Entry | RSI(14) < 30 |\n| Exit | |\n", "Exit"),
        (_TABLE + "| Entry | RSI(14) < 30 | extra |\n| Exit | RSI(14) > 70 |\n", "extra"),
        # a header that is not "Rule | Value", a cell that cannot be read
        ("| Buy | Sell |\n|---|---|\n| RSI(14) < 30 | RSI(14) > 70 |\n", "Buy | Sell"),
        (_TABLE + "| Entry | RSI(14) < 30 |\n| Exit | when the moon is full |\n", "moon"),
        # a table with no separator line stays refused for its bars
        ("| Entry | RSI(14) < 30 |\n| Exit | RSI(14) > 70 |\n", "|"),
        # Long and Short columns with a row the parser does not read per side
        (
            _BOTH_TABLE + "| Entry | RSI(14) < 30 | RSI(14) > 70 |\n| Side | long | short |\n",
            "Side",
        ),
        # config: an unknown key, a side that is no side, a period of no indicator
        ("symbol = MSFT\nfast = ema\nentry = RSI(14) < 30\nexit = RSI(14) > 70\n", "fast"),
        ("side = sideways\nentry = RSI(14) < 30\nexit = RSI(14) > 70\n", "sideways"),
        ("foo_period = 14\nentry = RSI(14) < 30\nexit = RSI(14) > 70\n", "foo"),
        ("rsi_period = fourteen\nentry = RSI < 30\nexit = RSI > 70\n", "fourteen"),
        # a period the rules disagree with is never set over theirs
        ("CCI period: 20\nEntry: CCI(14) crosses above -100\nExit: CCI(14) > 100\n", "CCI"),
        ("side = long\nentry = RSI(14) > 70\nshort = RSI(14) > 70\n", "short"),
        # an emoji that may mean something other than a list mark
        ("❌ Buy when RSI(14) < 30\n✅ Sell when RSI(14) > 70\n", "❌"),
        ("✅ Buy when RSI(14) < 30\n🟢 Sell when RSI(14) > 70\n", "🟢"),
        ("❌ Buy when RSI(14) < 30. Sell when RSI(14) > 70.", "❌"),
        ("✅ Buy when RSI(14) < 30\n✅ Sell when RSI(14) > 70\n❌ Short selling\n", "❌"),
        ("✅ Buy when RSI(14) < 30\n✅ Sell when RSI(14) > 70\n❌ Stop loss 2%\n", "❌"),
        # "side" not as a heading
        (
            "I trade the short side: short when RSI(14) > 70, cover when RSI(14) < 30.",
            "side",
        ),
        ("Reversion (short side): short when RSI(14) > 70, cover when RSI(14) < 30.", "Reversion"),
        ("Long side: short when RSI(14) > 70, cover when RSI(14) < 30.", "long only"),
    ],
)
def test_refused(text: str, named: str) -> None:
    assert named in refused(text)
