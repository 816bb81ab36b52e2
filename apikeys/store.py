"""The database implementation of ``Backtest.llm.KeyStateStore``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.db.models import F, Max

from apikeys.models import ApiKeyState
from Backtest.llm import KeyState

_LAST_ERROR_MAX_CHARS = 500


def _ensure(aliases: Sequence[str]) -> None:
    ApiKeyState.objects.bulk_create(
        [ApiKeyState(alias=alias) for alias in aliases], ignore_conflicts=True
    )


def _to_state(row: ApiKeyState) -> KeyState:
    return KeyState(
        alias=row.alias,
        success_count=row.success_count,
        error_count=row.error_count,
        last_used=row.last_used,
        last_error=row.last_error or None,
        last_error_at=row.last_error_at,
        cooldown_until=row.cooldown_until,
        disabled=row.disabled,
        invalid=row.invalid,
        use_seq=row.use_seq,
    )


class DbKeyStateStore:
    """Key state in the database, so every web and worker process rotates over one history.

    ``acquire`` locks the candidate rows (``select_for_update``) and picks, stamps and commits in
    one transaction, so concurrent processes never hand out the same slot twice.
    """

    def all_states(self) -> dict[str, KeyState]:
        return {row.alias: _to_state(row) for row in ApiKeyState.objects.all()}

    def acquire(self, aliases: Sequence[str], now: datetime) -> str | None:
        if not aliases:
            return None
        _ensure(aliases)
        with transaction.atomic():
            rows = {
                row.alias: row
                for row in ApiKeyState.objects.select_for_update().filter(alias__in=aliases)
            }
            candidates = [
                (rows[alias].use_seq, position, alias)
                for position, alias in enumerate(aliases)
                if _to_state(rows[alias]).is_usable(now)
            ]
            if not candidates:
                return None
            _, _, chosen = min(candidates)
            top = ApiKeyState.objects.aggregate(top=Max("use_seq"))["top"] or 0
            ApiKeyState.objects.filter(alias=chosen).update(last_used=now, use_seq=top + 1)
            return chosen

    def record_success(self, alias: str, at: datetime) -> None:
        _ensure([alias])
        ApiKeyState.objects.filter(alias=alias).update(success_count=F("success_count") + 1)

    def record_error(self, alias: str, at: datetime, kind: str, message: str) -> None:
        _ensure([alias])
        ApiKeyState.objects.filter(alias=alias).update(
            error_count=F("error_count") + 1,
            last_error=f"{kind}: {message}"[:_LAST_ERROR_MAX_CHARS],
            last_error_at=at,
        )

    def set_cooldown(self, alias: str, until: datetime | None) -> None:
        _ensure([alias])
        ApiKeyState.objects.filter(alias=alias).update(cooldown_until=until)

    def mark_invalid(self, alias: str, message: str) -> None:
        _ensure([alias])
        ApiKeyState.objects.filter(alias=alias).update(
            invalid=True, last_error=f"invalid_key: {message}"[:_LAST_ERROR_MAX_CHARS]
        )

    def set_disabled(self, alias: str, disabled: bool) -> None:
        _ensure([alias])
        updates: dict = {"disabled": disabled}
        if not disabled:
            updates.update(invalid=False, cooldown_until=None)
        ApiKeyState.objects.filter(alias=alias).update(**updates)
