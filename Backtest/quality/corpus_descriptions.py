"""Plain-English strategy descriptions with the rules a correct parse must produce.

Two sets:

* ``HELD_OUT`` was written first, before any parser code existed, and has never been used to
  tune the parser: its rate is the honest estimate of how the parser does on unseen text.
* ``MAIN`` is the development set; the parser was tuned against it.
* ``HELD_OUT_LATE`` was written after the parser existed, to get a less optimistic estimate.
  Its first run (before any change prompted by it) scored: understood 16/17, correct 14/17,
  runs-and-trades 14/17, correct-and-trades 13/17, refusal 1/1. Four generic gaps it exposed
  were then fixed, so its current rate is no longer an unseen-data estimate.

Honesty note: one person wrote the corpus and the parser; ``HELD_OUT`` texts were known while
the vocabulary was designed. Expect lower rates on other people's phrasing.

Expected rules use a small notation, compared structurally (ids do not matter):

* operands: ``Close`` / ``High`` ...; numbers; indicators as ``NAME(p1,p2,...)`` with every
  non-``matype`` parameter in registry order (defaults included), ``.output`` for multi-output
  indicators, ``@Field`` for a non-default source and ``[n]`` for n bars ago, e.g.
  ``MACD(12,26,9).macdsignal``, ``SMA(20)@Volume``, ``MAX(20)@High[1]``;
* a condition is ``left op right``; ops are the spec's ``< > <= >= crosses_above
  crosses_below`` plus the loose ``below`` (matches ``<``, ``<=``, ``crosses_below``) and
  ``above`` (``>``, ``>=``, ``crosses_above``) where English does not decide between a level
  and an event ("RSI drops below 25"); ``a crosses_above b`` equals ``b crosses_below a``;
* groups are ``all(c1; c2)`` / ``any(c1; c2)``; ``None`` means the rule must be absent.

``refuse=True`` marks descriptions the parser must reject with ``DescriptionNotUnderstood``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    """One description and what a correct parse of it contains."""

    id: str
    text: str
    side: str = "long"
    entry: str | None = None
    exit: str | None = None
    short_entry: str | None = None
    short_exit: str | None = None
    stop_loss_pct: float | None = None
    take_profit_pct: float | None = None
    trailing_stop_pct: float | None = None
    position_size: float = 1.0
    refuse: bool = False


_BB = "BBANDS(20,2.0,2.0)"
_STOCH = "STOCH(14,3,3)"
_MACD = "MACD(12,26,9)"

# Written before the parser; never tuned on. Do not edit to make the parser pass.
HELD_OUT: tuple[Case, ...] = (
    Case(
        "h01_rsi5",
        "Buy SPY when the 5-day RSI goes below 20 and sell when it goes back above 60.",
        entry="RSI(5) below 20",
        exit="RSI(5) above 60",
    ),
    Case(
        "h02_golden_cross_stop",
        "golden cross strategy w/ 8% stop loss. exit on death cross",
        entry="SMA(50) crosses_above SMA(200)",
        exit="SMA(50) crosses_below SMA(200)",
        stop_loss_pct=8.0,
    ),
    Case(
        "h03_ema_hist_trailing",
        "Long when close > EMA(100) and MACD histogram crosses above zero. Close position when "
        "the histogram crosses below zero. Trailing stop 3%.",
        entry=f"all(Close > EMA(100); {_MACD}.macdhist crosses_above 0)",
        exit=f"{_MACD}.macdhist crosses_below 0",
        trailing_stop_pct=3.0,
    ),
    Case(
        "h04_stoch_short",
        "I want to short stocks when the stochastic is overbought (above 80) and %K crosses "
        "below %D. Cover when %K drops under 20.",
        side="short",
        short_entry=f"all({_STOCH}.slowk > 80; {_STOCH}.slowk crosses_below {_STOCH}.slowd)",
        short_exit=f"{_STOCH}.slowk below 20",
    ),
    Case(
        "h05_cci_arrows",
        "CCI(20) crosses above -100 -> buy. CCI crosses below 100 -> sell.",
        entry="CCI(20) crosses_above -100",
        exit="CCI(20) crosses_below 100",
    ),
    Case(
        "h06_bb_breakout_risk",
        "Bollinger band squeeze breakout: buy when price closes above the upper band (20,2), "
        "sell when it closes back below the middle band. risk 1% per trade with a 4% stop.",
        entry=f"Close above {_BB}.upperband",
        exit=f"Close below {_BB}.middleband",
        stop_loss_pct=4.0,
        position_size=0.25,
    ),
    Case(
        "h07_adx_di",
        "ADX(14) > 25 and +DI crosses above -DI = go long. Exit when -DI crosses above +DI.",
        entry="all(ADX(14) > 25; PLUS_DI(14) crosses_above MINUS_DI(14))",
        exit="MINUS_DI(14) crosses_above PLUS_DI(14)",
    ),
    Case(
        "h08_bullets_filter",
        "- Entry: 20 EMA crosses above 50 EMA\n- Filter: only when RSI > 50\n"
        "- Exit: 20 EMA crosses below 50 EMA\n- Stop: 2.5%\n- Target: 6%",
        entry="all(EMA(20) crosses_above EMA(50); RSI(14) > 50)",
        exit="EMA(20) crosses_below EMA(50)",
        stop_loss_pct=2.5,
        take_profit_pct=6.0,
    ),
    Case(
        "h09_willr_half",
        "Mean reversion: buy when Williams %R is below -80, sell when it rises above -20. "
        "Use 50% of equity per trade.",
        entry="WILLR(14) below -80",
        exit="WILLR(14) above -20",
        position_size=0.5,
    ),
    Case(
        "h10_mfi_tp",
        "buy when MFI < 20, sell when MFI > 80, take profit 10%",
        entry="MFI(14) < 20",
        exit="MFI(14) > 80",
        take_profit_pct=10.0,
    ),
    Case(
        "h11_both_ways",
        "Trade both ways: go long when the 12 EMA crosses over the 26 EMA and go short when it "
        "crosses under.",
        side="both",
        entry="EMA(12) crosses_above EMA(26)",
        short_entry="EMA(12) crosses_below EMA(26)",
    ),
    Case(
        "h12_connors",
        "Enter long when price is above the 200 day moving average and RSI(2) is below 10. "
        "Exit when RSI(2) goes above 70.",
        entry="all(Close > SMA(200); RSI(2) below 10)",
        exit="RSI(2) above 70",
    ),
    Case(
        "h13_roc_zero",
        "Buy when ROC(12) crosses above zero, sell when it crosses below zero",
        entry="ROC(12) crosses_above 0",
        exit="ROC(12) crosses_below 0",
    ),
    Case(
        "h14_aroon",
        "when aroon up crosses above aroon down buy; sell when aroon down crosses above aroon "
        "up. 5% SL",
        entry="AROON(14).aroonup crosses_above AROON(14).aroondown",
        exit="AROON(14).aroondown crosses_above AROON(14).aroonup",
        stop_loss_pct=5.0,
    ),
    Case(
        "h15_shares_it",
        "Buy 100 shares when the close crosses above the 50-day SMA. Sell when close crosses "
        "below it.",
        entry="Close crosses_above SMA(50)",
        exit="Close crosses_below SMA(50)",
        position_size=100,
    ),
    Case(
        "h16_rsi_short",
        "Short when RSI(14) crosses below 70 from above. Cover when RSI crosses below 30. "
        "Stop loss 3%.",
        side="short",
        short_entry="RSI(14) crosses_below 70",
        short_exit="RSI(14) crosses_below 30",
        stop_loss_pct=3.0,
    ),
    Case(
        "h17_ema_state_trailing",
        "Simple trend following. Long only. Buy when the 10 day EMA is above the 30 day EMA, "
        "exit when it's below. 10% trailing stop.",
        entry="EMA(10) > EMA(30)",
        exit="EMA(10) < EMA(30)",
        trailing_stop_pct=10.0,
    ),
    Case(
        "h18_bb_rsi_touch",
        "buy when price touches the lower bollinger band and RSI is under 35. sell at the "
        "upper band.",
        entry=f"all(Close below {_BB}.lowerband; RSI(14) < 35)",
        exit=f"Close above {_BB}.upperband",
    ),
    Case(
        "h19_macd_below_zero",
        "Buy when the MACD line crosses above the signal line while below zero; sell when MACD "
        "crosses below the signal line.",
        entry=f"all({_MACD}.macd crosses_above {_MACD}.macdsignal; {_MACD}.macd < 0)",
        exit=f"{_MACD}.macd crosses_below {_MACD}.macdsignal",
    ),
    Case(
        "h20_obv_average",
        "OBV crosses above its 20-day moving average → buy",
        refuse=True,
    ),
    Case(
        "h21_rsi3_filter",
        "Buy when the 3 day RSI drops under 15, exit when the close is above the 5 day SMA. "
        "Only trade when price > 200 SMA",
        entry="all(RSI(3) below 15; Close > SMA(200))",
        exit="Close > SMA(5)",
    ),
)

# The development set: the parser was tuned against these.
MAIN: tuple[Case, ...] = (
    Case(
        "m01_sma_cross",
        "Buy when the 10-day SMA crosses above the 30-day SMA and sell when it crosses back below.",
        entry="SMA(10) crosses_above SMA(30)",
        exit="SMA(10) crosses_below SMA(30)",
    ),
    Case(
        "m02_fast_slow_ema",
        "buy when the fast EMA (12) crosses over the slow EMA (26), sell on the reverse",
        entry="EMA(12) crosses_above EMA(26)",
        exit="EMA(12) crosses_below EMA(26)",
    ),
    Case(
        "m03_golden_death",
        "Golden cross / death cross on SPY",
        entry="SMA(50) crosses_above SMA(200)",
        exit="SMA(50) crosses_below SMA(200)",
    ),
    Case(
        "m04_ma_crossover_pair",
        "moving average crossover 20/50",
        entry="SMA(20) crosses_above SMA(50)",
        exit="SMA(20) crosses_below SMA(50)",
    ),
    Case(
        "m05_ema_9_21",
        "when the 9 ema crosses the 21 ema go long, exit when it crosses back",
        entry="EMA(9) crosses_above EMA(21)",
        exit="EMA(9) crosses_below EMA(21)",
    ),
    Case(
        "m06_rsi21",
        "Buy when RSI(21) drops below 25 and sell when it climbs above 60",
        entry="RSI(21) below 25",
        exit="RSI(21) above 60",
    ),
    Case(
        "m07_rsi_equals",
        "RSI under 30 = buy, RSI over 70 = sell",
        entry="RSI(14) < 30",
        exit="RSI(14) > 70",
    ),
    Case(
        "m08_oversold_overbought",
        "buy oversold, sell overbought (RSI)",
        entry="RSI(14) < 30",
        exit="RSI(14) > 70",
    ),
    Case(
        "m09_stoch_zones",
        "Go long when the stochastic is oversold and sell when it becomes overbought",
        entry=f"{_STOCH}.slowk < 20",
        exit=f"{_STOCH}.slowk above 80",
    ),
    Case(
        "m10_rsi_cross_back",
        "Buy when RSI crosses back above 30. Sell when RSI crosses below 70.",
        entry="RSI(14) crosses_above 30",
        exit="RSI(14) crosses_below 70",
    ),
    Case(
        "m11_stoch_k_d",
        "buy when stochastic %K crosses above %D below 20, sell when %K crosses below %D above 80",
        entry=f"all({_STOCH}.slowk crosses_above {_STOCH}.slowd; {_STOCH}.slowk < 20)",
        exit=f"all({_STOCH}.slowk crosses_below {_STOCH}.slowd; {_STOCH}.slowk > 80)",
    ),
    Case(
        "m12_macd_signal",
        "Buy when MACD crosses above its signal line, sell when it crosses below.",
        entry=f"{_MACD}.macd crosses_above {_MACD}.macdsignal",
        exit=f"{_MACD}.macd crosses_below {_MACD}.macdsignal",
    ),
    Case(
        "m13_macd_hist",
        "enter when the MACD histogram turns positive, exit when it turns negative",
        entry=f"{_MACD}.macdhist crosses_above 0",
        exit=f"{_MACD}.macdhist crosses_below 0",
    ),
    Case(
        "m14_macd_custom_rising",
        "Long when MACD(8,21,5) is above zero and the histogram is rising. Exit when MACD drops "
        "below zero.",
        entry="all(MACD(8,21,5).macd > 0; MACD(8,21,5).macdhist > MACD(8,21,5).macdhist[1])",
        exit="MACD(8,21,5).macd below 0",
    ),
    Case(
        "m15_bb_touch_middle",
        "Buy when price touches the lower Bollinger Band (20, 2) and sell at the middle band "
        "(mean reversion).",
        entry=f"Close below {_BB}.lowerband",
        exit=f"Close above {_BB}.middleband",
    ),
    Case(
        "m16_bb_breakout_25",
        "Breakout: buy when the close breaks above the upper Bollinger band with 2.5 standard "
        "deviations, sell when it falls back below the middle band.",
        entry="Close above BBANDS(20,2.5,2.5).upperband",
        exit="Close below BBANDS(20,2.5,2.5).middleband",
    ),
    Case(
        "m17_price_200",
        "buy when price is above the 200-day SMA, sell when it closes below it",
        entry="Close > SMA(200)",
        exit="Close < SMA(200)",
    ),
    Case(
        "m18_short_ema",
        "Short when the close crosses below the 50 EMA, cover when it crosses back above. 3% stop.",
        side="short",
        short_entry="Close crosses_below EMA(50)",
        short_exit="Close crosses_above EMA(50)",
        stop_loss_pct=3.0,
    ),
    Case(
        "m19_adx_filter",
        "ADX(14) above 25 and price above 50 SMA -> buy; sell when price drops under the 50 SMA",
        entry="all(ADX(14) > 25; Close > SMA(50))",
        exit="Close below SMA(50)",
    ),
    Case(
        "m20_cci",
        "CCI below -100 buy, CCI above 100 sell",
        entry="CCI(20) < -100",
        exit="CCI(20) > 100",
    ),
    Case(
        "m21_willr_zones",
        "Williams %R oversold entry, overbought exit",
        entry="WILLR(14) < -80",
        exit="WILLR(14) > -20",
    ),
    Case(
        "m22_mfi_bracket",
        "Buy when MFI is oversold. 2% stop loss, take profit at 10%.",
        entry="MFI(14) < 20",
        stop_loss_pct=2.0,
        take_profit_pct=10.0,
    ),
    Case(
        "m23_roc",
        "ROC(10) > 0 buy, ROC(10) < 0 sell",
        entry="ROC(10) > 0",
        exit="ROC(10) < 0",
    ),
    Case(
        "m24_aroon_reverse",
        "Aroon up crosses above aroon down: buy. Reverse for exit.",
        entry="AROON(14).aroonup crosses_above AROON(14).aroondown",
        exit="AROON(14).aroonup crosses_below AROON(14).aroondown",
    ),
    Case(
        "m25_volume_breakout",
        "Buy when volume is above its 20-day average and price closes above the 20 day high, "
        "sell when price closes below the 10-day low",
        entry="all(Volume > SMA(20)@Volume; Close above MAX(20)@High[1])",
        exit="Close below MIN(10)@Low[1]",
    ),
    Case("m26_obv_average", "OBV rises above its 20-day average", refuse=True),
    Case(
        "m27_rsi_trend_filter",
        "RSI below 30 and price above the 200 SMA",
        entry="all(RSI(14) < 30; Close > SMA(200))",
        exit="RSI(14) above 70",
    ),
    Case(
        "m28_either_or",
        "Buy when either RSI(2) < 10 or price closes below the lower Bollinger band. Exit when "
        "RSI(2) > 70.",
        entry=f"any(RSI(2) < 10; Close < {_BB}.lowerband)",
        exit="RSI(2) > 70",
    ),
    Case(
        "m29_short_zones",
        "go short when RSI is overbought and cover when it is oversold, stop at 5 percent",
        side="short",
        short_entry="RSI(14) > 70",
        short_exit="RSI(14) < 30",
        stop_loss_pct=5.0,
    ),
    Case(
        "m30_long_only_state",
        "Long only. Enter long when 20 EMA > 50 EMA. Exit when 20 EMA < 50 EMA. TP 3%, SL 1.5%",
        entry="EMA(20) > EMA(50)",
        exit="EMA(20) < EMA(50)",
        take_profit_pct=3.0,
        stop_loss_pct=1.5,
    ),
    Case(
        "m31_trailing_only",
        "trailing stop of 1.5%, buy when the 50 sma crosses above the 100 sma",
        entry="SMA(50) crosses_above SMA(100)",
        trailing_stop_pct=1.5,
    ),
    Case(
        "m32_rsi50_half",
        "Buy when RSI(14) crosses above 50 and use 50% of equity. Sell when RSI crosses below 50.",
        entry="RSI(14) crosses_above 50",
        exit="RSI(14) crosses_below 50",
        position_size=0.5,
    ),
    Case(
        "m33_shares",
        "trade 10 shares: buy when close > ema(20), sell when close < ema(20)",
        entry="Close > EMA(20)",
        exit="Close < EMA(20)",
        position_size=10,
    ),
    Case(
        "m34_both_pair",
        "both directions: SMA 10/30 crossover",
        side="both",
        entry="SMA(10) crosses_above SMA(30)",
        short_entry="SMA(10) crosses_below SMA(30)",
    ),
    Case(
        "m35_sections",
        "Entry:\n  - RSI(14) < 35\n  - close above SMA(100)\nExit:\n  - RSI(14) > 65\nStop loss 4%",
        entry="all(RSI(14) < 35; Close > SMA(100))",
        exit="RSI(14) > 65",
        stop_loss_pct=4.0,
    ),
    Case(
        "m36_number_words",
        "I'd like to buy when the ten day moving average crosses above the fifty day moving "
        "average and sell when it crosses back under. Stop at 7%.",
        entry="SMA(10) crosses_above SMA(50)",
        exit="SMA(10) crosses_below SMA(50)",
        stop_loss_pct=7.0,
    ),
    Case(
        "m37_caps",
        "BUY WHEN RSI(2) < 5. SELL WHEN CLOSE > SMA(5).",
        entry="RSI(2) < 5",
        exit="Close > SMA(5)",
    ),
    Case(
        "m38_forum_arrows",
        "sma20 crosses sma50 -> long ; opposite -> flat",
        entry="SMA(20) crosses_above SMA(50)",
        exit="SMA(20) crosses_below SMA(50)",
    ),
    Case(
        "m39_buy_the_dip",
        "Buy the dip: when price falls below the 20 day EMA while above the 200 day SMA. Take "
        "profit when price gets back above the 20 EMA.",
        entry="all(Close below EMA(20); Close > SMA(200))",
        exit="Close above EMA(20)",
    ),
    Case(
        "m40_psar",
        "Parabolic SAR: buy when price crosses above the SAR, sell when it crosses below",
        entry="Close crosses_above SAR(0.02,0.2)",
        exit="Close crosses_below SAR(0.02,0.2)",
    ),
    Case(
        "m41_ema_rising",
        "If the 5 EMA crosses above the 13 EMA and the 50 EMA is rising, go long. Close the "
        "position when the 5 EMA crosses below the 13 EMA.",
        entry="all(EMA(5) crosses_above EMA(13); EMA(50) > EMA(50)[1])",
        exit="EMA(5) crosses_below EMA(13)",
    ),
    Case(
        "m42_stochrsi",
        "Buy when the stochastic RSI is below 20, sell when above 80",
        entry="STOCHRSI(14,5,3).fastk < 20",
        exit="STOCHRSI(14,5,3).fastk > 80",
    ),
    Case(
        "m43_short_channel",
        "sell short when price breaks below the 20-day low; cover when it breaks above the "
        "10-day high",
        side="short",
        short_entry="Close below MIN(20)@Low[1]",
        short_exit="Close above MAX(10)@High[1]",
    ),
    Case("m44_moon", "Buy when the moon is full", refuse=True),
    Case(
        "m45_risk_ambiguous",
        "When RSI(14) is below 30 buy 5 shares. When it's above 70 sell. Risk 2%.",
        entry="RSI(14) < 30",
        exit="RSI(14) > 70",
        stop_loss_pct=2.0,
        position_size=5,
    ),
    Case("m46_vwap", "Buy when VWAP crosses above price", refuse=True),
    Case("m47_arithmetic", "buy when price is 2% above the 50 SMA", refuse=True),
    Case("m48_exit_only", "Exit when RSI > 70", refuse=True),
    Case(
        "m49_ema_long_short_risk",
        "ema 12/26 cross, long and short, 2% stop loss, 4% take profit",
        side="both",
        entry="EMA(12) crosses_above EMA(26)",
        short_entry="EMA(12) crosses_below EMA(26)",
        stop_loss_pct=2.0,
        take_profit_pct=4.0,
    ),
    Case(
        "m50_connors_daily",
        "RSI(2) below 10 on the daily chart while the close is above the 200 sma; exit on a "
        "close above the 5 day sma",
        entry="all(RSI(2) < 10; Close > SMA(200))",
        exit="Close > SMA(5)",
    ),
    Case(
        "m51_cci_plus",
        "When the 14-period CCI rises above +100, buy; when it falls below zero, sell.",
        entry="CCI(14) above 100",
        exit="CCI(14) below 0",
    ),
    Case(
        "m52_yesterday",
        "Buy if today's close is higher than yesterday's high. Sell if the close is lower than "
        "yesterday's low. Stop loss 2%.",
        entry="Close > High[1]",
        exit="Close < Low[1]",
        stop_loss_pct=2.0,
    ),
    Case(
        "m53_down_days",
        "Buy after 3 down days in a row, sell when close is above the 5 day SMA",
        entry="all(Close < Close[1]; Close[1] < Close[2]; Close[2] < Close[3])",
        exit="Close > SMA(5)",
    ),
)

# Written after the parser was built; measured once and never tuned on.
HELD_OUT_LATE: tuple[Case, ...] = (
    Case(
        "l01_highest_close",
        "Long the breakout: buy when today's close is the highest close of the past 50 days; "
        "sell when it's the lowest close of the past 20 days.",
        entry="Close above MAX(50)[1]",
        exit="Close below MIN(20)[1]",
    ),
    Case(
        "l02_rsi10_stop",
        "When the 10-period RSI crosses under 20 go long. Close the trade once RSI(10) is back "
        "over 50 or after a 4% stop.",
        entry="RSI(10) crosses_below 20",
        exit="RSI(10) above 50",
        stop_loss_pct=4.0,
    ),
    Case(
        "l03_ema_golden_macd",
        "Strategy: EMA 50/200 golden cross with MACD confirmation (MACD line above signal). "
        "Exit on EMA 50/200 death cross.",
        entry=f"all(EMA(50) crosses_above EMA(200); {_MACD}.macd > {_MACD}.macdsignal)",
        exit="EMA(50) crosses_below EMA(200)",
    ),
    Case(
        "l04_short_bb",
        "Short-only mean reversion: short when price closes above the upper Bollinger Band "
        "(20, 2.5) and cover at the middle band. 3% stop, 50% of equity.",
        side="short",
        short_entry="Close above BBANDS(20,2.5,2.5).upperband",
        short_exit="Close below BBANDS(20,2.5,2.5).middleband",
        stop_loss_pct=3.0,
        position_size=0.5,
    ),
    Case(
        "l05_rsi7_sma150",
        "buy when the 7 day RSI is under 25 and the close is above the 150 day SMA, sell when "
        "the 7 day RSI goes over 70, stop-loss 8%",
        entry="all(RSI(7) < 25; Close > SMA(150))",
        exit="RSI(7) above 70",
        stop_loss_pct=8.0,
    ),
    Case(
        "l06_hist_adx_sections",
        "Entry: MACD histogram crosses above 0 while ADX(14) > 20\nExit: MACD histogram crosses "
        "below 0\nTrailing stop: 4%",
        entry=f"all({_MACD}.macdhist crosses_above 0; ADX(14) > 20)",
        exit=f"{_MACD}.macdhist crosses_below 0",
        trailing_stop_pct=4.0,
    ),
    Case(
        "l07_stoch_from_below",
        "I buy when the stochastic (14,3,3) %K line crosses above the %D line from below 20 and "
        "I sell when %K crosses under %D above 80.",
        entry=f"all({_STOCH}.slowk crosses_above {_STOCH}.slowd; {_STOCH}.slowk < 20)",
        exit=f"all({_STOCH}.slowk crosses_below {_STOCH}.slowd; {_STOCH}.slowk > 80)",
    ),
    Case(
        "l08_pullback_bracket",
        "Go long when price pulls back to the 21 EMA while the 21 EMA is above the 55 EMA; take "
        "profits at 6% and cut losses at 3%.",
        entry="all(Close below EMA(21); EMA(21) > EMA(55))",
        take_profit_pct=6.0,
        stop_loss_pct=3.0,
    ),
    Case(
        "l09_cci_returns",
        "When CCI(20) moves above +100 buy, exit when CCI returns below 0",
        entry="CCI(20) above 100",
        exit="CCI(20) below 0",
    ),
    Case(
        "l10_mfi_quarter",
        "Buy when the money flow index drops below 20 and sell when the MFI rises above 80. Use "
        "only 25% of capital per position.",
        entry="MFI(14) below 20",
        exit="MFI(14) above 80",
        position_size=0.25,
    ),
    Case(
        "l11_wma",
        "Buy when the 30 WMA crosses over the 60 WMA. Sell when the 30 WMA crosses under the 60 "
        "WMA. Stop loss 5%, take profit 15%.",
        entry="WMA(30) crosses_above WMA(60)",
        exit="WMA(30) crosses_below WMA(60)",
        stop_loss_pct=5.0,
        take_profit_pct=15.0,
    ),
    Case(
        "l12_chain_flat",
        "Long if RSI(14) > 60 and close > SMA(20) > SMA(50); flat if RSI(14) < 40",
        entry="all(RSI(14) > 60; Close > SMA(20); SMA(20) > SMA(50))",
        exit="RSI(14) < 40",
    ),
    Case(
        "l13_willr_short",
        "Sell short when the 14 day Williams %R rises above -20 and go flat when it falls below "
        "-80",
        side="short",
        short_entry="WILLR(14) above -20",
        short_exit="WILLR(14) below -80",
    ),
    Case(
        "l14_aroon_levels",
        "Buy whenever the Aroon Up is above 70 and Aroon Down is below 30; sell when Aroon Up "
        "drops below 50",
        entry="all(AROON(14).aroonup > 70; AROON(14).aroondown < 30)",
        exit="AROON(14).aroonup below 50",
    ),
    Case(
        "l15_both_ema100",
        "Trend system on daily bars: enter long on a close above the 100-day EMA, exit on a "
        "close below it; both long and short",
        side="both",
        entry="Close > EMA(100)",
        exit="Close < EMA(100)",
        short_entry="Close < EMA(100)",
        short_exit="Close > EMA(100)",
    ),
    Case(
        "l16_sar_adx",
        "Buy when price is above the Parabolic SAR and ADX is above 25. Sell when price falls "
        "below the SAR.",
        entry="all(Close > SAR(0.02,0.2); ADX(14) > 25)",
        exit="Close below SAR(0.02,0.2)",
    ),
    Case("l17_gap_percent", "buy the stock when it gaps down more than 2%", refuse=True),
    Case(
        "l18_roc5",
        "Buy when the 5-day ROC is above 5 and sell when it is below -5",
        entry="ROC(5) > 5",
        exit="ROC(5) < -5",
    ),
)
