"""What the grammar reads a sentence as, before references are resolved: operands, conditions
and statements. Frozen and hashable, so two readings of a sentence can be compared for
meaning (equal readings are one reading; different ones make the sentence ambiguous).

Spans ``(start, end)`` point into the user's text, so anything the later steps cannot place
is reported verbatim.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field

Span = tuple[int, int]


# ---- operands ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Num:
    """A plain number."""

    value: float
    span: Span = dc_field(default=(0, 0), compare=False)
    percent: bool = False  # written with "%": only a percent-valued series may be compared


@dataclass(frozen=True)
class Price:
    """A price field, ``ago`` bars back. ``day_word``: said with a word for the day before
    ("yesterday's close", "the previous high"), not counted in bars."""

    field: str
    ago: int = 0
    span: Span = dc_field(default=(0, 0), compare=False)
    day_word: bool = dc_field(default=False, compare=False)
    daily: bool = dc_field(default=False, compare=False)  # "the daily close": daily bars said


@dataclass(frozen=True)
class InsideBarPrice(Price):
    """ "the inside day's high" in an order's price: the signal bar's, read only in a rule
    whose condition defines that bar as an inside day (then a plain :class:`Price`)."""


@dataclass(frozen=True)
class Mention:
    """An indicator as written: name, numbers given (positional or labelled), output word.

    ``numbers`` are positional parameters; ``labelled`` holds ``(parameter, value)`` pairs
    the text named ("2.5 std dev", "20 EMA" inside a Keltner bracket); ``source`` is an input
    other than the default ("SMA(volume, 20)").
    """

    name: str
    numbers: tuple[float, ...] = ()
    labelled: tuple[tuple[str, float], ...] = ()
    source: Operand | None = None
    output: str | None = None  # an output role word ("signal", "upper", ...)
    plural: bool = False
    ago: int = 0
    span: Span = dc_field(default=(0, 0), compare=False)


@dataclass(frozen=True)
class Ref:
    """A reference to something mentioned before.

    kind: ``it`` (the previous subject), ``its_output`` (an output of the subject's indicator),
    ``relative`` ("the shorter one": ``detail`` fast/slow), ``that`` ("that SMA": ``mention``),
    ``period`` ("the 26": ``value``), ``average`` ("the average").
    """

    kind: str
    detail: str | None = None
    value: float | None = None
    mention: Mention | None = None
    span: Span = dc_field(default=(0, 0), compare=False)


@dataclass(frozen=True)
class AvgOf:
    """An average of another series: "its 20-day average", "average volume"."""

    of: Operand | None  # None: "its" = the subject of the comparison
    period: float | None
    name: str = "SMA"
    span: Span = dc_field(default=(0, 0), compare=False)


@dataclass(frozen=True)
class Channel:
    """Highest/lowest of a price field over ``period`` bars; ``previous``: ending a bar ago."""

    kind: str  # "max" | "min" | "each" ("the previous 3 closes": the comparison decides)
    field: str
    period: float
    previous: bool
    span: Span = dc_field(default=(0, 0), compare=False)
    its: bool = dc_field(default=False, compare=False)  # "its 20-day high": the subject's
    said: bool = dc_field(default=True, compare=False)  # False: "the highest in 20 days"
    # "the prior 20-day high", "of the previous 5 bars": the bars before the current one said
    prior: bool = dc_field(default=False, compare=False)


@dataclass(frozen=True)
class EntryPrice:
    """The trade's entry price (only meaningful in stops and targets)."""

    span: Span = dc_field(default=(0, 0), compare=False)


@dataclass(frozen=True)
class Arith:
    """``left op right`` with op one of + - * /."""

    op: str
    left: Operand
    right: Operand


@dataclass(frozen=True)
class Change:
    """Percent change of ``of`` over ``bars`` bars."""

    of: Operand
    bars: int
    day: Span | None = None  # "on the day" (its span): one daily bar, refused on intraday bars


Operand = Num | Price | Mention | Ref | AvgOf | Channel | EntryPrice | Arith | Change


# ---- conditions -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cmp:
    """A comparison. ``kind``: static ("is above"), motion ("drops below"), cross, touch.

    ``left``/``right`` may be None when the text left them out ("closes above X": no subject;
    "crosses back below": no object); ``op`` "cross" is a crossing whose direction the rule's
    role decides.
    """

    left: Operand | None
    op: str
    right: Operand | None
    kind: str = "static"
    both: bool = False  # "both are below 20": every line of the previous crossing
    span: Span = dc_field(default=(0, 0), compare=False)


@dataclass(frozen=True)
class Trend:
    """``of`` rising/falling over ``bars`` bars ("the 200 SMA is rising")."""

    of: Operand | None
    direction: str
    bars: int = 1
    span: Span = dc_field(default=(0, 0), compare=False)


@dataclass(frozen=True)
class Zone:
    """Oversold / overbought, of ``of`` (None: the oscillator named nearby)."""

    of: Operand | None
    zone: str
    level: Cmp | None = None
    span: Span = dc_field(default=(0, 0), compare=False)


@dataclass(frozen=True)
class Sign:
    """ "X is positive" (level) / "X turns positive" (turn: a crossing of zero)."""

    of: Operand | None
    positive: bool
    turn: bool
    span: Span = dc_field(default=(0, 0), compare=False)
    colour: bool = False  # "flips green" / "flips red": read only for SuperTrend
    trend: bool = False  # "flips to an uptrend": read only for SuperTrend (with ``colour``)


@dataclass(frozen=True)
class Event:
    """A named crossing: golden/death cross, "bullish crossover", "the opposite signal"."""

    kind: str  # golden | death | cross | opposite
    of: Operand | None = None
    direction: str | None = None  # crosses_above | crosses_below | None
    other: Operand | None = None
    span: Span = dc_field(default=(0, 0), compare=False)


@dataclass(frozen=True)
class Calendar:
    """Weekdays, months or a time-of-day window of the signal bar; ``negate`` excludes them."""

    kind: str  # weekdays | months | time
    values: tuple[int | str, ...] = ()
    time_from: int | None = None  # minutes since midnight
    time_to: int | None = None
    negate: bool = False
    span: Span = dc_field(default=(0, 0), compare=False)


@dataclass(frozen=True)
class Held:
    """``cond`` held on each of the last ``bars`` bars."""

    cond: Cond
    bars: int


@dataclass(frozen=True)
class RiskAtom:
    """An exit that is really a setting: "it is up 5% from entry", "after 10 days"."""

    kind: str  # target | stop | time
    distance: Distance | None = None
    bars: int | None = None
    span: Span = dc_field(default=(0, 0), compare=False)
    moved: str | None = None  # "rallies 4% against me": up (a short's stop), down (a long's)


@dataclass(frozen=True)
class Not:
    """Negation ("not", "unless", "never")."""

    cond: Cond


@dataclass(frozen=True)
class Group:
    """``all`` / ``any`` of conditions; ``mixed`` marks "and"/"or" used at one level."""

    logic: str
    items: tuple[Cond, ...]


@dataclass(frozen=True)
class UnlessGroup(Group):
    """ "X, unless Y" / "X, as long as Y" (with the comma): ``all(X; not Y)`` / ``all(X; Y)``,
    whose scope the sentence checks."""


@dataclass(frozen=True)
class Restate:
    """A condition followed by a bracketed restatement or refinement of it."""

    cond: Cond
    note: Cond


Cond = Cmp | Trend | Zone | Sign | Event | Calendar | Held | RiskAtom | Not | Group | Restate


# ---- statements -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Distance:
    """A stop/target distance: percent, or a multiple of ATR(period)."""

    percent: float | None = None
    atr: float | None = None
    atr_period: int | None = None


@dataclass(frozen=True)
class Action:
    """An action word and what came with it (units, an entry order, a ticker)."""

    verb: str  # buy | short | sell | exit | cover | enter | trade | entry_n | exit_n
    units: float | None = None
    fraction: float | None = None
    order: Order | None = None
    span: Span = dc_field(default=(0, 0), compare=False)
    traded: bool = False  # "short the stock": "it" then means the price
    word: str = dc_field(default="", compare=False)  # as written: "out" is no calendar exit
    ticker: str | None = dc_field(default=None, compare=False)  # "buy AAPL when ...": noted


@dataclass(frozen=True)
class Order:
    """A limit/stop entry order and its price (offset: "1% below the close")."""

    type: str
    price: Operand | None
    offset_pct: float | None = None
    offset_op: str | None = None
    side: str | None = None  # "buy"/"sell" when the order words say it
    valid_bars: int = 1  # bars the order waits to be filled ("cancelled if not filled within")


@dataclass(frozen=True)
class Rule:
    """An action triggered by a condition."""

    action: Action
    cond: Cond
    span: Span = dc_field(default=(0, 0), compare=False)
    only: bool = False  # "buy only when ...": a restriction of the other rules of its role
    # "rsi 2 under 10, buy": a condition set off before its bare action, read only when it
    # starts the sentence (after another rule the condition may belong to that rule)
    fronted: bool = dc_field(default=False, compare=False)


@dataclass(frozen=True)
class CondOnly:
    """A condition without an action (under a heading, or continuing the previous rule)."""

    cond: Cond
    joiner: str | None = None  # "or" when the sentence started with "or"


@dataclass(frozen=True)
class AllBefore:
    """ "If 1 and 2 are both true, buy", "When all three conditions are met, go long": the
    action of the conditions listed before it without one (``count`` of them, when said)."""

    action: Action
    count: int | None
    span: Span = dc_field(default=(0, 0), compare=False)


@dataclass(frozen=True)
class Filter:
    """A restriction on entries: ``cond`` must hold (already negated for "don't"/"never")."""

    cond: Cond
    verb: str | None = None  # buy/short/enter/trade: which entries ("bare": one side only)


@dataclass(frozen=True)
class Risk:
    """A stop, target or trailing stop at a distance from the entry."""

    kind: str  # stop | target | trailing
    distance: Distance
    side_of_entry: str | None = None  # "<" for "below the entry", ">" for "above it"
    span: Span = dc_field(default=(0, 0), compare=False)
    # "3% above your short entry": the side whose entry was named ("long" / "short")
    entry_side: str | None = None


@dataclass(frozen=True)
class TargetAt:
    """ "Take profit at the middle band": an exit when price reaches a level."""

    level: Operand


@dataclass(frozen=True)
class TimeExit:
    """Exit after ``bars`` bars in the trade (``unless_hit``: "if neither is hit within ...")."""

    bars: int
    unless_hit: bool = False


@dataclass(frozen=True)
class Otherwise:
    """ "Never enter on a Friday. Otherwise buy when ...": the rule after a negative filter.

    Only that reading is accepted ("otherwise" after anything else may mean "else", which the
    spec cannot express); the assembly checks what came before.
    """

    span: Span


@dataclass(frozen=True)
class PeriodNote:
    """ "Standard 14 period": the period of the one indicator the description uses."""

    period: float
    span: Span = dc_field(default=(0, 0), compare=False)
    said: bool = False  # "Use 14 periods" (noted when read), not "Standard 14 period"


@dataclass(frozen=True)
class ParamsNote:
    """ "Standard 12/26/9", "(12,26,9)", "(Stoch 14,3,3)" after a rule: the parameters of the
    one multi-parameter indicator used (or of the one named), checked, never applied."""

    numbers: tuple[float, ...]
    mention: Mention | None = None
    span: Span = dc_field(default=(0, 0), compare=False)


@dataclass(frozen=True)
class NoRisk:
    """ "No stops, no targets": the description says on purpose there is none (checked)."""

    kinds: tuple[str, ...]
    span: Span = dc_field(default=(0, 0), compare=False)


@dataclass(frozen=True)
class NoExit:
    """ "No other exit": the description says on purpose that there is no exit rule. ``only``:
    "the only exit is an 8% trailing stop" (its kind), which no exit rule nor any other stop,
    target or time exit may sit beside (checked)."""

    only: str | None = None
    span: Span = dc_field(default=(0, 0), compare=False)


@dataclass(frozen=True)
class HoldWhile:
    """ "Hold long while X": exit when X stops being true."""

    cond: Cond


@dataclass(frozen=True)
class Size:
    """Position size: equity_fraction | units | risk_percent."""

    mode: str
    value: float
    stop: Distance | None = None


@dataclass(frozen=True)
class OrderStmt:
    """An entry order, optionally with its trigger ("place a limit buy ... whenever X")."""

    order: Order
    cond: Cond | None


@dataclass(frozen=True)
class Side:
    """long | short | both | reverse."""

    mode: str


@dataclass(frozen=True)
class Mirror:
    """ "Sell on the opposite signal": the action's rule mirrors the counterpart rule.

    ``cross_only``: "on the opposite cross" / "the cross back down" mirror the one crossing of
    the counterpart rule, not its other conditions (a trend filter is no part of the cross).
    ``direction``: "crossing back under = exit" names the mirrored crossing's direction, which
    must be what mirroring gives (else refused); ``span`` is that crossing's words.
    """

    action: Action
    cross_only: bool = False
    direction: str | None = None
    span: Span = (0, 0)
    line: Operand | None = None  # "the cross back over signal": the line named


@dataclass(frozen=True)
class Declare:
    """Indicators named for later reference ("use a 20-day and a 100-day SMA")."""

    mentions: tuple[Mention, ...]
    count: int | None = None


@dataclass(frozen=True)
class Heading:
    """A section heading ("Entry rules:"): following bare conditions belong to it."""

    verb: str
    colon: bool = dc_field(default=False, compare=False)  # "Sell:" (or a bare "Sell")
    span: Span = dc_field(default=(0, 0), compare=False)


@dataclass(frozen=True)
class Timeframe:
    """The bar size or the symbol the text mentions (chosen when running, not part of the
    spec)."""

    text: str
    symbol: bool = False


@dataclass(frozen=True)
class Crossover:
    """ "An EMA crossover using 12 and 26 period EMAs" / "golden cross strategy"."""

    pair: tuple[Mention, ...]
    kind: str = "cross"  # cross | golden


@dataclass(frozen=True)
class ZeroLine:
    """ "MACD zero line strat", "ROC zero-line cross": the strategy's name; some rule must compare
    the indicator with zero (checked)."""

    mention: Mention
    span: Span = dc_field(default=(0, 0), compare=False)


Statement = (
    Rule
    | CondOnly
    | AllBefore
    | Filter
    | Risk
    | TargetAt
    | TimeExit
    | NoExit
    | PeriodNote
    | ParamsNote
    | NoRisk
    | Otherwise
    | HoldWhile
    | Size
    | OrderStmt
    | Side
    | Mirror
    | Declare
    | Heading
    | Timeframe
    | Crossover
    | ZeroLine
)
