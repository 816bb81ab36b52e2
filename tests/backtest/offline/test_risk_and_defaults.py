"""Stops, targets, trailing stops, position size, and the documented defaults."""

from __future__ import annotations

import pytest

from Backtest.llm.offline import parse_description
from tests.backtest.offline.cases import check

ENTRY = "buy when RSI < 30"


@pytest.mark.parametrize(
    ("risk_text", "field", "value"),
    [
        ("2% stop loss", "stop_loss_pct", 2.0),
        ("stop at 5 percent", "stop_loss_pct", 5.0),
        ("SL 1.5%", "stop_loss_pct", 1.5),
        ("stop-loss of 3%", "stop_loss_pct", 3.0),
        ("cut losses at 4%", "stop_loss_pct", 4.0),
        ("take profit at 10%", "take_profit_pct", 10.0),
        ("TP 3%", "take_profit_pct", 3.0),
        ("profit target of 12 %", "take_profit_pct", 12.0),
        ("6% target", "take_profit_pct", 6.0),
        ("trailing stop of 1.5%", "trailing_stop_pct", 1.5),
        ("2% trailing stop", "trailing_stop_pct", 2.0),
        ("trail the stop by 3 percent", "trailing_stop_pct", 3.0),
    ],
)
def test_risk_phrasings_set_the_right_field(risk_text: str, field: str, value: float) -> None:
    spec = parse_description(f"{ENTRY}, {risk_text}").spec
    assert getattr(spec, field) == value
    others = {"stop_loss_pct", "take_profit_pct", "trailing_stop_pct"} - {field}
    assert all(getattr(spec, other) is None for other in others)
    assert spec.rules.entry is not None  # the percentage did not leak into the rule


@pytest.mark.parametrize(
    ("size_text", "size"),
    [
        ("use 50% of equity", 0.5),
        ("invest 25% of my capital per trade", 0.25),
        ("use half of the account", 0.5),
        ("trade 10 shares", 10),
        ("buy 100 shares", 100),
        ("position size 20%", 0.2),
    ],
)
def test_position_size_phrasings(size_text: str, size: float) -> None:
    assert parse_description(f"{ENTRY}, {size_text}").spec.position_size == size


def test_risk_per_trade_with_a_stop_sizes_the_position() -> None:
    parsed = parse_description(f"{ENTRY}. Risk 1% per trade with a 4% stop.")
    assert parsed.spec.stop_loss_pct == 4.0
    assert parsed.spec.position_size == pytest.approx(0.25)
    assert any("risk per trade" in w for w in parsed.warnings)


def test_ambiguous_risk_without_a_stop_is_a_stop_loss_with_a_warning() -> None:
    parsed = parse_description(f"{ENTRY}, risk 2%")
    assert parsed.spec.stop_loss_pct == 2.0
    assert parsed.spec.position_size == 1.0
    assert any("ambiguous" in w for w in parsed.warnings)


def test_take_profit_alone_means_no_default_exit() -> None:
    assert check(f"{ENTRY}, take profit 5%", entry="RSI(14) < 30", take_profit_pct=5.0) == []


def test_stop_loss_alone_still_gets_the_mirrored_exit() -> None:
    parsed = parse_description(f"{ENTRY}. 2% stop loss.")
    assert (
        check(
            f"{ENTRY}. 2% stop loss.", entry="RSI(14) < 30", exit="RSI(14) > 70", stop_loss_pct=2.0
        )
        == []
    )
    assert any("no exit rule given" in w for w in parsed.warnings)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("buy when RSI is below 30", "RSI timeperiod 14"),
        ("buy when MACD crosses above its signal line", "MACD fastperiod 12"),
        ("buy when CCI crosses above -100", "CCI timeperiod 20"),
        ("buy when price is above the SMA", "SMA timeperiod 20"),
        ("buy when the stochastic is oversold", "STOCH fastk_period 14"),
        ("buy when ADX is above 25 and price is above the EMA", "ADX timeperiod 14"),
    ],
)
def test_defaults_are_the_standard_ones_and_reported(text: str, label: str) -> None:
    assert label in parse_description(text).defaults_used


@pytest.mark.parametrize(
    "text",
    [
        "Buy when the 10-day SMA crosses above the 30-day SMA",
        "buy when the 10 day sma crosses above the 30 day sma",
        "BUY WHEN THE 10D SMA CROSSES ABOVE THE 30D SMA!!!",
        "buy when the ten-day SMA crosses above the thirty-day SMA",
        "buy when the 10 period sma crosses above the 30 period sma",
        "buy when SMA(10) crosses above SMA(30)",
        "buy when sma10 crosses above sma30",
        "  Buy when the 10 bar SMA crosses   above the 30 bar SMA.  ",
    ],
)
def test_spelling_variants_parse_identically(text: str) -> None:
    assert (
        check(text, entry="SMA(10) crosses_above SMA(30)", exit="SMA(10) crosses_below SMA(30)")
        == []
    )


def test_weeks_convert_to_daily_bars() -> None:
    assert (
        check(
            "buy when the close crosses above the 40 week moving average",
            entry="Close crosses_above SMA(200)",
            exit="Close crosses_below SMA(200)",
        )
        == []
    )


def test_parsing_is_deterministic() -> None:
    text = "Buy when RSI(2) < 10 and close > SMA(200); sell when RSI(2) > 70. 3% stop."
    specs = {parse_description(text).spec.model_dump_json() for _ in range(5)}
    assert len(specs) == 1
