"""What a trader types the first time: "breaks out above the 20-day high", "..., sell when
below", "MACD crossover". Each reads as meant and says what it assumed; near misses are refused."""

from __future__ import annotations

import pytest

from Backtest.llm.offline import parse_description, vocabulary
from tests.backtest.offline.readings import reads_as, refused


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "Buy when price breaks out above the 20-day high, sell when it falls below the "
            "10-day low",
            {
                "entry": "Close above DONCHIAN(20).upper[1]",
                "exit": "Close below DONCHIAN(10).lower[1]",
            },
        ),
        (
            "short when price breaks out below the 20 day low, cover when it breaks out above "
            "the 10 day high",
            {
                "side": "short",
                "short_entry": "Close below DONCHIAN(20).lower[1]",
                "short_exit": "Close above DONCHIAN(10).upper[1]",
            },
        ),
        (
            "Buy when the close breaks out above the upper Bollinger band",
            {"entry": "Close above BBANDS(20,2,2).upperband"},
        ),
    ],
)
def test_breaks_out_above_and_below(text: str, expect: dict) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "buy when price is above the 200 sma, sell when below",
            {"entry": "Close > SMA(200)", "exit": "Close < SMA(200)"},
        ),
        (
            "buy when price is above vwap, sell when below",
            {"entry": "Close > VWAP", "exit": "Close < VWAP"},
        ),
        (
            "short when price is below the 50 ema, cover when above",
            {"side": "short", "short_entry": "Close < EMA(50)", "short_exit": "Close > EMA(50)"},
        ),
        (
            "buy when the 10 ema crosses above the 30 ema, sell when below",
            {"entry": "EMA(10) crosses_above EMA(30)", "exit": "EMA(10) < EMA(30)"},
        ),
    ],
)
def test_a_bare_state_word_is_the_one_comparison_before(text: str, expect: dict) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    "text",
    [
        # two comparisons before: which one?
        "buy when close > sma(20) and rsi < 30, sell when below",
        "buy when close > sma(20), buy when rsi < 30, sell when above",
        # nothing before
        "sell when below. buy when rsi(14) < 30",
    ],
)
def test_a_bare_state_word_with_no_one_comparison_before_is_refused(text: str) -> None:
    assert "what is compared" in refused(text)


@pytest.mark.parametrize(
    ("text", "expect", "named"),
    [
        (
            "MACD crossover",
            {
                "entry": "MACD(12,26,9).macd crosses_above MACD(12,26,9).macdsignal",
                "exit": "MACD(12,26,9).macd crosses_below MACD(12,26,9).macdsignal",
            },
            "MACD(12,26,9)",
        ),
        (
            "macd crossover strategy with 2% stop loss",
            {
                "entry": "MACD(12,26,9).macd crosses_above MACD(12,26,9).macdsignal",
                "exit": "MACD(12,26,9).macd crosses_below MACD(12,26,9).macdsignal",
                "stop": "2%",
            },
            "MACD(12,26,9)",
        ),
        (
            "MACD(8,21,5) crossover",
            {
                "entry": "MACD(8,21,5).macd crosses_above MACD(8,21,5).macdsignal",
                "exit": "MACD(8,21,5).macd crosses_below MACD(8,21,5).macdsignal",
            },
            "MACD(8,21,5)",
        ),
        (
            "stochastic crossover with a 3% stop",
            {
                "entry": "STOCH(14,3,3).slowk crosses_above STOCH(14,3,3).slowd",
                "exit": "STOCH(14,3,3).slowk crosses_below STOCH(14,3,3).slowd",
                "stop": "3%",
            },
            "STOCH(14,3,3)",
        ),
    ],
)
def test_an_indicators_own_crossover_is_its_line_and_signal_line(
    text: str, expect: dict, named: str
) -> None:
    reads_as(text, expect)
    note = f"'{named} crossover' read as: its line crossing its signal line; enter on the upward"
    assert any(w.startswith(note) for w in parse_description(text).warnings)


def test_an_indicator_with_no_signal_line_has_no_crossover() -> None:
    assert "no entry rule" in refused("rsi crossover")


def test_a_crossunder_is_downward_and_a_plain_crossover_takes_the_rules_way() -> None:
    text = "buy on macd crossover, sell on macd crossunder"
    reads_as(
        text,
        {
            "entry": "MACD(12,26,9).macd crosses_above MACD(12,26,9).macdsignal",
            "exit": "MACD(12,26,9).macd crosses_below MACD(12,26,9).macdsignal",
        },
    )
    warnings = parse_description(text).warnings
    assert "'crosses' without a direction is read as 'crosses above', as a long entry implies" in (
        warnings
    )
    assert not any("crosses below" in w for w in warnings)
    reads_as(
        "buy on a stochastic crossunder",
        {"entry": "STOCH(14,3,3).slowk crosses_below STOCH(14,3,3).slowd"},
    )


@pytest.mark.parametrize(
    "text",
    [
        "buy when the price is above the 200 day moving average, otherwise stay in cash",
        "buy when the price is above the 200 day moving average, otherwise be flat",
        "buy when the price is above the 200 day moving average, otherwise stay flat",
        "buy when the price is above the 200 day moving average, else sell",
    ],
)
def test_otherwise_out_of_the_market_is_the_exit_when_the_state_ends(text: str) -> None:
    reads_as(text, {"entry": "Close > SMA(200)", "exit": "Close <= SMA(200)"})


def test_otherwise_after_a_crossing_is_refused() -> None:
    # not crossing is every other bar: an exit on each of them is never what is meant
    assert "stay in cash" in refused(
        "buy when the 50 sma crosses above the 200 sma, otherwise stay in cash"
    )


def test_long_and_short_exit_labels() -> None:
    reads_as(
        "Long entry: close crosses above SMA(20). Long exit: close crosses below SMA(20). "
        "Short entry: close crosses below SMA(50). Short exit: close crosses above SMA(50).",
        {
            "side": "both",
            "entry": "Close crosses_above SMA(20)",
            "exit": "Close crosses_below SMA(20)",
            "short_entry": "Close crosses_below SMA(50)",
            "short_exit": "Close crosses_above SMA(50)",
        },
    )


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "long: ema9 > ema21, short: ema9 < ema21",
            {"side": "both", "entry": "EMA(9) > EMA(21)", "short_entry": "EMA(9) < EMA(21)"},
        ),
        ("long: rsi < 30, exit: rsi > 70", {"entry": "RSI(14) < 30", "exit": "RSI(14) > 70"}),
        (
            "buy: close > sma(50), sell: close < sma(50)",
            {"entry": "Close > SMA(50)", "exit": "Close < SMA(50)"},
        ),
    ],
)
def test_labelled_rules_on_one_line(text: str, expect: dict) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    "text",
    [
        "buy when rsi < 30. sell after holding for 20 days",
        "buy when rsi < 30. sell after holding 20 days",
        "buy when rsi < 30. exit after being in the trade for 20 days",
        "buy when rsi < 30. sell after 20 days in the trade",
    ],
)
def test_a_hold_said_in_words_is_a_time_exit(text: str) -> None:
    reads_as(text, {"entry": "RSI(14) < 30", "exit_after_bars": 20})


def test_a_shortest_hold_is_still_refused() -> None:
    assert refused("buy when rsi < 30. sell after holding at least 20 days")


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "buy when close > open and close > close[1]",
            {"entry": "all(Close > Open; Close > Close[1])"},
        ),
        (
            "buy if close[0] > high[1], sell if close < low[1]",
            {"entry": "Close > High[1]", "exit": "Close < Low[1]"},
        ),
        (
            "buy when sma(20)[1] < sma(50)[1] and sma(20) > sma(50)",
            {"entry": "all(SMA(20)[1] < SMA(50)[1]; SMA(20) > SMA(50))"},
        ),
        ("buy when close[1] > sma(20)", {"entry": "Close[1] > SMA(20)"}),
    ],
)
def test_an_index_in_square_brackets_counts_bars_back(text: str, expect: dict) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    "text",
    [
        "buy when close > close [1]",  # spaced: no index
        "buy when close[-1] > high[1]",  # Python's last element, or Pine's? never guessed
        "buy when yesterday's close[1] > sma(20)",  # which day?
        "buy when close > high[1.5]",
    ],
)
def test_other_brackets_after_a_series_are_refused(text: str) -> None:
    assert refused(text)


@pytest.mark.parametrize(
    "text",
    [
        "I'd like to test a strategy that buys when the 50-day moving average crosses above the "
        "200-day moving average",
        "I want to backtest a strategy where I buy when the 50-day SMA crosses above the "
        "200-day SMA",
    ],
)
def test_a_request_to_test_a_strategy_is_set_aside(text: str) -> None:
    reads_as(text, {"entry": "SMA(50) crosses_above SMA(200)"})
    assert any(w.endswith("as the request") for w in parse_description(text).warnings)


@pytest.mark.parametrize(
    ("text", "fast", "slow", "family"),
    [
        ("simple moving average crossover with 10 and 50 day periods", 10, 50, "SMA"),
        ("moving average crossover with periods 10 and 50", 10, 50, "SMA"),
        (
            "Create a simple moving average crossover strategy with 10 and 50 day periods",
            10,
            50,
            "SMA",
        ),
        ("Create an EMA crossover strategy with periods of 12 and 26", 12, 26, "EMA"),
        ("Dual moving average crossover 5 and 20", 5, 20, "SMA"),
        ("Dual EMA crossover 9/21", 9, 21, "EMA"),
    ],
)
def test_a_crossover_with_its_two_periods(text: str, fast: int, slow: int, family: str) -> None:
    reads_as(
        text,
        {
            "entry": f"{family}({fast}) crosses_above {family}({slow})",
            "exit": f"{family}({fast}) crosses_below {family}({slow})",
        },
    )


def test_dual_alone_is_not_filler() -> None:
    # "dual momentum" compares with other assets: never read as plain momentum
    assert "dual" not in vocabulary.FILLER
    assert "dual" not in vocabulary.PHRASES
    assert "dual" in refused("buy on dual momentum when ROC(250) > 0").lower()


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "Buy on a 20-day breakout, exit on a 10-day breakdown",
            {
                "entry": "Close above DONCHIAN(20).upper[1]",
                "exit": "Close below DONCHIAN(10).lower[1]",
            },
        ),
        (
            "short on a 20-day breakdown, cover on a 10-day breakout",
            {
                "side": "short",
                "short_entry": "Close below DONCHIAN(20).lower[1]",
                "short_exit": "Close above DONCHIAN(10).upper[1]",
            },
        ),
        (
            "Buy the 50-day breakout. Trailing stop 10%.",
            {"entry": "Close above DONCHIAN(50).upper[1]", "trailing": "10%"},
        ),
        (
            "buy 20-day breakouts, sell 10-day breakdowns",
            {
                "entry": "Close above DONCHIAN(20).upper[1]",
                "exit": "Close below DONCHIAN(10).lower[1]",
            },
        ),
    ],
)
def test_an_n_day_breakout_is_the_close_beyond_the_n_bars_before(text: str, expect: dict) -> None:
    reads_as(text, expect)
    assert any(
        "day break" in w and "read as: the close" in w for w in parse_description(text).warnings
    )


@pytest.mark.parametrize(
    "text",
    [
        "buy on a 1 day breakout",
        # a definition in brackets that points the other way
        "Buy the 50-day breakout (a close below the lowest low of the previous 50 days).",
    ],
)
def test_other_breakouts_are_refused(text: str) -> None:
    assert refused(text)


@pytest.mark.parametrize(
    "text",
    [
        "when the stock closes above its 20-day high, I buy. I sell when it closes below its "
        "10-day low.",
        "buy when the close is above its 20-day high, sell when the close is below its 10-day low",
    ],
)
def test_its_n_day_high_is_the_prices(text: str) -> None:
    reads_as(
        text,
        {"entry": "Close above DONCHIAN(20).upper[1]", "exit": "Close below DONCHIAN(10).lower[1]"},
    )


def test_its_n_day_high_of_an_indicator_is_refused() -> None:
    assert "of the price only" in refused("buy when rsi(14) is above its 20-day high")


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "Long when MACD > 0 and RSI > 50, flat otherwise",
            {
                "entry": "all(MACD(12,26,9).macd > 0; RSI(14) > 50)",
                "exit": "not(all(MACD(12,26,9).macd > 0; RSI(14) > 50))",
            },
        ),
        (
            "short when close < sma(200), cover otherwise",
            {"side": "short", "short_entry": "Close < SMA(200)", "short_exit": "Close >= SMA(200)"},
        ),
    ],
)
def test_otherwise_after_the_exit_word(text: str, expect: dict) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    "text",
    [
        "long when close crosses above sma(200), flat otherwise",  # not crossing: every other bar
        "short when close < sma(200), sell otherwise",  # another short?
    ],
)
def test_otherwise_after_the_exit_word_is_refused_where_the_other_form_is(text: str) -> None:
    assert "otherwise" in refused(text)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "if rsi < 30: buy. if rsi > 70: sell",
            {"entry": "RSI(14) < 30", "exit": "RSI(14) > 70"},
        ),
        (
            "buy when close > sma(20) && rsi(14) > 50",
            {"entry": "all(Close > SMA(20); RSI(14) > 50)"},
        ),
        (
            "buy when close > sma(20) || rsi(14) > 50",
            {"entry": "any(Close > SMA(20); RSI(14) > 50)"},
        ),
        (
            "sma 50 200 cross",
            {"entry": "SMA(50) crosses_above SMA(200)", "exit": "SMA(50) crosses_below SMA(200)"},
        ),
    ],
)
def test_code_like_shorthand(text: str, expect: dict) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    "text",
    [
        # && and || mixed: which binds first is never assumed
        "buy when close > sma(20) && rsi(14) > 50 || close > sma(200)",
        "sma 200 50 cross",  # the slower one first
    ],
)
def test_code_like_shorthand_refused(text: str) -> None:
    assert refused(text)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "ta.crossover(ema(close, 9), ema(close, 21)) -> buy",
            {"entry": "EMA(9) crosses_above EMA(21)"},
        ),
        (
            "buy when ta.crossover(ema(close, 9), ema(close, 21)), sell when "
            "ta.crossunder(ema(close, 9), ema(close, 21))",
            {"entry": "EMA(9) crosses_above EMA(21)", "exit": "EMA(9) crosses_below EMA(21)"},
        ),
        ("buy when crossover(rsi(14), 30)", {"entry": "RSI(14) crosses_above 30"}),
        ("buy when ta.rsi(close, 14) < 30", {"entry": "RSI(14) < 30"}),
        (
            "Enter long position if close price bigger than EMA 20 and RSI bigger than 50",
            {"entry": "all(Close > EMA(20); RSI(14) > 50)"},
        ),
        (
            "buy when price rises above the 50 sma, sell when falls below",
            {"entry": "Close above SMA(50)", "exit": "Close below SMA(50)"},
        ),
    ],
)
def test_pine_calls_and_plain_requests(text: str, expect: dict) -> None:
    reads_as(text, expect)


def test_an_elided_motion_after_two_comparisons_is_refused() -> None:
    assert "what is compared" in refused(
        "buy when price rises above the 50 sma and rsi > 50, sell when falls below"
    )


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "buy when rsi < 30, sell when rsi > 70. SL=3% TP=6%",
            {"entry": "RSI(14) < 30", "exit": "RSI(14) > 70", "stop": "3%", "target": "6%"},
        ),
        (
            "buy when rsi < 30, sell when rsi > 70, or exit after 5 days",
            {"entry": "RSI(14) < 30", "exit": "RSI(14) > 70", "exit_after_bars": 5},
        ),
        (
            "buy when rsi < 30, sell when rsi > 70. exit if the trade loses 3%",
            {"entry": "RSI(14) < 30", "exit": "RSI(14) > 70", "stop": "3%"},
        ),
        (
            "buy when rsi < 30, sell when rsi > 70. exit if the trade gains 6%",
            {"entry": "RSI(14) < 30", "exit": "RSI(14) > 70", "target": "6%"},
        ),
    ],
)
def test_settings_as_typed(text: str, expect: dict) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    "text",
    [
        "buy when rsi < 30, or exit after 5 days",  # 'or' joins exits only
        "buy when rsi < 30. exit when the stock loses 3%",  # the stock's move, not the trade's
    ],
)
def test_settings_as_typed_refused(text: str) -> None:
    assert refused(text)


_RSI_ENTRY = "Buy when RSI(14) < 30. "


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("Exit on a 5% trailing stop.", {"trailing": "5%"}),
        ("Sell with a 3 ATR trailing stop.", {"trailing": "3 ATR(14)"}),
        (
            "Exit when RSI(14) > 70 or on a 5% trailing stop.",
            {"exit": "RSI(14) > 70", "trailing": "5%"},
        ),
        ("Exit at a 10% profit.", {"target": "10%"}),
        ("Exit at a 5% loss.", {"stop": "5%"}),
        ("Sell at a 10% profit. Sell at a 4% loss.", {"target": "10%", "stop": "4%"}),
        (
            "Sell when RSI(14) > 70, or when I have a 5% loss.",
            {"exit": "RSI(14) > 70", "stop": "5%"},
        ),
    ],
)
def test_a_stop_a_target_or_a_trail_said_as_the_way_out(text: str, expect: dict) -> None:
    reads_as(_RSI_ENTRY + text, {"entry": "RSI(14) < 30", **expect})


@pytest.mark.parametrize(
    "text",
    [
        "Buy after a 5% loss.",  # a stop cannot trigger an entry
        _RSI_ENTRY + "Exit at a loss.",  # no distance
        _RSI_ENTRY + "Exit at a 10% profit and a 5% loss.",  # both at once?
        _RSI_ENTRY + "Sell when RSI(14) > 70 and at a 5% loss.",  # the rule and the loss?
        _RSI_ENTRY + "Skip the next trade after a 5% loss.",
    ],
)
def test_a_loss_that_is_no_stop_stays_refused(text: str) -> None:
    assert refused(text)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        # back across the line: a crossing (as the state, "CCI > -100" and "CCI < 100" held on
        # most bars: in and out again and again)
        (
            "Buy when CCI(20) climbs back above -100; sell when it falls back below 100.",
            {"entry": "CCI(20) crosses_above -100", "exit": "CCI(20) crosses_below 100"},
        ),
        (
            "Buy when RSI(14) rises back above 30, sell when it drops back below 70.",
            {"entry": "RSI(14) crosses_above 30", "exit": "RSI(14) crosses_below 70"},
        ),
        (
            "Buy when the close closes back above the 20-day SMA.",
            {"entry": "Close crosses_above SMA(20)"},
        ),
        # "is back above" says where it is now: a state
        ("Buy when RSI(14) is back above 30.", {"entry": "RSI(14) > 30"}),
    ],
)
def test_back_across_a_line_is_a_crossing(text: str, expect: dict) -> None:
    reads_as(text, expect)


def test_supertrend_green_and_red_are_its_trend() -> None:
    reads_as(
        "Buy when SuperTrend is green. Sell when SuperTrend is red.",
        {"entry": "SUPERTREND(10,3).direction > 0", "exit": "SUPERTREND(10,3).direction < 0"},
    )
    reads_as("Buy when the SuperTrend line is rising.", {"entry": "rising(SUPERTREND(10,3).line)"})


@pytest.mark.parametrize(
    "text",
    [
        # its trend (bullish) or its line moving on the bar? never guessed
        "Buy when SuperTrend is rising.",
        "Buy when SuperTrend goes up.",
        "Buy when RSI(14) < 30. Sell when SuperTrend is falling.",
        "Buy when RSI(14) is green.",  # only SuperTrend has a colour
    ],
)
def test_supertrend_moving_or_another_line_coloured_is_refused(text: str) -> None:
    assert refused(text)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        # the subject's own price when the extreme names none (was the highest high)
        ("buy if the close is the highest in 20 days", {"entry": "Close >= MAX(20)"}),
        ("buy when the close is the highest of the last 20 days", {"entry": "Close >= MAX(20)"}),
        ("buy when the high is the highest in 20 days", {"entry": "High >= MAX(20, High)"}),
        # a line with a side is broken that way
        (
            "buy when the upper bollinger band is broken",
            {"entry": "Close > BBANDS(20,2,2).upperband"},
        ),
    ],
)
def test_extremes_and_broken_lines(text: str, expect: dict) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    "text",
    [
        "buy when RSI(14) is the highest in 20 days",  # the highest what?
        # broken upward or downward? never guessed (was read as above, also for a short)
        "buy when the 200 sma is broken",
        "short when the 200 sma is broken",
    ],
)
def test_extremes_and_broken_lines_refused(text: str) -> None:
    assert refused(text)


@pytest.mark.parametrize(
    "text",
    [
        # a side heading over rules of the other side was dropped: "Short." read as long
        "Short. Buy when RSI(14) < 30, sell when RSI(14) > 70.",
        "Side: short. Buy when RSI(14) < 30, sell when RSI(14) > 70.",
        "Long. Short when RSI(14) > 70, cover when RSI(14) < 30.",
        # ... or heading nothing at the end
        "Buy when RSI(14) < 30, sell when RSI(14) > 70. Side: short.",
    ],
)
def test_a_side_heading_must_head_its_own_side(text: str) -> None:
    message = refused(text)
    assert "heads" in message


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "Side: short. Short when RSI(14) > 70, cover when RSI(14) < 30.",
            {"side": "short", "short_entry": "RSI(14) > 70", "short_exit": "RSI(14) < 30"},
        ),
        (
            "Long: buy when RSI(14) < 30, sell when RSI(14) > 70.",
            {"entry": "RSI(14) < 30", "exit": "RSI(14) > 70"},
        ),
    ],
)
def test_a_side_heading_over_its_own_side_reads(text: str, expect: dict) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        # the fields of a rule list
        (
            "Rules:\nMarket: AAPL\nTimeframe: 1D\nDirection: long only\n"
            "Entry: RSI(14) < 30\nExit: RSI(14) > 70\nStop: 3%\nTarget: none\n",
            {"entry": "RSI(14) < 30", "exit": "RSI(14) > 70", "stop": "3%"},
        ),
        (
            "Direction: short. Short when RSI(14) > 70, cover when RSI(14) < 30.",
            {"side": "short", "short_entry": "RSI(14) > 70", "short_exit": "RSI(14) < 30"},
        ),
    ],
)
def test_the_fields_of_a_rule_list(text: str, expect: dict) -> None:
    reads_as(text, expect)


@pytest.mark.parametrize(
    "text",
    [
        "Direction: long. Short when RSI(14) > 70, cover when RSI(14) < 30.",
        "Direction: both ways. Buy when RSI(14) < 30, sell when RSI(14) > 70.",  # no short rule
        "Buy when RSI(14) < 30, sell when RSI(14) > 70. Target: none. Take profit 5%.",
        "Timeframe: 1W. Buy when RSI(14) < 30. Exit after 10 days.",
    ],
)
def test_fields_that_disagree_with_the_rules_are_refused(text: str) -> None:
    assert refused(text)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "Golden cross, the classic: buy when the 50-day SMA crosses above the 200-day SMA, "
            "sell when it crosses back below.",
            {"entry": "SMA(50) crosses_above SMA(200)", "exit": "SMA(50) crosses_below SMA(200)"},
        ),
        (
            "Slow stochastic 14/3/3: buy when %K crosses above %D with both %K and %D under 20. "
            "Exit when %K crosses below %D.",
            {
                "entry": "all(STOCH(14,3,3).slowk crosses_above STOCH(14,3,3).slowd; "
                "STOCH(14,3,3).slowk < 20; STOCH(14,3,3).slowd < 20)",
                "exit": "STOCH(14,3,3).slowk crosses_below STOCH(14,3,3).slowd",
            },
        ),
        (
            "Buy when both RSI(14) and RSI(2) are below 30.",
            {"entry": "all(RSI(14) < 30; RSI(2) < 30)"},
        ),
    ],
)
def test_titles_with_a_comma_and_both_named(text: str, expect: dict) -> None:
    reads_as(text, expect)
