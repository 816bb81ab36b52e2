"""Plain English -> strategy code, offline (parser + compiler) or through an LLM provider.

    StrategyGenerator().generate("Buy when RSI drops below 30, sell above 70")   # offline
    StrategyGenerator(GeminiProvider(...), fixer=BotErrorFixer(...), executor=executor)

Offline: :func:`parse_description` -> :func:`compile_spec` -> :func:`validate_code`; the spec is
returned too.

LLM, spec first (``path="spec"``): the model is asked for a spec through structured output
(:mod:`Backtest.llm.spec_prompts`); the spec is validated with :func:`validate_spec`, compiled by
the same compiler as the offline path and rendered as ``understood_as``. A malformed or invalid
answer is sent back once with what was wrong; a second failure is a :class:`SpecReplyError`.
Only when the model answers that the idea does not fit the spec does the generator ask for code
(``path="code"``): the code is extracted, validated, handed to the fixer when invalid, and
returned with ``understood_as=None`` and a warning that the LLM wrote it freely. Never a silent
success: invalid code comes back with ``needs_fixing=True`` and its findings.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, Protocol

from Backtest.errors import GenerationError
from Backtest.llm.base import LLMProvider, LLMResponse
from Backtest.llm.errors import LLMEmptyResponseError
from Backtest.llm.offline import parse_description
from Backtest.llm.prompts import build_generation_request
from Backtest.llm.replies import extract_code
from Backtest.llm.spec_prompts import build_spec_request, read_json_object, read_spec
from Backtest.spec import StrategySpec, compile_spec, render_understood_as
from Backtest.validation import ValidationReport, validate_code

__all__ = [
    "OFFLINE_MODEL",
    "GeneratedStrategy",
    "NoCodeInReplyError",
    "SpecReplyError",
    "StrategyGenerator",
    "extract_code",
]

logger = logging.getLogger(__name__)
Path = Literal["spec", "code"]

OFFLINE_MODEL = "offline-parser-2.0"


class NoCodeInReplyError(LLMEmptyResponseError):
    """The model answered, but its reply contains no Python code."""

    default_code = "llm_no_code"


class SpecReplyError(GenerationError):
    """The model's spec answer was malformed or invalid twice (``details["problems"]``)."""

    default_code = "llm_spec_invalid"


class Fixer(Protocol):
    """What the generator needs from ``Backtest.bot_error_fixer.BotErrorFixer``."""

    def fix_errors_iteratively(self, code: str, **kwargs: Any) -> Any:
        """Return a result with ``success`` and the repaired code."""
        ...


@dataclass
class GeneratedStrategy:
    """Generated code plus where it came from and what is known to be wrong with it."""

    code: str
    spec: dict[str, Any] | None
    provider: str
    model: str | None
    key_alias: str | None = None
    strategy_class: str | None = None
    warnings: list[str] = field(default_factory=list)
    understood: list[str] = field(default_factory=list)
    defaults_used: list[str] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    needs_fixing: bool = False
    fixed_by_fixer: bool = False
    fix_attempts: int | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    #: Plain-English reading of the spec; None when the LLM wrote the code freely.
    understood_as: str | None = None
    #: "spec": compiled from a validated spec; "code": written by the LLM without a spec.
    path: Path = "spec"

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict for the API."""
        return asdict(self)


class StrategyGenerator:
    """Turns descriptions into strategy code; offline when ``provider`` is None."""

    def __init__(
        self,
        provider: LLMProvider | None = None,
        *,
        fixer: Fixer | None = None,
        executor: Any = None,
        max_fix_attempts: int = 3,
        temperature: float = 0.2,
        max_output_tokens: int | None = None,
        timeout_s: float | None = None,
        test_symbol: str = "GOOG",
    ) -> None:
        """``executor`` (a ``BotExecutor``) lets the fixer run candidate fixes."""
        self.provider = provider
        self.fixer = fixer
        self.executor = executor
        self.max_fix_attempts = max_fix_attempts
        self.temperature = temperature
        self.max_output_tokens = max_output_tokens
        self.timeout_s = timeout_s
        self.test_symbol = test_symbol

    def generate(self, description: str, *, name: str | None = None) -> GeneratedStrategy:
        """Generate a strategy; see the module docstring for the two paths.

        Raises ``DescriptionNotUnderstood`` (offline) or an ``LLMError`` (LLM path; a reply
        without code is :class:`NoCodeInReplyError`).
        """
        if self.provider is None:
            return self._offline(description, name)
        return self._with_llm(self.provider, description, name)

    # ---- offline ----------------------------------------------------------------------------
    def _offline(self, description: str, name: str | None) -> GeneratedStrategy:
        parsed = parse_description(description, name=name)
        code = compile_spec(parsed.spec)
        report = validate_code(code)
        return GeneratedStrategy(
            code=code,
            spec=parsed.spec.model_dump(mode="json", exclude_none=True),
            provider="offline",
            model=OFFLINE_MODEL,
            strategy_class=report.strategy_class,
            warnings=list(parsed.warnings),
            understood=list(parsed.understood),
            defaults_used=list(parsed.defaults_used),
            findings=[f.to_dict() for f in report.findings],
            needs_fixing=not report.ok,  # compiler output always validates; never hide it
            understood_as=parsed.understood_as,
            path="spec",
        )

    # ---- LLM ----------------------------------------------------------------------------------
    def _with_llm(
        self, provider: LLMProvider, description: str, name: str | None
    ) -> GeneratedStrategy:
        spec_result = self._spec_path(provider, description, name)
        if isinstance(spec_result, GeneratedStrategy):
            return spec_result
        result = self._code_path(provider, description, name)
        result.warnings.insert(
            0,
            f"the idea does not fit the strategy spec ({spec_result}), so the LLM wrote the "
            "code freely: there is no plain-English reading of it (understood_as is null) and "
            "nothing checks that it does what was asked; read the code before trusting a result",
        )
        return result

    def _spec_path(
        self, provider: LLMProvider, description: str, name: str | None
    ) -> GeneratedStrategy | str:
        """A compiled spec, or the model's reason why the idea does not fit the spec."""
        problems: list[str] = []
        reply: str | None = None
        for _ in range(2):  # the first answer, and one retry with what was wrong with it
            request = build_spec_request(
                description,
                name=name,
                problems=problems,
                previous_reply=reply,
                temperature=self.temperature,
                max_output_tokens=self.max_output_tokens,
                timeout_s=self.timeout_s,
            )
            response = provider.complete(request)
            reply = response.text or ""
            outcome = _read_spec_reply(reply)
            if isinstance(outcome, str):
                return outcome
            spec, problems = outcome
            if spec is not None:
                return self._from_spec(spec, name, response)
        raise SpecReplyError(
            "The model's strategy spec could not be used, even after it was told what was "
            "wrong: " + "; ".join(problems[:5]),
            details={"problems": problems, "provider": response.provider, "model": response.model},
        )

    @staticmethod
    def _from_spec(
        spec: StrategySpec, name: str | None, response: LLMResponse
    ) -> GeneratedStrategy:
        if name:
            spec = spec.model_copy(update={"name": name})
        code = compile_spec(spec)
        report = validate_code(code)
        result = StrategyGenerator._result(code, report, response)
        result.spec = spec.model_dump(mode="json")
        result.understood_as = render_understood_as(spec)
        result.path = "spec"
        if not report.ok:  # compiler output always validates; never hide it if not
            result.warnings.append("the code compiled from the spec failed validation")
        return result

    def _code_path(
        self, provider: LLMProvider, description: str, name: str | None
    ) -> GeneratedStrategy:
        request = build_generation_request(
            description,
            name=name,
            temperature=self.temperature,
            max_output_tokens=self.max_output_tokens,
            timeout_s=self.timeout_s,
        )
        response = provider.complete(request)
        code = extract_code(response.text or "")
        if not code.strip():
            raise NoCodeInReplyError(
                "The model's reply contains no code.",
                details={"provider": response.provider, "model": response.model},
            )
        report = validate_code(code)
        result = self._result(code, report, response)
        if report.ok:
            return result
        result.warnings.append("the generated code failed validation")
        if self.fixer is None:
            return result
        return self._fix(result)

    @staticmethod
    def _result(code: str, report: ValidationReport, response: LLMResponse) -> GeneratedStrategy:
        return GeneratedStrategy(
            code=code,
            spec=None,
            provider=response.provider,
            model=response.model,
            key_alias=response.key_alias,
            strategy_class=report.strategy_class,
            findings=[f.to_dict() for f in report.findings],
            needs_fixing=not report.ok,
            input_tokens=response.input_tokens,
            output_tokens=response.output_tokens,
            understood_as=None,
            path="code",
        )

    def _execute(self) -> Callable[[str], Any] | None:
        if self.executor is None:
            return None

        def execute(code: str) -> Any:
            """Backtest ``code`` in the sandbox (the fixer's runtime check)."""
            return self.executor.execute_bot(code=code, test_symbol=self.test_symbol, plot=False)

        return execute

    def _fix(self, result: GeneratedStrategy) -> GeneratedStrategy:
        """Hand invalid code to the fixer; keep it flagged unless the fix validates."""
        assert self.fixer is not None
        kwargs: dict[str, Any] = {"max_attempts": self.max_fix_attempts}
        execute = self._execute()
        if execute is not None:
            kwargs["execute"] = execute
        outcome = self.fixer.fix_errors_iteratively(result.code, **kwargs)
        fixed = next(
            (
                getattr(outcome, attr)
                for attr in ("code", "fixed_code", "final_code")
                if isinstance(getattr(outcome, attr, None), str)
            ),
            None,
        )
        result.fix_attempts = _attempt_count(outcome)
        if not getattr(outcome, "success", False) or not fixed:
            result.warnings.append("the fixer could not repair the code")
            return result
        report = validate_code(fixed)
        result.code = fixed
        result.findings = [f.to_dict() for f in report.findings]
        result.strategy_class = report.strategy_class
        result.needs_fixing = not report.ok
        result.fixed_by_fixer = report.ok
        if not report.ok:
            result.warnings.append("the fixer's code still fails validation")
        return result


def _read_spec_reply(text: str) -> str | tuple[StrategySpec | None, list[str]]:
    """The model's reason (does not fit), or (valid spec or None, what is wrong)."""
    data, problems = read_json_object(text)
    if data is None:
        return None, problems
    fits = data.get("fits_spec")
    if fits is False:
        reason = data.get("reason")
        if isinstance(reason, str) and reason.strip():
            return reason.strip()
        return None, ["fits_spec is false but no reason says which part does not fit"]
    if fits is not True:
        return None, ["fits_spec must be true or false"]
    return read_spec(data.get("spec"))


def _attempt_count(outcome: Any) -> int | None:
    attempts = getattr(outcome, "attempts", None)
    if isinstance(attempts, int):
        return attempts
    return len(attempts) if isinstance(attempts, list | tuple) else None
