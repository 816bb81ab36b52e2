"""Trader wording learnt in the twenty-third prose round (e), from held-out 23's refusals:
"we're in November through April" (a month range), "Any weekday except Thursday and Friday."
(a sentence that is wholly a weekday filter on every entry), "the EMA(100) is higher than it
was 5 bars ago" (against its own value then), "then trail it at 3 ATR(14)" (a trailing stop),
"(all three 14 period)" (the period of the indicators it counts), "no longer rising (lower than
the bar before)" (a restatement, read as it says), "Fading the Keltner channel (EMA 20, ATR 10,
2x): ..." (the label's verb set aside);
with the near misses that must stay refused. Compared semantically, in the corpus notation of
tests/quality/README.md."""

from __future__ import annotations

import pytest

from Backtest.llm.offline import parse_description
from tests.backtest.offline.readings import reads_as, refused

_EXIT = " Sell when RSI(14) > 70."


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        # a month range after "we're in"
        (
            "Go long when the 20-day rate of change is above 5% and we're in November through "
            "April. Flat when ROC(20) goes negative.",
            {
                "entry": "all(ROC(20) > 5; month in [nov, dec, jan, feb, mar, apr])",
                "exit": "ROC(20) below 0",
            },
        ),
        (
            "Buy when RSI(14) < 30 and we are in the months of May through July." + _EXIT,
            {"entry": "all(RSI(14) < 30; month in [may, jun, jul])", "exit": "RSI(14) > 70"},
        ),
        (
            "Buy when RSI(14) < 30 and we're in May." + _EXIT,
            {"entry": "all(RSI(14) < 30; month in [may])", "exit": "RSI(14) > 70"},
        ),
        # a sentence that is wholly the weekdays but some: a filter on every entry
        (
            "After 4 up closes in a row (each close higher than the one before) go short. Buy "
            "back on the first close lower than the previous close. Any weekday except Thursday "
            "and Friday.",
            {
                "side": "short",
                "short_entry": "all(rising(Close, 4); weekday not in [thu, fri])",
                "short_exit": "Close < Close[1]",
            },
        ),
        (
            "Buy when RSI(14) < 30." + _EXIT + " Every day except Monday or Friday.",
            {"entry": "all(RSI(14) < 30; weekday not in [mon, fri])", "exit": "RSI(14) > 70"},
        ),
        # against its own value some bars back
        (
            "Long if close > EMA(100) and the EMA(100) is higher than it was 5 bars ago. Initial "
            "stop 2 ATR(14), then trail it at 3 ATR(14). Risk 0.75% of the account per trade.",
            {
                "entry": "all(Close > EMA(100); EMA(100) > EMA(100)[5])",
                "stop": "2 ATR(14)",
                "trailing": "3 ATR(14)",
                "size": "risk 0.75%",
            },
        ),
        (
            "Long if the close is lower than it was 3 days ago." + _EXIT,
            {"entry": "Close < Close[3]", "exit": "RSI(14) > 70"},
        ),
        # a bracket giving the period of the indicators it counts
        (
            "Buy when +DI crosses above -DI and ADX is over 20 (all three 14 period). Sell when "
            "-DI crosses above +DI.",
            {
                "entry": "all(PLUS_DI(14) crosses_above MINUS_DI(14); ADX(14) > 20)",
                "exit": "MINUS_DI(14) crosses_above PLUS_DI(14)",
            },
        ),
        (
            "Buy when +DI crosses above -DI (both 10 periods). Sell when -DI crosses above +DI.",
            {
                "entry": "PLUS_DI(10) crosses_above MINUS_DI(10)",
                "exit": "MINUS_DI(10) crosses_above PLUS_DI(10)",
            },
        ),
        # "no longer rising (lower than the bar before)": read as the restatement says
        (
            "long when sma(50) is rising and the close crosses above sma(20). flat as soon as "
            "sma(50) is no longer rising (lower than the bar before).",
            {
                "entry": "all(rising(SMA(50)); Close crosses_above SMA(20))",
                "exit": "falling(SMA(50))",
            },
        ),
        # a label's verb before the indicator whose settings the bracket gives
        (
            "Fading the Keltner channel (EMA 20, ATR 10, 2x): short when the close goes above "
            "the upper band, cover when the close drops back below the middle line. SL 1.5 "
            "ATR(14).",
            {
                "side": "short",
                "short_entry": "Close above KELTNER(20,10,2).upper",
                "short_exit": "Close below KELTNER(20,10,2).middle",
                "stop": "1.5 ATR(14)",
            },
        ),
        # "trail it at / by": a trailing stop
        (
            "Buy when RSI(14) < 30." + _EXIT + " Stop 2%, trail it by 3%.",
            {"entry": "RSI(14) < 30", "exit": "RSI(14) > 70", "stop": "2%", "trailing": "3%"},
        ),
    ],
)
def test_reads(text: str, expect: dict[str, object]) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # "we're in" is a date only before months: a trend or a trade is not read
        ("Buy when RSI(14) < 30 and we're in a downtrend." + _EXIT, "a downtrend"),
        ("Buy when RSI(14) < 30 and I'm in May." + _EXIT, "I'm in"),
        # the weekday filter is read only as a whole sentence of days
        ("Buy when RSI(14) < 30." + _EXIT + " Any weekday except Thursday, sell.", "sell"),
        ("Buy when RSI(14) < 30." + _EXIT + " Thursday and Friday.", "Thursday and Friday"),
        # "than it was": a number of bars back, of a value said of this bar
        ("Long if the EMA(100) is higher than it was 5% ago." + _EXIT, "5%"),
        ("Long if yesterday's close is higher than it was 5 bars ago." + _EXIT, "bars ago"),
        ("Long if the EMA(100) is higher than it was 0 bars ago." + _EXIT, "bars ago"),
        ("Long if the close is lower than it was 3 weeks ago." + _EXIT, "3 weeks"),
        # the bracket's count must match the indicators, each without a period of its own
        (
            "Buy when +DI crosses above -DI and ADX is over 20 (both 14 period)." + _EXIT,
            ")",
        ),
        (
            "Buy when +DI crosses above -DI and ADX(10) is over 20 (all three 14 period)." + _EXIT,
            "period",
        ),
        ("Buy when MACD crosses above 0 and ADX is over 20 (both 14 period)." + _EXIT, ")"),
        ("Buy when +DI crosses above -DI and ADX is over 20 (all 3 14 period)." + _EXIT, "period"),
        # a bracket that says the other way, or of a rule that is no trend
        (
            "long when sma(50) is rising. flat as soon as sma(50) is no longer rising (higher "
            "than the bar before).",
            "higher than the bar before",
        ),
        (
            "long when sma(50) is rising. flat as soon as the close is below sma(50) (lower "
            "than the bar before).",
            ")",
        ),
        # the label's verb only before an indicator and its bracket, then the colon
        (
            "Fading the Keltner channel (EMA 20, ATR 10, 2x). Short when the close goes above "
            "the upper band.",
            "Fading",
        ),
        ("Fading RSI(14) < 30: buy." + _EXIT, "Fading"),
        # trailed to a level, not by a distance: not read
        ("Buy when RSI(14) < 30." + _EXIT + " Trail it at the 10-day low.", "day"),
    ],
)
def test_refused(text: str, named: str) -> None:
    assert named in refused(text)


def test_weekday_filter_is_noted() -> None:
    parsed = parse_description("Buy when RSI(14) < 30." + _EXIT + " Any weekday except Friday.")
    assert any("as a filter on every entry" in w for w in parsed.warnings)
