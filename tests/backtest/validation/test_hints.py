"""validate_code: warnings that steer code towards what backtesting.py expects."""

from __future__ import annotations

import pytest

from Backtest.validation import ValidationReport, validate_code

STRATEGY = """
import pandas as pd
from backtesting import Backtest, Strategy

class S(Strategy):
    def init(self):
        self.sma = self.I(lambda c: pd.Series(c).rolling(10).mean(), self.data.Close)

    def next(self):
        {body}
"""


def in_next(body: str) -> ValidationReport:
    return validate_code(STRATEGY.format(body=body))


def warnings(report: ValidationReport) -> list[tuple[str, str]]:
    return [(f.code, f.message) for f in report.findings if f.severity == "warning"]


@pytest.mark.parametrize(
    ("body", "fix"),
    [
        ("x = self.data.close[-1]", ".Close instead of .close"),
        ("x = self.data.volume[-1]", ".Volume instead of .volume"),
        ("x = self.data['high']", "['High'] instead of ['high']"),
        ("x = self.data.df['low']", "['Low'] instead of ['low']"),
    ],
)
def test_lowercase_price_columns_get_the_capitalised_name(body: str, fix: str) -> None:
    report = in_next(body)
    assert report.ok  # a warning, not an error
    ((code, message),) = warnings(report)
    assert code == "lowercase_column"
    assert fix in message


@pytest.mark.parametrize(
    "body",
    [
        "x = self.data.Close.rolling(5).mean()",
        "x = self.sma.iloc[-1]",
        "x = self.sma.shift(1)",
        "x = self.data.Close.pct_change()",
    ],
)
def test_pandas_methods_on_indicator_arrays_are_flagged(body: str) -> None:
    report = in_next(body)
    assert report.ok
    ((code, message),) = warnings(report)
    assert code == "pandas_method_on_array"
    assert "[-1]" in message
    assert ".s" in message


@pytest.mark.parametrize(
    "body",
    [
        "x = self.data.Close.s.rolling(5).mean()",
        "x = self.data.df.iloc[-1]",
        "x = pd.Series(self.data.Close).shift(1)",
        "x = self.sma[-1] > self.data.Close[-1]",
        "print(self.data.Close[-1]); print(self.sma[-1]); print(len(self.data))",
    ],
)
def test_correct_array_use_and_printing_produce_no_findings(body: str) -> None:
    assert in_next(body).findings == []


def test_running_the_backtest_inside_strategy_code_is_discouraged() -> None:
    source = STRATEGY.format(body="pass") + (
        "\nif __name__ == '__main__':\n"
        "    bt = Backtest(None, S)\n"
        "    bt.optimize(n1=range(5, 10))\n"
        "    bt.plot()\n"
    )
    report = validate_code(source)
    assert report.ok
    assert [code for code, _ in warnings(report)] == [
        "main_block",
        "runs_backtest",
        "runs_backtest",
        "runs_backtest",
    ]


def test_star_import_is_a_warning() -> None:
    report = validate_code("from backtesting.lib import *\n" + STRATEGY.format(body="pass"))
    assert report.ok
    assert [code for code, _ in warnings(report)] == ["star_import"]
