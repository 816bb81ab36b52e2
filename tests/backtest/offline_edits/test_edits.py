"""apply_edit: each phrasing makes exactly the expected change to the spec, and nothing else."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from Backtest.llm.offline import parse_description
from Backtest.llm.offline.edits import EditNotUnderstood, EditResult, apply_edit
from Backtest.spec import compile_spec, example_spec_data, validate_spec
from Backtest.validation import validate_code


def _spec(name: str) -> dict[str, Any]:
    """An example spec in the normalised form strategies store (``model_dump``)."""
    return validate_spec(example_spec_data(name)).model_dump(mode="json")


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        data = data[int(part)] if part.isdigit() else data[part]
    data[int(last) if last.isdigit() else last] = value


def _cond(left: Any, op: str, right: Any) -> dict[str, Any]:
    return {"left": left, "op": op, "right": right}


def _all(*conditions: dict[str, Any]) -> dict[str, Any]:
    return {"logic": "all", "conditions": list(conditions)}


def _indicator(id_: str, name: str, params: dict, source: str | None = None) -> dict[str, Any]:
    return {"id": id_, "indicator": name, "params": params, "source": source, "inputs": None}


RSI = _indicator("rsi", "RSI", {"timeperiod": 14})

# (example spec, message, {dotted path in the spec: new value}); everything else must not change.
EDITS: list[tuple[str, str, dict[str, Any]]] = [
    # indicator parameters
    ("rsi_reversion", "change the RSI period to 21", {"indicators.0.params.timeperiod": 21}),
    ("rsi_reversion", "set the rsi length to 21", {"indicators.0.params.timeperiod": 21}),
    (
        "rsi_reversion",
        "Please change the RSI(14) period to 21, thanks",
        {"indicators.0.params.timeperiod": 21},
    ),
    ("rsi_reversion", "make the RSI period 21", {"indicators.0.params.timeperiod": 21}),
    ("sma_cross", "use a 50 day SMA instead of 30", {"indicators.1.params.timeperiod": 50}),
    ("sma_cross", "set the slow SMA to 50", {"indicators.1.params.timeperiod": 50}),
    ("sma_cross", "change the 30 SMA to 50", {"indicators.1.params.timeperiod": 50}),
    ("sma_cross", "change 30 to 50", {"indicators.1.params.timeperiod": 50}),
    ("sma_cross", "make the fast SMA 5", {"indicators.0.params.timeperiod": 5}),
    ("sma_cross", "change the fast one to 5", {"indicators.0.params.timeperiod": 5}),
    ("ema_cross", "change the slow period to 40", {"indicators.1.params.timeperiod": 40}),
    ("ema_cross", "use a 20 day EMA instead of 12", {"indicators.0.params.timeperiod": 20}),
    (
        "macd_signal_cross",
        "change the MACD signal period to 7",
        {"indicators.0.params.signalperiod": 7},
    ),
    ("macd_signal_cross", "set the MACD fast period to 8", {"indicators.0.params.fastperiod": 8}),
    (
        "macd_signal_cross",
        "change the MACD to 8, 21, 5",
        {"indicators.0.params": {"fastperiod": 8, "slowperiod": 21, "signalperiod": 5}},
    ),
    (
        "bollinger_reversion",
        "set the bollinger deviation to 2.5",
        {"indicators.0.params.nbdevup": 2.5, "indicators.0.params.nbdevdn": 2.5},
    ),
    ("bollinger_reversion", "change the band period to 30", {"indicators.0.params.timeperiod": 30}),
    # risk settings
    ("rsi_reversion", "add a 2% stop loss", {"stop_loss_pct": 2.0}),
    ("rsi_reversion", "stop loss 2%", {"stop_loss_pct": 2.0}),
    ("ema_cross", "remove the stop loss", {"stop_loss_pct": None}),
    ("ema_cross", "no stop loss please", {"stop_loss_pct": None}),
    ("ema_cross", "change the stop loss from 5% to 3%", {"stop_loss_pct": 3.0}),
    ("ema_cross", "tighten the stop to 2.5%", {"stop_loss_pct": 2.5}),
    ("rsi_reversion", "set take profit to 5%", {"take_profit_pct": 5.0}),
    (
        "rsi_reversion",
        "take profit at 8% and trailing stop 2%",
        {"take_profit_pct": 8.0, "trailing_stop_pct": 2.0},
    ),
    ("rsi_reversion", "trail by 1.5%", {"trailing_stop_pct": 1.5}),
    ("rsi_with_risk", "remove the trailing stop", {"trailing_stop_pct": None}),
    ("rsi_with_risk", "drop the take profit", {"take_profit_pct": None}),
    ("rsi_reversion", "use 50% of equity", {"position_size": 0.5}),
    ("rsi_reversion", "use 10 shares", {"position_size": 10.0}),
    ("rsi_with_risk", "use all equity", {"position_size": 1.0}),
    # thresholds and rules
    ("rsi_reversion", "exit when RSI is above 65 instead", {"rules.exit.conditions.0.right": 65}),
    ("rsi_reversion", "sell when RSI rises above 65", {"rules.exit.conditions.0.right": 65}),
    (
        "rsi_reversion",
        "buy when RSI drops below 25 instead of 30",
        {"rules.entry.conditions.0.right": 25},  # "<" is kept: only the level was asked for
    ),
    (
        "rsi_reversion",
        "buy when RSI crosses below 25",
        {"rules.entry.conditions.0": _cond("rsi", "crosses_below", 25)},
    ),
    ("rsi_reversion", "change the oversold level to 25", {"rules.entry.conditions.0.right": 25}),
    ("rsi_reversion", "change the overbought level to 75", {"rules.exit.conditions.0.right": 75}),
    ("rsi_reversion", "change the exit threshold to 60", {"rules.exit.conditions.0.right": 60}),
    ("rsi_reversion", "sell at 60 instead of 50", {"rules.exit.conditions.0.right": 60}),
    (
        "rsi_with_risk",
        "buy when RSI crosses above 40 instead of 35",
        {"rules.entry.conditions.0.right": 40},  # the trend filter stays
    ),
    (
        "stochastic_nested",
        "sell when %K is above 85 instead of 80",
        {"rules.exit.conditions.1.right": 85},
    ),
    (
        "stochastic_nested",
        "buy when %K is below 20",
        {"rules.entry.conditions.1.conditions.0.right": 20},
    ),
    (
        "rsi_reversion",
        "buy when RSI < 25 and sell when RSI > 75",
        {"rules.entry.conditions.0.right": 25, "rules.exit.conditions.0.right": 75},
    ),
    (
        "rsi_reversion",
        "also exit when RSI is above 80",
        {
            "rules.exit": {
                "logic": "any",
                "conditions": [_cond("rsi", ">", 50), _cond("rsi", ">", 80)],
            }
        },
    ),
    ("rsi_reversion", "exit on the opposite signal", {"rules.exit": _cond("rsi", ">", 70)}),
    (
        "sma_cross",
        "exit when RSI is above 65 instead",
        {
            "rules.exit": _cond("rsi", ">", 65),
            "indicators": [*_spec("sma_cross")["indicators"], RSI],
        },
    ),
    (
        "rsi_reversion",
        "exit when price crosses below the 20 day EMA",
        {
            "rules.exit": _cond("Close", "crosses_below", "ema"),
            "indicators": [RSI, _indicator("ema", "EMA", {"timeperiod": 20})],
        },
    ),
    # side
    (
        "rsi_reversion",
        "make it short only",
        {
            "side": "short",
            "rules.entry": None,
            "rules.exit": None,
            "rules.short_entry": _all(_cond("rsi", ">", 70)),
            "rules.short_exit": _all(_cond("rsi", "<", 50)),
        },
    ),
    (
        "rsi_reversion",
        "trade both directions",
        {
            "side": "both",
            "rules.short_entry": _all(_cond("rsi", ">", 70)),
            "rules.short_exit": _all(_cond("rsi", "<", 50)),
        },
    ),
    ("both_sides", "make it long only", {"side": "long", "rules.short_entry": None}),
    (
        "short_only",
        "go long only",
        {
            "side": "long",
            "rules.entry": _cond("fast", "crosses_above", "slow"),
            "rules.exit": _cond("fast", "crosses_below", "slow"),
            "rules.short_entry": None,
            "rules.short_exit": None,
        },
    ),
    (
        "donchian_breakout",
        "make it short only",
        {
            "side": "short",
            "indicators": [
                _indicator("lowest", "MIN", {"timeperiod": 20}, "Low"),
                _indicator("highest", "MAX", {"timeperiod": 10}, "High"),
            ],
            "rules.entry": None,
            "rules.exit": None,
            "rules.short_entry": _cond("Close", "<", {"ref": "lowest", "bars_ago": 1}),
            "rules.short_exit": _cond("Close", ">", {"ref": "highest", "bars_ago": 1}),
        },
    ),
    # several edits in one message
    (
        "rsi_reversion",
        "Set the RSI period to 21. Add a 3% stop loss.",
        {"indicators.0.params.timeperiod": 21, "stop_loss_pct": 3.0},
    ),
    (
        "sma_cross",
        "change the fast SMA to 5 and set the slow SMA to 50",
        {"indicators.0.params.timeperiod": 5, "indicators.1.params.timeperiod": 50},
    ),
]


@pytest.mark.parametrize(("example", "message", "changes"), EDITS)
def test_edit_changes_exactly_what_was_asked(example, message, changes):
    original = _spec(example)
    result = apply_edit(copy.deepcopy(original), message)
    expected = copy.deepcopy(original)
    for path, value in changes.items():
        _set(expected, path, value)
    assert result.spec == expected, result.summary
    assert result.understood
    assert result.summary.startswith("Updated the strategy: ")
    assert validate_code(compile_spec(validate_spec(result.spec))).ok


def test_edit_does_not_mutate_its_input():
    spec = _spec("rsi_reversion")
    before = copy.deepcopy(spec)
    apply_edit(spec, "make it short only and change the RSI period to 21")
    assert spec == before


def test_understood_lines_show_before_and_after():
    result = apply_edit(_spec("sma_cross"), "use a 50 day SMA instead of 30")
    assert result.understood == ["slow (timeperiod): SMA(30) -> SMA(50)"]
    result = apply_edit(_spec("rsi_reversion"), "buy when RSI drops below 25 instead of 30")
    assert result.understood == ["Long entry: 'RSI(14) is below 30' -> 'RSI(14) is below 25'"]


def test_edits_work_on_specs_from_the_offline_generator():
    spec = parse_description(
        "Buy when the 10-day SMA crosses above the 30-day SMA, sell when it crosses back below."
    ).spec.model_dump(mode="json")
    result = apply_edit(spec, "change the slow SMA to 50")
    assert [i["params"]["timeperiod"] for i in result.spec["indicators"]] == [10, 50]
    assert result.spec["rules"] == spec["rules"]


@pytest.mark.parametrize(
    "message",
    ["what does this strategy do?", "explain", "Explain the strategy", "how does it exit?"],
)
def test_questions_are_answered_from_the_spec_without_a_change(message):
    result = apply_edit(_spec("rsi_with_risk"), message)
    assert result.spec is None
    assert result.summary.splitlines() == [
        "This strategy trades long only: it buys, then sells to close.",
        "Indicators: rsi = RSI(14), trend = EMA(100).",
        "Long entry when RSI(14) crosses above 35 and Close is above EMA(100).",
        "There is no exit rule: positions close only through the risk settings.",
        "Risk: stop loss 3%, take profit 8%, trailing stop 4%.",
        "Position size: 50% of equity per trade.",
    ]


@pytest.mark.parametrize(
    ("example", "message", "line"),
    [
        ("rsi_reversion", "make it long only", "Side: already long"),
        ("rsi_reversion", "remove the take profit", "Take profit: none set"),
        (
            "sma_cross",
            "sell when the fast SMA crosses below the slow SMA",
            "Long exit: 'SMA(10) crosses below SMA(30)' -> 'SMA(10) crosses below SMA(30)'",
        ),
    ],
)
def test_edit_that_changes_nothing_returns_no_spec(example, message, line):
    result = apply_edit(_spec(example), message)
    assert result.spec is None
    assert result.summary.startswith("Nothing to change")
    assert result.understood == [line]


def _not_understood(spec: dict[str, Any], message: str) -> EditNotUnderstood:
    with pytest.raises(EditNotUnderstood) as excinfo:
        apply_edit(spec, message)
    assert excinfo.value.examples  # always says what works
    return excinfo.value


@pytest.mark.parametrize(
    ("example", "message", "fragment"),
    [
        ("rsi_reversion", "", "empty"),
        ("rsi_reversion", "make it better", "Could not turn 'make it better'"),
        ("rsi_reversion", "hello there", "Could not turn"),
        ("ema_cross", "change the RSI period to 21", "This strategy has no RSI"),
        ("rsi_reversion", "change the RSI period to 1", "between 2 and 500"),
        ("rsi_reversion", "set the stop loss to 150%", "between 0 and 100%"),
        ("rsi_reversion", "short when RSI is above 75", "trades long only"),
        ("rsi_reversion", "buy when RSI is below 20 instead of 40", "no condition"),
        ("rsi_reversion", "exit when the moon is full", "only price and volume"),
        ("rsi_reversion", "make it short only when RSI > 70", "in a message of its own"),
        ("rsi_reversion", "change the RSI to 5%", "plain numbers"),
        ("rsi_reversion", "x" * 2001, "too long"),
        ("short_only", "set take profit to 150%", "negative price"),
    ],
)
def test_requests_it_cannot_do_are_refused_with_a_reason(example, message, fragment):
    error = _not_understood(_spec(example), message)
    assert fragment in error.message


@pytest.mark.parametrize(
    ("example", "message", "candidates"),
    [
        (
            "sma_cross",
            "change the SMA period to 50",
            ["fast: SMA(10) timeperiod 10", "slow: SMA(30) timeperiod 30"],
        ),
        (
            "sma_cross",
            "use a 50 day SMA",
            ["fast: SMA(10) timeperiod 10", "slow: SMA(30) timeperiod 30"],
        ),
        (
            "rsi_reversion",
            "set RSI to 21",
            [
                "rsi: RSI(14) timeperiod 14",
                "Long entry: RSI(14) is below 30",
                "Long exit: RSI(14) is above 50",
            ],
        ),
    ],
)
def test_ambiguous_requests_list_the_candidates(example, message, candidates):
    error = _not_understood(_spec(example), message)
    assert "say which one" in error.message
    assert error.candidates == candidates


def test_ambiguous_condition_asks_which_and_instead_of_resolves_it():
    spec = parse_description("Buy when RSI is between 20 and 40, sell when RSI > 70").spec
    data = spec.model_dump(mode="json")
    error = _not_understood(data, "buy when RSI is below 35")
    assert error.candidates == ["RSI(14) is above 20", "RSI(14) is below 40"]
    result = apply_edit(data, "buy when RSI is below 35 instead of 40")
    assert result.spec["rules"]["entry"]["conditions"][1]["right"] == 35
    assert result.spec["rules"]["entry"]["conditions"][0]["right"] == 20


def test_an_invalid_stored_spec_is_refused_not_crashed():
    spec = _spec("rsi_reversion")
    spec["indicators"][0]["indicator"] = "NOPE"
    error = _not_understood(spec, "change the RSI period to 21")
    assert "stored spec is not valid" in error.message


def test_result_type_is_plain_data():
    result = apply_edit(_spec("rsi_reversion"), "add a 2% stop loss")
    assert isinstance(result, EditResult)
    assert result.understood == ["Stop loss: none -> 2%"]
