"""validate_code: syntax, size and the shape of the Strategy class."""

from __future__ import annotations

import textwrap

import pytest

from Backtest.validation import Finding, ValidationReport, validate_code

SMA_CROSS = """
from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.test import SMA


class SmaCross(Strategy):
    n1 = 10
    n2 = 20

    def init(self):
        close = self.data.Close
        self.sma1 = self.I(SMA, close, self.n1)
        self.sma2 = self.I(SMA, close, self.n2)

    def next(self):
        if crossover(self.sma1, self.sma2):
            self.position.close()
            self.buy()
        elif crossover(self.sma2, self.sma1):
            self.position.close()
            self.sell()
"""

REALISTIC = """
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import talib
from backtesting import Strategy
from backtesting.lib import crossover


def ema(values: np.ndarray, n: int) -> np.ndarray:
    return pd.Series(values).ewm(span=n, adjust=False).mean().to_numpy()


class RsiEma(Strategy):
    rsi_window = 14
    ema_window = 50
    stop = 0.05

    def init(self) -> None:
        self.rsi = self.I(talib.RSI, self.data.Close, timeperiod=self.rsi_window)
        self.ema = self.I(ema, self.data.Close, self.ema_window)
        self.bands = self.I(talib.BBANDS, self.data.Close, timeperiod=20, nbdevup=2.0)
        self.stop_pct = getattr(self, "stop")

    def next(self) -> None:
        price = self.data.Close[-1]
        if not self.position and self.rsi[-1] < 30 and price > self.ema[-1]:
            self.buy(sl=price * (1 - self.stop))
        elif self.position and (self.rsi[-1] > 70 or math.isnan(self.ema[-1])):
            self.position.close()
        print(f"{self.data.index[-1]} rsi={self.rsi[-1]:.1f}")
"""


HEAD = "from backtesting import Strategy\nclass S(Strategy):\n    def init(self): pass\n"


def codes(report: ValidationReport) -> list[str]:
    return [f.code for f in report.findings]


@pytest.mark.parametrize("source", [SMA_CROSS, REALISTIC], ids=["SmaCross", "rsi_ema_talib"])
def test_clean_realistic_strategies_have_no_findings(source: str) -> None:
    report = validate_code(source)
    assert report.findings == []
    assert report.ok
    assert report.strategy_class in {"SmaCross", "RsiEma"}


def test_report_and_findings_serialise() -> None:
    report = validate_code("import os\n" + SMA_CROSS)
    assert report.to_dict()["ok"] is False
    first = report.findings[0]
    assert isinstance(first, Finding)
    assert first.to_dict() == {
        "line": 1,
        "column": 1,
        "code": "forbidden_import",
        "message": first.message,
        "severity": "error",
    }
    assert report.errors == [first]


def test_syntax_error_reports_line_and_column() -> None:
    report = validate_code("from backtesting import Strategy\nclass A(Strategy)\n    pass\n")
    assert not report.ok
    (finding,) = report.findings
    assert (finding.code, finding.line, finding.column) == ("syntax_error", 2, 18)
    assert "class A(Strategy)" in finding.message


def test_indentation_error_has_its_own_code() -> None:
    (finding,) = validate_code("def init(self):\nreturn 1\n").findings
    assert (finding.code, finding.line) == ("indentation_error", 2)


def test_null_bytes_and_absurd_nesting_are_syntax_errors_not_crashes() -> None:
    assert codes(validate_code("x = 1\x00")) == ["syntax_error"]
    deep = validate_code("x = " + "+".join(["1"] * 30_000))
    assert codes(deep) == ["syntax_error"]
    assert "nested too deeply" in deep.findings[0].message


def test_size_limit_is_checked_first() -> None:
    report = validate_code(SMA_CROSS, max_bytes=100)
    assert codes(report) == ["too_large"]
    assert validate_code(SMA_CROSS, max_bytes=len(SMA_CROSS.encode())).ok


@pytest.mark.parametrize("source", ["", "   \n\t\n"])
def test_empty_code_is_an_error_with_a_skeleton(source: str) -> None:
    report = validate_code(source)
    assert codes(report) == ["empty_code"]
    assert "class MyStrategy(Strategy)" in report.findings[0].message


def test_code_without_a_strategy_class() -> None:
    report = validate_code("import numpy as np\nclass Helper:\n    pass\n")
    assert codes(report) == ["no_strategy_class"]
    assert report.strategy_class is None


def test_two_strategy_classes_are_rejected_but_a_helper_base_is_fine() -> None:
    two = (
        SMA_CROSS
        + "\n\nclass Other(Strategy):\n    def init(self): pass\n    def next(self): pass\n"
    )
    report = validate_code(two)
    assert codes(report) == ["multiple_strategy_classes"]
    assert "SmaCross, Other" in report.findings[0].message

    layered = textwrap.dedent(
        """
        from backtesting import Strategy
        class Base(Strategy):
            def init(self):
                pass
        class Final(Base):
            def next(self):
                pass
        """
    )
    report = validate_code(layered)
    assert report.ok, report.findings
    assert report.strategy_class == "Final"


@pytest.mark.parametrize(
    "header",
    [
        "import backtesting\nclass S(backtesting.Strategy):",
        "import backtesting as bt\nclass S(bt.Strategy):",
        "from backtesting import Strategy as Base\nclass S(Base):",
        "from backtesting import *\nclass S(Strategy):",
    ],
)
def test_strategy_base_is_recognised_however_it_is_imported(header: str) -> None:
    body = "\n    def init(self):\n        pass\n    def next(self):\n        pass\n"
    report = validate_code(header + body)
    assert report.strategy_class == "S"
    assert report.ok, report.findings


def test_library_strategies_provide_init_and_next() -> None:
    src = (
        "from backtesting.lib import TrailingStrategy\n"
        "class T(TrailingStrategy):\n"
        "    def init(self):\n"
        "        super().init()\n"
        "        self.set_trailing_sl(2)\n"
    )
    assert validate_code(src).findings == []


def test_strategy_used_without_import() -> None:
    src = "class S(Strategy):\n    def init(self): pass\n    def next(self): pass\n"
    report = validate_code(src)
    assert codes(report) == ["strategy_not_imported"]
    assert "from backtesting import Strategy" in report.findings[0].message


def test_missing_init_and_next() -> None:
    report = validate_code("from backtesting import Strategy\nclass S(Strategy):\n    x = 1\n")
    assert codes(report) == ["missing_init", "missing_next"]
    assert "def next(self):" in report.findings[1].message


@pytest.mark.parametrize("name", ["on_bar", "on_data", "on_tick", "handle_data"])
def test_misspelt_next_gets_a_rename_message(name: str) -> None:
    (finding,) = validate_code(HEAD + f"    def {name}(self): pass\n").findings
    assert finding.code == "missing_next"
    expected = f"S defines {name}() but backtesting.py calls next(): rename {name} to next"
    assert finding.message == expected
    assert finding.line == 4


def test_init_spelt_as_constructor_is_explained() -> None:
    src = (
        "from backtesting import Strategy\nclass S(Strategy):\n"
        "    def __init__(self):\n        pass\n    def next(self):\n        pass\n"
    )
    report = validate_code(src)
    assert codes(report) == ["missing_init", "overrides_constructor"]
    assert "rename __init__ to init" in report.findings[0].message
    assert report.findings[1].severity == "warning"


@pytest.mark.parametrize(
    "signature", ["def next(self, bar)", "async def next(self)", "@staticmethod\n    def next()"]
)
def test_next_must_take_only_self(signature: str) -> None:
    src = HEAD + f"    {signature}: pass\n"
    assert not validate_code(src).ok
    assert {"bad_signature", "async_method"} & set(codes(validate_code(src)))
