"""The offline path: description -> spec -> code that validates, runs on GOOG and trades."""

from __future__ import annotations

import pytest

from Backtest.llm.offline import DescriptionNotUnderstood
from Backtest.strategy_generator import OFFLINE_MODEL, StrategyGenerator
from Backtest.validation import validate_code
from tests.backtest.generator.backtest_helper import run_on_goog


@pytest.mark.parametrize(
    "description",
    [
        "Buy when the 10-day SMA crosses above the 30-day SMA, sell when it crosses back below.",
        "Buy when RSI(14) drops below 30, sell when it rises above 70. 5% stop loss.",
        "Go long when MACD crosses above its signal line, exit when it crosses below.",
        "Buy when price touches the lower Bollinger Band (20, 2), sell at the middle band.",
        "Short when the close crosses below the 50 EMA, cover when it crosses back above.",
        "both directions: EMA 12/26 crossover, 2% stop, use 50% of equity",
    ],
)
def test_offline_strategy_runs_on_goog_and_trades(description: str) -> None:
    result = StrategyGenerator().generate(description)
    assert result.provider == "offline"
    assert result.model == OFFLINE_MODEL
    assert not result.needs_fixing
    assert validate_code(result.code).ok
    stats = run_on_goog(result.code)
    assert stats["# Trades"] > 0


def test_offline_result_carries_spec_understood_and_class_name() -> None:
    result = StrategyGenerator().generate("RSI under 30 = buy, RSI over 70 = sell", name="Dip")
    assert result.spec is not None
    assert result.spec["name"] == "Dip"
    assert result.spec["rules"]["entry"] == {"left": "rsi", "op": "<", "right": 30}
    assert result.strategy_class == "Dip"
    assert result.understood_as.startswith("Enter long when RSI(14) is below 30.")
    assert "Enter long when RSI(14) is below 30." in result.understood
    assert result.to_dict()["provider"] == "offline"


def test_offline_generator_propagates_the_typed_refusal() -> None:
    with pytest.raises(DescriptionNotUnderstood) as info:
        StrategyGenerator().generate("buy when the moon is full")
    assert info.value.code == "description_not_understood"
