"""Undefined names and attributes are reported before any run, in the usual finding shape."""

from __future__ import annotations

import textwrap

from Backtest.validation import validate_code


def source(body: str, *, header: str = "from backtesting import Strategy\n") -> str:
    return header + textwrap.dedent(body)


GOOD = source(
    """
    from backtesting.lib import crossover
    from backtesting.test import SMA


    class Cross(Strategy):
        n = 10

        def init(self):
            self.fast = self.I(SMA, self.data.Close, self.n)
            setattr(self, "slow", self.I(SMA, self.data.Close, 30))

        def helper(self):
            return [x for x in range(3) if x > 1]

        def next(self):
            if crossover(self.fast, self.slow) and self.helper():
                self.buy()
    """
)


def test_a_clean_strategy_has_no_undefined_findings() -> None:
    report = validate_code(GOOD)
    assert report.ok, report.findings


def test_an_undefined_name_is_an_error_with_the_import_to_add() -> None:
    report = validate_code(GOOD.replace("from backtesting.lib import crossover\n", ""))
    (finding,) = report.errors
    assert finding.code == "undefined_name"
    assert (finding.line, finding.column, finding.severity) == (17, 12, "error")
    assert finding.message == (
        "name 'crossover' is not defined: add `from backtesting.lib import crossover`"
    )
    assert set(finding.to_dict()) == {"line", "column", "code", "message", "severity"}


def test_a_local_read_before_it_is_assigned_is_undefined() -> None:
    code = GOOD.replace("if crossover(", "total = total + 1\n        if crossover(")
    (finding,) = validate_code(code).errors
    assert finding.code == "undefined_name"
    assert finding.message == "name 'total' is not defined"


def test_an_attribute_init_never_set_is_reported_with_the_closest_one() -> None:
    code = GOOD.replace("crossover(self.fast, self.slow)", "crossover(self.fast_ma, self.slow)")
    (finding,) = validate_code(code).errors
    assert finding.code == "undefined_attribute"
    assert finding.line == 18
    assert finding.message == (
        "self.fast_ma is read in next() but never set (init() sets self.fast); "
        "did you mean self.fast?"
    )


def test_attributes_of_in_module_base_classes_count_as_set() -> None:
    code = source(
        """
        class Base(Strategy):
            def init(self):
                self.level = 30


        class Child(Base):
            def next(self):
                if self.data.Close[-1] > self.level:
                    self.buy()
        """
    )
    assert validate_code(code).ok


def test_library_bases_may_hold_attributes_we_cannot_see_so_it_is_a_warning() -> None:
    code = source(
        """
        class Trail(TrailingStrategy):
            def init(self):
                super().init()
                self.set_trailing_sl(3)

            def next(self):
                super().next()
                if self.unknown_thing:
                    self.buy()
        """,
        header="from backtesting.lib import TrailingStrategy\n",
    )
    report = validate_code(code)
    assert report.ok
    (finding,) = [f for f in report.findings if f.code == "undefined_attribute"]
    assert finding.severity == "warning"
