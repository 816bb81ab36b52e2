"""Semantic-change classification: decided from the edit, never from who made it."""

from __future__ import annotations

import pytest

from Backtest.fixer.semantics import classify_edit
from tests.backtest.fixer.snippets import WORKING, strategy

RSI = strategy(
    init="self.rsi = self.I(talib.RSI, self.data.Close, 14)",
    next_="if not self.position and self.rsi[-1] < 30:\n"
    "    self.buy(size=0.5)\n"
    "elif self.position and self.rsi[-1] > 70:\n"
    "    self.position.close()",
    extra="    level = 30\n\n",
)

SAME_MEANING = {
    "column case": ("self.data.Close", "self.data.close"),
    "iloc on an array": ("self.rsi[-1] < 30", "self.rsi.iloc[-1] < 30"),
    "missing self": ("self.rsi[-1] > 70", "rsi[-1] > 70"),
    "position tested against None": ("not self.position and", "self.position == None and"),
    "TA-Lib keyword spelled by position": (
        "self.data.Close, 14)",
        "self.data.Close, timeperiod=14)",
    ),
    "indicator called inside self.I": (
        "self.I(talib.RSI, self.data.Close, 14)",
        "self.I(talib.RSI(self.data.Close, 14))",
    ),
    "order keyword alias": ("self.buy(size=0.5)", "self.buy(qty=0.5)"),
    "int parameter written as float": ("level = 30", "level = 30.0"),
    "comment and blank lines": ("    def next(self):", "    # entries\n\n    def next(self):"),
    "print call": ("self.position.close()", "self.position.close()\n            print('exit')"),
}

CHANGED_MEANING = {
    "threshold": ("self.rsi[-1] < 30", "self.rsi[-1] < 25", "rsi < 25)`"),
    "operator": ("self.rsi[-1] < 30", "self.rsi[-1] <= 30", "rule in next()"),
    "sizing": ("self.buy(size=0.5)", "self.buy(size=1)", "sizing in next()"),
    "parameter": ("level = 30", "level = 35", "parameter: `level = 30` became `level = 35`"),
    "indicator period": ("self.data.Close, 14)", "self.data.Close, 20)", "computation in init()"),
    "indicator": ("talib.RSI", "talib.MFI", "computation in init()"),
    "a rule removed": ("not self.position and self.rsi[-1] < 30", "not self.position", "rule"),
    "an order removed": ("self.position.close()", "pass", "removed `position.close()`"),
}


def variant(before: str, after: str) -> str:
    assert before in RSI
    return RSI.replace(before, after, 1)


@pytest.mark.parametrize("name", list(SAME_MEANING))
def test_spelling_fixes_keep_the_meaning(name: str) -> None:
    broken = variant(*SAME_MEANING[name])
    verdict = classify_edit(broken, RSI)
    assert not verdict.semantic_change, verdict.changes
    assert verdict.changes == ()


@pytest.mark.parametrize("name", list(CHANGED_MEANING))
def test_changes_of_meaning_are_flagged_with_what_changed(name: str) -> None:
    before, after, described = CHANGED_MEANING[name]
    verdict = classify_edit(RSI, variant(before, after))
    assert verdict.semantic_change
    assert any(described in change for change in verdict.changes), verdict.changes


def test_swapping_crossover_arguments_is_a_change_but_crossunder_is_not() -> None:
    swapped = WORKING.replace(
        "if crossover(self.sma1, self.sma2):", "if crossover(self.sma2, self.sma1):"
    )
    assert classify_edit(WORKING, swapped).semantic_change
    under = WORKING.replace(
        "elif crossover(self.sma2, self.sma1):", "elif crossunder(self.sma1, self.sma2):"
    )
    assert not classify_edit(under, WORKING).semantic_change


def test_a_resolved_typo_keeps_the_meaning_and_is_noted() -> None:
    typo = WORKING.replace("crossover(self.sma1, self.sma2)", "crossover(self.sma_1, self.sma2)")
    verdict = classify_edit(typo, WORKING)
    assert not verdict.semantic_change
    assert verdict.notes == ("self.sma_1 (never defined) is read as self.sma1",)


def test_reading_a_different_defined_attribute_is_a_change() -> None:
    other = WORKING.replace("crossover(self.sma1, self.sma2)", "crossover(self.sma2, self.sma2)")
    assert classify_edit(WORKING, other).semantic_change


def test_a_warmup_guard_is_neutral_only_up_to_the_history_read() -> None:
    code = strategy(next_="x = self.data.Close[-1] / self.data.Close[-30]")
    guarded = code.replace("x = ", "if len(self.data) < 30:\n            return\n        x = ")
    verdict = classify_edit(code, guarded)
    assert not verdict.semantic_change
    assert verdict.notes
    excessive = guarded.replace("< 30", "< 300")
    verdict = classify_edit(code, excessive)
    assert verdict.semantic_change
    assert "skips the first 300 bars" in verdict.changes[0]


def test_unparseable_code_is_compared_after_its_syntax_is_repaired() -> None:
    fenced = f"Here it is:\n```python\n{WORKING}```\nEnjoy."
    assert not classify_edit(fenced, WORKING).semantic_change
    broken = WORKING.replace("def next(self):", "def next(self)")
    changed = WORKING.replace("crossover(self.sma1, self.sma2)", "crossover(self.sma2, self.sma1)")
    assert not classify_edit(broken, WORKING).semantic_change
    assert classify_edit(broken, changed).semantic_change


def test_code_that_no_longer_parses_is_a_change() -> None:
    verdict = classify_edit(WORKING, WORKING + "\n)(")
    assert verdict.semantic_change


def test_module_level_script_code_carries_no_meaning() -> None:
    script = WORKING + "\nbt = Backtest(GOOG, SmaCross)\nstats = bt.run()\nprint(stats)\n"
    assert not classify_edit(script, WORKING).semantic_change


def test_multi_output_rows_by_name_or_position_mean_the_same() -> None:
    by_name = strategy(
        init="self.bb = self.I(talib.BBANDS, self.data.Close)",
        next_="if self.data.Close[-1] < self.bb.lower[-1]: self.buy()",
    )
    by_row = by_name.replace("self.bb.lower[-1]", "self.bb[2][-1]")
    wrong_row = by_name.replace("self.bb.lower[-1]", "self.bb[0][-1]")
    assert not classify_edit(by_name, by_row).semantic_change
    assert classify_edit(by_name, wrong_row).semantic_change
