"""Turning mentions into concrete indicator instances, with memory across the description.

An indicator written without parameters reuses the last instance of the same indicator
("CCI(20) crosses above -100 ... CCI crosses below 100" is one CCI); "fast"/"slow" pick the
shortest/longest one already mentioned. Pronouns and omitted subjects ("sell when it crosses
back") resolve against the previous condition.
"""

from __future__ import annotations

from Backtest.indicator_registry import IndicatorParameterError, get_indicator
from Backtest.llm.offline import vocabulary as v
from Backtest.llm.offline.model import Cond, Ind, Mention, Ser

Operand = Ser | float


class Context:
    """Shared state while the clauses of one description are parsed in text order."""

    def __init__(self, *, bb_deviation: float | None = None, dominant: str | None = None) -> None:
        self.bb_deviation = bb_deviation
        self.dominant = dominant  # the only oscillator with zones the text names, if any
        self.recent: list[Ind] = []  # most recently used last
        self.speed_labels: dict[str, Ind] = {}  # "fast EMA 5" -> later "fast" means EMA(5)
        self.bb_deviation_used = False
        self.last_cond: Cond | None = None
        self.last_subject: Ser | None = None
        self.defaults_used: list[str] = []
        self.problems: list[str] = []
        self.warnings: list[str] = []

    # ---- indicators ------------------------------------------------------------------------
    def _touch(self, ind: Ind) -> Ind:
        if ind in self.recent:
            self.recent.remove(ind)
        self.recent.append(ind)
        return ind

    def note_default(self, note: str) -> None:
        """Record a default the user did not state (reported as ``defaults_used``)."""
        if note not in self.defaults_used:
            self.defaults_used.append(note)

    def indicator(self, mention: Mention) -> Ind | None:
        """The instance a mention refers to; None (with a problem recorded) when invalid."""
        info = get_indicator(mention.name)
        if mention.source is not None and len(info.inputs) != 1:
            mention = Mention(mention.name, mention.numbers, mention.speed, mention.role)
        if not mention.numbers:
            same = [i for i in self.recent if i.name == info.name and i.source == mention.source]
            if mention.speed and len(same) >= 2:
                ordered = sorted(same, key=lambda i: i.params[0][1])
                return self._touch(ordered[0] if mention.speed == "fast" else ordered[-1])
            if mention.speed and info.name in v.FAST_SLOW:
                fast, slow = v.FAST_SLOW[info.name]
                period = fast if mention.speed == "fast" else slow
                self.note_default(f"{mention.speed} {info.name} period {period}")
                mention = Mention(info.name, (period,), source=mention.source)
            elif same:
                return self._touch(same[-1])
        positional = [p for p in info.parameters if not p.name.endswith("matype")]
        explicit: dict[str, int | float] = {}
        numbers = list(mention.numbers)
        if info.name == "BBANDS":
            if len(numbers) == 1 and self.bb_deviation is not None:
                numbers.append(self.bb_deviation)
            elif not numbers and self.bb_deviation is not None:
                numbers = [info.param("timeperiod").default, self.bb_deviation]
            if len(numbers) == 2:
                numbers.append(numbers[1])  # "(20, 2)": one deviation for both bands
        if len(numbers) > len(positional):
            names = ", ".join(p.name for p in positional) or "none"
            self.problems.append(
                f"'{mention.text or info.name}': {info.name} takes {len(positional)} "
                f"parameter(s) ({names}), got {len(numbers)} numbers"
            )
            return None
        for param, number in zip(positional, numbers, strict=False):
            value = float(number) if param.type == "float" else number
            try:
                explicit[param.name] = param.coerce(value, info.name)
            except IndicatorParameterError as exc:
                self.problems.append(f"'{mention.text or info.name}': {exc.message}")
                return None
        for name, value in v.PARAM_OVERRIDES.get(info.name, {}).items():
            explicit.setdefault(name, value)
        resolved = info.resolve_params(explicit)
        for param in positional:
            if (
                param.name not in explicit
                or param.name in v.PARAM_OVERRIDES.get(info.name, {})
                and not mention.numbers
            ):
                self.note_default(f"{info.name} {param.name} {resolved[param.name]:g}")
        source = mention.source if mention.source not in (None, "Close") else None
        ind = Ind(info.name, tuple(resolved.items()), source)
        if mention.speed and mention.numbers:
            self.speed_labels[mention.speed] = ind
        if info.name == "BBANDS" and self.bb_deviation is not None:
            self.bb_deviation_used = True
        return self._touch(ind)

    def speed_ref(self, speed: str) -> Ser | None:
        """A bare "fast"/"slow": the labelled one, else the shortest/longest moving average."""
        if speed in self.speed_labels:
            return self.series(self._touch(self.speed_labels[speed]), None)
        averages = [i for i in self.recent if i.name in v.MOVING_AVERAGES and i.source is None]
        if len({i.name for i in averages}) == 1 and len(averages) >= 2:
            ordered = sorted(averages, key=lambda i: i.params[0][1])
            return self.series(self._touch(ordered[0] if speed == "fast" else ordered[-1]), None)
        return None

    def series(self, ind: Ind, role: str | None) -> Ser:
        """The output of ``ind`` that ``role`` selects (None = main output, or decided later)."""
        outputs = get_indicator(ind.name).outputs
        if len(outputs) == 1:
            return Ser(ind=ind)
        output = v.OUTPUT_ROLES.get(role or "main", {}).get(ind.name)
        if output is None and role not in (None, "main"):
            self.warnings.append(f"{ind.name} has no '{role}' output; using its main output")
        if output is None:
            output = v.OUTPUT_ROLES["main"].get(ind.name)
        return Ser(ind=ind, output=output)

    def mention_series(self, mention: Mention) -> Ser | None:
        """Series for an ``ind`` lexeme."""
        ind = self.indicator(mention)
        return None if ind is None else self.series(ind, mention.role)

    def outref(self, role: str) -> Ser | None:
        """ "signal line", "%D", "histogram": an output of the most recent fitting indicator."""
        for ind in reversed(self.recent):
            if ind.name in v.OUTPUT_ROLES[role]:
                return self.series(self._touch(ind), role)
        return self.mention_series(Mention(v.ROLE_DEFAULT[role], role=role))

    def channel(self, func: str, source: str, period: int, default: bool) -> Ser | None:
        """Highest high / lowest low of the ``period`` bars before the current one."""
        if default:
            self.note_default(f"{period}-bar high/low for 'new high/low'")
        ind = self.indicator(Mention(func, (period,), source=source))
        return None if ind is None else Ser(ind=ind, bars_ago=1)

    # ---- zones -----------------------------------------------------------------------------
    def zone_subject(self) -> Ser | None:
        """The oscillator "oversold" refers to when none is named next to it."""
        if self.last_subject is not None and _zone_name(self.last_subject):
            return self.last_subject
        for ind in reversed(self.recent):
            if ind.name in v.ZONES:
                return self.series(self._touch(ind), None)
        name = self.dominant or "RSI"
        if self.dominant is None:
            self.note_default("RSI(14) for oversold/overbought with no oscillator named")
        return self.mention_series(Mention(name))

    # ---- pronouns ----------------------------------------------------------------------------
    def pronoun(self, left: Operand | None) -> Operand | None:
        """ "it": the previous subject, or as a right operand the previous other operand."""
        last = self.last_cond
        if left is None:
            if self.last_subject is not None:
                return self.last_subject
            return None if last is None else last.left
        if last is None:
            return None
        if last.left == left:
            return last.right
        return last.left

    def record(self, cond: Cond) -> None:
        """Remember a condition for pronouns and omitted subjects."""
        self.last_cond = cond
        if isinstance(cond.left, Ser):
            self.last_subject = cond.left


def zone_name(series: Operand | None) -> str | None:
    """Indicator name when ``series`` is an oscillator with oversold/overbought zones."""
    return _zone_name(series)


def _zone_name(series: Operand | None) -> str | None:
    if isinstance(series, Ser) and series.ind is not None and series.ind.name in v.ZONES:
        return series.ind.name
    return None
