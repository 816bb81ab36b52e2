"""validate_code: imports, names and attributes strategy code must not use (plus evasions)."""

from __future__ import annotations

import pytest

from Backtest.validation import ALLOWED_MODULES, ValidationReport, validate_code

STRATEGY = """
from backtesting import Strategy

class S(Strategy):
    def init(self):
        pass

    def next(self):
        {body}
"""


def in_next(body: str, header: str = "") -> ValidationReport:
    return validate_code(header + STRATEGY.format(body=body))


def error_codes(report: ValidationReport) -> list[str]:
    return [f.code for f in report.findings if f.severity == "error"]


@pytest.mark.parametrize(
    "line",
    [
        "import numpy as np",
        "import numpy.linalg",
        "import pandas as pd",
        "import talib",
        "from talib import abstract",
        "import talib.abstract as ta",
        "from backtesting.lib import crossover, resample_apply",
        "from backtesting.test import SMA",
        "import math, statistics, itertools, functools",
        "from collections import deque",
        "from collections.abc import Sequence",
        "from typing import Any",
        "from dataclasses import dataclass",
        "from Backtest.indicators import sma",
        "from Backtest import indicators",
        "import Backtest.indicators as ind",
    ],
)
def test_allowed_imports_pass(line: str) -> None:
    report = in_next("pass", header=line + "\n")
    assert report.ok, report.findings


@pytest.mark.parametrize(
    ("line", "module"),
    [
        ("import os", "os"),
        ("import os as o", "os"),
        ("from os import system", "os"),
        ("import subprocess", "subprocess"),
        ("import requests", "requests"),
        ("from os.path import join", "os.path"),
        ("import numpy.ctypeslib", "numpy.ctypeslib"),
        ("from Backtest import sandbox", "Backtest"),
        ("import backtesting._util", "backtesting._util"),
        ("import operator", "operator"),
    ],
)
def test_forbidden_imports_name_the_module_and_the_allowlist(line: str, module: str) -> None:
    report = in_next("pass", header=line + "\n")
    assert "forbidden_import" in error_codes(report)
    finding = next(f for f in report.findings if f.code == "forbidden_import")
    assert f"import of {module!r} is not allowed" in finding.message
    assert ", ".join(ALLOWED_MODULES) in finding.message
    assert finding.line == 1


@pytest.mark.parametrize(
    "line",
    ["from . import helpers", "from backtesting import _stats", "from numpy import ctypeslib"],
)
def test_relative_private_and_dangerous_submodule_imports_are_refused(line: str) -> None:
    assert error_codes(in_next("pass", header=line + "\n")) == ["forbidden_import"]


@pytest.mark.parametrize(
    "body",
    [
        "eval('1+1')",
        "exec('x = 1')",
        "compile('1', 'f', 'eval')",
        "open('/etc/passwd').read()",
        "__import__('os')",
        "globals()['x'] = 1",
        "locals()",
        "vars(self)",
        "breakpoint()",
        "input()",
        "memoryview(b'x')",
        "f = eval",
    ],
)
def test_forbidden_builtins(body: str) -> None:
    report = in_next(body)
    assert error_codes(report) == ["forbidden_name"]
    assert report.findings[0].line == 9


@pytest.mark.parametrize("name", ["os", "sys", "subprocess", "builtins", "pickle", "shutil"])
def test_dangerous_module_names_are_refused_even_unimported(name: str) -> None:
    assert error_codes(in_next(f"{name}.anything()")) == ["forbidden_name"]


def test_getattr_with_a_literal_is_allowed_and_anything_else_is_not() -> None:
    assert in_next("getattr(self, 'n1'); setattr(self, 'x', 1); hasattr(self, 'y')").ok
    assert error_codes(in_next("getattr(self, name)")) == ["dynamic_attribute"]
    assert error_codes(in_next("getattr(self, '__class__')")) == ["dynamic_attribute"]
    assert error_codes(in_next("g = getattr")) == ["dynamic_attribute"]


@pytest.mark.parametrize(
    "body",
    [
        "self.__class__",
        "self.__dict__['x'] = 1",
        "type(self).__subclasses__()",
        "self.init.__globals__",
        "(lambda: 0).__code__",
    ],
)
def test_dunder_attributes_are_refused(body: str) -> None:
    report = in_next(body)
    assert set(error_codes(report)) == {"forbidden_attribute"}


def test_dunder_finding_points_at_the_attribute() -> None:
    report = in_next("x = self.data.__class__")
    (finding,) = report.findings
    assert (finding.line, finding.column) == (9, 23)
    assert "`.__class__`" in finding.message


@pytest.mark.parametrize(
    ("body", "header"),
    [
        ("pd.read_csv('prices.csv')", "import pandas as pd\n"),
        ("self.data.df.to_csv('out.csv')", ""),
        ("np.load('x.npy')", "import numpy as np\n"),
        ("numpy.save('x.npy', self.data.Close)", "import numpy\n"),
        ("np.fromfile('x')", "import numpy as np\n"),
        ("self.data.Close.tofile('x')", ""),
        ("pd.read_pickle('x')", "import pandas as pd\n"),
        ("load('x')", "from numpy import load\n"),
    ],
)
def test_pandas_and_numpy_file_io_is_refused(body: str, header: str) -> None:
    report = in_next(body, header=header)
    assert error_codes(report) == ["file_io"]
    assert "self.data" in next(f for f in report.findings if f.code == "file_io").message


def test_generic_load_and_save_methods_are_not_mistaken_for_numpy_io() -> None:
    report = in_next("cache = self.position; cache.load(); cache.save()")
    assert report.ok, report.findings


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("().__class__.__bases__[0].__subclasses__()", {"forbidden_attribute"}),
        ("getattr(__builtins__, 'ev'+'al')", {"dynamic_attribute", "forbidden_name"}),
        ("import os as o", {"forbidden_import"}),
        ("from os import system", {"forbidden_import"}),
        ("__import__('os')", {"forbidden_name"}),
        ("(x for x in ()).gi_frame.f_globals", {"forbidden_attribute"}),
        ("'{0.__class__.__init__.__globals__}'.format(self)", {"forbidden_attribute"}),
        ("b'{0._x}'", {"forbidden_attribute"}),
        ("import numpy as np\nnp.sys.modules", {"forbidden_attribute"}),
        ("import pandas as pd\npd.eval('1')", {"forbidden_attribute"}),
        ("f = __builtins__", {"forbidden_name"}),
        ("import numpy as np\nnp.ctypeslib.load_library('x', '.')", {"forbidden_attribute"}),
        ("type(self).mro()[-1].__subclasses__()", {"forbidden_attribute"}),
    ],
)
def test_evasion_attempts_are_caught(source: str, expected: set[str]) -> None:
    report = validate_code(source + "\n" + STRATEGY.format(body="pass"))
    assert not report.ok
    assert set(error_codes(report)) == expected
