"""The offline parser reads traders' phrasings into the right strategy (compared semantically,
in the corpus notation of tests/quality/README.md)."""

from __future__ import annotations

import pytest

from Backtest.llm.offline import DescriptionNotUnderstood, parse_description
from Backtest.quality.reference import mismatches, reference_facts, spec_facts

MACD = "MACD(12,26,9)"
STOCH = "STOCH(14,3,3)"
BB = "BBANDS(20,2,2)"

# (description, reference). Rules and settings not listed must be absent.
PHRASINGS: list[tuple[str, dict[str, object]]] = [
    # numbers bind to the nearest indicator
    (
        "EMA crossover using 12 and 26 period EMAs: buy when the 12 crosses above the 26, sell "
        "when it crosses back below",
        {"entry": "EMA(12) crosses_above EMA(26)", "exit": "EMA(12) crosses_below EMA(26)"},
    ),
    (
        "Buy when price crosses above its SMA(50), sell when price crosses below its SMA(50)",
        {"entry": "Close crosses_above SMA(50)", "exit": "Close crosses_below SMA(50)"},
    ),
    (
        "Use a 20-day and a 100-day SMA. Buy when the shorter one crosses above the longer one.",
        {"entry": "SMA(20) crosses_above SMA(100)"},
    ),
    (
        "the 20/50 EMA crossover",
        {"entry": "EMA(20) crosses_above EMA(50)", "exit": "EMA(20) crosses_below EMA(50)"},
    ),
    # negation is read, never dropped
    ("Buy when RSI is not above 30", {"entry": "RSI(14) <= 30"}),
    (
        "Buy when the close crosses above the 20 EMA unless RSI is above 70",
        {"entry": "all(Close crosses_above EMA(20); RSI(14) <= 70)"},
    ),
    (
        "Never buy when ADX is below 20. Buy when the close is above the 50 SMA.",
        {"entry": "all(Close > SMA(50); ADX(14) >= 20)"},
    ),
    (
        "Buy when RSI(2) is below 10, sell when it is above 70. Don't buy on Mondays.",
        {"entry": "all(RSI(2) < 10; weekday not in [mon])", "exit": "RSI(2) > 70"},
    ),
    (
        "Enter when the close crosses above the 50 EMA; exit as soon as it is no longer above it",
        {"entry": "Close crosses_above EMA(50)", "exit": "Close <= EMA(50)"},
    ),
    # brackets: parameters and levels are read, explanations are set aside
    (
        "Buy when RSI is oversold (below 25) and sell when it is overbought",
        {"entry": "RSI(14) < 25", "exit": "RSI(14) > 70"},
    ),
    (
        "Buy when the close is below the lower Bollinger band (20, 2)",
        {"entry": f"Close < {BB}.lowerband"},
    ),
    (
        "Buy when %K crosses above %D (the fast line crossing the slow line)",
        {"entry": f"{STOCH}.slowk crosses_above {STOCH}.slowd"},
    ),
    # calendar, time of day, time exits
    (
        "Buy when RSI(14) is below 30 but only on Mondays. Exit after 3 bars.",
        {"entry": "all(RSI(14) < 30; weekday in [mon])", "exit_after_bars": 3},
    ),
    (
        "Only trade in November and December: buy when the close is above the 20 EMA",
        {"entry": "all(Close > EMA(20); month in [nov, dec])"},
    ),
    (
        "Be long from June to August only. Enter when RSI(14) is below 30.",
        {"entry": "all(RSI(14) < 30; month in [jun, jul, aug])"},
    ),
    (
        "Buy when the close crosses above VWAP between 10:00 and 11:30",
        {"entry": "all(Close crosses_above VWAP; time in 10:00-11:30)"},
    ),
    # stops relative to the entry
    (
        "Buy when RSI < 30. Stop loss at 2 ATR below entry.",
        {"entry": "RSI(14) < 30", "stop": "2 ATR(14)"},
    ),
    (
        "Buy when RSI < 30, trailing stop of 3x ATR(10)",
        {"entry": "RSI(14) < 30", "trailing": "3 ATR(10)"},
    ),
    (
        "Buy when RSI < 30, 1.5% stop, 4.5% target",
        {"entry": "RSI(14) < 30", "stop": "1.5%", "target": "4.5%"},
    ),
    # arithmetic, percent change
    ("Buy when price is 5% below the 20-day moving average", {"entry": "Close < SMA(20) * 0.95"}),
    ("Buy when SMA(10) - SMA(50) > 0", {"entry": "SMA(10) > SMA(50)"}),
    ("Buy when the stock falls more than 10% in 5 days", {"entry": "change_pct(Close, 5) < -10"}),
    (
        "Buy when volume is more than twice its 20-day average",
        {"entry": "Volume > SMA(20, Volume) * 2"},
    ),
    # indicators of indicators, previous bars, trends, streaks, persistence
    (
        "Buy when RSI(14) crosses above its 9-period moving average",
        {"entry": "RSI(14) crosses_above SMA(9, RSI(14))"},
    ),
    ("Buy when today's close is above yesterday's high", {"entry": "Close > High[1]"}),
    (
        "Buy when the close is above the 50 EMA and the 200 SMA is rising",
        {"entry": "all(Close > EMA(50); rising(SMA(200)))"},
    ),
    ("Buy after 3 consecutive down closes", {"entry": "falling(Close, 3)"}),
    (
        "Buy when the close is above the 10-day EMA for 3 consecutive days",
        {"entry": "for_bars(Close > EMA(10), 3)"},
    ),
    ("Buy when RSI crosses above 30 from below", {"entry": "RSI(14) crosses_above 30"}),
    # channels, VWAP, SuperTrend
    (
        "Buy when the close breaks above the 20-day high",
        {"entry": "Close above DONCHIAN(20).upper[1]"},
    ),
    (
        "Buy when the close is above the upper Keltner channel",
        {"entry": "Close > KELTNER(20,10,2).upper"},
    ),
    ("Buy when SuperTrend flips bullish", {"entry": "SUPERTREND(10,3).direction crosses_above 0"}),
    # sides
    (
        "Short when the 20 EMA crosses below the 50 EMA, cover when it crosses back above",
        {
            "side": "short",
            "short_entry": "EMA(20) crosses_below EMA(50)",
            "short_exit": "EMA(20) crosses_above EMA(50)",
        },
    ),
    (
        "Long when the close is above the 100 SMA, short when the close is below the 100 SMA",
        {"side": "both", "entry": "Close > SMA(100)", "short_entry": "Close < SMA(100)"},
    ),
    # orders and sizing
    (
        "Place a limit buy order 1% below the close whenever RSI(3) is under 15",
        {"entry": "RSI(3) < 15", "order": "limit Close * 0.99"},
    ),
    (
        "Buy with a stop order 0.5% above the high when RSI(3) is under 15",
        {"entry": "RSI(3) < 15", "order": "stop High * 1.005"},
    ),
    (
        "Risk 1% of equity per trade with a 5% stop. Buy when RSI < 30.",
        {"entry": "RSI(14) < 30", "stop": "5%", "size": "risk 1%"},
    ),
    ("Buy 50 shares when RSI < 30", {"entry": "RSI(14) < 30", "size": "50 units"}),
    (
        "Use half my capital per position. Buy when RSI < 30.",
        {"entry": "RSI(14) < 30", "size": "50%"},
    ),
    # sections
    (
        "Entry rules:\n- price above 200 SMA\n- RSI(5) below 25\nExit rules:\n"
        "- RSI(5) above 70\n- or 10% stop loss",
        {"entry": "all(Close > SMA(200); RSI(5) < 25)", "exit": "RSI(5) > 70", "stop": "10%"},
    ),
    # MACD
    (
        "Go long when MACD crosses above its signal line; exit when it crosses below",
        {
            "entry": f"{MACD}.macd crosses_above {MACD}.macdsignal",
            "exit": f"{MACD}.macd crosses_below {MACD}.macdsignal",
        },
    ),
]


@pytest.mark.parametrize(("text", "expect"), PHRASINGS, ids=[t[:50] for t, _ in PHRASINGS])
def test_phrasing_reads_as_the_reference_strategy(text: str, expect: dict[str, object]) -> None:
    spec = parse_description(text).spec
    assert mismatches(reference_facts(expect), spec_facts(spec)) == []


def test_no_exit_is_never_invented() -> None:
    parsed = parse_description("Buy when the 50 SMA crosses above the 200 SMA")
    assert parsed.spec.rules.exit is None
    assert "There is no exit rule" in parsed.understood_as


def test_an_indented_line_after_an_open_bullet_joins_it_and_must_read() -> None:
    # "Sell when RSI(14) > 70 Stop 2%" is one item, read as a rule and then its setting (a
    # setting typed straight after a rule, as "sell when rsi > 70 sl 2%")
    spec = parse_description("- Buy when RSI(14) < 30\n- Sell when RSI(14) > 70\n  Stop 2%").spec
    assert spec.stop_loss is not None
    assert spec.stop_loss.percent == 2
    with pytest.raises(DescriptionNotUnderstood):
        parse_description("- Buy when RSI(14) < 30\n- Sell when RSI(14) > 70\n  Stop")


def test_same_text_same_spec() -> None:
    text = "Buy when RSI(14) drops below 30, sell when it rises above 70. 2% stop loss."
    assert parse_description(text).spec == parse_description(text).spec


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        # a wrapped line that starts with a number keeps it (it is no list item "85.")
        (
            "Buy when MFI(14) goes under 15, sell when MFI(14) goes over\n85.",
            {"entry": "MFI(14) below 15", "exit": "MFI(14) above 85"},
        ),
        (
            "Buy when RSI(14) drops below\n30. Sell when it is above 70.",
            {"entry": "RSI(14) below 30", "exit": "RSI(14) above 70"},
        ),
        # a bullet wrapped onto an indented line is one item (it was cut at the break)
        (
            "- Entry: the 10 WMA crosses above the 50 WMA while the close is above the 200-day\n"
            "  SMA.\n- Exit: the 10 WMA crosses below the 50 WMA.",
            {
                "entry": "all(WMA(10) crosses_above WMA(50); Close > SMA(200))",
                "exit": "WMA(10) crosses_below WMA(50)",
            },
        ),
        # a sentence ending on a wrapped line before a label ("SMA. Exit: ...")
        (
            "Entry: the close is above the 200-day\nSMA. Exit: the close is below it.",
            {"entry": "Close > SMA(200)", "exit": "Close < SMA(200)"},
        ),
        # a line after a bullet that is not indented is no part of it
        (
            "- Buy when RSI(14) < 30\n- Sell when RSI(14) > 70\nStop 2%",
            {"entry": "RSI(14) < 30", "exit": "RSI(14) > 70", "stop": "2%"},
        ),
        # a numbered list is still a list
        (
            "Rules:\n1. Buy when RSI(14) < 30\n2. Sell when RSI(14) > 70\n3. 2% stop",
            {"entry": "RSI(14) < 30", "exit": "RSI(14) > 70", "stop": "2%"},
        ),
        (
            "1) Buy when RSI(14) < 30\n2) Sell when RSI(14) > 70",
            {"entry": "RSI(14) < 30", "exit": "RSI(14) > 70"},
        ),
    ],
)
def test_numbered_items_wrapped_numbers_and_wrapped_bullets(
    text: str, expect: dict[str, object]
) -> None:
    spec = parse_description(text).spec
    assert mismatches(reference_facts(expect), spec_facts(spec)) == []


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        # parameters listed without brackets, all of them, in order
        (
            "Using stochastics 5,3,3. Buy when %K crosses above %D. Sell when %K crosses below %D.",
            {
                "entry": "STOCH(5,3,3).slowk crosses_above STOCH(5,3,3).slowd",
                "exit": "STOCH(5,3,3).slowk crosses_below STOCH(5,3,3).slowd",
            },
        ),
        (
            "Bollinger 20,2: buy when the close is below the lower band.",
            {"entry": f"Close below {BB}.lowerband"},
        ),
        (
            "Buy when MACD 12,26,9 crosses above its signal.",
            {"entry": f"{MACD}.macd crosses_above {MACD}.macdsignal"},
        ),
        # "prior/previous N-day high" is the N-day high (the N bars before the current one)
        (
            "Enter when price closes above the previous 20-day high, exit when it closes below "
            "the prior 10-day low.",
            {
                "entry": "Close above DONCHIAN(20).upper[1]",
                "exit": "Close below DONCHIAN(10).lower[1]",
            },
        ),
        # "after <condition>, <action>"
        (
            "After 4 up closes in a row, go short. Cover after 3 bars.",
            {"side": "short", "short_entry": "rising(Close, 4)", "exit_after_bars": 3},
        ),
        # signed shorthand for the target and the stop
        (
            "Entry: 5 EMA crosses above 13 EMA. TP +6%, SL -2%.",
            {"entry": "EMA(5) crosses_above EMA(13)", "target": "6%", "stop": "2%"},
        ),
        # "That's the only exit" after a stop: no signal exit
        (
            "Short when the close is below the 200 SMA. Trailing stop of 3%. That's the only exit.",
            {"side": "short", "short_entry": "Close below SMA(200)", "trailing": "3%"},
        ),
        (
            "Buy when RSI(2) < 10, hold 7 bars and then dump it.",
            {"entry": "RSI(2) < 10", "exit_after_bars": 7},
        ),
        # "Long/short on the 20/50 EMA": both sides, and the pair the golden cross refers to
        (
            "Long/short on the 20/50 EMA: go long on the golden cross, short on the death cross.",
            {
                "side": "both",
                "entry": "EMA(20) crosses_above EMA(50)",
                "short_entry": "EMA(20) crosses_below EMA(50)",
            },
        ),
        # chatty lead-ins
        (
            "My idea is a plain 10/30 SMA crossover.",
            {"entry": "SMA(10) crosses_above SMA(30)", "exit": "SMA(10) crosses_below SMA(30)"},
        ),
        (
            "simple one: when the 14 RSI dips below 25 I buy, when it gets back over 55 I sell. "
            "nothing fancy",
            {"entry": "RSI(14) below 25", "exit": "RSI(14) above 55"},
        ),
    ],
)
def test_prose_constructs(text: str, expect: dict[str, object]) -> None:
    spec = parse_description(text).spec
    assert mismatches(reference_facts(expect), spec_facts(spec)) == []


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "When RSI(2) drops below 5, put in a limit buy 2% below the close.",
            {"entry": "RSI(2) below 5", "order": "limit Close * 0.98"},
        ),
        (
            "As long as the 20 EMA is above the 50 EMA, place a buy stop 1% above the high of the "
            "signal bar.",
            {"entry": "EMA(20) > EMA(50)", "order": "stop High * 1.01"},
        ),
        (
            "Position sizing: risk 0.5% of the account per trade, stop at 2 ATR. Buy when RSI(2) "
            "< 10.",
            {"entry": "RSI(2) < 10", "stop": "2 ATR(14)", "size": "risk 0.5%"},
        ),
        (
            "Buy when the RSI(14) line is above its 20-period EMA.",
            {"entry": "RSI(14) > EMA(20, RSI(14))"},
        ),
        (
            "Aroon with a 25 lookback: buy when Aroon Up crosses above Aroon Down.",
            {"entry": "AROON(25).aroonup crosses_above AROON(25).aroondown"},
        ),
        (
            "I only want to trade on Tuesdays. Buy when RSI(2) is under 10.",
            {"entry": "all(RSI(2) < 10; weekday in [tue])"},
        ),
        (
            "Buy when the close crosses above the 30 SMA as long as RSI isn't over 70 at the time.",
            {"entry": "all(Close crosses_above SMA(30); RSI(14) <= 70)"},
        ),
        # a number in a title is a parameter: it is kept, only the unknown words go
        (
            "RSI(2) scalper: buy when RSI drops below 10, sell when RSI goes above 70.",
            {"entry": "RSI(2) below 10", "exit": "RSI(2) above 70"},
        ),
    ],
)
def test_orders_sizing_lines_and_titles(text: str, expect: dict[str, object]) -> None:
    spec = parse_description(text).spec
    assert mismatches(reference_facts(expect), spec_facts(spec)) == []


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "Go long on a close above the prior 55-day high, go short on a close below the prior "
            "55-day low. Always in the market, just flip on the opposite signal.",
            {
                "side": "both",
                "entry": "Close above DONCHIAN(55).upper[1]",
                "short_entry": "Close below DONCHIAN(55).lower[1]",
            },
        ),
        (
            "I'm buying closes under the lower Bollinger Band (20, 2) and selling once price "
            "closes back above the middle band.",
            {"entry": f"Close below {BB}.lowerband", "exit": f"Close above {BB}.middleband"},
        ),
    ],
)
def test_actions_with_the_condition_glued_on(text: str, expect: dict[str, object]) -> None:
    spec = parse_description(text).spec
    assert mismatches(reference_facts(expect), spec_facts(spec)) == []


def test_a_bare_condition_after_an_action_still_needs_when() -> None:
    with pytest.raises(DescriptionNotUnderstood):
        parse_description("Buy closes under the 20 SMA and RSI below 30.")


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "Long when the MACD line crosses above the signal line while both of them are below "
            "zero.",
            {
                "entry": f"all({MACD}.macd crosses_above {MACD}.macdsignal; {MACD}.macd < 0; "
                f"{MACD}.macdsignal < 0)"
            },
        ),
        (
            "Buy when the MACD line crosses above the signal line while both are positive.",
            {
                "entry": f"all({MACD}.macd crosses_above {MACD}.macdsignal; {MACD}.macd > 0; "
                f"{MACD}.macdsignal > 0)"
            },
        ),
    ],
)
def test_both_lines_against_zero(text: str, expect: dict[str, object]) -> None:
    spec = parse_description(text).spec
    assert mismatches(reference_facts(expect), spec_facts(spec)) == []


def test_both_lines_bullish_is_not_guessed() -> None:
    with pytest.raises(DescriptionNotUnderstood):
        parse_description("Buy when the MACD crosses above the signal line while both are bullish.")


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "RSI(7) crosses above 20 -> buy. Take profit at 4%, stop at 2%, and if neither gets "
            "hit within 8 bars just close it.",
            {
                "entry": "RSI(7) crosses_above 20",
                "target": "4%",
                "stop": "2%",
                "exit_after_bars": 8,
            },
        ),
        (
            "Don't open new trades on Mondays or Fridays. Entry: MACD crosses its signal from "
            "below. Exit: MACD crosses its signal from above.",
            {
                "entry": f"all({MACD}.macd crosses_above {MACD}.macdsignal; "
                "weekday not in [mon, fri])",
                "exit": f"{MACD}.macd crosses_below {MACD}.macdsignal",
            },
        ),
    ],
)
def test_time_exit_beside_stop_and_target_and_entry_nouns(
    text: str, expect: dict[str, object]
) -> None:
    spec = parse_description(text).spec
    assert mismatches(reference_facts(expect), spec_facts(spec)) == []


def test_neither_with_no_stop_or_target_is_refused() -> None:
    with pytest.raises(DescriptionNotUnderstood, match="neither"):
        parse_description("Buy when RSI(2) < 10. If neither is hit within 5 days, sell.")


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "CCI(20) crossing up through -100 is my buy signal, and I sell when CCI(20) crosses "
            "down through +100.",
            {"entry": "CCI(20) crosses_above -100", "exit": "CCI(20) crosses_below 100"},
        ),
        (
            "Buy when the close is above the upper Keltner channel. Stop loss at 2 ATR below "
            "entry, take profit at 4 ATR.",
            {
                "entry": "Close above KELTNER(20,10,2).upper",
                "stop": "2 ATR(14)",
                "target": "4 ATR(14)",
            },
        ),
        (
            "Classic channel breakout, long and short. Go long on a close above the 55-day high, "
            "go short on a close below the 55-day low.",
            {
                "side": "both",
                "entry": "Close above DONCHIAN(55).upper[1]",
                "short_entry": "Close below DONCHIAN(55).lower[1]",
            },
        ),
    ],
)
def test_signal_nouns_and_labels(text: str, expect: dict[str, object]) -> None:
    spec = parse_description(text).spec
    assert mismatches(reference_facts(expect), spec_facts(spec)) == []


def test_then_before_a_rule_joins_it_to_the_filter_before() -> None:
    spec = parse_description(
        "Only enter when ATR(14) is below its own 50-day average. Then buy when the close breaks "
        "above the upper Bollinger band."
    ).spec
    expect = {"entry": f"all(ATR(14) < SMA(50, ATR(14)); Close above {BB}.upperband)"}
    assert mismatches(reference_facts(expect), spec_facts(spec)) == []


def test_then_between_bare_conditions_is_a_sequence_and_refused() -> None:
    with pytest.raises(DescriptionNotUnderstood):
        parse_description("RSI(2) drops below 10. Then the close crosses above the 5 SMA.")


def test_whichever_comes_first_joins_exits() -> None:
    spec = parse_description(
        "Buy when RSI(2) < 10. Exit when RSI(2) > 70 or after 10 bars, whichever comes first."
    ).spec
    expect = {"entry": "RSI(2) < 10", "exit": "RSI(2) > 70", "exit_after_bars": 10}
    assert mismatches(reference_facts(expect), spec_facts(spec)) == []


def test_whichever_comes_first_after_entries_is_refused() -> None:
    with pytest.raises(DescriptionNotUnderstood, match="whichever"):
        parse_description(
            "Buy when RSI(2) < 10 or the close is above the 20 SMA, whichever comes first."
        )


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "Short when price is more than 8% above the 20 EMA. Cover when price drops back "
            "below the 20 EMA.",
            {
                "side": "short",
                "short_entry": "Close > EMA(20) * 1.08",
                "short_exit": "Close below EMA(20)",
            },
        ),
        (
            "Buy when the open is more than 2% below yesterday's close. Get out one day later.",
            {"entry": "Open < Close[1] * 0.98", "exit_after_bars": 1},
        ),
        (
            "Buy when volume is above its 20 day average. Sell after 5 bars regardless.",
            {"entry": "Volume > SMA(20, Volume)", "exit_after_bars": 5},
        ),
    ],
)
def test_distances_and_later(text: str, expect: dict[str, object]) -> None:
    spec = parse_description(text).spec
    assert mismatches(reference_facts(expect), spec_facts(spec)) == []


def test_less_than_a_distance_is_a_range_and_refused() -> None:
    with pytest.raises(DescriptionNotUnderstood):
        parse_description("Buy when the close is less than 2% below the 20 SMA.")


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        # a touch word that moves down is <=, whatever the rule (was: ">=" for a long exit)
        (
            "Buy when the close is above the 20 EMA. Sell when price drops to the 20 EMA.",
            {"entry": "Close > EMA(20)", "exit": "Close <= EMA(20)"},
        ),
        (
            "Short when the close is below the 20 EMA. Cover when price rises to the 20 EMA.",
            {"side": "short", "short_entry": "Close < EMA(20)", "short_exit": "Close >= EMA(20)"},
        ),
        # a pullback is down for a long and up for a short, entry or exit
        ("Buy when price pulls back to the 20 EMA.", {"entry": "Close <= EMA(20)"}),
        (
            "Short when price pulls back to the 20 EMA.",
            {"side": "short", "short_entry": "Close >= EMA(20)"},
        ),
        (
            "Buy when RSI(2) < 5. Sell when price pulls back to the 10 EMA.",
            {"entry": "RSI(2) < 5", "exit": "Close <= EMA(10)"},
        ),
        # a plain touch still takes the rule's direction
        (
            "Buy when RSI(2) < 5. Sell when the price touches the upper Bollinger band.",
            {"entry": "RSI(2) < 5", "exit": f"Close >= {BB}.upperband"},
        ),
    ],
)
def test_touch_words_keep_their_direction(text: str, expect: dict[str, object]) -> None:
    spec = parse_description(text).spec
    assert mismatches(reference_facts(expect), spec_facts(spec)) == []
