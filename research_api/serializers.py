"""Input shapes of the research endpoints (strict: unknown fields are refused)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from algoagent.serializers import StrictSerializer
from Backtest.research.montecarlo import MAX_RUNS, METHODS
from Backtest.research.multiasset import MAX_SYMBOLS
from Backtest.research.walkforward import MIN_BARS
from backtest_api.request import SETTINGS_FIELDS
from strategy_api.serializers import ExecuteInputSerializer

PARAMS_HELP = (
    "Values to try per parameter (class attributes of the strategy, see `parameters/`): "
    '`{"fast": [5, 10, 20], "slow": {"start": 20, "stop": 60, "step": 10}}`. '
    "`{start, stop, step}` follows Python's `range`: stop is EXCLUDED (20, 30, 40, 50 above); "
    "step defaults to 1 and may be negative or fractional."
)


class ResearchInputSerializer(ExecuteInputSerializer):
    """The backtest settings (``symbol`` or its alias ``test_symbol``) and the version."""

    symbols = None  # type: ignore[assignment]  # one symbol at a time here


class SearchInputSerializer(ResearchInputSerializer):
    """A parameter search: what to vary, what to maximise, how to search."""

    params = serializers.DictField(child=serializers.JSONField(), help_text=PARAMS_HELP)
    maximize = serializers.CharField(
        default="SQN",
        max_length=100,
        help_text="A numeric backtesting.py statistic ('Return [%]', 'Sharpe Ratio', 'SQN' ...) "
        "or a metric name (return_pct, sharpe_ratio ...). Default SQN, as backtesting.py.",
    )
    constraint = serializers.CharField(
        required=False,
        allow_null=True,
        max_length=500,
        help_text="An expression over the parameters, e.g. `fast < slow and slow - fast >= 5`: "
        "names, numbers, < <= > >= == !=, and/or/not, + - * /, parentheses.",
    )
    method = serializers.ChoiceField(choices=["grid", "sambo"], default="grid")
    max_tries = serializers.FloatField(
        required=False,
        allow_null=True,
        min_value=0,
        help_text="grid: a random subset (a count, or a fraction in (0, 1]); sambo: the number "
        "of evaluations (default 200). As backtesting.py's optimize.",
    )
    random_state = serializers.IntegerField(
        required=False, allow_null=True, help_text="Seed for the sampling (reproducible)."
    )

    def validate_max_tries(self, value: float | None) -> float | None:
        if value is not None and value <= 0:
            raise serializers.ValidationError("max_tries must be more than 0.")
        return value


class OptimizeInputSerializer(SearchInputSerializer):
    """A parameter search on one symbol, or the same search on each of several."""

    symbols = serializers.ListField(  # type: ignore[assignment]  # back, as on execute
        child=serializers.CharField(max_length=64),
        required=False,
        min_length=1,
        max_length=MAX_SYMBOLS,
        help_text="Optimise on each of these symbols instead of one (multi-asset): the answer "
        "is `{results: {SYMBOL: <optimisation>}, summary}`; the summary averages each "
        "combination's value over the symbols (as backtesting.py's MultiBacktest heatmaps).",
    )


class WalkForwardInputSerializer(SearchInputSerializer):
    """A parameter search per train window, tested on the following bars."""

    train_bars = serializers.IntegerField(min_value=MIN_BARS, help_text="Bars per train window")
    test_bars = serializers.IntegerField(min_value=MIN_BARS, help_text="Bars per test window")
    anchored = serializers.BooleanField(
        default=False, help_text="Train windows all start at the first bar (and grow)."
    )


class MonteCarloInputSerializer(ResearchInputSerializer):
    """Resample an execution's trades, or a fresh run's (give settings such as test_symbol)."""

    execution_id = serializers.IntegerField(
        required=False, min_value=1, help_text="An execution of this strategy to resample."
    )
    runs = serializers.IntegerField(default=1000, min_value=1, max_value=MAX_RUNS)
    method = serializers.ChoiceField(choices=list(METHODS), default="trade_shuffle")
    seed = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=2**31 - 1,
        help_text="Same seed, same result. Absent: a random one, returned in the result.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        settings = [name for name in (*SETTINGS_FIELDS, "version") if name in attrs]
        if "execution_id" in attrs and settings:
            raise serializers.ValidationError(
                {
                    name: ["Not with execution_id: the execution's own run is used."]
                    for name in settings
                }
            )
        if "execution_id" not in attrs and "symbol" not in attrs:
            raise serializers.ValidationError(
                {"execution_id": ["Give execution_id, or test_symbol for a fresh run."]}
            )
        return attrs


class LookaheadInputSerializer(ResearchInputSerializer):
    """The bars to check on (``test_symbol``, dates) and the version."""

    benchmark = None  # type: ignore[assignment]  # the check compares trades only


class ApplyParamsInputSerializer(StrictSerializer):
    """Parameter values to write into the code as a new version."""

    params = serializers.DictField(
        child=serializers.JSONField(),
        help_text='{"fast": 12, "slow": 40}: class attributes of the strategy, literal values.',
    )
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="The version to start from (default: current)."
    )

    def validate_params(self, value: dict[str, Any]) -> dict[str, Any]:
        if not value:
            raise serializers.ValidationError("Give at least one parameter.")
        return value
