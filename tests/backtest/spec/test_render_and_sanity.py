"""render_understood_as() says what a spec does; sanity_problems() finds rules that never hold."""

from __future__ import annotations

import pytest

from Backtest.spec import (
    example_names,
    example_spec_data,
    render_understood_as,
    sanity_problems,
    upgrade,
    validate_spec,
)


def ema_cross(**fields) -> dict:
    return {
        "version": "2.0",
        "name": "x",
        "indicators": [
            {"id": "fast", "indicator": "EMA", "params": {"timeperiod": 12}},
            {"id": "slow", "indicator": "EMA", "params": {"timeperiod": 26}},
        ],
        "rules": {
            "entry": {"left": "fast", "op": "crosses_above", "right": "slow"},
            "exit": {"left": "fast", "op": "crosses_below", "right": "slow"},
        },
        **fields,
    }


def test_the_issue_example_renders_word_for_word():
    text = render_understood_as(validate_spec(ema_cross(stop_loss={"percent": 2})))
    assert text == (
        "Enter long when EMA(12) crosses above EMA(26). Exit when EMA(12) crosses below EMA(26). "
        "Stop loss 2% below the entry price. Size: 100% of equity."
    )


@pytest.mark.parametrize("name", example_names())
def test_every_example_renders_every_rule_and_setting(name):
    spec = upgrade(validate_spec(example_spec_data(name)))
    text = render_understood_as(spec)
    assert text == render_understood_as(spec)  # deterministic
    assert "Size:" in text
    assert ("Enter long" in text) == (spec.rules.entry is not None)
    assert ("Enter short" in text) == (spec.rules.short_entry is not None)
    for field, words in (
        ("stop_loss", "Stop loss"),
        ("take_profit", "Take profit"),
        ("trailing_stop", "Trailing stop"),
        ("exit_after_bars", "Exit any trade after"),
        ("entry_order", "Long entries use a"),
        ("short_entry_order", "Short entries use a"),
    ):
        assert (words in text) == (getattr(spec, field) is not None), (field, text)


@pytest.mark.parametrize(
    ("node", "words"),
    [
        ({"negate": {"weekdays": ["fri"]}}, "the day is not Friday"),
        ({"months": [11, 12]}, "the month is November or December"),
        (
            {"time_from": "09:30", "time_to": "11:00"},
            "the time of day is from 09:30 to before 11:00",
        ),
        ({"trend": "falling", "of": "Close", "bars": 3}, "Close has fallen on each of the last 3"),
        ({"trend": "rising", "of": "fast"}, "EMA(12) is rising"),
        (
            {"held_for": 3, "condition": {"left": "Close", "op": ">", "right": "slow"}},
            "on each of the last 3 bars, Close is above EMA(26)",
        ),
        (
            {"left": {"change_pct": "Close", "bars": 5}, "op": "<", "right": -10},
            "the 5-bar % change of Close is below -10",
        ),
        (
            {"left": "Close", "op": "<", "right": {"left": "slow", "arith": "*", "right": 0.95}},
            "Close is below EMA(26) * 0.95",
        ),
        (
            {"left": "Close", "op": ">", "right": {"ref": "High", "bars_ago": 1}},
            "Close is above High 1 bar ago",
        ),
    ],
)
def test_each_condition_kind_reads_as_english(node, words):
    data = ema_cross()
    data["rules"]["entry"] = node
    assert words in render_understood_as(validate_spec(data))


def test_a_persistence_inside_a_group_is_bracketed_so_its_scope_reads_right():
    data = ema_cross()
    data["rules"]["entry"] = {
        "logic": "all",
        "conditions": [
            {"held_for": 4, "condition": {"left": "Close", "op": ">", "right": "slow"}},
            {"left": "fast", "op": ">", "right": "slow"},
        ],
    }
    text = render_understood_as(validate_spec(data))
    assert (
        "Enter long when (on each of the last 4 bars, Close is above EMA(26)) and EMA(12) is "
        "above EMA(26)."
    ) in text


def test_settings_render_with_their_side_and_kind():
    text = render_understood_as(
        validate_spec(
            ema_cross(
                side="short",
                rules={
                    "short_entry": {"left": "fast", "op": "crosses_below", "right": "slow"},
                },
                take_profit={"atr": 3},
                trailing_stop={"percent": 4},
                sizing={"mode": "risk_percent", "value": 1},
                stop_loss={"percent": 5},
            )
        )
    )
    assert "Take profit 3 × ATR(14) below the entry price." in text
    assert "Trailing stop 4% above the lowest close since entry." in text
    assert "Size: risk 1% of equity per trade" in text


def test_no_exit_at_all_is_said_plainly():
    data = ema_cross()
    del data["rules"]["exit"]
    assert "There is no exit rule" in render_understood_as(validate_spec(data))


def entry_only(node, indicators=None) -> dict:
    return {
        "version": "2.0",
        "name": "x",
        "indicators": indicators or [],
        "rules": {"entry": node},
    }


RSI = [{"id": "rsi", "indicator": "RSI"}]
HIGHEST = [{"id": "hh", "indicator": "MAX", "params": {"timeperiod": 20}, "source": "High"}]
DONCHIAN = [{"id": "dc", "indicator": "DONCHIAN"}]


def _all(*conditions):
    return {"logic": "all", "conditions": list(conditions)}


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (
            entry_only(
                _all(
                    {"left": "rsi", "op": ">", "right": 70}, {"left": "rsi", "op": "<", "right": 30}
                ),
                RSI,
            ),
            "can never both be true",
        ),
        (
            entry_only(
                _all(
                    {"left": "rsi", "op": "crosses_above", "right": 70},
                    {"left": "rsi", "op": "<", "right": 30},
                ),
                RSI,
            ),
            "can never both be true",
        ),
        (
            entry_only(
                _all(
                    {"left": 70, "op": "crosses_below", "right": "rsi"},
                    {"left": "rsi", "op": "crosses_below", "right": 30},
                ),
                RSI,
            ),
            "can never both be true",
        ),
        (
            entry_only({"left": "rsi", "op": ">", "right": "rsi"}, RSI),
            "compares a value with itself",
        ),
        (entry_only({"left": "rsi", "op": ">", "right": 100}, RSI), "stays between 0 and 100"),
        (
            entry_only({"left": "Close", "op": "crosses_above", "right": "hh"}, HIGHEST),
            "channel includes the current bar",
        ),
        (
            entry_only({"left": "Close", "op": ">", "right": "dc.upper"}, DONCHIAN),
            "channel includes the current bar",
        ),
        (
            entry_only(_all({"weekdays": ["mon"]}, {"weekdays": ["fri"]})),
            "weekday filters exclude each other",
        ),
    ],
)
def test_rules_that_can_never_hold_are_found(data, fragment):
    problems = sanity_problems(validate_spec(data))
    assert len(problems) == 1
    assert problems[0].startswith("The long entry can never be true")
    assert fragment in problems[0]


def test_an_exit_that_can_never_fire_is_named_as_such():
    data = ema_cross()
    data["rules"]["exit"] = {"left": "Close", "op": "<", "right": -1}
    assert sanity_problems(validate_spec(data)) == [
        "The long exit can never fire: 'Close is below -1' can never be true: the value stays "
        "between 0 and inf."
    ]


def test_sensible_specs_have_no_problems():
    for name in example_names():
        assert sanity_problems(validate_spec(example_spec_data(name))) == [], name
    previous_bar = {"left": "Close", "op": ">", "right": {"ref": "dc.upper", "bars_ago": 1}}
    assert sanity_problems(validate_spec(entry_only(previous_bar, DONCHIAN))) == []
    either = {
        "logic": "any",
        "conditions": [{"left": "Close", "op": "<", "right": -1}, {"weekdays": ["mon"]}],
    }
    assert sanity_problems(validate_spec(entry_only(either))) == []
    jump = _all(
        {"left": "rsi", "op": "crosses_above", "right": 30}, {"left": "rsi", "op": ">", "right": 70}
    )
    assert sanity_problems(validate_spec(entry_only(jump, RSI))) == []
