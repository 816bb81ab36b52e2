"""Names and attributes that look like modules: the author's own ones are fine."""

from __future__ import annotations

from Backtest.validation import validate_code


def test_strategy_attributes_and_variables_named_like_modules_are_allowed():
    code = (
        "from backtesting import Strategy\n"
        "from Backtest.indicators import MACD\n\n"
        "class M(Strategy):\n"
        "    def init(self):\n"
        "        self.macd, self.signal, _ = self.I(MACD, self.data.Close)\n\n"
        "    def next(self):\n"
        "        signal = self.signal[-1]\n"
        "        if self.macd[-1] > signal:\n"
        "            self.buy()\n"
    )
    report = validate_code(code)
    assert report.ok, [f.to_dict() for f in report.findings]


def test_library_submodules_named_like_forbidden_modules_are_still_rejected():
    code = "import pandas as pd\nfrom backtesting import Strategy\n\nx = pd.io\n"
    codes = {f.code for f in validate_code(code).findings}
    assert "forbidden_attribute" in codes
