"""Validation results: plain dataclasses the API layer serialises with ``to_dict()``."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One problem, located in the source (1-based line and column)."""

    line: int
    column: int
    code: str
    message: str
    severity: Severity = "error"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


@dataclass
class ValidationReport:
    """``ok`` is False when any finding is an error; warnings alone keep it True."""

    ok: bool
    findings: list[Finding] = field(default_factory=list)
    strategy_class: str | None = None

    @property
    def errors(self) -> list[Finding]:
        """Only the error-severity findings."""
        return [f for f in self.findings if f.severity == "error"]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "ok": self.ok,
            "strategy_class": self.strategy_class,
            "findings": [f.to_dict() for f in self.findings],
        }
