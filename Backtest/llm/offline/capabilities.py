"""What the offline generator understands: one entry per construct, each with a working example.

Served by the API at ``GET /api/strategies/capabilities/`` and used by refusals to point at
the closest supported construct. A test parses and compiles every example.
"""

from __future__ import annotations

from typing import TypedDict


class Capability(TypedDict):
    """One construct: a stable id, a title, what it covers and a description that parses."""

    id: str
    title: str
    description: str
    example: str
    keywords: list[str]  # indicator names / words that make it a relevant suggestion


def _cap(id_: str, title: str, description: str, example: str, *keywords: str) -> Capability:
    return Capability(
        id=id_, title=title, description=description, example=example, keywords=list(keywords)
    )


CAPABILITIES: tuple[Capability, ...] = (
    _cap(
        "crossover",
        "Moving-average crossovers",
        "SMA, EMA, WMA, DEMA, TEMA, KAMA crossing each other or the price; periods bind to the "
        "nearest average ('12 and 26 period EMAs', 'the shorter one').",
        "Buy when the 10-day SMA crosses above the 30-day SMA, sell when it crosses back below.",
        "SMA",
        "EMA",
        "WMA",
        "cross",
    ),
    _cap(
        "golden_cross",
        "Golden and death cross",
        "The 50-day SMA crossing the 200-day SMA (or the pair you name).",
        "Buy on a golden cross, sell on a death cross.",
        "golden",
        "death",
    ),
    _cap(
        "oscillator_levels",
        "Oscillator levels",
        "RSI, stochastic %K/%D, CCI, Williams %R, MFI, ADX/DI, ROC, momentum against numbers.",
        "Buy when RSI(14) drops below 30, sell when it rises above 70.",
        "RSI",
        "CCI",
        "WILLR",
        "MFI",
        "ADX",
        "ROC",
        "MOM",
        "STOCH",
    ),
    _cap(
        "threshold_cross",
        "Threshold crossings",
        "An indicator crossing a level ('crosses above 30 from below').",
        "When RSI crosses above 30 go long; when it crosses under 70, close it.",
        "RSI",
        "CCI",
        "crosses",
    ),
    _cap(
        "zones",
        "Oversold and overbought",
        "Standard zones (RSI 30/70, stochastic 20/80, CCI -100/100, Williams %R -80/-20, MFI "
        "20/80) or your own level in brackets.",
        "Buy when the stochastic is oversold, sell when it is overbought.",
        "oversold",
        "overbought",
        "STOCH",
        "RSI",
    ),
    _cap(
        "macd",
        "MACD line, signal line and histogram",
        "MACD crossing its signal line, the histogram turning positive or negative.",
        "Go long when MACD crosses above its signal line; exit when it crosses below.",
        "MACD",
        "signal",
        "histogram",
    ),
    _cap(
        "bollinger",
        "Bollinger bands",
        "Upper, middle and lower band, with period and deviations.",
        "Buy when the close is below the lower Bollinger band (20, 2), sell at the middle band.",
        "BBANDS",
        "band",
    ),
    _cap(
        "channels",
        "Donchian and Keltner channels, N-day highs and lows",
        "The highest high / lowest low of the previous N bars ('a 20-day breakout'), Donchian "
        "and Keltner lines.",
        "Buy when the close breaks above the 20-day high; exit when it drops below the 10-day low.",
        "DONCHIAN",
        "KELTNER",
        "high",
        "low",
        "channel",
        "breakout",
    ),
    _cap(
        "vwap_supertrend",
        "VWAP and SuperTrend",
        "Session or rolling VWAP; SuperTrend line and direction (bullish/bearish flips).",
        "Buy when SuperTrend turns bullish and the close is above the 20-bar VWAP; sell when "
        "SuperTrend turns bearish.",
        "VWAP",
        "SUPERTREND",
    ),
    _cap(
        "previous_bars",
        "Previous bars",
        "Yesterday's (the previous bar's) high, low, open or close, or N bars ago ('close[1]').",
        "Buy when today's close is above yesterday's high; sell when the close is below the "
        "prior day's low.",
        "yesterday",
        "previous",
    ),
    _cap(
        "arithmetic",
        "Percent offsets and arithmetic",
        "'5% below the 20-day SMA', 'SMA(10) - SMA(50) > 0', 'twice its average'.",
        "Buy when the close is 5% below the 20-day SMA; sell when the close is above the SMA.",
        "percent",
        "%",
    ),
    _cap(
        "percent_change",
        "Percent change over N bars",
        "How much the price rose or fell over the last N bars.",
        "Buy when the stock falls more than 10% in 5 days; exit after 10 bars.",
        "change",
    ),
    _cap(
        "indicator_of_indicator",
        "Averages of indicators and of volume",
        "An average of an indicator ('RSI crosses above its 9-period average') or of volume.",
        "Buy when RSI(14) crosses above its 9-period moving average; sell when RSI(14) crosses "
        "below its average.",
        "average",
        "OBV",
        "volume",
    ),
    _cap(
        "volume",
        "Volume",
        "Volume against its average or a multiple of it.",
        "Buy when volume is more than twice its 20-day average and the close is above the open; "
        "exit after 3 bars.",
        "volume",
    ),
    _cap(
        "trend",
        "Rising and falling",
        "A price or indicator rising/falling, or for N bars in a row.",
        "Buy when the close is above the 50 EMA and the 200 SMA is rising; sell when the close "
        "is below the 50 EMA.",
        "rising",
        "falling",
    ),
    _cap(
        "streaks",
        "Consecutive up or down bars",
        "N consecutive higher or lower closes.",
        "Buy after 3 consecutive down closes, sell after 2 up days in a row.",
        "consecutive",
        "row",
    ),
    _cap(
        "persistence",
        "Conditions held for N bars",
        "A condition true on each of the last N bars.",
        "Go long when the close is above the 10-day EMA for 3 consecutive days; exit after 5 bars.",
        "for",
        "days",
    ),
    _cap(
        "calendar",
        "Weekdays and months",
        "Entries only on some weekdays or months, or never on them.",
        "Buy when RSI(2) is below 10 but not on Fridays; sell when RSI(2) is above 70.",
        "monday",
        "friday",
        "month",
        "weekday",
    ),
    _cap(
        "time_of_day",
        "Time of day (intraday bars)",
        "Entries or exits between, before or after clock times.",
        "Buy when price crosses above VWAP between 10:00 and 11:30, sell when it crosses back "
        "below VWAP.",
        "time",
        "intraday",
    ),
    _cap(
        "negation",
        "Not, unless, never, don't",
        "Negated comparisons and filters that block entries.",
        "Go long when MACD crosses above its signal line unless the close is below the 200 EMA; "
        "exit when MACD crosses below the signal line.",
        "not",
        "unless",
        "never",
    ),
    _cap(
        "stops",
        "Stop loss and take profit",
        "Percent from the entry price.",
        "Buy when RSI(14) is below 30, sell when it is above 70. 2% stop loss, 6% take profit.",
        "stop",
        "target",
        "profit",
    ),
    _cap(
        "atr_stops",
        "ATR stops and trailing stops",
        "Stops, targets and trailing stops as multiples of the ATR, or in percent.",
        "Buy when the close crosses above the 50 EMA. Stop loss at 2 ATR below entry, trailing "
        "stop of 3x ATR(14).",
        "ATR",
        "trailing",
    ),
    _cap(
        "time_exit",
        "Exit after N bars",
        "Close every trade after it has been open N bars.",
        "Buy when RSI(14) crosses back above 30. Hold for 5 days then sell.",
        "hold",
        "after",
    ),
    _cap(
        "short",
        "Short selling",
        "Short entries and covers; 'short only'.",
        "Short when the 20 EMA crosses below the 50 EMA, cover when it crosses back above.",
        "short",
        "cover",
    ),
    _cap(
        "long_short",
        "Long and short",
        "Both directions: an opposite entry closes and reverses the position.",
        "Trade both ways: long when the close is above the upper Bollinger band, short when the "
        "close is below the lower Bollinger band.",
        "both",
    ),
    _cap(
        "orders",
        "Limit and stop entries",
        "Entry orders at a price from the signal bar, e.g. 1% below the close.",
        "Place a limit buy order 1% below the close whenever RSI(3) is under 15; exit when "
        "RSI(3) goes above 60.",
        "limit",
        "order",
    ),
    _cap(
        "sizing",
        "Position sizing",
        "A share of equity, a number of units, or risk per trade with a stop.",
        "Risk 1% of equity per trade with a 5% stop. Buy when the close crosses above the 100 "
        "SMA; sell when it crosses below.",
        "risk",
        "shares",
        "equity",
    ),
    _cap(
        "sections",
        "Entry/exit sections and bullet lists",
        "Headings with bullets: entry bullets must all hold, exit bullets each exit.",
        "Entry rules:\n- price above 200 SMA\n- RSI(5) below 25\nExit rules:\n- RSI(5) above 70",
        "entry",
        "exit",
    ),
    _cap(
        "listed_conditions",
        "Conditions listed first, the action after",
        "Numbered conditions, then 'if 1 and 2 are both true, buy' or 'when all three "
        "conditions are met, go long': all of them required, the count checked.",
        "1. Price is above the 200-day SMA.\n2. RSI(2) is below 10.\n3. If both are true, buy."
        "\n4. Sell when RSI(2) is above 70.",
        "both",
        "true",
        "met",
    ),
)


def capabilities() -> list[dict[str, str]]:
    """Every construct the offline generator understands: id, title, description, example."""
    return [
        {
            "id": c["id"],
            "title": c["title"],
            "description": c["description"],
            "example": c["example"],
        }
        for c in CAPABILITIES
    ]
