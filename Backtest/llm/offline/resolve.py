"""Step 4a: resolve what the grammar read into concrete series and conditions.

References are resolved against what the text mentioned before, in order: a bare "RSI" is the
RSI already mentioned (or the catalogue default, reported), "it" is the previous subject,
"its 20-day average" an average *of* the subject, "the shorter one" the shortest of the
moving averages named, "the 26" the indicator whose period is 26. Anything that cannot be
resolved with certainty becomes a :class:`Problem` that names the phrase; nothing is guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from Backtest.indicator_registry import IndicatorParameterError, UnknownIndicatorError
from Backtest.llm.offline import ir
from Backtest.llm.offline import vocabulary as v
from Backtest.spec.catalogue import lookup_indicator
from Backtest.spec.render import number

Number = int | float


@dataclass(frozen=True)
class Inst:
    """One concrete indicator: name, every parameter, and its input when not the default."""

    name: str
    params: tuple[tuple[str, Number], ...]
    source: str | None = None  # a price field
    source_series: Series | None = None  # an indicator output: an indicator of an indicator

    def label(self) -> str:
        args = ",".join(number(val) for key, val in self.params if not key.endswith("matype"))
        text = f"{self.name}({args})" if args else self.name
        if self.source_series is not None:
            return f"{text} of {self.source_series.label()}"
        return f"{text} of {self.source}" if self.source else text

    def period(self) -> Number | None:
        return dict(self.params).get("timeperiod")


@dataclass(frozen=True)
class Series:
    """A price field or one output of an indicator, ``ago`` bars back."""

    inst: Inst | None = None
    price: str | None = None
    output: str | None = None
    ago: int = 0

    def label(self) -> str:
        text = self.price if self.inst is None else self.inst.label()
        if self.output is not None:
            text = f"{text} {self.output}"
        return f"{text}[{self.ago}]" if self.ago else str(text)

    def back(self, bars: int) -> Series:
        return Series(self.inst, self.price, self.output, self.ago + bars)


@dataclass(frozen=True)
class Arith:
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Change:
    of: Series
    bars: int


Expr = float | Series | Arith | Change


@dataclass(frozen=True)
class RCmp:
    """A comparison; op "cross"/"touch" still needs the rule's direction (see orient)."""

    left: Expr
    op: str
    right: Expr


@dataclass(frozen=True)
class RGroup:
    logic: str
    items: tuple[RNode, ...]


@dataclass(frozen=True)
class RNot:
    inner: RNode


@dataclass(frozen=True)
class RTrend:
    of: Series
    direction: str
    bars: int


@dataclass(frozen=True)
class RHeld:
    inner: RNode
    bars: int


@dataclass(frozen=True)
class RCalendar:
    kind: str
    values: tuple[Any, ...] = ()
    time_from: int | None = None
    time_to: int | None = None
    negate: bool = False


@dataclass(frozen=True)
class RRisk:
    kind: str  # target | stop | time
    distance: ir.Distance | None = None
    bars: int | None = None
    moved: str | None = None  # the adverse move's direction, when the text said it


RNode = RCmp | RGroup | RNot | RTrend | RHeld | RCalendar | RRisk


@dataclass
class Problem:
    """A phrase that cannot be placed, and why."""

    span: ir.Span
    reason: str


def is_price_scale(expr: Expr | None) -> bool:
    """Whether an operand is on the price scale (a price, or a moving average/band of one)."""
    if isinstance(expr, Arith):
        return is_price_scale(expr.left) or is_price_scale(expr.right)
    if not isinstance(expr, Series):
        return False
    if expr.inst is None:
        return expr.price != "Volume"
    if expr.inst.source == "Volume" or expr.inst.source_series is not None:
        return False
    return expr.inst.name in v.PRICE_SCALE and not (
        expr.inst.name == "SUPERTREND" and expr.output == "direction"
    )


class ParseError(Exception):
    """Internal: resolving hit a problem; the caller records it and moves on."""

    def __init__(self, span: ir.Span, reason: str) -> None:
        super().__init__(reason)
        self.problem = Problem(span, reason)


@dataclass
class Context:
    """What the description has mentioned so far, plus the notes for the user."""

    text: str
    instances: list[Inst] = field(default_factory=list)
    last_subject: Expr | None = None
    rule_subject: Expr | None = None  # the first subject of the rule being read
    previous_rule_subject: Expr | None = None
    last_cmp: RCmp | None = None
    compared: int = 0  # comparisons read so far
    # the line of a rising/falling test read just before ("the 50-day SMA has risen 5 days and
    # the close is above it"): what "it" on the right of the next comparison names
    last_trend: Series | None = None
    pair: tuple[Series, Series] | None = None  # a declared crossover pair
    # more than one pair crossed so far: "sell on a bear cross" names none of them then
    pairs_differ: bool = False
    # two averages declared ("20/50 EMA:"), for a crossover said without its lines only
    declared_pair: tuple[Series, Series] | None = None
    declared_subject: Inst | None = None  # the one indicator a first sentence named alone
    defaults_used: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def new_rule(self) -> None:
        """A new rule starts: "it" at its start means the previous rule's first subject."""
        if self.rule_subject is not None:
            self.previous_rule_subject = self.rule_subject
        self.rule_subject = None

    def crossed(self, pair: tuple[Series, Series]) -> None:
        """Two lines crossing were read: the pair a crossing said without its lines names."""
        if self.pair is not None and self.pair != pair:
            self.pairs_differ = True
        self.pair = pair

    def quote(self, span: ir.Span) -> str:
        return self.text[span[0] : span[1]]

    def remember(self, inst: Inst) -> Inst:
        if inst in self.instances:
            self.instances.remove(inst)
        self.instances.append(inst)
        return inst

    def default(self, note: str) -> None:
        if note not in self.defaults_used:
            self.defaults_used.append(note)

    # ---- indicators -------------------------------------------------------------------------
    def instance(self, mention: ir.Mention) -> Inst:
        """The indicator a mention means (see the module docstring)."""
        try:
            info = lookup_indicator(mention.name)
        except UnknownIndicatorError as exc:
            raise ParseError(mention.span, str(exc)) from None
        bare = not mention.numbers and not mention.labelled and mention.source is None
        if bare:
            earlier = list(dict.fromkeys(i for i in self.instances if i.name == info.name))
            if len(earlier) == 1:
                return self.remember(earlier[0])
            if len(earlier) > 1:
                options = " or ".join(i.label() for i in earlier)
                raise ParseError(
                    mention.span,
                    f"'{self.quote(mention.span)}' could be {options}; give its period",
                )
        if info.name in v.MOVING_AVERAGES and not mention.numbers and not mention.labelled:
            # A moving average has no standard length (20, 50 and 200 are all common), and the
            # length is the strategy: "the moving average" is refused, never read as SMA(20).
            raise ParseError(
                mention.span,
                f"'{self.quote(mention.span)}': give the moving average's period "
                "(e.g. 'the 50-day SMA')",
            )
        params = self._params(info, mention)
        source = self._source(info, mention)
        try:
            resolved = info.resolve_params(params)
        except IndicatorParameterError as exc:
            raise ParseError(mention.span, exc.message) from None
        inst = Inst(info.name, tuple(resolved.items()), source)
        if bare:
            self.default(f"{inst.label()}: {info.display_name} with its standard parameters")
        return self.remember(inst)

    def peek(self, mention: ir.Mention) -> Inst:
        """The indicator a mention with parameters names, without counting it as used."""
        try:
            info = lookup_indicator(mention.name)
            resolved = info.resolve_params(self._params(info, mention))
        except (UnknownIndicatorError, IndicatorParameterError) as exc:
            raise ParseError(mention.span, str(exc)) from None
        return Inst(info.name, tuple(resolved.items()), self._source(info, mention))

    def _params(self, info: Any, mention: ir.Mention) -> dict[str, Number]:
        tunable = [p.name for p in info.parameters if not p.name.endswith("matype")]
        numbers = list(mention.numbers)
        named = {n for label, _ in mention.labelled for n in _LABELLED.get((info.name, label), ())}
        if named:
            # "(20 EMA, 10 ATR, 3)": the plain numbers are the settings not named, in order
            # (they were read from the first setting on, and the named ones wrote over them)
            tunable = [name for name in tunable if name not in named]
        elif info.name == "BBANDS" and len(numbers) == 2:
            numbers = [numbers[0], numbers[1], numbers[1]]  # "(20, 2)": 2 deviations each side
        elif info.name == "KELTNER" and len(numbers) == 2:
            # "Keltner (20, 2)" is written as period and ATR multiple (the band width), not as
            # period and ATR period; a second number that cannot be a multiple is ambiguous
            if numbers[1] > 5:
                raise ParseError(
                    mention.span,
                    f"'{self.quote(mention.span)}': is {numbers[1]:g} the ATR period or the ATR "
                    "multiple? give all three (period, ATR period, multiple)",
                )
            numbers = [numbers[0], 10, numbers[1]]
        if len(numbers) > len(tunable):
            raise ParseError(
                mention.span,
                f"'{self.quote(mention.span)}' gives {len(numbers)} numbers; {info.name} takes "
                f"{len(tunable)} ({', '.join(tunable) or 'none'})",
            )
        params: dict[str, Number] = dict(zip(tunable, numbers, strict=False))
        for label, value in mention.labelled:
            names = _LABELLED.get((info.name, label))
            if names is None:
                raise ParseError(
                    mention.span, f"'{self.quote(mention.span)}': {info.name} has no such setting"
                )
            for name in names:
                params[name] = value
        for name, value in list(params.items()):
            try:
                params[name] = info.param(name).coerce(value, info.name)
            except IndicatorParameterError as exc:
                raise ParseError(mention.span, exc.message) from None
        return params

    def _source(self, info: Any, mention: ir.Mention) -> str | None:
        if mention.source is None:
            return None
        if not isinstance(mention.source, ir.Price) or len(info.inputs) != 1:
            raise ParseError(
                mention.span, f"{info.name} cannot take '{self.quote(mention.span)}' as its input"
            )
        field = mention.source.field
        return None if field == info.inputs[0] else field

    def series(self, inst: Inst, role: str | None, span: ir.Span, ago: int = 0) -> Series:
        """One output of ``inst``: the one ``role`` names, or its main line."""
        outputs = lookup_indicator(inst.name).outputs
        if role is None:
            if len(outputs) == 1:
                return Series(inst, ago=ago)
            main = v.MAIN_OUTPUT.get(inst.name)
            if main is None:
                raise ParseError(span, f"which line of {inst.label()} ({', '.join(outputs)})?")
            return Series(inst, output=main, ago=ago)
        if role == "line" and len(outputs) == 1:
            return Series(inst, ago=ago)  # "the RSI(14) line" is RSI(14)
        output = v.OUTPUT_ROLES.get(role, {}).get(inst.name)
        if output is None:
            raise ParseError(span, f"{inst.label()} has no '{self.quote(span)}'")
        return Series(inst, output=output, ago=ago)


# Labelled bracket items ("2.5 std dev", "20 EMA", "2x ATR(10)") -> the parameters they set.
_LABELLED: dict[tuple[str, str], tuple[str, ...]] = {
    ("BBANDS", "deviation"): ("nbdevup", "nbdevdn"),
    ("KELTNER", "EMA_period"): ("timeperiod",),
    # (an SMA middle line is refused: the channel's middle line is an EMA)
    ("KELTNER", "ATR_period"): ("atr_period",),
    ("KELTNER", "multiplier"): ("multiplier",),
    ("SUPERTREND", "ATR_period"): ("atr_period",),
    ("SUPERTREND", "multiplier"): ("multiplier",),
    # "slow stochastic, %K length 14, %K smoothing 3, %D length 3"
    ("STOCH", "k_length"): ("fastk_period",),
    ("STOCH", "k_smoothing"): ("slowk_period",),
    ("STOCH", "d_length"): ("slowd_period",),
    ("STOCH", "d_smoothing"): ("slowd_period",),
    # "MACD with fast 12, slow 26, signal 9"
    ("MACD", "fast"): ("fastperiod",),
    ("MACD", "slow"): ("slowperiod",),
    ("MACD", "signal"): ("signalperiod",),
}
