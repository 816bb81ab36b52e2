"""validate_spec(): field-level errors for invalid specs, normalisation of valid ones."""

from __future__ import annotations

import json

import jsonschema
import pydantic
import pytest

from Backtest.spec import (
    SeriesRef,
    SpecValidationError,
    StrategySpec,
    StrategySpecV1,
    example_names,
    example_spec_data,
    spec_json_schema,
    validate_spec,
    validate_spec_v2,
)
from Backtest.spec.semantics import referenced_indicator_ids


def errors_of(data) -> list[dict]:
    with pytest.raises(SpecValidationError) as excinfo:
        validate_spec(data)
    return excinfo.value.errors


def sma_cross() -> dict:
    return example_spec_data("sma_cross")


def test_there_are_ten_examples_of_each_version_and_all_validate_as_that_version():
    versions = [validate_spec(example_spec_data(name)).version for name in example_names()]
    assert versions.count("1.0") >= 10
    assert versions.count("2.0") >= 10


def test_examples_conform_to_the_published_json_schema_of_their_version():
    schema = spec_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema == StrategySpec.model_json_schema()
    for name in example_names():
        data = example_spec_data(name)
        model = StrategySpec if data["version"] == "2.0" else StrategySpecV1
        jsonschema.validate(data, model.model_json_schema())


def test_schema_rejects_what_the_models_reject():
    bad = sma_cross()
    bad["rules"]["entry"]["op"] = "=="
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, spec_json_schema())


def mutate(path_and_value):
    data = sma_cross()
    for path, value in path_and_value:
        *parents, last = path
        target = data
        for key in parents:
            target = target[key]
        if value is _DELETE:
            del target[last]
        else:
            target[last] = value
    return data


_DELETE = object()

CASES = {
    "unknown indicator": (
        [(("indicators", 0, "indicator"), "SMAA")],
        "indicators.0.indicator",
        "Did you mean: SMA",
    ),
    "unknown param": (
        [(("indicators", 0, "params"), {"period": 10})],
        "indicators.0.params.period",
        "no parameter 'period'",
    ),
    "param out of range": (
        [(("indicators", 1, "params"), {"timeperiod": 1})],
        "indicators.1.params.timeperiod",
        "between 2 and 1000",
    ),
    "non-integral int param": (
        [(("indicators", 1, "params"), {"timeperiod": 10.5})],
        "indicators.1.params.timeperiod",
        "whole number",
    ),
    "non-numeric param": (
        [(("indicators", 1, "params"), {"timeperiod": "10"})],
        "indicators.1.params.timeperiod",
        "must be a number",
    ),
    "undefined id": (
        [(("rules", "entry", "right"), "slwo")],
        "rules.entry.right",
        "Did you mean 'slow'",
    ),
    "missing entry rule": ([(("rules", "entry"), _DELETE)], "rules.entry", "needs rules.entry"),
    "bad op": ([(("rules", "exit", "op"), "=>")], "rules.exit.op", "crosses_above"),
    "negative stop loss": ([(("stop_loss_pct",), -2)], "stop_loss_pct", "greater than 0"),
    "negative take profit": ([(("take_profit_pct",), -1)], "take_profit_pct", "greater than 0"),
    "zero trailing stop": ([(("trailing_stop_pct",), 0)], "trailing_stop_pct", "greater than 0"),
    "duplicate id": ([(("indicators", 1, "id"), "fast")], "indicators.1.id", "duplicate"),
    "reserved id": ([(("indicators", 0, "id"), "close")], "indicators.0.id", "reserved"),
    "keyword id": ([(("indicators", 0, "id"), "lambda")], "indicators.0.id", "reserved"),
    "upper-case id": ([(("indicators", 0, "id"), "Fast")], "indicators.0.id", "pattern"),
    "fractional units": ([(("position_size",), 2.5)], "position_size", "whole units"),
    "zero size": ([(("position_size",), 0)], "position_size", "greater than 0"),
    "unknown version": ([(("version",), "3.0")], "version", "supported: '1.0', '2.0'"),
    "2.0 with 1.0 fields": (
        [(("version",), "2.0"), (("stop_loss_pct",), 2)],
        "stop_loss_pct",
        "Extra inputs",
    ),
    "unknown key": ([(("stoploss",), 5)], "stoploss", "Extra inputs"),
    "bad operand": ([(("rules", "entry", "left"), [1, 2])], "rules.entry.left", "operand"),
    "two constants": (
        [(("rules", "entry"), {"left": 1, "op": "<", "right": 2})],
        "rules.entry",
        "at least one price or indicator",
    ),
    "short rule on a long strategy": (
        [(("rules", "short_entry"), {"left": "fast", "op": "<", "right": "slow"})],
        "rules.short_entry",
        "not used when side is 'long'",
    ),
    "source on a multi-input indicator": (
        [(("indicators", 0), {"id": "fast", "indicator": "ATR", "source": "High"})],
        "indicators.0.source",
        "takes 3 inputs",
    ),
    "wrong number of inputs": (
        [(("indicators", 0, "inputs"), ["High", "Low"])],
        "indicators.0.inputs",
        "takes 1 input (Close), got 2",
    ),
    "id clashing with a parameter attribute": (
        [(("indicators", 1, "id"), "fast_timeperiod")],
        "indicators.1.id",
        "clashes",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_invalid_spec_reports_the_offending_field(case):
    changes, field, fragment = CASES[case]
    errors = errors_of(mutate(changes))
    assert field in [e["field"] for e in errors], errors
    message = next(e["message"] for e in errors if e["field"] == field)
    assert fragment in message


def test_nested_condition_errors_use_dotted_paths_without_union_tags():
    data = sma_cross()
    data["rules"]["entry"] = {
        "logic": "all",
        "conditions": [
            {"left": "fast", "op": ">", "right": "slow"},
            {"logic": "any", "conditions": [{"left": "fast", "op": "~", "right": 3}]},
        ],
    }
    assert errors_of(data) == [
        {
            "field": "rules.entry.conditions.1.conditions.0.op",
            "message": "Input should be '<', '>', '<=', '>=', 'crosses_above' or 'crosses_below'",
        }
    ]


def test_output_references_must_name_an_existing_output():
    data = example_spec_data("macd_signal_cross")
    data["rules"]["entry"]["left"] = "macd"
    data["rules"]["exit"]["right"] = "macd.signal"
    errors = {e["field"]: e["message"] for e in errors_of(data)}
    assert "use one of macd.macd, macd.macdsignal, macd.macdhist" in errors["rules.entry.left"]
    assert "no output 'signal'" in errors["rules.exit.right"]


def test_series_ref_errors_point_at_the_ref_field():
    data = example_spec_data("donchian_breakout")
    data["rules"]["entry"]["right"] = {"ref": "dc_hi", "bars_ago": 1}
    assert errors_of(data)[0]["field"] == "rules.entry.right.ref"


def test_all_semantic_errors_are_reported_together():
    data = sma_cross()
    data["indicators"][0]["indicator"] = "NOPE"
    data["indicators"][1]["params"] = {"timeperiod": 99999}
    data["rules"]["exit"]["left"] = "ghost"
    fields = [e["field"] for e in errors_of(data)]
    assert fields == ["indicators.0.indicator", "indicators.1.params.timeperiod", "rules.exit.left"]


def test_references_to_a_broken_indicator_are_not_reported_twice():
    data = sma_cross()
    data["indicators"][0]["indicator"] = "NOPE"
    assert [e["field"] for e in errors_of(data)] == ["indicators.0.indicator"]


@pytest.mark.parametrize(
    ("side", "rules", "missing"),
    [
        ("short", {"short_exit": {"left": "fast", "op": ">", "right": "slow"}}, "short_entry"),
        ("both", {"entry": {"left": "fast", "op": ">", "right": "slow"}}, "short_entry"),
        ("both", {"short_entry": {"left": "fast", "op": "<", "right": "slow"}}, "entry"),
    ],
)
def test_each_side_requires_its_entry_rules(side, rules, missing):
    data = sma_cross()
    data["side"], data["rules"] = side, rules
    assert f"rules.{missing}" in [e["field"] for e in errors_of(data)]


def test_short_take_profit_of_100_percent_is_rejected():
    data = example_spec_data("short_only")
    data["take_profit_pct"] = 100
    assert errors_of(data)[0]["field"] == "take_profit_pct"


def test_non_object_input_is_rejected():
    assert errors_of(["not", "a", "spec"])[0]["message"] == "a spec must be a JSON object"


def test_error_is_a_value_error_with_a_readable_summary():
    data = sma_cross()
    data["indicators"][0]["indicator"] = "NOPE"
    with pytest.raises(ValueError, match=r"indicators\.0\.indicator: Unknown indicator 'NOPE'"):
        validate_spec(data)


def test_direct_model_validation_also_runs_semantic_checks():
    data = sma_cross()
    data["rules"]["entry"]["right"] = "ghost"
    with pytest.raises(pydantic.ValidationError, match="rules.entry.right"):
        StrategySpecV1.model_validate(data)


def test_aliases_and_lower_case_price_fields_are_normalised():
    data = example_spec_data("bollinger_reversion")
    data["indicators"][0]["indicator"] = "bollinger bands"
    data["rules"]["entry"]["conditions"][0]["left"] = "close"
    spec = validate_spec(data)
    assert spec.indicators[0].indicator == "BBANDS"
    assert spec.rules.entry.conditions[0].left == "Close"


def test_numbers_keep_their_type_and_series_refs_parse():
    spec = validate_spec(example_spec_data("donchian_breakout"))
    assert spec.rules.entry.right == SeriesRef(ref="dc_high", bars_ago=1)
    rsi = validate_spec(example_spec_data("rsi_reversion"))
    threshold = rsi.rules.entry.conditions[0].right
    assert threshold == 30
    assert type(threshold) is int


def test_json_round_trip_is_lossless():
    for name in example_names():
        spec = validate_spec(example_spec_data(name))
        again = validate_spec(json.loads(spec.model_dump_json()))
        assert again == spec, name


@pytest.mark.parametrize("flag", [True, 1.5])
def test_booleans_are_not_numbers(flag):
    data = example_spec_data("rsi_reversion")
    data["rules"]["entry"]["conditions"][0]["right"] = flag
    if flag is True:
        assert errors_of(data)[0]["field"] == "rules.entry.conditions.0.right"
    else:
        assert validate_spec(data).rules.entry.conditions[0].right == 1.5


def test_referenced_indicator_ids_follow_rules_orders_and_sources_not_other_strings():
    rsi_of_rsi = example_spec_data("v2_rsi_of_rsi_calendar")
    assert referenced_indicator_ids(validate_spec_v2(rsi_of_rsi)) == {"rsi", "rsi_avg"}
    # only the average is read: the RSI stays, as its source
    rsi_of_rsi["rules"] = {"entry": {"left": "Close", "op": ">", "right": "rsi_avg"}}
    assert referenced_indicator_ids(validate_spec_v2(rsi_of_rsi)) == {"rsi", "rsi_avg"}
    # a name or description that spells an id refers to nothing
    rsi_of_rsi["rules"] = {"entry": {"left": "Close", "op": ">", "right": 10}}
    rsi_of_rsi["name"] = rsi_of_rsi["description"] = "rsi"
    assert referenced_indicator_ids(validate_spec_v2(rsi_of_rsi)) == set()
    donchian = example_spec_data("v2_donchian_trailing_atr")  # {"ref": "dc_entry.upper", ...}
    assert referenced_indicator_ids(validate_spec_v2(donchian)) == {"dc_entry", "dc_exit"}
    keltner = example_spec_data("v2_keltner_limit")
    keltner["rules"].pop("exit")
    keltner["rules"]["entry"] = {"left": "Close", "op": "<", "right": 50}
    keltner["entry_order"]["price"] = {"left": "kc.lower", "arith": "*", "right": 0.99}
    assert referenced_indicator_ids(validate_spec_v2(keltner)) == {"kc"}
