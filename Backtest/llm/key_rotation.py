"""Key rotation: one retry policy for every provider call, over a pool of API keys.

Policy (the only retry policy in the stack — the SDK's own retries are switched off):

* hand out the healthy key that was used least recently, skipping disabled, invalid and
  cooling-down keys;
* rate limited (429 / RESOURCE_EXHAUSTED): cool that key down for the server's retry delay (or
  ``cooldown_seconds``) and retry at once on the next key, so a user never sees a rate limit while
  a healthy key exists;
* rejected key (401/403/API_KEY_INVALID): mark it invalid until an operator re-enables it and move
  on;
* 5xx / timeouts / network errors: exponential backoff with full jitter, at most ``max_retries``
  retries, each on whichever key is least recently used by then;
* bad request / empty reply: no retry — another key would get the same answer.

The provider tells the rotator what happened by raising :class:`AttemptFailure`; the rotator
never sees secrets in messages (it redacts them anyway) and never logs more than alias + last4.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from Backtest.llm.base import AttemptRecord
from Backtest.llm.errors import (
    AllKeysExhaustedError,
    KeyConfigurationError,
    LLMBadRequestError,
    LLMEmptyResponseError,
    LLMError,
    LLMInvalidKeyError,
    LLMUpstreamError,
    NoKeysConfiguredError,
    redact,
)
from Backtest.llm.key_store import (
    ApiKey,
    InMemoryKeyStateStore,
    KeyState,
    KeyStateStore,
    load_keys_from_env,
)

__all__ = [
    "ApiKey",
    "AttemptFailure",
    "FailureKind",
    "InMemoryKeyStateStore",
    "KeyRotator",
    "KeyState",
    "KeyStateStore",
    "RotationResult",
    "load_keys_from_env",
]

logger = logging.getLogger(__name__)

# A server saying "retry in 0s" must not let the same key be picked again within one call.
_MIN_COOLDOWN_S = 1.0


class FailureKind(StrEnum):
    """What went wrong on one attempt; the value is the attempt's recorded ``outcome``."""

    RATE_LIMITED = "rate_limited"
    INVALID_KEY = "invalid_key"
    TRANSIENT = "upstream_error"
    BAD_REQUEST = "bad_request"
    EMPTY_RESPONSE = "empty_response"


class AttemptFailure(Exception):
    """Raised by a provider's per-key call to tell the rotator how the attempt failed."""

    def __init__(
        self,
        kind: FailureKind,
        message: str,
        *,
        error_code: str | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.error_code = error_code
        self.retry_after_s = retry_after_s


@dataclass(frozen=True, slots=True)
class RotationResult[T]:
    """The value a call produced, which key produced it, and every try on the way."""

    value: T
    key_alias: str
    attempts: list[AttemptRecord] = field(default_factory=list)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


class KeyRotator:
    """Runs provider calls across a key pool with the policy in the module docstring."""

    def __init__(
        self,
        keys: Sequence[ApiKey],
        store: KeyStateStore | None = None,
        *,
        cooldown_seconds: float = 60.0,
        max_retries: int = 3,
        backoff_base_s: float = 0.5,
        backoff_max_s: float = 8.0,
        clock: Callable[[], datetime] = _utc_now,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        aliases = [key.alias for key in keys]
        if len(set(aliases)) != len(aliases):
            raise KeyConfigurationError("duplicate key aliases")
        if cooldown_seconds <= 0 or max_retries < 0 or backoff_base_s < 0 or backoff_max_s < 0:
            raise ValueError("cooldown must be > 0; retries and backoff must be >= 0")
        self._keys = {key.alias: key for key in keys}
        self._aliases = aliases
        self._store = store if store is not None else InMemoryKeyStateStore()
        self.cooldown_seconds = cooldown_seconds
        self.max_retries = max_retries
        self.backoff_base_s = backoff_base_s
        self.backoff_max_s = backoff_max_s
        self._clock = clock
        self._sleep = sleep
        self._rng = rng if rng is not None else random.Random()

    @property
    def aliases(self) -> list[str]:
        """Configured aliases, in configuration order."""
        return list(self._aliases)

    @property
    def store(self) -> KeyStateStore:
        """The state store (shared with other processes when DB-backed)."""
        return self._store

    def redact(self, text: str) -> str:
        """Scrub every configured secret out of ``text``."""
        return redact(text, (key.secret for key in self._keys.values()))

    # ----------------------------------------------------------------------------- operator API
    def disable(self, alias: str) -> None:
        """Take a key out of rotation (operator switch)."""
        self._store.set_disabled(self._known(alias), True)

    def enable(self, alias: str) -> None:
        """Put a key back into rotation; also clears an "invalid" mark and any cooldown."""
        self._store.set_disabled(self._known(alias), False)

    def _known(self, alias: str) -> str:
        if alias not in self._keys:
            raise KeyConfigurationError(f"unknown key alias {alias!r}", details={"alias": alias})
        return alias

    def _states(self) -> dict[str, KeyState]:
        stored = self._store.all_states()
        return {alias: stored.get(alias) or KeyState(alias=alias) for alias in self._aliases}

    def status(self) -> list[dict[str, Any]]:
        """Per-key health for the admin/status endpoint — aliases and last4 only, never keys."""
        now = self._clock()
        rows = []
        for alias, state in self._states().items():
            rows.append(
                {
                    "alias": alias,
                    "last4": self._keys[alias].last4,
                    "active": not state.disabled,
                    "invalid": state.invalid,
                    "healthy": state.is_usable(now),
                    "in_cooldown": state.in_cooldown(now),
                    "cooldown_until": _iso(state.cooldown_until),
                    "success_count": state.success_count,
                    "error_count": state.error_count,
                    "last_used": _iso(state.last_used),
                    "last_error": self.redact(state.last_error) if state.last_error else None,
                    "last_error_at": _iso(state.last_error_at),
                }
            )
        return rows

    # ------------------------------------------------------------------------------ the policy
    def backoff_delay(self, retry_index: int) -> float:
        """Full-jitter exponential backoff: uniform(0, min(max, base * 2**retry_index))."""
        cap = min(self.backoff_max_s, self.backoff_base_s * (2**retry_index))
        return self._rng.uniform(0.0, cap)

    def run[T](self, call: Callable[[ApiKey], T]) -> RotationResult[T]:
        """Run ``call(key)`` until it succeeds or the policy gives up with a typed ``LLMError``.

        ``call`` signals failures by raising :class:`AttemptFailure`; any other exception is a bug
        in the provider and propagates unchanged after being recorded.
        """
        if not self._keys:
            raise NoKeysConfiguredError("no LLM API keys are configured")
        attempts: list[AttemptRecord] = []
        transient_failures = 0
        # Hard stop so a misbehaving clock or store can never make one call loop forever.
        max_attempts = 2 * len(self._keys) + self.max_retries + 1
        while len(attempts) < max_attempts:
            now = self._clock()
            alias = self._store.acquire(self._aliases, now)
            if alias is None:
                raise self._unavailable_error(now, attempts)
            key = self._keys[alias]
            started = time.perf_counter()
            failure: AttemptFailure | None = None
            try:
                value = call(key)
            except AttemptFailure as exc:
                failure = exc
            except Exception:
                elapsed = time.perf_counter() - started
                attempts.append(AttemptRecord(alias, "error", "unexpected", elapsed))
                self._store.record_error(alias, self._clock(), "unexpected", "provider raised")
                raise
            elapsed = time.perf_counter() - started
            if failure is None:
                self._store.record_success(alias, self._clock())
                attempts.append(AttemptRecord(alias, "success", None, elapsed))
                return RotationResult(value=value, key_alias=alias, attempts=attempts)
            # Handled outside the except block so raised LLM errors do not chain the provider's
            # exception (whose response object could still hold request headers).
            attempts.append(AttemptRecord(alias, failure.kind.value, failure.error_code, elapsed))
            if failure.kind is FailureKind.TRANSIENT:
                transient_failures += 1
            self._handle_failure(
                key, failure, self.redact(failure.message), attempts, transient_failures
            )
        raise LLMUpstreamError(
            f"gave up after {len(attempts)} attempts",
            details={"attempts": [a.to_dict() for a in attempts]},
        )

    def _handle_failure(
        self,
        key: ApiKey,
        failure: AttemptFailure,
        message: str,
        attempts: list[AttemptRecord],
        transient_failures: int,
    ) -> None:
        """Update key state for one failed attempt; raise when the call must stop here."""
        now = self._clock()
        details = {"attempts": [a.to_dict() for a in attempts]}
        kind = failure.kind
        if kind is FailureKind.RATE_LIMITED:
            server_delay = failure.retry_after_s
            delay = self.cooldown_seconds if server_delay is None else server_delay
            delay = max(delay, _MIN_COOLDOWN_S)
            self._store.record_error(key.alias, now, kind.value, message)
            self._store.set_cooldown(key.alias, now + timedelta(seconds=delay))
            logger.warning("LLM key %s rate limited; cooling down %.1fs", key, delay)
        elif kind is FailureKind.INVALID_KEY:
            self._store.record_error(key.alias, now, kind.value, message)
            self._store.mark_invalid(key.alias, message)
            logger.error("LLM key %s rejected by provider; marked invalid", key)
        elif kind is FailureKind.TRANSIENT:
            self._store.record_error(key.alias, now, kind.value, message)
            if transient_failures > self.max_retries:
                raise LLMUpstreamError(
                    f"LLM provider failed after {transient_failures} attempts: {message}",
                    details=details,
                )
            delay = self.backoff_delay(transient_failures - 1)
            logger.warning(
                "LLM call on key %s failed (%s); retry %d/%d in %.2fs",
                key,
                failure.error_code or kind.value,
                transient_failures,
                self.max_retries,
                delay,
            )
            self._sleep(delay)
        elif kind is FailureKind.EMPTY_RESPONSE:
            # The key worked; the reply was unusable. Another key would not help.
            self._store.record_success(key.alias, now)
            raise LLMEmptyResponseError(message, details=details)
        else:
            raise LLMBadRequestError(message, details=details)

    def _unavailable_error(self, now: datetime, attempts: list[AttemptRecord]) -> LLMError:
        """Explain why no key could be acquired, as the most actionable typed error."""
        details: dict[str, Any] = {"attempts": [a.to_dict() for a in attempts]}
        enabled = [s for s in self._states().values() if not s.disabled]
        if not enabled:
            return NoKeysConfiguredError("every LLM key is disabled", details=details)
        cooling = [s.cooldown_until for s in enabled if not s.invalid and s.in_cooldown(now)]
        if cooling:
            retry_at = min(c for c in cooling if c is not None)
            retry_after = max(0.0, (retry_at - now).total_seconds())
            return AllKeysExhaustedError(
                f"all LLM keys are rate limited; retry after {retry_after:.0f}s",
                retry_at=retry_at,
                retry_after_s=retry_after,
                details=details,
            )
        if all(s.invalid for s in enabled):
            return LLMInvalidKeyError(
                "every enabled LLM key was rejected as invalid", details=details
            )
        # Only reachable when another process changed key states between acquire and this check.
        return LLMUpstreamError("no LLM key could be acquired; retry shortly", details=details)
