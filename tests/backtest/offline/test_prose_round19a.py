"""Trader wording learnt in the nineteenth prose round (a) from the refusals of held-out 6, 9,
12, 14, 16 and tuning 2, with the near misses that must stay refused. Compared semantically,
in the corpus notation of tests/quality/README.md."""

from __future__ import annotations

import pytest

from Backtest.llm.offline import parse_description
from tests.backtest.offline.readings import reads_as, refused

_OUT = " rsi(2) > 70 -> sell"


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        # "+" before a comparison of the bar's price, where no chain with a sum in the middle
        # can be meant: "and". The chain would turn round ("<" then ">", no English) ...
        (
            "rsi(3) < 15 + close > 200sma = buy, except in may-jul. rsi(3) > 60 = sell",
            {
                "entry": "all(RSI(3) < 15; Close > SMA(200); month not in [may, jun, jul])",
                "exit": "RSI(3) > 60",
            },
        ),
        (
            "rsi(2) < 10 + high > yday high -> buy." + _OUT,
            {"entry": "all(RSI(2) < 10; High > High[1])", "exit": "RSI(2) > 70"},
        ),
        (
            "atr(10) < atr(10) 20 bars ago + close > yday high = buy. out after 5 bars",
            {"entry": "all(ATR(10) < ATR(10)[20]; Close > High[1])", "exit_after_bars": 5},
        ),
        # ... or would add a price to volume
        (
            "volume > 1.5x its 50d avg + close more than 2% above yday's close -> long. "
            "hold 4 bars then out",
            {
                "entry": "all(Volume > SMA(50, Volume) * 1.5; Close > Close[1] * 1.02)",
                "exit_after_bars": 4,
            },
        ),
        # "vol" compared with an average: volume (noted); "+" before it joins as "and"
        (
            "vol > 2x 20d avg vol and close > yday high -> buy. tp 8% sl 3%",
            {
                "entry": "all(Volume > SMA(20, Volume) * 2; Close > High[1])",
                "target": "8%",
                "stop": "3%",
            },
        ),
        (
            "mfi(10) x above 20 + vol > its 20d avg = buy, unless close < 100ema. "
            "mfi(10) > 80 = sell",
            {
                "entry": "all(MFI(10) crosses_above 20; Volume > SMA(20, Volume); "
                "not(Close < EMA(100)))",
                "exit": "MFI(10) > 80",
            },
        ),
        (
            "obv x above its 30ema + vol > 1.5x its 50d avg = long. obv x below its 30ema = flat",
            {
                "entry": "all(OBV crosses_above EMA(30, OBV); Volume > SMA(50, Volume) * 1.5)",
                "exit": "OBV crosses_below EMA(30, OBV)",
            },
        ),
    ],
)
def test_reads(text: str, expect: dict[str, object]) -> None:
    reads_as(text, expect)


def test_vol_is_read_as_volume_with_a_note() -> None:
    parsed = parse_description("vol > 1.5x its 50d avg -> buy. out after 4 bars")
    assert "'vol' in 'vol > 1.5x its 50d avg' read as volume" in parsed.warnings


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        # "vol" not compared with an average may be volatility
        ("vol > 20 -> buy. out after 5 bars", "vol"),
        ("vol > 2x atr(14) -> buy. out after 5 bars", "vol"),
        ("Buy when vol contracts and RSI(2) < 10. Sell after 5 bars.", "vol"),
        # volume or OBV against a price or an average of the price: never meant
        ("Buy when OBV crosses above the 30 EMA. Sell after 5 bars.", "price scale"),
        ("Buy when volume crosses above the 50 SMA. Sell after 5 bars.", "price scale"),
        ("Buy when OBV is above the close. Sell after 5 bars.", "price scale"),
        (
            "obv x above its 30ema + vol > 1.5x its 50d avg = long. obv x below the 30ema = flat",
            "price scale",
        ),
    ],
)
def test_vol_and_volume_near_misses_stay_refused(text: str, reason: str) -> None:
    assert reason in refused(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        # a chain with a sum in the middle may be meant where both go one way
        ("close > sma(20) + atr(14) > sma(50) -> buy." + _OUT, "could not place"),
        ("rsi(2) > 10 + close > 200sma -> buy." + _OUT, "could not place"),
        ("atr(10) > atr(10) 20 bars ago + close > yday high = buy." + _OUT, "could not place"),
        # an indicator after "+" may be a sum's term, and yesterday's price is not the bar's
        ("close > 200sma + rsi(2) < 10 -> buy." + _OUT, "could not place"),
        ("rsi(2) < 10 + yday close > 200sma -> buy." + _OUT, "could not place"),
    ],
)
def test_near_misses_stay_refused(text: str, reason: str) -> None:
    assert reason in refused(text)
