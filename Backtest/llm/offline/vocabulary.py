"""Every word and phrase the offline parser knows, with what it means. The one vocabulary.

Phrases are in the tokenizer's normal form (:mod:`.text`): lower case, one space between
tokens, digits for numbers, ``pct_k``/``pct_d``/``pct_r`` for %K/%D/%R. The lexer matches the
longest phrase first ("sell short" before "sell", "closes above" before "close").

Each entry maps a phrase to ``(KIND, value)``; KIND is a terminal of the grammar
(:mod:`.grammar`). Words in :data:`FILLER` carry no meaning and are dropped; any other word
that is not here makes the description be refused, naming the word: the parser fails closed.

Documented defaults (reported back as ``defaults_used`` whenever they are applied):

* indicator periods come from the indicator catalogue (RSI 14, ATR 14, MACD 12/26/9,
  Bollinger 20/2, Stochastic 14/3/3, CCI 14, Donchian 20, Keltner 20/10/2, SuperTrend 10/3);
  ATR distances use ATR(14). A moving average has no default: without a period it is refused
  (or means the one average of that kind already named);
* "moving average"/"MA" is a simple moving average;
* oversold/overbought: RSI 30/70, Stochastic 20/80, CCI -100/100, Williams %R -80/-20,
  MFI 20/80, Stochastic RSI 20/80, Ultimate Oscillator 30/70;
* "N-day high/low" is the highest high / lowest low of the N bars *before* the current one.
"""

from __future__ import annotations

from typing import Any

from Backtest.llm.offline.shorthand import SHORTHAND

Entry = tuple[str, Any]
PHRASES: dict[str, Entry] = {}


def _add(kind: str, phrases: str, value: Any = None) -> None:
    """Register ``|``-separated phrases as one kind with one value."""
    for phrase in phrases.split("|"):
        phrase = phrase.strip()
        if phrase:
            PHRASES[phrase] = (kind, value)


def _forms(verb: str) -> list[str]:
    """Inflections of a regular or listed verb: "drop" -> drop, drops, dropping, dropped."""
    irregular = {
        "rise": ["rise", "rises", "rising", "rose", "risen"],
        "fall": ["fall", "falls", "falling", "fell", "fallen"],
        "go": ["go", "goes", "going", "went", "gone"],
        "get": ["get", "gets", "getting", "got"],
        "break": ["break", "breaks", "breaking", "broke", "broken"],
        "sink": ["sink", "sinks", "sinking", "sank", "sunk"],
        "slide": ["slide", "slides", "sliding", "slid"],
        "cut": ["cut", "cuts", "cutting"],
        "come": ["come", "comes", "coming", "came"],
        "cross": ["cross", "crosses", "crossing", "crossed", "crosess", "crossess"],
        "close": ["close", "closes", "closing", "closed"],
        "finish": ["finish", "finishes", "finishing", "finished"],
        "dip": ["dip", "dips", "dipping", "dipped"],
        "drop": ["drop", "drops", "dropping", "dropped"],
        "slip": ["slip", "slips", "slipping", "slipped"],
        "pop": ["pop", "pops", "popping", "popped"],
        "poke": ["poke", "pokes", "poking", "poked"],
        "stay": ["stay", "stays", "staying", "stayed"],
        "trade": ["trade", "trades", "trading", "traded"],
        "move": ["move", "moves", "moving", "moved"],
        "push": ["push", "pushes", "pushing", "pushed"],
        "spike": ["spike", "spikes", "spiking", "spiked"],
        "climb": ["climb", "climbs", "climbing", "climbed"],
        "jump": ["jump", "jumps", "jumping", "jumped"],
        "decline": ["decline", "declines", "declining", "declined"],
        "plunge": ["plunge", "plunges", "plunging", "plunged"],
        "turn": ["turn", "turns", "turning", "turned"],
        "flip": ["flip", "flips", "flipping", "flipped"],
        "tick": ["tick", "ticks", "ticking", "ticked"],
        "touch": ["touch", "touches", "touching", "touched"],
        "hit": ["hit", "hits", "hitting"],
        "reach": ["reach", "reaches", "reaching", "reached"],
        "tag": ["tag", "tags", "tagging", "tagged"],
        "return": ["return", "returns", "returning", "returned"],
        "exceed": ["exceed", "exceeds", "exceeding", "exceeded"],
        "remain": ["remain", "remains", "remaining", "remained"],
        "pierce": ["pierce", "pierces", "piercing", "pierced"],
    }
    return irregular[verb]


def _verbs(verbs: str, particles: str) -> str:
    """ "drop|fall" x "below|under" -> every "<form> [back] <particle>" phrase."""
    phrases = []
    for verb in verbs.split("|"):
        for form in _forms(verb):
            for particle in particles.split("|"):
                phrases += [f"{form} {particle}", f"{form} back {particle}"]
    return "|".join(phrases)


# ---- structure --------------------------------------------------------------------------------
_add("AND", "and|but|as well as|and also|plus|&|while also")
_add("OR", "or|or else|and or")
_add("EITHER", "either")
_add("THEN", "then|and then|after that|followed by")
_add("WHEN", "when|whenever|if|once|as soon as|every time|each time|any time|anytime|wen")
_add("WHEN", "where|at which point|whenever")
_add("WHILE", "while|as long as|provided|provided that|so long as|given that|whilst")
_add("ONLY", "only|only if|only when|just when")
_add("UNLESS", "unless|except when|except if|except on|except for when|but not when|but not if")
# "..., except in September": as "unless in September" (read only where "unless" is)
_add("UNLESS", "except in|except during")
_add("EXCEPT", "except|other than|besides|apart from")
# "on any day except Monday": every weekday but the ones named (read only before weekdays)
_add(
    "ANYDAYEXCEPT",
    "any day except|every day except|all days except|any day other than|every day other than|"
    "any weekday except|every weekday except|any day apart from|every day apart from",
)
# "in any month other than August and September": every month but the ones named (read only
# before months)
_add(
    "ANYMONTHEXCEPT",
    "any month except|every month except|all months except|any month other than|"
    "every month other than|any month apart from|every month apart from|any month but|"
    "every month but",
)
# ... and with its "in" (longer than "in any month" below, which would otherwise win)
_add(
    "ANYMONTHEXCEPT",
    "in any month except|in every month except|in all months except|in any month other than|"
    "in every month other than|in any month apart from|in every month apart from|"
    "in any month but|in every month but",
)
# "Sell when ..., in any month": the rule holds on every date, as it does when no date is said
# (read only after a rule's condition with no date of its own: grammar/rules.py)
_add(
    "ANYDATE",
    "in any month|in every month|in any month of the year|any day of the week|"
    "on any day of the week|every day of the week|on every day of the week|all year round|"
    "year round|year-round",
)
_add("AFTER", "after|following")
# "sell after holding (it) for 20 days", "exit after being in the trade for 10 bars"
_add(
    "AFTER",
    "after holding|after holding for|after holding it for|after holding the position for|"
    "after holding the trade for|after being in the trade for|after being in for|"
    "after being in the position for",
)
_add("BEFORE", "before|prior to")
_add("ON", "on|upon")
_add("AT", "at|@")
_add("IN", "in|during|within")
_add("FROM", "from")
_add("TO", "to|into")
_add("UNTIL", "until|till|til|through|thru")
_add("BETWEEN", "between")
_add("OF", "of")
_add("WITH", "with|using|via|w /")
_add("FOR", "for")
_add("BY", "by")
_add("ARROW", "->|=>|=")
_add("EVERY", "every|each|per")
# "Go long the first time the 15 EMA closes above the 40 EMA": when it crosses (see rules.py)
_add("FIRSTTIME", "the first time|first time")
# "higher than any close of the previous 50 sessions": than all of them (read only there)
_add("THAN_ANY", "higher than any|greater than any|above any|over any|is over any", ">")
_add("THAN_ANY", "lower than any|less than any|below any|under any|is below any|is under any", "<")

# ---- negation ---------------------------------------------------------------------------------
_add("NOT", "not|no longer|never again|is not|are not|does not|has not")
_add("NEVER", "never")
_add("DONT", "do not|dont|please do not|we do not|i do not|should not|must not|will not")
_add("NO", "no|without|no new")
# "%K smoothing 3" (TradingView's stochastic settings): read only as a %K/%D setting
_add("SMOOTHING", "smoothing|slowing")
# "exit after 7 days, or earlier at a 6% profit target" (read only after "or", before a risk)
_add("EARLIER", "sooner")  # "earlier" is AGO, read so there too
# "both of the previous two days' highs": each bar's high (read only there)
_add("PRICES", "highs", "High")
_add("PRICES", "lows", "Low")
# "x down = sell (any month)": an exit said to hold all year (read only so, after an exit)
_add("ANYTIME", "any month|any time of year|any time of the year|all year|all year round")
# "crosses above the zero line": 0; "MACD zero line strat": the strategy's name
_add("ZEROLINE", "zero line|zero-line|zeroline|the zero line|the zero-line")
# "No stop for now", "no stops for this one": for this test (read only after a "no stop")
_add("FOR_NOW", "for now|for this one|for this test|for the moment|for the time being")
_add("AVOID", "avoid|skip|stay out|stay out of|stay away from|stay flat|sit out|exclude")

# ---- copula and neutral verbs -----------------------------------------------------------------
_add(
    "IS",
    "is|are|be|was|were|has to be|have to be|must be|needs to be|need to be|should be|being|"
    "stays|stay|remains|remain|is still|are still|is currently|gets to be|sits|is trading|"
    "has been|have been|must be true|are true|is true|are met|is met|all true|holds|hold true|"
    "stretches|is stretched|gets stretched|is extended|gets extended",
)

# "If 1 and 2 are both true, buy": the conditions listed before are met (read only there)
_add("MET", "true|met|satisfied|fulfilled")

# ---- actions ----------------------------------------------------------------------------------
_add(
    "BUY",
    "buy|buys|buying|bought|go long|goes long|going long|get long|enter long|enter a long|"
    "enter a long position|enter long position|open long|open a long|open a long position|"
    "take a long|take long|long|longs|buy to open|purchase|initiate a long|"
    "enter a long trade|take a long position|place a buy|place a long|put on a long|get in long|"
    "buy it|buy the stock|buy shares|go long on|go long at|be long|buy signal|long entry|"
    "long entries|long trades|opening a long|opening a long position",
)
_add(
    "SHORT",
    "short|shorts|go short|goes short|going short|get short|sell short|short sell|enter short|"
    "enter a short|enter short position|enter a short position|open short|open a short|"
    "open a short position|take a short|short it|initiate a short|be short|short entry|"
    "short entries|short trades|sell to open|opening a short|opening a short position",
)
_add(
    "SELL",
    "sell|sells|selling|sold|sell it|sell them|sell everything|sell out|sell all|sell the stock|"
    "dump it|dump the position|dump the stock|sell all of them|sell them all|sell it all|"
    "sell all shares|sell all the shares",
)
_add(
    "EXIT",
    "exit|exits|exiting|exited|close the trade|close the position|close position|close it|"
    "close out|close all|close everything|get out|gets out|get out of the trade|exit the trade|"
    "exit the position|exit position|exit all|exit everything|liquidate|flatten|go flat|flat|"
    "close the long|exit long|exit longs|exit the long|close long|close longs|close my position|"
    "close the trades|closing the trade|selling out|exit trades|close trades|exit positions|"
    "close positions|get flat|closed out|sell the long|sell that long|sell my long|"
    "sell the long position",
)
# "Long exit: ...", "Short exit: ..." (as "Long entry:", "Short entry:")
_add("EXIT", "long exit|long exits|long exit rule")
_add("COVER", "short exit|short exits|short exit rule|short cover")
# "..., otherwise be flat / stay in cash": out of the market
_add("EXIT", "be flat|be out|be in cash|go to cash|move to cash|stay in cash|sit in cash|hold cash")
_add(
    "COVER",
    "cover|covers|covering|cover the short|cover shorts|buy to cover|buy back|close the short|"
    "close short|close shorts|exit the short|exit short|exit shorts|cover it|buy it back",
)
_add(
    "ENTER",
    "enter|enters|entering|get in|open a position|open a trade|open position|take a trade|"
    "take trades|take the trade|go in|enter a trade|enter trades|enter a position|"
    "take a position|open new positions|take new trades|take entries|take positions|"
    "open anything|open any trades|open any trade|open new trades|open a new trade|"
    "open any positions|open trades|take new entries|take any entries|take any new entries|"
    "take the entry|take an entry|take a new entry|take any trades|take any new trades|"
    # "Don't take the signal on Fridays": the entry signal (as "don't trade on Fridays")
    "take the signal|take a signal|take any signal|take signals|take the signals|take any signals|"
    "take any signal that fires|take a signal that fires|take signals that fire|"
    "take any signals that fire",
)
_add("TRADE", "trade|trades|trading|position|positions|the trade|the position|a trade")
# "this strategy only opens trades from November to March": as "only trade ..." (a verb of the
# third person before trades; "close all open trades" is not one)
_add(
    "TRADE",
    "opens trades|opens new trades|opens positions|opens new positions|takes trades|"
    "takes new trades|enters trades|enters new trades",
)
_add("HOLD", "hold|holds|holding|stay in|keep it|keep the position|hold it|hold the position")
_add("PLACE", "use only|only use|only invest|invest only")
_add("BUY", "buy the dip|buy dips|buy the dips")
# "only take the buy when the 50sma is rising": the entry named by its side
_add("BUY", "take the buy|take the long|take the long trade|take buys")
_add("SHORT", "take the short|take the short trade")
# "Short only - don't take the long side of this setup": the side itself (read by side_stmt)
_add("BUY", "take the long side")
_add("SHORT", "take the short side")
# "Close a long when ...", "exit a short when ...": the exit of that side
_add("EXIT", "close a long|exit a long|close a long position|exit a long position")
_add("COVER", "close a short|exit a short|close a short position|exit a short position")
# "Protect it with a 5% trailing stop": the stop placed on the position
_add("PLACE", "protect it with|protect the position with|protect the trade with")
_add(
    "PLACE",
    "place|places|placing|put|put in|submit|send|use|set|sets|setting|enter with|add|adds|"
    "change|changes|make|makes|increase|decrease|raise|tighten|loosen|widen|switch|update|"
    "switch to|go back to|instead use|apply|run",
)
_add(
    "ENTRY_N", "entry rules|entry rule|entry conditions|entry condition|entry signal|entry signals"
)
_add("ENTRY_N", "entries|entry|entry criteria|buy rules|buy conditions|long setup")
_add("EXIT_N", "exit rules|exit rule|exit conditions|exit condition|exit signal|exit signals")
_add("EXIT_N", "exits|exit criteria|sell rules|sell conditions|other exit|other exits")
_add("FILTER_N", "filter|filters|trend filter|the filter|condition|conditions|requirement")
_add("SIGNAL_N", "signals|setup|trigger|signal bar")

# ---- sides ------------------------------------------------------------------------------------
_add(
    "LONGONLY",
    "long only|only long|longs only|only longs|long side only|only go long|only buying|buying only",
)
_add("SHORTONLY", "short only|only short|shorts only|only shorts|short side only|only go short")
_add("LONGONLY", "only for the long side|only on the long side|only the long side")
_add("SHORTONLY", "only for the short side|only on the short side|only the short side")
# "I only want to test the short side of this one": the side, read only after "only" (side_stmt)
_add("SIDE_N", "short side", "short")
_add("SIDE_N", "long side", "long")
_add(
    "BOTHWAYS",
    "both ways|both directions|long and short|long/short|both long and short|both sides|"
    "long or short|longs and shorts|in both directions|trade both ways|trade both directions|"
    "long / short|longs / shorts",
)
_add("SHORTING", "shorting|short selling|short trades|short positions|shorts allowed")
_add("REVERSE", "reverse|reverses|stop and reverse|flip the position|reverse the position")
_add(
    "OPPOSITE",
    "the opposite signal|opposite signal|the opposite|opposite|vice versa|and vice versa|the "
    "reverse|the reverse signal|the opposite cross|the opposite crossover|the reverse cross|"
    "reverse signal|the other way|the other way around|an opposite signal|the cross back down|"
    "the cross back under|the cross back up|the cross back over|the cross back|the cross down|"
    "the cross back below|the cross back above",
)

# ---- operands ---------------------------------------------------------------------------------
PRICE_WORDS = {
    "price": "Close",
    "prices": "Close",
    "close": "Close",
    "closing price": "Close",
    "closing prices": "Close",
    "close price": "Close",
    "open price": "Open",
    "high price": "High",
    "low price": "Low",
    "the close": "Close",
    "last price": "Close",
    "stock": "Close",
    "the stock": "Close",
    "market": "Close",
    "stock price": "Close",
    "share price": "Close",
    "open": "Open",
    "opening price": "Open",
    "the open": "Open",
    "high": "High",
    "high of the day": "High",
    "daily high": "High",
    "low": "Low",
    "low of the day": "Low",
    "daily low": "Low",
    "volume": "Volume",
    "trading volume": "Volume",
}
for _phrase, _field in PRICE_WORDS.items():
    _add("PRICE", _phrase, _field)
_add("CLOSES", "closes|closing prices|candles|candle")
# "it has closed lower 3 days in a row": the past tense of "closes lower ..." ("closed above" is a
# CLOSEVERB; "closed" alone is placed by no rule and refused)
_add("CLOSES", "closed")
_add("UNIT", "day|days|period|periods|bar|bars|session|sessions|d|length|trading days")
_add("UNIT", "day period|period length|day lookback|bar lookback|lookback|periods long")
# "Standard 12/26/9 settings": the word after a parameter check (see grammar.sentence)
_add("SETTINGS", "settings|parameters|params")
_add(
    "DEV",
    "standard deviations|standard deviation|std devs|std dev|stdev|stdevs|std|sd|sds|sigma|"
    "sigmas|deviations|deviation|devs|dev|stddev",
)
# "Keltner channel (20 EMA, 10 ATR, multiplier 2)": the ATR multiple, only inside parameters
_add("MULT", "multiplier")
# "the Bollinger Band width (upper minus lower, divided by the middle band)": read only with
# that definition (see grammar.operands.band_width); anywhere else it is refused
_add("WIDTH", "width")
# "supertrend (atr 12, mult 3)", "(10, factor 3)": the same, in charting packages' words
_add("MULT", "mult|factor")
_add("PRON", "it|they|them")
_add("BOTH", "both|both of them|both lines|both are|each of them|both values")
_add("ITS", "its|their|its own|their own")
_add("THAT", "that|this|the same|said|these|those")
_add("RELATIVE", "shorter|faster|fast|short term|shortest|fastest", "fast")
_add("RELATIVE", "longer|slower|slow|long term|longest|slowest", "slow")
_add("ONE", "one|ones")
_add("PREV", "yesterday|previous|prior|the day before|day before|last bar|previous bar", 1)
_add("PREV", "yday|yesterdays", 1)  # chat shorthand: "yday's high"
_add("PREV", "previous day|prior day|last day|the previous day|preceding|prior bar|prev", 1)
_add("PREV", "the prior day|the previous bar|previous session|prior session|last session", 1)
_add("PREV", "the bar before|bar before|the session before|the candle before", 1)
_add(
    "AGO",
    "ago|back|bars ago|days ago|periods ago|earlier|bars earlier|days earlier|periods earlier",
)
# "today's range (high minus low)": one bar's high less its low (read only after "today's",
# "the bar's", "a day's" or "yesterday's": grammar/operands.py)
_add("RANGE", "range")
_add("TODAY", "today|current|this bar|the current bar|the signal bar|signal bar|signal day|now")
_add("TODAY", "the current|currently|this day|the day|todays|present|same day|the same bar")
# "place a limit buy 2% under that day's close": the signal bar, read only in an order's price
# (elsewhere "that day" may be an earlier day the text spoke of)
_add("THATBAR", "that day|that bar|that session|that candle")
_add(
    "NEXTBAR",
    "tomorrow|next bar|the next bar|the next day|next day|next open|the next open|the open "
    "tomorrow|at the open tomorrow|at the next open|on the next bar|next session|at the open",
)
# "buy on the next bar's open", "at the open of the next day": the fill every order has
for _next in [
    "the next bar open",
    "the next day open",
    "the next session open",
    "tomorrow open",
    "the next candle",
    "the next candle open",
    "the open of the next bar",
    "the open of the next day",
    "the open of the next session",
    "the open of the next candle",
    "the following open",
    "the following bar open",
]:
    _add("NEXTBAR", f"{_next}|at {_next}|on {_next}")
_add("HIGHEST", "highest|maximum|max")
_add("LOWEST", "lowest|minimum|min")
_add("LAST", "last|past|recent|latest")
_add(
    "WINDOW",
    "over the last|over the past|in the last|in the past|over the previous|of the last|"
    "of the past|of the previous|during the last|over the prior|within the last|for the last|"
    "for the past|in the previous",
)
_add("AVERAGE", "average|avg|mean|moving avg|rolling average|rolling mean|its average")
_add("POSITIVE", "positive|above 0|greater than 0|bullish|buy signal|long signal")
_add("NEGATIVE", "negative|below 0|less than 0|bearish|sell signal|short signal")
_add("GOLDEN", "golden cross|golden crossover")
_add("DEATH", "death cross|death crossover|dead cross")
_add("CROSSNOUN", "crossover|crossovers|crossunder|x over|cross over")
_add("TIMES", "x|times|*|multiplied by")
_add("TIMES", "×")  # "2 × ATR(14)", as understood_as writes it
_add("TWICE", "twice|double", 2)
_add("TWICE", "triple|three times", 3)
_add("HALF_OF", "half of|half", 0.5)
# "a quarter of the 14-day ATR" (read only where "half" is: a size, an ATR distance)
_add("HALF_OF", "a quarter of|one quarter of|quarter of", 0.25)
# "Risk half a percent of equity": a percentage in words (a plain "half" stays HALF_OF)
_add("PCT", "half a percent|half of a percent|half of one percent|half a per cent|half a pct", 0.5)
_add(
    "PCT",
    "quarter of a percent|quarter of one percent|quarter percent|a quarter of a percent|"
    "a quarter of one percent|one quarter of a percent|one quarter of one percent",
    0.25,
)
_add("PLUS", "+")
_add("MINUS", "-|minus")
_add("SLASH", "/")
_add("DIVIDE", "divided by")
_add("PERCENT_SIGN", "%|percent|per cent|pct|percentage")
_add("CHANGE", "rate of change|percent change|% change")

# ---- indicators -------------------------------------------------------------------------------
# Phrase -> (catalogue name, plural). Plural forms matter: "12 and 26 period EMAs" names two.
INDICATORS: dict[str, tuple[str, bool]] = {}


def _ind(name: str, singular: str, plural: str = "") -> None:
    for phrase in singular.split("|"):
        INDICATORS[phrase] = (name, False)
    for phrase in plural.split("|"):
        if phrase:
            INDICATORS[phrase] = (name, True)


_ind(
    "SMA",
    "sma|simple moving average|simple ma|moving average|mov avg|ma|dma|day moving average|"
    "moving avrage|moving averge|simple average|day ma|sma line|simple moving avg",
    "smas|simple moving averages|moving averages|mas|dmas|moving avgs",
)
_ind(
    "EMA",
    "ema|exponential moving average|exponential ma|exp moving average|ewma|exponential average|"
    "exponential moving avg",
    "emas|exponential moving averages|exponential averages",
)
_ind("WMA", "wma|weighted moving average", "wmas|weighted moving averages")
_ind("DEMA", "dema|double exponential moving average", "demas")
_ind("TEMA", "tema|triple exponential moving average", "temas")
_ind("KAMA", "kama|kaufman adaptive moving average")
_ind("TRIMA", "trima|triangular moving average")
_ind("RSI", "rsi|relative strength index|relative strength|rsi indicator")
_ind("MACD", "macd|moving average convergence divergence|macd indicator")
_ind(
    "BBANDS", "bollinger|bollinger band|bollinger bands|bb|bbs|bbands|bollingers|bollinger channel"
)
_ind("ATR", "atr|average true range|atrs")
_ind("NATR", "natr|normalized atr")
_ind("STOCH", "stochastic|stochastics|stoch|stochastic oscillator|slow stochastic|full stochastic")
_ind("STOCHF", "fast stochastic|fast stochastics|stochf")
_ind("STOCHRSI", "stochastic rsi|stoch rsi|stochrsi")
_ind("ADX", "adx|average directional index|average directional movement index|dmi")
_ind("ADXR", "adxr")
_ind("PLUS_DI", "+di|plus di|di+|positive directional indicator|pdi|+ di|di +")
_ind("MINUS_DI", "-di|minus di|di-|negative directional indicator|mdi|- di|di -")
_ind("CCI", "cci|commodity channel index")
_ind(
    "WILLR", "williams pct_r|williams r|williams percent r|williams|willr|pct_r|w pct_r|williams %r"
)
_ind("MFI", "mfi|money flow index|money flow")
_ind("ROC", "roc|rate of change|rate-of-change")
_ind("MOM", "momentum|mom")
_ind("AROON", "aroon")
_ind("AROONOSC", "aroon oscillator|aroonosc")  # the catalogue name, as understood_as writes it
_ind("OBV", "obv|on balance volume|on-balance volume")
_ind("SAR", "sar|psar|parabolic sar|parabolic")
_ind("ULTOSC", "ultimate oscillator|ultosc")
_ind("TRIX", "trix")
_ind("PPO", "ppo|percentage price oscillator")
_ind("CMO", "cmo|chande momentum oscillator")
_ind("BOP", "bop|balance of power")
_ind("ADOSC", "chaikin oscillator|adosc")
_ind("LINEARREG", "linear regression|linreg|linearreg")
_ind("DONCHIAN", "donchian|donchian channel|donchian channels|dc")
_ind(
    "KELTNER",
    "keltner|keltner channel|keltner channels|kc|keltner band|keltner bands|keltner chanel",
)  # "chanel": a hurried "channel" (an English word, so no typo the typo reader takes)
_ind("VWAP", "vwap|volume weighted average price|volume-weighted average price")
_ind("SUPERTREND", "supertrend|super trend|super-trend|supertrend indicator")
for _phrase, _value in INDICATORS.items():
    _add("IND", _phrase, _value)
# "Standard MACD settings", "the default Bollinger settings": the textbook parameters, which
# are the catalogue defaults for these indicators only (a "default CCI" is 14 in one charting
# package and 20 in another): read as a check that the rules use exactly those
STANDARD_SETTINGS = frozenset({"MACD", "BBANDS", "STOCH", "RSI"})
for _phrase, _value in INDICATORS.items():
    if _value[0] in STANDARD_SETTINGS and not _value[1]:
        for _lead in ("standard", "default", "usual", "the standard", "the default", "the usual"):
            for _tail in ("settings", "parameters", "params"):
                _add("STDSETTINGS", f"{_lead} {_phrase} {_tail}", _value[0])

# Output words: phrase -> role, resolved per indicator in :data:`OUTPUT_ROLES`.
OUTPUT_WORDS = {
    "signal line": "signal",
    "signal": "signal",
    "trigger line": "signal",
    "signal lines": "signal",
    "histogram": "hist",
    "histogarm": "hist",
    "hist": "hist",
    "histo": "hist",
    "macd line": "main",
    "main line": "main",
    "upper band": "upper",
    "upper bands": "upper",
    "top band": "upper",
    "upper channel": "upper",
    "upper channel line": "upper",
    "upper line": "upper",
    "upper": "upper",
    "lower band": "lower",
    "lower bands": "lower",
    "bottom band": "lower",
    "lower channel": "lower",
    "lower channel line": "lower",
    "lower line": "lower",
    "lower": "lower",
    "middle band": "middle",
    "mid band": "middle",
    "middle line": "middle",
    "midline": "middle",
    "mid line": "middle",
    "centre line": "middle",
    "center line": "middle",
    "centerline": "middle",
    "basis": "middle",
    "basis line": "middle",
    "middle": "middle",
    "pct_k": "k",
    "k line": "k",
    "pct_k line": "k",
    "pct_d": "d",
    "d line": "d",
    "pct_d line": "d",
    "fast line": "fastline",
    "slow line": "slowline",
    "line": "line",
    "direction": "direction",
    "aroon up": "up",
    "aroon down": "down",
    "band": "band",
    "bands": "band",
    "channel": "band",
    "channels": "band",
}
for _phrase, _role in OUTPUT_WORDS.items():
    _add("OUTPUT", _phrase, _role)
# Which output an output word picks: role -> {indicator: output}.
OUTPUT_ROLES: dict[str, dict[str, str]] = {
    "main": {"MACD": "macd", "STOCH": "slowk", "STOCHF": "fastk", "STOCHRSI": "fastk"},
    "signal": {"MACD": "macdsignal", "STOCH": "slowd", "STOCHF": "fastd", "STOCHRSI": "fastd"},
    "hist": {"MACD": "macdhist"},
    "k": {"STOCH": "slowk", "STOCHF": "fastk", "STOCHRSI": "fastk"},
    "d": {"STOCH": "slowd", "STOCHF": "fastd", "STOCHRSI": "fastd"},
    "fastline": {"MACD": "macd", "STOCH": "slowk", "STOCHF": "fastk", "STOCHRSI": "fastk"},
    "slowline": {"MACD": "macdsignal", "STOCH": "slowd", "STOCHF": "fastd", "STOCHRSI": "fastd"},
    "upper": {"BBANDS": "upperband", "DONCHIAN": "upper", "KELTNER": "upper"},
    "middle": {"BBANDS": "middleband", "DONCHIAN": "middle", "KELTNER": "middle"},
    "lower": {"BBANDS": "lowerband", "DONCHIAN": "lower", "KELTNER": "lower"},
    "line": {"MACD": "macd", "SUPERTREND": "line"},
    "direction": {"SUPERTREND": "direction"},
    "up": {"AROON": "aroonup"},
    "down": {"AROON": "aroondown"},
}
# The indicator an output word means when none is named nearby.
OUTPUT_DEFAULT = {"signal": "MACD", "hist": "MACD", "main": "MACD", "k": "STOCH", "d": "STOCH"}
OUTPUT_DEFAULT |= {"up": "AROON", "down": "AROON"}
# The line an indicator is usually compared with when "X crosses above" names no other line.
PARTNER_OUTPUT = {
    ("MACD", "macd"): "macdsignal",
    ("STOCH", "slowk"): "slowd",
    ("STOCHF", "fastk"): "fastd",
    ("STOCHRSI", "fastk"): "fastd",
}
# The output a bare multi-output indicator name means ("MACD crosses above its signal line").
MAIN_OUTPUT = {
    "MACD": "macd",
    "STOCH": "slowk",
    "STOCHF": "fastk",
    "STOCHRSI": "fastk",
    "SUPERTREND": "line",
    "AROON": "aroonup",
}
# Oscillator zones: indicator -> (oversold, overbought).
ZONES: dict[str, tuple[float, float]] = {
    "RSI": (30, 70),
    "STOCH": (20, 80),
    "STOCHF": (20, 80),
    "STOCHRSI": (20, 80),
    "CCI": (-100, 100),
    "WILLR": (-80, -20),
    "MFI": (20, 80),
    "ULTOSC": (30, 70),
}
_add("OVERSOLD", "oversold|over sold|oversold territory|oversold zone|oversold area")
_add("OVERBOUGHT", "overbought|over bought|overbought territory|overbought zone|overbought area")
MOVING_AVERAGES = frozenset({"SMA", "EMA", "WMA", "DEMA", "TEMA", "TRIMA", "KAMA"})
# Indicators drawn on the price scale: "price above the 50 SMA", "closes above the band".
PRICE_SCALE = MOVING_AVERAGES | {"BBANDS", "SAR", "DONCHIAN", "KELTNER", "VWAP", "SUPERTREND"}
PRICE_SCALE |= {"MAX", "MIN", "LINEARREG"}

# ---- comparisons ------------------------------------------------------------------------------
_ABOVE = "above|over|higher than|greater than|more than|>|bigger than|beyond|north of|atop"
_BELOW = "below|under|lower than|less than|<|beneath|underneath|south of|smaller than"
_add("CMP", _ABOVE, ">")
_add("CMP", _BELOW, "<")
_add("CMP", ">=|at least|at or above|not below|no less than|greater than or equal to", ">=")
_add("CMP", "<=|=<|at most|at or below|not above|no more than|less than or equal to", "<=")
# "volume is at least 3x ...": not the touch "is at" followed by "least"
_add("CMP", "is at least|was at least|are at least|is at or above", ">=")
_add("CMP", "is at most|was at most|are at most|is at or below", "<=")
# "RSI is 30 or less" (only after "<level> or", see grammar/comparisons.py)
_add("MOREWORD", "more|greater", ">=")
_add("MOREWORD", "less|fewer", "<=")
_add("CMP", "above or equal to|below or equal to", None)
del PHRASES["above or equal to"], PHRASES["below or equal to"]
_add("CMP", "exceeds|exceed|exceeding|exceeded|tops|is over|outperforms", ">")
_add("CMP", "is under|is below|trails|underperforms", "<")
# "the close beats the prior 20-day high", "today's low undercuts yesterday's low"
_add("CMP", "beats", ">")
_add("CMP", "undercuts|undercut", "<")
# "RSI(14) pokes above 75": pops above it ("pokes" with no way said stays unknown)
_MOTION_UP = "rise|climb|jump|pop|poke|push|spike|move|go|get|break|tick|pierce|return|come"
_MOTION_DOWN = (
    "drop|fall|dip|sink|slip|poke|plunge|decline|slide|move|go|get|break|tick|pierce|come|return"
)
_add(
    "MOTION", _verbs(_MOTION_UP, "above|over|up above|up over|up through|up thru|higher than"), ">"
)
_add(
    "MOTION",
    _verbs(_MOTION_DOWN, "below|under|beneath|down below|down through|down thru|lower than"),
    "<",
)
_add("MOTION", _verbs("turn", "up above|back above|up over"), ">")
# "breaks out above the 20-day high", "breaks out below the 10-day low"
_add("MOTION", _verbs("break", "out above|out over"), ">")
_add("MOTION", _verbs("break", "out below|out under"), "<")
_add("MOTION", _verbs("turn", "down below|back below|down under"), "<")
# "on a breakout above the 55-day high" (the noun "breakout" alone is talk), "a breakdown below"
_add("MOTION", "breakout above|breakout over|breakouts above", ">")
_add("MOTION", "breakdown below|breakdown under|breakdowns below", "<")
# "buy the breakout of the 55-day high", "sell on a break of the 20-day low": no way said, the
# line's side gives it (above a high or an upper band, below a low or a lower band)
for _article in ("", "a ", "the "):
    _add("BREAKOF", f"{_article}break of|{_article}break through", "any")
    _add("BREAKOF", f"{_article}breakout of|{_article}breakout through", "up")
    _add("BREAKOF", f"{_article}breakdown of|{_article}breakdown through", "down")
_add("MOTION", "goes over|gets over|back above|back over|back to above", ">")
_add("MOTION", "back below|back under|back to below", "<")
# "the close pulls back below the 10 EMA": a pullback is downward (never "pull above")
_add(
    "MOTION",
    "|".join(
        f"{form} back {particle}"
        for form in ("pull", "pulls", "pulling", "pulled")
        for particle in ("below", "under", "beneath")
    ),
    "<",
)
# "the close finishes above yesterday's close": closes above it
_add("CLOSEVERB", _verbs("close|finish", "above|over|higher than"), ">")
_add("CLOSEVERB", _verbs("close|finish", "below|under|lower than|beneath"), "<")
_add(
    "CROSS",
    _verbs("cross", "above|over|up through|up thru|up above|up over|upwards|up|to the upside"),
    "crosses_above",
)
_add(
    "CROSS",
    _verbs("cross", "below|under|down through|down thru|down below|down under|downwards|down"),
    "crosses_below",
)
_add("CROSS", _verbs("cross", "to the downside"), "crosses_below")
# "sma 10/40 x up = buy, x down = sell": "x" is a cross only with its way said
_add("CROSS", "x up", "crosses_above")
_add("CROSS", "x down", "crosses_below")
# "W%R(21) x above -80 -> buy", "roc(12) x below 0": "x" with a side named is a crossing too
_add("CROSS", "x above|x back above", "crosses_above")
_add("CROSS", "x below|x under|x back below|x back under", "crosses_below")
_add(
    "CROSS",
    "crosses|cross|crossing|crossed|crosses through|crosses thru|cuts|cuts through|cuts thru|"
    "crosess",
    "cross",
)
_add("CROSS", "crosses back|cross back|crossing back", "cross")
_add("FROMDIR", "from below|from underneath|from under|upward|from the bottom", "crosses_above")
_add("FROMDIR", "from above|from over|downward|from the top", "crosses_below")
_add(
    "TOUCH",
    "|".join(
        f"{form}{back}"
        for verb in ("touch", "hit", "reach", "tag")
        for form in _forms(verb)
        for back in ("", " back")
    )
    + "|gets back to|get back to|goes back to|returns to|comes back to|reverts to|back to|"
    "come back to|came back to|coming back to|"
    "reaches back to|is at|are at|gets to|goes to",
)
# Touch words that say which way the price moves: down to the level, up to it, or back against
# the trend (a pullback: down for a long, up for a short).
_add(
    "TOUCH",
    "dips to|falls to|drops to|comes down to|comes back down to|come back down to|"
    "came back down to|falls back to|drops back to|dips back to|sinks to|declines to|"
    "gets back down to|get back down to|goes back down to|go back down to",
    "down",
)
_add("TOUCH", "rises to|climbs to|rallies to|comes up to|comes back up to|rises back to", "up")
_add("TOUCH", "gets back up to|get back up to|goes back up to|go back up to", "up")
_add(
    "TOUCH",
    "pulls back to|pull back to|pulled back to|pulls back toward|retraces to|pullback to",
    "pullback",
)
_add(
    "BROKEN",
    "is broken|gets broken|is taken out|gets taken out|is exceeded|gets exceeded|is breached|"
    "gets breached|breaks|is crossed|gets crossed|is penetrated",
)
_add(
    "TURNS",
    "|".join(_forms("turn") + _forms("flip")) + "|becomes|become|switches to|switch to|"
    "changes to|goes|turn to|turns to|flips to|goes into|moves into|gets",
)
_add(
    "RISING",
    "rising|is rising|rises|rise|going up|trending up|sloping up|slopes up|slope up|increasing|"
    "is increasing|upward sloping|pointing up|heading up|moving up|turning up|turns up|"
    "has risen|goes up|go up|is going up|climbing|advancing|climbs|jumps|gains|rallies|has gained|"
    "gained|has climbed|climbed|rose|has rallied|rallied|turns back up|turning back up|"
    "starts rising|starts to rise|begins rising|begins to rise|starts to turn up",
    "rising",
)
_add(
    "FALLING",
    "falling|is falling|falls|fall|going down|trending down|sloping down|slopes down|"
    "decreasing|is decreasing|downward sloping|pointing down|heading down|moving down|"
    "turning down|turns down|has fallen|goes down|go down|is going down|declining|drops|dips|sinks|"
    "declines|slips|slides|has dropped|dropped|has declined|declined|fell|turns back down|"
    "turning back down|starts falling|starts to fall|begins falling|begins to fall|"
    "starts to turn down",
    "falling",
)
_add("ROW", "in a row|consecutive|straight|consecutively|running|successive")
# candle colours ("green", "red") are not these: see :mod:`.shorthand`
_add("UPWORD", "up|higher|gaining|upward|upwards|to the upside", "rising")
_add("DOWNWORD", "down|lower|losing|downward|downwards|to the downside", "falling")

# ---- exits, orders, sizing --------------------------------------------------------------------
_add(
    "STOP",
    "stop|stop loss|stoploss|stop-loss|sl|stops|protective stop|hard stop|initial stop|"
    "stop los|stop-los|fixed stop|max loss|maximum loss|cut losses|cut the loss|cut loss|"
    "stop out|stopped out|stop losses",
)
_add(
    "TARGET",
    "take profit|target|profit target|tp|take-profit|profit taking|price target|targets|"
    "take profits|target profit|profit objective|take gains",
)
_add(
    "TRAIL",
    "trailing stop|trailing stop loss|trailing|trail|tsl|trail the stop|trailing sl|"
    "trailing stoploss|trails|trail by|chandelier stop",
)
# "Initial stop 2 ATR(14), then trail it at 3 ATR(14)": the stop (or the position) trailed at
# that distance, as "trail by"
_add("TRAIL", "trail it by|trail it at")
_add(
    "ENTRY_PRICE",
    "entry price|my entry|the fill|fill price|purchase price|"
    "buy price|cost basis|the entry level|entry level|our entry|the entry price|where i entered|"
    "where we entered|the fill price",
)
_add("AGAINST", "against me|against us|against the position|against the trade|against you")
_add("IN_FAVOR", "in my favor|in my favour|in our favor|in favor|in favour|in profit")
_add(
    "LIMIT",
    "limit|limit order|a limit order|limit buy|buy limit|limit buy order|limit orders|"
    "limit sell|sell limit|limit entry|limit price|put in a limit buy|put a limit buy|"
    "place a limit buy|set a limit buy|put in a buy limit|place a buy limit|"
    "put in a limit order|place a limit order|put a limit order|set a limit order",
)
_add(
    "STOPORDER",
    "stop order|buy stop|stop entry|stop buy|stop-entry|buy-stop|stop orders|"
    "sell stop|stop market order|stop limit|place a buy stop|put a buy stop|put in a buy stop|"
    "set a buy stop",
)
_add("MARKET", "market order|at market|market orders|at the market")
_add("REVERSE", "always in the market|always in a position|stop and reverse")
# "always in, just flip": in the market, as "always in the market" ("always" alone is filler)
_add("REVERSE", "always in")
# "Each new signal closes the old trade and flips": every opposite signal reverses the position
# ("each new signal" before it: parser._reverse_after)
_add(
    "REVERSE",
    "closes the old trade and flips|closes the open trade and flips|"
    "closes the old position and flips|closes the old trade and reverses",
)
_add("NEITHER", "neither|neither one|neither of them|none of them")
_add("LATER", "later|afterwards")
# "ride it with an 8% trailing stop": the position, held until the trailing stop is hit
_add("RIDE", "ride it|ride the trade|ride the position|let it ride|let it run|ride the trend")
_add("OTHERWISE", "otherwise|else")
_add(
    "WHICHEVER",
    "whichever comes first|whichever is first|whichever happens first|whatever comes first|"
    "if that comes first|if that happens first|whichever comes sooner|whichever is sooner|"
    "whichever happens sooner|whichever occurs first|what comes first|what happens first",
)
# "or when I have 1.5% of profit": read only after a percent, as a target (see
# :mod:`.grammar.comparisons`)
_add("PROFIT", "profit|of profit|in profit")
# "exit at a 10% profit or a 5% loss": read only after a percent, as a stop
_add("LOSS", "loss")
# "Target: none", "Stop: none": a field of a rule list left empty on purpose
_add("NONE", "none")
# "The exit is happening when ...": read only there (see :mod:`.grammar.rules`)
_add("HAPPENING", "happening")
_add("ORDER", "order|orders")
_add("SHARES", "shares|share|units|unit|contracts|contract|lots|lot|coins|stocks")
_add(
    "EQUITY",
    "equity|capital|account|portfolio|cash|balance|money|funds|bankroll|my capital|my equity|"
    "the account|my account|available cash|account equity|total equity|the portfolio",
)
_add("RISK", "risk|risking|risks")
_add("SIZE", "position size|size|sizing|position sizing|allocation|allocate|invest|bet|put in")
_add(
    "PERTRADE",
    "per trade|each trade|every trade|per position|each position|a trade|per entry|"
    "each entry|on each trade|for each trade|per signal|into each trade|in each trade|"
    "into every trade|in every trade|on every trade|into each position|in each position",
)
_add(
    "ALL_IN",
    "all in|all-in|full size|full position|100% of equity|all equity|all of my equity|"
    "all my equity|all the equity|all capital|all my capital|full equity",
)
_add("BARS_IN_TRADE", "in the trade|in trade|in a trade|holding period|in the position")
_add("TIMESTOP", "time stop|time exit|time-based exit|max holding period")

# ---- calendar ---------------------------------------------------------------------------------
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
for _index, _names in enumerate(
    (
        "monday|mondays|mon",
        "tuesday|tuesdays|tue|tues",
        "wednesday|wednesdays|wed",
        "thursday|thursdays|thu|thurs",
        "friday|fridays|fri",
        "saturday|saturdays|sat",
        "sunday|sundays|sun",
    )
):
    _add("WEEKDAY", _names, _DAYS[_index])
_add("WEEKEND", "weekend|weekends|the weekend", ("sat", "sun"))
for _index, _names in enumerate(
    (
        "january|jan",
        "february|feb",
        "march|mar",
        "april|apr",
        "may",
        "june|jun",
        "july|jul",
        "august|aug",
        "september|sep|sept",
        "october|oct",
        "november|nov",
        "december|dec",
    ),
    start=1,
):
    _add("MONTH", _names, _index)
_add("MONTH_N", "month|months|the month|the months")
# "Indicator is Williams %R with period 14": read only as the label of a declaration
_add("INDICATOR_N", "indicator|indicators|the indicator|the indicators|my indicator")
_add("WEEKDAY_N", "day of the week|weekday")
# "the time of day is from 09:45 to before 15:00" (understood_as): read only before a window
_add("TIMEOFDAY_N", "the time of day|time of day")
# understood_as's notes, each read only where understood_as writes it (grammar/settings.py):
# "Trailing stop 10% below the highest close since entry"
_add("SINCE_ENTRY", "since entry|since the entry")
# "the 50 EMA is going up since 5 days": for 5 days (read only in a rising/falling trend's
# length, see :mod:`.grammar.comparisons`)
_add("SINCE", "since")
# "the -100 level": read only right after a number (see :mod:`.grammar.operands`)
_add("LEVEL", "level")
# "Long entries use a limit order at Close * 0.98 (read on the signal bar), cancelled if not
# filled within 1 bar"
_add("SIGNAL_READ", "read on the signal bar")
_add("UNFILLED", "cancelled if not filled within|canceled if not filled within")
# "Size: risk 2% of equity per trade (the loss if the stop loss is hit), never more than the
# equity can buy"
_add("RISK_MEANING", "loss if the stop loss is hit|loss if the stop is hit")
_add("EQUITY_CAP", "never more than the equity can buy")
# "There is no exit rule: a position stays open until the end of the data"
_add("TO_THE_END", "open until the end of the data")

# ---- context the spec does not need (accepted, reported) --------------------------------------
_add(
    "TIMEFRAME",
    "daily|daily bars|daily chart|daily candles|the daily|daily timeframe|daily data|"
    "on daily bars|on the daily|on the daily chart|end of day data|eod|hourly|hourly bars|"
    "hourly chart|intraday|intraday bars|minute bars|minute chart|min bars|min chart|minute|"
    "minutes|m chart|m bars|h chart|hour bars|hour chart|weekly chart|weekly bars|"
    "timeframe|time frame|chart|1h|4h|min candles|minute candles|1 d candles|1 d bars|"
    "1 d chart|1 d timeframe",
)
# "1h candles", "ema 9/21 x up = long. 1h": hours after a number ("1h" is split to "1 h"); a bare
# "h" is read only right after its number (grammar/sentence.py)
_add("TIMEFRAME", "h candles|h bars|h timeframe|h")

# ---- ideas the spec cannot express, with the reason shown to the user -------------------------
UNSUPPORTED: dict[str, str] = {
    "divergence": "divergences need swing-point detection, which the spec cannot express",
    "divergences": "divergences need swing-point detection, which the spec cannot express",
    "fibonacci": "Fibonacci levels need swing detection, which the spec cannot express",
    "fib": "Fibonacci levels need swing detection, which the spec cannot express",
    "retracement": "retracement levels need swing detection, which the spec cannot express",
    "support": "support/resistance levels need swing detection, which the spec cannot express",
    "resistance": "support/resistance levels need swing detection, which the spec cannot express",
    "trendline": "trendlines need swing detection, which the spec cannot express",
    "trend line": "trendlines need swing detection, which the spec cannot express",
    "swing high": "swing points cannot be expressed in the spec",
    "swing low": "swing points cannot be expressed in the spec",
    "pivot": "pivot points are not available",
    "pivots": "pivot points are not available",
    "ichimoku": "Ichimoku is not available (TA-Lib, Donchian, Keltner, VWAP and SuperTrend are)",
    "kumo": "Ichimoku is not available",
    "cloud": "Ichimoku is not available",
    "tenkan": "Ichimoku is not available",
    "kijun": "Ichimoku is not available",
    "heikin": "Heikin-Ashi candles are not available",
    "renko": "Renko bricks are not available",
    "hull": "the Hull moving average is not available",
    "hma": "the Hull moving average is not available",
    "squeeze": "a squeeze compares band width with its own history, which is not available",
    "earnings": "earnings data are not available to strategies (prices and volume only)",
    "news": "news is not available to strategies (prices and volume only)",
    "sentiment": "sentiment data are not available to strategies (prices and volume only)",
    "fundamentals": "fundamental data are not available to strategies",
    "estimates": "fundamental data are not available to strategies",
    "dividend": "dividend data are not available to strategies",
    "moon": "only price and volume data are available to strategies",
    "vix": "a strategy sees one symbol's prices; another symbol (VIX) cannot be used",
    "spread": "a bid-ask spread is a run setting (set 'spread' when you run it); spreads "
    "between symbols cannot be used",
    "pairs": "pairs trading needs two symbols; a strategy sees one",
    "pair": "pairs trading needs two symbols; a strategy sees one",
    "correlation": "a strategy sees one symbol's prices; correlation needs two",
    "z score": "z-scores of spreads need two symbols",
    "zscore": "z-scores of spreads need two symbols",
    "machine learning": "predictive models cannot be expressed in the spec",
    "predict": "predictive models cannot be expressed in the spec",
    "prediction": "predictive models cannot be expressed in the spec",
    "neural": "predictive models cannot be expressed in the spec",
    "martingale": "sizing that depends on previous trades (martingale) cannot be expressed",
    "after every losing trade": "sizing that depends on previous trades cannot be expressed",
    "scale in": "scaling in (several entries into one position) cannot be expressed",
    "scaling in": "scaling in (several entries into one position) cannot be expressed",
    "pyramid": "pyramiding (adding to a position) cannot be expressed",
    "pyramiding": "pyramiding (adding to a position) cannot be expressed",
    "add to the position": "adding to a position cannot be expressed",
    "another third": "scaling in (several entries into one position) cannot be expressed",
    "sell half": "partial exits cannot be expressed (a trade closes in full)",
    "half the position": "partial exits cannot be expressed (a trade closes in full)",
    "let the rest run": "partial exits cannot be expressed (a trade closes in full)",
    "the rest": "partial exits cannot be expressed (a trade closes in full)",
    "opening range": "opening-range levels need session-based highs, which are not available",
    "first 30 minutes": "session-based levels are not available",
    "close of the day": "market-on-close exits cannot be expressed (orders fill at an open)",
    "end of day": "market-on-close exits cannot be expressed (orders fill at an open)",
    "end of the day": "market-on-close exits cannot be expressed (orders fill at an open)",
    "gap": "gaps are not a supported condition; compare the open with the previous bar instead",
    "gaps": "gaps are not a supported condition; compare the open with the previous bar instead",
    "options": "options are not available; a strategy trades one symbol's price",
    "grid": "grid trading (orders at many levels) cannot be expressed",
    "hedge": "hedging needs two positions at once, which cannot be expressed",
    "rebalance": "portfolio rebalancing needs several symbols",
    "breakeven": "moving a stop to break-even is not available",
    "break even": "moving a stop to break-even is not available",
}
# Words of trading that change a result but have no place in the rules: each is refused with
# where it belongs, never set aside as talk ("Use leverage." is not small talk).
_SETTING = "is a run setting, not a rule: set '{}' when you run the strategy"
_PARTIAL = "partial exits cannot be expressed (a trade closes in full)"
_OPTIONS = "options are not available; a strategy trades one symbol's price"
_EVENTS = "economic events and news are not available to strategies (prices and volume only)"
_CONFIRM = "say which condition confirms (e.g. 'and volume is above its 20-day average')"
_BY_RESULT = "rules that depend on earlier trades' results cannot be expressed"
_SESSIONS = (
    "extended-hours sessions are not marked in the data; use a time window "
    "('between 10:00 and 15:30')"
)
_REINVEST = (
    "the size decides this: '50% of equity' grows with the account, '100 units' does not; say which"
)
UNSUPPORTED |= {
    "commission": "commission " + _SETTING.format("commission"),
    "commissions": "commission " + _SETTING.format("commission"),
    "fee": "a fee " + _SETTING.format("commission"),
    "fees": "a fee " + _SETTING.format("commission"),
    "slippage": "slippage " + _SETTING.format("spread"),
    "leverage": "leverage " + _SETTING.format("margin") + " (0.5 for 2x)",
    "leveraged": "leverage " + _SETTING.format("margin") + " (0.5 for 2x)",
    "margin": "margin " + _SETTING.format("margin") + " (0.5 for 2x)",
    "hedging": "hedging " + _SETTING.format("hedging"),
    "reinvest": _REINVEST,
    "reinvesting": _REINVEST,
    "reinvested": _REINVEST,
    "compound": _REINVEST,
    "compounding": _REINVEST,
    "compounded": _REINVEST,
    "dividends": "dividend data are not available to strategies",
    "partial": _PARTIAL,
    "partials": _PARTIAL,
    "partially": _PARTIAL,
    "premarket": _SESSIONS,
    "pre-market": _SESSIONS,
    "after hours": _SESSIONS,
    "after-hours": _SESSIONS,
    "extended hours": _SESSIONS,
    "overnight": "holding or not holding overnight cannot be expressed; use a time exit or a "
    "time window",
    "bid": "only prices (open, high, low, close) and volume are available, no bid or ask",
    "confirmation": _CONFIRM,
    "confirm": _CONFIRM,
    "confirms": _CONFIRM,
    "confirmed": _CONFIRM,
    "retest": "a retest needs level detection, which the spec cannot express",
    "retests": "a retest needs level detection, which the spec cannot express",
    "winners": _BY_RESULT,
    "losers": _BY_RESULT,
    "winner": _BY_RESULT,
    "loser": _BY_RESULT,
    "oco": "order types other than market, limit and stop entries cannot be expressed",
    "gtc": "order types other than market, limit and stop entries cannot be expressed",
    "rollover": "contract rolls and funding are not in the data",
    "funding rate": "contract rolls and funding are not in the data",
    "expiry": _OPTIONS,
    "expiration": _OPTIONS,
    "strike": _OPTIONS,
    "greeks": _OPTIONS,
    "fomc": _EVENTS,
    "cpi": _EVENTS,
    "fed": _EVENTS,
    "holiday": "exchange holidays are not known to strategies; weekday and month filters are",
    "holidays": "exchange holidays are not known to strategies; weekday and month filters are",
    "sector": "a strategy sees one symbol's prices; sectors need several",
    "beta": "beta needs a second symbol; a strategy sees one",
    "short interest": "fundamental data are not available to strategies",
    "equal weight": "portfolio weights need several symbols",
    "equal-weight": "portfolio weights need several symbols",
}
for _phrase, _reason in UNSUPPORTED.items():
    _add("UNSUPPORTED", _phrase, _reason)

# ---- filler: words that never change what a strategy does -------------------------------------
FILLER = frozenset(
    [
        "the",
        "a",
        "an",
        "i",
        "we",
        "you",
        "me",
        "us",
        "my",
        "our",
        "your",
        "to",
        "of",
        "it's",
        "its's",
        "so",
        "just",
        "really",
        "basically",
        "simply",
        "also",
        "too",
        "then",
        "please",
        "thanks",
        "thank",
        "cheers",
        "hi",
        "hello",
        "hey",
        "guys",
        "all",
        "folks",
        "everyone",
        "want",
        "wants",
        "wanted",
        "would",
        "like",
        "love",
        "to",
        "try",
        "trying",
        "tried",
        "test",
        "testing",
        "tested",
        "backtest",
        "backtesting",
        "backtested",
        "see",
        "check",
        "checking",
        "look",
        "looking",
        "idea",
        "ideas",
        "strategy",
        "strategies",
        # the word as it is often typed (a typo of a filler word is not read as one by
        # typos.py; these are the common ones, as filler as the word itself)
        "stratgey",
        "startegy",
        "stratagy",
        "stategy",
        "stratergy",
        "strat",
        "strats",
        "system",
        "systems",
        "setup",
        "approach",
        "method",
        "rule",
        "rules",
        "simple",
        "basic",
        "classic",
        "standard",
        "default",
        "plain",
        "following",
        "follows",
        "here",
        "there",
        "this",
        "that",
        "which",
        "what",
        "something",
        "thing",
        "things",
        "kind",
        "sort",
        "type",
        "some",
        "any",
        "can",
        "could",
        "should",
        "will",
        "shall",
        "may",
        "might",
        "do",
        "does",
        "did",
        "done",
        "doing",
        "have",
        "has",
        "had",
        "having",
        "am",
        "been",
        "let",
        "lets",
        "go",
        "going",
        "gonna",
        "wanna",
        "how",
        "i'm",
        "well",
        "ok",
        "okay",
        "yeah",
        "yes",
        "new",
        "old",
        "good",
        "great",
        "nice",
        "cool",
        "quick",
        "quickly",
        "small",
        "little",
        "fairly",
        "pretty",
        "very",
        "rather",
        "quite",
        "exactly",
        "precisely",
        "approximately",
        "around",
        "about",
        "roughly",
        "somewhere",
        "something",
        "like",
        "maybe",
        "perhaps",
        "probably",
        "possibly",
        "generally",
        "usually",
        "typically",
        "normally",
        "always",
        "naturally",
        "obviously",
        "clearly",
        "note",
        "notice",
        "noticed",
        "called",
        "known",
        "named",
        "as",
        "such",
        "case",
        "just",
        "in",
        "case",
        "anyway",
        "though",
        "although",
        "however",
        "still",
        "yet",
        "already",
    ]
) | frozenset(
    {
        "long time",
        "algo trading",
        "algorithmic trading",
        "day trading",
        "trading strategy",
        "for me",
        "for us",
        "to me",
        "at all",
        "in general",
        "if possible",
        "if you can",
        "thank you",
        "thanks in advance",
        "in advance",
        "of course",
        "a bit",
        "kind of",
        "sort of",
        "for example",
        "e g",
        "i e",
        "a simple",
        "the strategy",
        "this strategy",
        "this stratgey",
        "this startegy",
        "my strategy",
        "the system",
        "the idea",
        "the rules",
        "the following",
        "as follows",
        "go ahead",
        "please help",
        "new to",
        "just in case",
        "in case",
        "all of them",
        "all of these",
        "all of the following",
        "at the same time",
        "in the same time",
        "i think",
        "i guess",
        "i believe",
        "something like",
        "or so",
        "trend following",
        "trend follower",
        "mean reversion",
        "mean reverting",
        "mean rev",
        "momentum idea",
        "momentum strategy",
        "momentum system",
        "breakout strategy",
        "breakout system",
        "breakdown strategy",
        "breakdown system",
        "swing trading",
        "swing trade",
        "for the backtest",
        "breakout",
        "breakouts",
        "the breakout",
        "channel breakout",
        "at the time",
        "at that moment",
        "at that point",
        "regardless",
        "no matter what",
        "whatever happens",
        "want to",
        "wants to",
        "wanted to",
        "would like to",
        "like to",
        "entirely",
        # chatty lead-ins that introduce the rules and say nothing about them
        "my idea is",
        "the idea is",
        "my plan is",
        "the plan is",
        "here is",
        "goes like this",
        "it goes like this",
        "simple one",
        "nothing fancy",
        "honestly",
        "messing around with",
        "been messing around with",
        "playing around with",
        "been playing around with",
        # "Sell after 5 bars, with a 3% stop loss in the meantime": while the trade is open,
        # which a stop always is
        "in the meantime",
        "in the mean time",
        # "5% trailing stop on top of that": in addition, as "also" (the stop itself is read)
        "on top of that",
        "on top of this",
        # "Fixed 3% stop", "trade a fixed 100 shares", "no fixed target": a stop, a size or a
        # target as said is fixed (a trailing stop is said so; "fixed" names no other kind)
        "fixed",
        # "Once filled, I'm out after 5 days": exits and stops always follow the entry's fill
        "once filled",
        "if filled",
        "once it is filled",
        "once it's filled",
        "once the order is filled",
        "if the order is filled",
    }
)

# ---- trader shorthand (:mod:`.shorthand`): new phrases only, never a new meaning for an old one
if set(SHORTHAND) & set(PHRASES) or set(SHORTHAND) & FILLER:
    raise ValueError(f"shorthand redefines {sorted(set(SHORTHAND) & (set(PHRASES) | FILLER))}")
PHRASES.update(SHORTHAND)
# "Dual moving average crossover 5 and 20": the two lines of a crossover ("dual" alone is no
# filler: "dual momentum" compares with other assets)
_add("IND", "dual moving average|dual ma|dual sma", ("SMA", True))
_add("IND", "dual ema", ("EMA", True))
_add("IND", "dual wma", ("WMA", True))
# "buy on a 20-day breakout", "short on a 20-day breakdown": the close beyond the high (low) of
# the N bars before (read only after the number)
_add("BREAKOUT", "day breakout|day breakouts|bar breakout|bar breakouts|day high breakout", "up")
_add(
    "BREAKOUT",
    "day breakdown|day breakdowns|bar breakdown|bar breakdowns|day low breakdown",
    "down",
)
# "the close gets back to or above the 20-day SMA": at or above it (one line for both words;
# read as two comparisons, "back to" took the level before). Against the verb's own way
# ("rises to or below") there is no such phrase.
for _touch, (_kind, _way) in [(k, e) for k, e in PHRASES.items() if e[0] == "TOUCH"]:
    if _touch.endswith(" to") and _way in (None, "up", "down"):
        if _way != "down":
            _add("CMP", f"{_touch} or above|{_touch} or over|{_touch} or higher", ">=")
        if _way != "up":
            _add("CMP", f"{_touch} or below|{_touch} or under|{_touch} or lower", "<=")

# "RSI rises back above 30", "the close closes back below the SMA": back across the line, a
# crossing (read as the state "is above 30" it held on most bars, entering again and again);
# "is back above 30" stays a state
for _phrase, (_kind, _way) in list(PHRASES.items()):
    if _kind in ("MOTION", "CLOSEVERB") and _way in ("<", ">") and " back " in _phrase:
        PHRASES[_phrase] = ("CROSS", "crosses_above" if _way == ">" else "crosses_below")

# The most tokens a phrase of the vocabulary has: the lexer tries no longer ones, and a word
# inside one is never read as a typo (:mod:`.typos`).
MAX_PHRASE = 7
if max(len(phrase.split()) for phrase in PHRASES) > MAX_PHRASE:
    raise ValueError(f"a phrase is longer than MAX_PHRASE ({MAX_PHRASE} words)")
