"""apply_edit: each phrasing makes exactly the expected change, additively unless told otherwise."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from Backtest.llm.offline import parse_description
from Backtest.llm.offline.edits import EditNotUnderstood, EditResult, apply_edit
from Backtest.spec import compile_spec, example_spec_data, validate_spec, validate_spec_v2
from Backtest.validation import validate_code
from tests.backtest.offline.readings import spec_data


def _spec(name: str) -> dict[str, Any]:
    """An example spec in the 2.0 form the editor returns (1.0 examples are upgraded)."""
    return validate_spec_v2(example_spec_data(name)).model_dump(mode="json", exclude_none=True)


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        data = data[int(part)] if part.isdigit() else data[part]
    if value is _DELETE:
        del data[int(last) if last.isdigit() else last]
    else:
        data[int(last) if last.isdigit() else last] = value


_DELETE = object()


def _cond(left: Any, op: str, right: Any) -> dict[str, Any]:
    return {"left": left, "op": op, "right": right}


def _all(*conditions: dict[str, Any]) -> dict[str, Any]:
    return {"logic": "all", "conditions": list(conditions)}


# (example, message, {dotted path: new value}); everything else must stay as it was.
EDITS: list[tuple[str, str, dict[str, Any]]] = [
    ("rsi_reversion", "change the RSI period to 21", {"indicators.0.params.timeperiod": 21}),
    ("rsi_reversion", "set the rsi length to 21", {"indicators.0.params.timeperiod": 21}),
    (
        "rsi_reversion",
        "Please change the RSI(14) period to 21, thanks",
        {"indicators.0.params.timeperiod": 21},
    ),
    ("sma_cross", "use a 50 day SMA instead of 30", {"indicators.1.params.timeperiod": 50}),
    ("sma_cross", "set the slow SMA to 50", {"indicators.1.params.timeperiod": 50}),
    ("sma_cross", "change 30 to 50", {"indicators.1.params.timeperiod": 50}),
    ("sma_cross", "make the fast SMA 5", {"indicators.0.params.timeperiod": 5}),
    (
        "macd_signal_cross",
        "change the MACD signal period to 7",
        {"indicators.0.params.signalperiod": 7},
    ),
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
    ("rsi_reversion", "change the oversold level to 25", {"rules.entry.conditions.0.right": 25}),
    ("rsi_reversion", "sell at 60 instead of 50", {"rules.exit.conditions.0.right": 60}),
    # exits and sizing
    ("rsi_reversion", "add a 2% stop loss", {"stop_loss": {"percent": 2.0}}),
    ("rsi_reversion", "set a stop at 2 ATR", {"stop_loss": {"atr": 2.0, "atr_period": 14}}),
    ("ema_cross", "remove the stop loss", {"stop_loss": _DELETE}),
    ("ema_cross", "change the stop loss from 5% to 3%", {"stop_loss": {"percent": 3.0}}),
    (
        "rsi_reversion",
        "take profit at 8% and trailing stop 2%",
        {"take_profit": {"percent": 8.0}, "trailing_stop": {"percent": 2.0}},
    ),
    ("rsi_reversion", "exit after 10 bars", {"exit_after_bars": 10}),
    ("rsi_reversion", "use 50% of equity", {"sizing": {"mode": "equity_fraction", "value": 0.5}}),
    ("rsi_reversion", "use 10 shares", {"sizing": {"mode": "units", "value": 10.0}}),
    # filters and alternatives are added, never replacing
    (
        "sma_cross",
        "only trade when the 200 SMA is rising",
        {
            "rules.entry": _all(
                _cond("fast", "crosses_above", "slow"),
                {"trend": "rising", "of": "sma_200", "bars": 1},
            ),
            "indicators": [
                *_spec("sma_cross")["indicators"],
                {"id": "sma_200", "indicator": "SMA", "params": {"timeperiod": 200}},
            ],
        },
    ),
    (
        "rsi_reversion",
        "don't trade on Fridays",
        {
            "rules.entry.conditions": [
                _cond("rsi", "<", 30),
                {"negate": {"weekdays": ["fri"]}},
            ]
        },
    ),
    (
        "rsi_reversion",
        "also exit when RSI is above 80",
        {
            "rules.exit": {
                "logic": "any",
                "conditions": [_all(_cond("rsi", ">", 50)), _cond("rsi", ">", 80)],
            }
        },
    ),
    # side
    (
        "rsi_reversion",
        "make it short only",
        {
            "side": "short",
            "rules": {
                "short_entry": _cond("rsi", ">", 70),  # a group of one is written as its member
                "short_exit": _cond("rsi", "<", 50),
            },
        },
    ),
    (
        "both_sides",
        "make it long only",
        {"side": "long", "rules": {"entry": _cond("fast", "crosses_above", "slow")}},
    ),
    # several edits in one message
    (
        "rsi_reversion",
        "Set the RSI period to 21. Add a 3% stop loss.",
        {"indicators.0.params.timeperiod": 21, "stop_loss": {"percent": 3.0}},
    ),
]


@pytest.mark.parametrize(("example", "message", "changes"), EDITS, ids=[e[1][:40] for e in EDITS])
def test_edit_changes_exactly_what_was_asked(example: str, message: str, changes: dict) -> None:
    original = _spec(example)
    result = apply_edit(copy.deepcopy(original), message)
    expected = copy.deepcopy(original)
    for path, value in changes.items():
        _set(expected, path, value)
    assert result.spec == expected, result.summary
    assert result.summary.startswith("Updated the strategy: ")
    assert not result.replaced
    assert validate_code(compile_spec(validate_spec(result.spec))).ok


def test_a_filter_makes_the_new_entry_a_conjunction_containing_the_old_one() -> None:
    original = _spec("ema_cross")
    result = apply_edit(original, "only trade when the 200 SMA is rising")
    new_entry = result.spec["rules"]["entry"]
    assert new_entry["logic"] == "all"
    assert all(old in new_entry["conditions"] for old in original["rules"]["entry"]["conditions"])
    assert result.replaced is False
    assert "(filter added)" in result.summary


@pytest.mark.parametrize(
    "message",
    [
        "buy only when the 200 SMA is rising",
        "trade only when the 200 SMA is rising",
        "enter only if the 200 SMA is rising",
    ],
)
def test_only_after_the_verb_is_a_filter_too(message: str) -> None:
    # "trade only when ..." was refused as a new long exit; "buy only when ..." asked for
    # 'instead' or 'also', though it restricts the entries as "only buy when ..." does
    original = _spec("ema_cross")
    result = apply_edit(original, message)
    new_entry = result.spec["rules"]["entry"]
    assert new_entry["logic"] == "all"
    assert all(old in new_entry["conditions"] for old in original["rules"]["entry"]["conditions"])
    assert new_entry["conditions"][-1]["trend"] == "rising"
    assert result.replaced is False
    assert "(filter added)" in result.summary


def test_a_new_rule_for_an_existing_role_needs_explicit_words() -> None:
    with pytest.raises(EditNotUnderstood) as info:
        apply_edit(_spec("rsi_reversion"), "sell when RSI rises above 65")
    assert "'instead' to replace it" in info.value.message


def test_instead_replaces_the_rule_and_says_so() -> None:
    result = apply_edit(_spec("rsi_reversion"), "exit when RSI is above 65 instead")
    assert result.spec["rules"]["exit"] == _cond("rsi", ">", 65)
    assert (result.replaced, result.replaced_rules) == (True, ["exit"])
    assert "(rule replaced)" in result.summary


@pytest.mark.parametrize(
    "message",
    [
        "replace the exit rule with: exit when RSI is above 65",
        "replace the exit with exit when RSI is above 65",
        "Replace my exit condition with exit when RSI is above 65",
    ],
)
def test_replace_the_rule_with_replaces_it_and_says_so(message: str) -> None:
    result = apply_edit(_spec("rsi_reversion"), message)
    assert result.spec["rules"]["exit"] == _cond("rsi", ">", 65)
    assert (result.replaced, result.replaced_rules) == (True, ["exit"])
    assert "(rule replaced)" in result.summary


def test_instead_of_a_number_replaces_only_that_condition() -> None:
    spec = parse_description("Buy when RSI is between 20 and 40, sell when RSI > 70").spec
    data = spec.model_dump(mode="json", exclude_none=True)
    result = apply_edit(data, "buy when RSI is below 35 instead of 40")
    assert [c["right"] for c in result.spec["rules"]["entry"]["conditions"]] == [20, 35]
    assert result.replaced_rules == ["entry"]
    assert result.understood == ["Long entry: 'RSI(14) is below 40' -> 'RSI(14) is below 35'"]


def test_opposite_signal_sets_the_mirrored_exit() -> None:
    result = apply_edit(_spec("rsi_reversion"), "exit on the opposite signal")
    assert result.spec["rules"]["exit"] == _cond("rsi", ">", 70)
    assert result.replaced_rules == ["exit"]


def test_a_missing_rule_is_simply_added() -> None:
    result = apply_edit(_spec("rsi_with_risk"), "sell when RSI is above 70")
    assert result.spec["rules"]["exit"] == _cond("rsi", ">", 70)
    assert not result.replaced


def test_edit_does_not_mutate_its_input() -> None:
    spec = _spec("rsi_reversion")
    before = copy.deepcopy(spec)
    apply_edit(spec, "make it short only")
    assert spec == before


def test_a_stored_1_0_spec_is_edited_in_its_2_0_form() -> None:
    result = apply_edit(example_spec_data("ema_cross"), "change the stop loss from 5% to 3%")
    assert result.spec["version"] == "2.0"
    assert result.spec["stop_loss"] == {"percent": 3.0}


@pytest.mark.parametrize("message", ["what does this strategy do?", "explain", "how does it exit?"])
def test_questions_are_answered_with_understood_as(message: str) -> None:
    result = apply_edit(_spec("rsi_with_risk"), message)
    assert result.spec is None
    assert result.summary.startswith("Enter long when RSI(14) crosses above 35 and Close is above")


def test_an_edit_that_changes_nothing_returns_no_spec() -> None:
    result = apply_edit(_spec("rsi_reversion"), "make it long only")
    assert result.spec is None
    assert result.summary == "Nothing to change: Side: already long."


@pytest.mark.parametrize(
    ("example", "message", "fragment"),
    [
        ("rsi_reversion", "", "empty"),
        ("rsi_reversion", "make it better", "Could not turn"),
        ("ema_cross", "change the RSI period to 21", "This strategy has no RSI"),
        ("rsi_reversion", "change the RSI period to 1", "between 2 and 500"),
        ("rsi_reversion", "short when RSI is above 75", "trades long only"),
        ("rsi_reversion", "buy when RSI is below 20 instead of 40", "no single condition"),
        ("rsi_reversion", "exit when the moon is full", "only price and volume"),
        ("rsi_reversion", "make it short only when RSI > 70", "in a message of its own"),
        ("rsi_reversion", "change the RSI to 5%", "plain numbers"),
        ("rsi_reversion", "x" * 2001, "too long"),
        ("short_only", "set take profit to 150%", "negative price"),
    ],
)
def test_requests_it_cannot_do_are_refused_with_a_reason(
    example: str, message: str, fragment: str
) -> None:
    with pytest.raises(EditNotUnderstood) as info:
        apply_edit(_spec(example), message)
    assert fragment in info.value.message
    assert info.value.examples


@pytest.mark.parametrize(
    ("example", "message", "candidates"),
    [
        (
            "sma_cross",
            "change the SMA period to 50",
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
def test_ambiguous_requests_list_the_candidates(
    example: str, message: str, candidates: list[str]
) -> None:
    with pytest.raises(EditNotUnderstood) as info:
        apply_edit(_spec(example), message)
    assert "say which one" in info.value.message
    assert info.value.candidates == candidates


def test_an_invalid_stored_spec_is_refused_not_crashed() -> None:
    spec = _spec("rsi_reversion")
    spec["indicators"][0]["indicator"] = "NOPE"
    with pytest.raises(EditNotUnderstood) as info:
        apply_edit(spec, "change the RSI period to 21")
    assert "stored spec is not valid" in info.value.message


def test_result_type_is_plain_data() -> None:
    result = apply_edit(_spec("rsi_reversion"), "add a 2% stop loss")
    assert isinstance(result, EditResult)
    assert result.understood == ["Stop loss: none -> 2%"]


# ---- removing one condition ------------------------------------------------------------------
_FILTERED = (
    "Buy when RSI(14) crosses above 30 and the close is above the 200-day SMA and volume is "
    "above its 20-day average, not on Mondays. Sell when RSI(14) goes above 70. Stop loss 3%."
)


_ALL_THREE = ["rsi", "sma", "sma_20_volume"]


def _filtered() -> dict[str, Any]:
    return spec_data(_FILTERED)


@pytest.mark.parametrize(
    ("message", "removed", "indicators"),
    [
        ("remove the 200-day SMA filter", ("Close", ">", "sma"), ["rsi", "sma_20_volume"]),
        ("Please remove the SMA(200) filter from the long entry", ("Close", ">", "sma"), None),
        ("remove the condition that close is above the 200 sma", ("Close", ">", "sma"), None),
        ("drop the volume condition", ("Volume", ">", "sma_20_volume"), ["rsi", "sma"]),
        ("drop the rsi 30 condition", ("rsi", "crosses_above", 30), _ALL_THREE),
        ("get rid of the rsi condition in the entry", ("rsi", "crosses_above", 30), None),
    ],
)
def test_removing_a_named_condition_removes_only_it(
    message: str, removed: tuple[Any, ...], indicators: list[str] | None
) -> None:
    original = _filtered()
    result = apply_edit(copy.deepcopy(original), message)
    assert result.spec is not None
    before = original["rules"]["entry"]["conditions"]
    after = result.spec["rules"]["entry"]["conditions"]
    assert [c for c in before if c != _cond(*removed)] == after
    assert len(after) == len(before) - 1
    assert result.spec["rules"]["exit"] == original["rules"]["exit"]
    assert result.spec["stop_loss"] == original["stop_loss"]
    if indicators is not None:  # an indicator nothing uses any more is dropped, no other
        assert [i["id"] for i in result.spec["indicators"]] == indicators
    assert (result.replaced, result.replaced_rules) == (True, ["entry"])
    assert "(condition removed: " in result.summary
    assert validate_code(compile_spec(validate_spec(result.spec))).ok


def test_removing_the_weekday_filter() -> None:
    result = apply_edit(_filtered(), "remove the monday filter")
    assert result.spec is not None
    assert {"negate": {"weekdays": ["mon"]}} not in result.spec["rules"]["entry"]["conditions"]
    assert len(result.spec["rules"]["entry"]["conditions"]) == 3


def test_removing_from_a_two_condition_rule_leaves_the_other_condition_alone() -> None:
    spec = spec_data(
        "Buy when RSI(14) < 30 and the close is above the 200-day SMA. Sell when RSI(14) > 70."
    )
    result = apply_edit(spec, "remove the SMA filter")
    assert result.spec is not None
    assert result.spec["rules"]["entry"] == _cond("rsi", "<", 30)
    assert [i["id"] for i in result.spec["indicators"]] == ["rsi"]


@pytest.mark.parametrize(
    ("message", "fragment", "candidates"),
    [
        # both the price filter and the volume average are SMAs
        (
            "remove the sma filter",
            "Several conditions match",
            [
                "Long entry: Close is above SMA(200)",
                "Long entry: Volume is above SMA(20) of Volume",
            ],
        ),
        # entry and exit both use the RSI: the rule must be named
        (
            "remove the rsi condition",
            "Several conditions match",
            ["Long entry: RSI(14) crosses above 30", "Long exit: RSI(14) is above 70"],
        ),
        # a word no condition has: never the nearest guess
        ("remove the condition that close is below the 200 sma", "No single condition", None),
        ("remove the trend filter", "No single condition", None),
        ("remove the filter", "No single condition", None),
        # a rule is never emptied
        ("remove the rsi condition from the exit", "is the whole long exit", None),
        ("remove the rsi condition from the short entry", "no short entry rule", None),
    ],
)
def test_removal_refuses_what_it_cannot_place(
    message: str, fragment: str, candidates: list[str] | None
) -> None:
    with pytest.raises(EditNotUnderstood) as info:
        apply_edit(_filtered(), message)
    assert fragment in info.value.message
    if candidates is not None:
        assert info.value.candidates == candidates


def test_removing_the_stop_loss_is_still_the_setting_not_a_condition() -> None:
    result = apply_edit(_filtered(), "remove the stop loss rule")
    assert result.spec is not None
    assert "stop_loss" not in result.spec
    assert result.spec["rules"] == _filtered()["rules"]


_RSI_SMA = (
    "Buy when RSI(14) is below 30 and the close is above SMA(50). Sell when RSI(14) is above 70."
)


@pytest.mark.parametrize(
    "message",
    [
        "change the exit to RSI above 60",
        "replace the exit with RSI above 60",
        "change the exit rule to: sell when RSI is above 60",
        "set the long exit to when RSI is above 60",
    ],
)
def test_a_rule_named_and_changed_is_replaced_and_says_so(message: str) -> None:
    result = apply_edit(spec_data(_RSI_SMA), message)
    assert result.spec is not None
    assert result.spec["rules"]["exit"] == _cond("rsi", ">", 60)
    assert result.spec["rules"]["entry"] == spec_data(_RSI_SMA)["rules"]["entry"]
    assert result.replaced_rules == ["exit"]
    assert "(rule replaced)" in result.summary


def test_a_rule_named_on_a_strategy_of_both_sides_must_say_which_side() -> None:
    both = spec_data(
        "Buy when RSI(14) < 30, sell when RSI(14) > 70. Short when RSI(14) > 70, "
        "cover when RSI(14) < 30."
    )
    with pytest.raises(EditNotUnderstood, match="the long exit' or 'the short exit"):
        apply_edit(both, "change the exit to RSI above 60")
    result = apply_edit(both, "change the short exit to RSI below 40")
    assert result.spec["rules"]["short_exit"] == _cond("rsi", "<", 40)
    assert result.spec["rules"]["exit"] == both["rules"]["exit"]


@pytest.mark.parametrize(
    ("text", "message", "said"),
    [
        (_RSI_SMA, "change the exit to: buy when RSI is below 20", "'buy' is the entry's verb"),
        (_RSI_SMA, "change the entry rule to: sell when RSI > 60", "'sell' is the exit's verb"),
        (_RSI_SMA, "change the exit to: go long when RSI < 20", "'go long' is the entry's"),
        (
            "Short when RSI(14) > 70. Cover when RSI(14) < 30.",
            "change the exit to: sell when RSI < 20",
            "'sell' is the entry's verb",
        ),
    ],
)
def test_a_rule_named_with_another_rules_verb_is_refused(
    text: str, message: str, said: str
) -> None:
    with pytest.raises(EditNotUnderstood) as info:
        apply_edit(spec_data(text), message)
    assert said in str(info.value)


def test_a_short_exit_may_be_said_with_buy() -> None:
    short = spec_data("Short when RSI(14) > 70. Cover when RSI(14) < 30.")
    result = apply_edit(short, "change the exit to: buy when RSI is below 20")
    assert result.spec["rules"]["short_exit"] == _cond("rsi", "<", 20)
    assert result.replaced_rules == ["short_exit"]


def test_a_rule_changed_to_a_number_stays_a_value_edit() -> None:
    result = apply_edit(spec_data(_RSI_SMA), "change the exit to 60")
    assert result.spec["rules"]["exit"] == _cond("rsi", ">", 60)
    assert not result.replaced


@pytest.mark.parametrize(
    "message", ["go short too", "add short trades", "also trade the short side"]
)
def test_the_other_side_as_well_is_both_sides_mirrored(message: str) -> None:
    result = apply_edit(spec_data(_RSI_SMA), message)
    assert result.spec["side"] == "both"
    assert "Short entry (mirrored)" in result.summary
    assert result.spec["rules"]["entry"] == spec_data(_RSI_SMA)["rules"]["entry"]


def test_go_short_alone_is_not_guessed() -> None:
    # short only, or both sides? never guessed
    with pytest.raises(EditNotUnderstood):
        apply_edit(spec_data(_RSI_SMA), "go short")


@pytest.mark.parametrize(
    ("message", "added"),
    [
        ("also require ADX above 20", _cond("adx", ">", 20)),
        ("add the condition that ADX is above 20", _cond("adx", ">", 20)),
        ("add a check: ADX is above 20", _cond("adx", ">", 20)),
    ],
)
def test_a_required_condition_is_a_filter_on_the_entry(message: str, added: dict) -> None:
    result = apply_edit(spec_data(_RSI_SMA), message)
    assert result.spec["rules"]["entry"]["conditions"][-1] == added
    assert len(result.spec["rules"]["entry"]["conditions"]) == 3
    assert not result.replaced


@pytest.mark.parametrize("message", ["undo", "revert that", "go back to the previous version"])
def test_undo_points_to_restoring_a_version(message: str) -> None:
    with pytest.raises(EditNotUnderstood, match="restore the version before it"):
        apply_edit(spec_data(_RSI_SMA), message)


@pytest.mark.parametrize(
    ("message", "field", "value"),
    [
        ("move the take profit to 8%", "take_profit", 8),
        ("move my stop to 3%", "stop_loss", 3),
    ],
)
def test_moving_a_stop_or_target_sets_it(message: str, field: str, value: float) -> None:
    spec = spec_data(_RSI_SMA + " Stop loss 2%. Take profit 5%.")
    result = apply_edit(spec, message)
    assert result.spec[field] == {"percent": value}


def test_moving_the_stop_to_break_even_stays_refused() -> None:
    with pytest.raises(EditNotUnderstood, match="break-even"):
        apply_edit(spec_data(_RSI_SMA + " Stop loss 2%."), "move the stop to breakeven")
