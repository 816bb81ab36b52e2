"""Chat edits of a moving average's kind (Backtest/llm/offline/edit_kinds.py)."""

from __future__ import annotations

import pytest

from Backtest.llm.offline.edits import EditNotUnderstood, apply_edit
from Backtest.spec import compile_spec, render_understood_as, validate_spec_v2
from Backtest.validation import validate_code
from tests.backtest.offline.readings import spec_data

_CROSS = (
    "Buy when the 10-day SMA crosses above the 30-day SMA, sell when it crosses below. "
    "Only trade when RSI(14) is above 50."
)


@pytest.mark.parametrize(
    "message",
    [
        "use ema instead of sma",
        "switch sma to ema",
        "change the SMAs to EMAs",
        "replace the sma with an exponential moving average",
        "please use EMAs rather than SMAs",
    ],
)
def test_every_average_of_the_kind_named_becomes_the_other_kind(message: str) -> None:
    result = apply_edit(spec_data(_CROSS), message)
    assert result.summary == "Updated the strategy: SMA(10) -> EMA(10); SMA(30) -> EMA(30)."
    assert not result.replaced
    spec = validate_spec_v2(result.spec)
    assert render_understood_as(spec).startswith(
        "Enter long when EMA(10) crosses above EMA(30) and RSI(14) is above 50. "
        "Exit when EMA(10) crosses below EMA(30)."
    )
    # the ids follow the kind wherever the spec names them, and the code is valid
    assert [i.id for i in spec.indicators] == ["ema", "ema_30", "rsi"]
    assert result.spec["rules"]["exit"] == {
        "left": "ema",
        "op": "crosses_below",
        "right": "ema_30",
    }
    assert validate_code(compile_spec(spec)).ok


def test_an_id_already_taken_is_kept() -> None:
    both = spec_data(
        "Buy when SMA(20) crosses above EMA(50). Sell when SMA(20) crosses below EMA(50)."
    )
    result = apply_edit(both, "use EMA instead of SMA")
    spec = validate_spec_v2(result.spec)
    assert [(i.id, i.indicator) for i in spec.indicators] == [("sma", "EMA"), ("ema", "EMA")]
    assert render_understood_as(spec).startswith("Enter long when EMA(20) crosses above EMA(50).")


@pytest.mark.parametrize(
    ("message", "said"),
    [
        ("use wma instead of ema", "This strategy has no EMA"),
        ("switch rsi to cci", "Only a moving average's kind can be swapped"),
    ],
)
def test_a_kind_the_strategy_lacks_or_no_average_is_refused(message: str, said: str) -> None:
    with pytest.raises(EditNotUnderstood, match=said):
        apply_edit(spec_data(_CROSS), message)
