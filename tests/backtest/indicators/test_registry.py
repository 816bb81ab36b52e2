"""The indicator registry: featured entries, TA-Lib catalogue, lookup and parameter rules."""

from __future__ import annotations

import json

import numpy as np
import pytest
import talib
from backtesting.test import GOOG

from Backtest.indicator_registry import (
    FEATURED_ORDER,
    ParameterValueError,
    UnknownIndicatorError,
    UnknownParameterError,
    get_indicator,
    list_groups,
    list_indicators,
)
from Backtest.indicators import compute_frame

STANDARD_DEFAULTS = {
    "SMA": {"timeperiod": 20},
    "EMA": {"timeperiod": 20},
    "RSI": {"timeperiod": 14},
    "MACD": {"fastperiod": 12, "slowperiod": 26, "signalperiod": 9},
    "BBANDS": {"timeperiod": 20, "nbdevup": 2.0, "nbdevdn": 2.0, "matype": 0},
    "ATR": {"timeperiod": 14},
    "STOCH": {
        "fastk_period": 14,
        "slowk_period": 3,
        "slowk_matype": 0,
        "slowd_period": 3,
        "slowd_matype": 0,
    },
}


def test_featured_indicators_are_the_seven_with_standard_defaults():
    featured = list_indicators(featured=True)
    assert [i.name for i in featured] == list(FEATURED_ORDER)
    for info in featured:
        assert {p.name: p.default for p in info.parameters} == STANDARD_DEFAULTS[info.name]
        assert info.description
        assert info.display_name != info.name
        assert all(p.description for p in info.parameters)
        assert info.example.startswith(f"self.{info.name.lower()[:2]}")
        assert f"self.I({info.name}, self.data." in info.example


def test_float_parameters_are_typed_float_and_defaults_keep_their_type():
    bb = get_indicator("BBANDS")
    assert bb.param("nbdevup").type == "float"
    assert isinstance(bb.param("nbdevup").default, float)
    assert bb.param("timeperiod").type == "int"
    assert isinstance(bb.param("timeperiod").default, int)


def test_catalogue_covers_every_talib_function_except_mavp():
    names = {i.name for i in list_indicators()}
    expected = set(talib.get_functions()) - {"MAVP"}  # MAVP needs a per-bar periods array
    assert names == expected
    assert len(names) >= 150


def test_groups_are_talib_groups():
    assert list_groups() == sorted(talib.get_function_groups())
    momentum = list_indicators(group="momentum indicators")
    assert {i.group for i in momentum} == {"Momentum Indicators"}
    assert {"RSI", "MACD", "STOCH", "ADX"} <= {i.name for i in momentum}


def test_featured_entries_override_introspected_ones():
    sma = get_indicator("SMA")
    assert sma.featured
    assert sma.param("timeperiod").default == 20  # TA-Lib's own default is 30
    assert not get_indicator("ADX").featured


@pytest.mark.parametrize(
    ("name", "inputs"),
    [
        ("ATR", ("High", "Low", "Close")),
        ("OBV", ("Close", "Volume")),
        ("CDLDOJI", ("Open", "High", "Low", "Close")),
        ("AD", ("High", "Low", "Close", "Volume")),
        ("BETA", ("High", "Low")),
        ("RSI", ("Close",)),
    ],
)
def test_talib_price_names_map_to_backtesting_fields(name, inputs):
    assert get_indicator(name).inputs == inputs


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("rsi", "RSI"),
        ("bb", "BBANDS"),
        ("Bollinger", "BBANDS"),
        ("Bollinger Bands", "BBANDS"),
        ("bollinger_bands", "BBANDS"),
        ("Stochastic", "STOCH"),
        ("stochastic oscillator", "STOCH"),
        ("ma", "MA"),
        ("Average True Range", "ATR"),
        ("Average Directional Movement Index", "ADX"),
    ],
)
def test_lookup_is_case_insensitive_and_resolves_aliases(alias, name):
    assert get_indicator(alias).name == name


def test_unknown_indicator_lists_close_matches():
    with pytest.raises(UnknownIndicatorError) as excinfo:
        get_indicator("RSII")
    assert isinstance(excinfo.value, KeyError)
    assert "RSI" in excinfo.value.suggestions
    assert "Unknown indicator 'RSII'" in str(excinfo.value)
    assert "Did you mean" in str(excinfo.value)


def test_search_matches_name_display_name_and_description_case_insensitively():
    assert "BBANDS" in {i.name for i in list_indicators(search="BOLLINGER")}
    assert "RSI" in {i.name for i in list_indicators(search="oversold")}
    assert {i.name for i in list_indicators(search="macd", featured=True)} == {"MACD"}
    assert list_indicators(search="no such indicator anywhere") == []


def test_list_order_is_featured_first_then_alphabetical():
    names = [i.name for i in list_indicators()]
    assert names[:7] == list(FEATURED_ORDER)
    assert names[7:] == sorted(names[7:])


def test_to_dict_is_json_serialisable_for_the_whole_catalogue():
    payload = [i.to_dict() for i in list_indicators()]
    decoded = json.loads(json.dumps(payload))
    macd = next(d for d in decoded if d["name"] == "MACD")
    assert macd["outputs"] == ["macd", "macdsignal", "macdhist"]
    assert macd["parameters"][0] == {
        "name": "fastperiod",
        "type": "int",
        "default": 12,
        "min": 2,
        "max": 500,
        "description": "Period of the fast EMA",
    }


def test_every_default_lies_within_its_bounds():
    for info in list_indicators():
        for p in info.parameters:
            assert p.coerce(p.default, info.name) == p.default, f"{info.name}.{p.name}"


def test_every_indicator_computes_on_goog_with_defaults():
    for info in list_indicators():
        result = compute_frame(info.name, GOOG)
        assert list(result) == list(info.outputs), info.name
        for values in result.values():
            assert values.shape == (len(GOOG),), info.name
            assert values.dtype == np.float64, info.name


def test_talib_accepts_every_parameter_at_its_min_and_max():
    for info in list_indicators():
        for p in info.parameters:
            for bound in (p.min, p.max):
                if bound is not None:
                    compute_frame(info.name, GOOG, **{p.name: bound})  # raises if TA-Lib refuses


def test_param_coercion_accepts_integral_values_and_rejects_the_rest():
    timeperiod = get_indicator("RSI").param("timeperiod")
    assert timeperiod.coerce(14.0) == 14
    assert isinstance(timeperiod.coerce(14.0), int)
    assert timeperiod.coerce(np.int64(9)) == 9
    for bad in (14.5, True, "14", float("nan"), 1, 501):
        with pytest.raises(ParameterValueError):
            timeperiod.coerce(bad)
    nbdev = get_indicator("BBANDS").param("nbdevup")
    assert nbdev.coerce(2) == 2.0
    assert isinstance(nbdev.coerce(2), float)


def test_resolve_params_fills_defaults_and_rejects_unknown_names():
    macd = get_indicator("MACD")
    assert macd.resolve_params({"fastperiod": 5}) == {
        "fastperiod": 5,
        "slowperiod": 26,
        "signalperiod": 9,
    }
    with pytest.raises(UnknownParameterError, match="no parameter 'period'"):
        macd.resolve_params({"period": 5})
