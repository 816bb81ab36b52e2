"""Outputs of a multi-output TA-Lib indicator read as attributes are reported before any run."""

from __future__ import annotations

import textwrap

from Backtest.validation import validate_code

BBANDS_BY_NAME = textwrap.dedent(
    """\
    import talib
    from backtesting import Strategy


    class BB(Strategy):
        def init(self):
            self.bbands = self.I(talib.BBANDS, self.data.Close, 20, 2, 2)

        def next(self):
            if self.data.Close[-1] < self.bbands.lower[-1]:
                self.buy()
            elif self.data.Close[-1] > self.bbands[0][-1] and self.bbands.shape[0]:
                self.position.close()
    """
)


def test_bbands_lower_is_reported_with_the_row_to_read() -> None:
    report = validate_code(BBANDS_BY_NAME)
    assert not report.ok
    (finding,) = report.findings  # .shape is the array's own attribute: not reported
    assert (finding.code, finding.line) == ("indicator_output_attribute", 10)
    assert "self.bbands.lower fails at run time" in finding.message
    assert "use self.bbands[2] (lowerband)" in finding.message


def test_rows_read_by_position_and_unpacked_outputs_are_fine() -> None:
    by_row = BBANDS_BY_NAME.replace("self.bbands.lower[-1]", "self.bbands[2][-1]")
    assert validate_code(by_row).ok
    unpacked = textwrap.dedent(
        """\
        import talib
        from backtesting import Strategy
        from backtesting.lib import crossover


        class M(Strategy):
            def init(self):
                self.macd, self.signal, _ = self.I(talib.MACD, self.data.Close, 12, 26, 9)

            def next(self):
                if crossover(self.macd, self.signal):
                    self.buy()
        """
    )
    assert validate_code(unpacked).ok
