"""The broken-strategy corpus: files under ``tests/quality/broken_strategies/<part>/``.

Each part holds ``<name>.py`` files, an optional ``<name>.fixed.py`` reference fix per case and
a ``manifest.toml`` with one table per case (see the README beside the files). Loading only
reads text: nothing here imports or runs a strategy.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["CORPUS_ROOT", "PARTS", "BrokenCase", "CorpusError", "load_part"]

CORPUS_ROOT = Path(__file__).resolve().parents[2] / "tests" / "quality" / "broken_strategies"
#: Reported in this order; ``held_out`` is the honest estimate (written before tuning).
PARTS = ("held_out", "legacy_held_out", "main")


class CorpusError(ValueError):
    """A manifest entry is missing, malformed or refers to no file."""


@dataclass(frozen=True)
class BrokenCase:
    """One broken strategy file and what is known about it."""

    name: str
    part: str
    code: str
    error_type: str
    mistakes: tuple[str, ...]
    meaning_preserving_fix: bool
    require_trades: bool = True
    expected_fix: tuple[str, ...] = ()
    #: The reference fix (meaning-preserving, else the nearest valid meaning), if written.
    reference: str | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def load_part(part: str, root: Path = CORPUS_ROOT) -> list[BrokenCase]:
    """Every case of ``part`` in manifest order; raises :class:`CorpusError` on a bad entry."""
    folder = root / part
    manifest_path = folder / "manifest.toml"
    try:
        manifest = tomllib.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CorpusError(f"{manifest_path}: {exc}") from exc
    cases = []
    for name, entry in manifest.items():
        if not isinstance(entry, dict):
            raise CorpusError(f"{manifest_path}: [{name}] must be a table")
        source = folder / f"{name}.py"
        if not source.is_file():
            raise CorpusError(f"{manifest_path}: [{name}] has no file {source.name}")
        try:
            error_type = str(entry.pop("error_type"))
            preserving = entry.pop("meaning_preserving_fix")
        except KeyError as exc:
            raise CorpusError(f"{manifest_path}: [{name}] lacks {exc.args[0]}") from None
        if not isinstance(preserving, bool):
            raise CorpusError(f"{manifest_path}: [{name}] meaning_preserving_fix is not a bool")
        reference = folder / f"{name}.fixed.py"
        cases.append(
            BrokenCase(
                name=name,
                part=part,
                code=source.read_text(encoding="utf-8"),
                error_type=error_type,
                mistakes=tuple(entry.pop("mistakes", ())),
                meaning_preserving_fix=preserving,
                require_trades=bool(entry.pop("require_trades", True)),
                expected_fix=tuple(entry.pop("expected_fix", ())),
                reference=reference.read_text(encoding="utf-8") if reference.is_file() else None,
                note=str(entry.pop("note", "")),
                extra=entry,
            )
        )
    listed = {f"{c.name}.py" for c in cases} | {f"{c.name}.fixed.py" for c in cases}
    strays = sorted(p.name for p in folder.glob("*.py") if p.name not in listed)
    if strays:
        raise CorpusError(f"{folder}: files not in the manifest: {', '.join(strays)}")
    return cases
