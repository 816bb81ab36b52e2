"""The offline parser's pipeline: normalise -> risk -> lex -> clauses -> conditions -> rules ->
spec -> ``validate_spec``. Deterministic: the same text always gives the same spec."""

from __future__ import annotations

from dataclasses import dataclass, field

from Backtest.llm.offline import vocabulary as v
from Backtest.llm.offline.builder import build_spec, understood_lines
from Backtest.llm.offline.clauses import segment
from Backtest.llm.offline.conditions import parse_clause
from Backtest.llm.offline.errors import DescriptionNotUnderstood
from Backtest.llm.offline.lexer import Lex, lex
from Backtest.llm.offline.normalize import normalize
from Backtest.llm.offline.resolve import Context
from Backtest.llm.offline.risk import extract_risk
from Backtest.llm.offline.rules import build_rules
from Backtest.llm.offline.sanity import check_rules
from Backtest.spec import SpecValidationError, StrategySpec, validate_spec

MAX_DESCRIPTION_CHARS = 5000


@dataclass
class ParsedDescription:
    """A parsed description: the validated spec plus what was understood and assumed."""

    spec: StrategySpec
    understood: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    defaults_used: list[str] = field(default_factory=list)


def _dominant_oscillator(lexemes: list[Lex]) -> str | None:
    names = {lex.value.name for lex in lexemes if lex.kind == "ind"} & set(v.ZONES)
    return names.pop() if len(names) == 1 else None


def _mode(lexemes: list[Lex], warnings: list[str]) -> str | None:
    modes = list(dict.fromkeys(lex.value for lex in lexemes if lex.kind == "mode"))
    if len(modes) > 1:
        warnings.append(f"conflicting directions ({', '.join(modes)}); trading both")
        return "both"
    return modes[0] if modes else None


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def parse_description(text: str, *, name: str | None = None) -> ParsedDescription:
    """Parse a plain-English strategy description into a validated spec.

    Raises :class:`DescriptionNotUnderstood` (never returns an unrelated strategy) when the
    text has no recognisable entry rule or contains anything the spec cannot express.
    """
    if not isinstance(text, str) or not text.strip():
        raise DescriptionNotUnderstood("The description is empty.")
    if len(text) > MAX_DESCRIPTION_CHARS:
        raise DescriptionNotUnderstood(
            f"The description is too long ({len(text)} characters, limit "
            f"{MAX_DESCRIPTION_CHARS}); describe the entry and exit rules briefly."
        )
    risk, rest = extract_risk(normalize(text))
    lexemes = lex(rest.split(" ") if rest else [])
    warnings = list(risk.warnings)
    mode = _mode(lexemes, warnings)
    deviations = [lex.value for lex in lexemes if lex.kind == "bbdev"]
    stream = [lex for lex in lexemes if lex.kind not in ("mode", "bbdev")]
    if any(item.kind == "timing" for item in stream):
        warnings.append("execution timing ignored: orders fill at the next bar's open")
    clauses, segment_warnings = segment(stream)
    warnings += segment_warnings
    ctx = Context(
        bb_deviation=float(deviations[0]) if deviations else None,
        dominant=_dominant_oscillator(lexemes),
    )
    parsed = []
    failed: list[str] = []
    for clause in clauses:
        result = parse_clause(clause.body, ctx)
        for fragment, rule_like in result.failed:
            if clause.explicit or rule_like or result.node is not None:
                failed.append(fragment)
            else:
                warnings.append(f"ignored {fragment}")
        warnings += [f"ignored {item}" for item in result.ignored]
        parsed.append((clause, result.node))
    has_profit_exit = risk.take_profit_pct is not None or risk.trailing_stop_pct is not None
    ruleset = build_rules(parsed, mode, has_profit_exit=has_profit_exit)
    warnings += ruleset.warnings + ctx.warnings
    understood = understood_lines(ruleset) + risk.understood if ruleset.rules else risk.understood
    problems = _unique(
        ctx.problems + risk.problems + failed + ruleset.problems + check_rules(ruleset.rules)
    )
    if deviations and not ctx.bb_deviation_used:
        problems.append(
            f"'{deviations[0]:g} standard deviations' does not belong to Bollinger Bands or a "
            "'below/above the N-day mean' comparison"
        )
    entry_role = "entry_short" if ruleset.side == "short" else "entry_long"
    if not problems and entry_role not in ruleset.rules:
        problems.append("no entry rule recognised (say when to buy or to go short)")
    if problems:
        raise DescriptionNotUnderstood(
            "Could not turn the description into a strategy: " + "; ".join(problems),
            understood=understood,
            unrecognised=problems,
        )
    data = build_spec(ruleset, risk, name=name, description=text)
    try:
        spec = validate_spec(data)
    except SpecValidationError as exc:
        messages = [f"{e['field']}: {e['message']}" for e in exc.errors]
        raise DescriptionNotUnderstood(
            "The description gives values the spec does not accept: " + "; ".join(messages),
            understood=understood,
            unrecognised=messages,
        ) from exc
    return ParsedDescription(
        spec=spec,
        understood=understood,
        warnings=_unique(warnings),
        defaults_used=list(ctx.defaults_used),
    )
