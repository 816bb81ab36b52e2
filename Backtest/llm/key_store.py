"""API keys, their shared health state, and the store interface that persists it.

The state lives behind :class:`KeyStateStore` so web and worker processes can share it: the
in-memory store here serves one process (and the tests); the Django layer implements the same
Protocol on the database. Secrets never enter the store — only aliases.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol, runtime_checkable

from Backtest.llm.errors import KeyConfigurationError

__all__ = [
    "ApiKey",
    "InMemoryKeyStateStore",
    "KeyState",
    "KeyStateStore",
    "load_keys_from_env",
]

_LAST_ERROR_MAX_CHARS = 500
_ALIAS_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_NAMED_KEY_PREFIX = "GEMINI_KEY_"


@dataclass(frozen=True, slots=True)
class ApiKey:
    """One provider key. The secret is excluded from ``repr`` so it never lands in logs."""

    alias: str
    secret: str = field(repr=False)

    def __post_init__(self) -> None:
        if not _ALIAS_RE.match(self.alias):
            raise KeyConfigurationError(f"invalid key alias {self.alias!r}")
        if not self.secret:
            raise KeyConfigurationError(f"key {self.alias!r} has an empty secret")

    @property
    def last4(self) -> str:
        """Last four characters: enough for an operator to tell keys apart, useless to a thief."""
        return self.secret[-4:]

    def __str__(self) -> str:
        return f"{self.alias} (…{self.last4})"


def load_keys_from_env(environ: Mapping[str, str]) -> list[ApiKey]:
    """Read Gemini keys from an environment mapping.

    Formats: ``GEMINI_API_KEYS`` (comma-separated, aliases ``key_01``, ``key_02``…) and/or
    ``GEMINI_KEY_<alias>=<key>`` (the original system's format); ``GEMINI_API_KEY`` (alias
    ``default``) is used only when neither is present. Identical keys are kept once (first alias
    wins). Returns an empty list when nothing is configured.
    """
    keys: list[ApiKey] = []
    seen_secrets: set[str] = set()
    aliases: dict[str, str] = {}

    def add(alias: str, secret: str) -> None:
        secret = secret.strip()
        if not secret or secret in seen_secrets:
            return
        if alias in aliases:
            raise KeyConfigurationError(
                f"key alias {alias!r} is configured twice with different keys"
            )
        key = ApiKey(alias=alias, secret=secret)
        aliases[alias] = secret
        seen_secrets.add(secret)
        keys.append(key)

    listed = [part.strip() for part in environ.get("GEMINI_API_KEYS", "").split(",")]
    for index, secret in enumerate((s for s in listed if s), start=1):
        add(f"key_{index:02d}", secret)
    named = sorted(
        (name[len(_NAMED_KEY_PREFIX) :], value)
        for name, value in environ.items()
        if name.startswith(_NAMED_KEY_PREFIX) and len(name) > len(_NAMED_KEY_PREFIX)
    )
    for alias, secret in named:
        add(alias, secret)
    if not keys and environ.get("GEMINI_API_KEY", "").strip():
        add("default", environ["GEMINI_API_KEY"])
    return keys


@dataclass(slots=True)
class KeyState:
    """Health bookkeeping for one key alias, shared between processes through a store.

    ``use_seq`` is a store-wide counter stamped on every acquire; it orders "least recently used"
    exactly even when two acquires share a timestamp (coarse or frozen clocks, clock skew between
    processes).
    """

    alias: str
    success_count: int = 0
    error_count: int = 0
    last_used: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    cooldown_until: datetime | None = None
    disabled: bool = False
    invalid: bool = False
    use_seq: int = 0

    def in_cooldown(self, now: datetime) -> bool:
        """True while a rate-limit cooldown is still running at ``now``."""
        return self.cooldown_until is not None and self.cooldown_until > now

    def is_usable(self, now: datetime) -> bool:
        """True when the key may be handed out at ``now``."""
        return not self.disabled and not self.invalid and not self.in_cooldown(now)


@runtime_checkable
class KeyStateStore(Protocol):
    """Persistence of :class:`KeyState` rows, keyed by alias.

    Every method must create a default state for an alias it has never seen. ``acquire`` must be
    atomic across processes (a DB implementation locks the candidate rows with
    ``select_for_update``, picks, stamps and commits in one transaction), so two workers never
    pick the same key for the same slot.
    """

    def all_states(self) -> dict[str, KeyState]:
        """Return a snapshot (copies) of every known state, by alias."""
        ...

    def acquire(self, aliases: Sequence[str], now: datetime) -> str | None:
        """Pick the least recently used usable alias among ``aliases`` and stamp it as used.

        Usable means not disabled, not invalid and not cooling down at ``now``. Order: smallest
        ``use_seq`` first (never used = 0), ties broken by position in ``aliases``. Stamps
        ``last_used = now`` and ``use_seq = max(use_seq over the store) + 1``. ``None`` when no
        alias is usable.
        """
        ...

    def record_success(self, alias: str, at: datetime) -> None:
        """Count a successful call."""
        ...

    def record_error(self, alias: str, at: datetime, kind: str, message: str) -> None:
        """Count a failed call and remember ``"<kind>: <message>"`` as the last error."""
        ...

    def set_cooldown(self, alias: str, until: datetime | None) -> None:
        """Keep the alias out of rotation until ``until`` (``None`` clears it)."""
        ...

    def mark_invalid(self, alias: str, message: str) -> None:
        """Take the alias out of rotation until an operator re-enables it."""
        ...

    def set_disabled(self, alias: str, disabled: bool) -> None:
        """Disable (operator switch) or re-enable; re-enabling also clears invalid and cooldown."""
        ...


def _clip(message: str) -> str:
    return message if len(message) <= _LAST_ERROR_MAX_CHARS else message[:_LAST_ERROR_MAX_CHARS]


class InMemoryKeyStateStore:
    """Thread-safe :class:`KeyStateStore` for a single process (and the tests)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._states: dict[str, KeyState] = {}

    def _state(self, alias: str) -> KeyState:
        # Caller holds the lock.
        state = self._states.get(alias)
        if state is None:
            state = self._states[alias] = KeyState(alias=alias)
        return state

    def all_states(self) -> dict[str, KeyState]:
        """Return copies so callers cannot mutate shared state behind the lock."""
        with self._lock:
            return {alias: replace(state) for alias, state in self._states.items()}

    def acquire(self, aliases: Sequence[str], now: datetime) -> str | None:
        """See :meth:`KeyStateStore.acquire`."""
        with self._lock:
            candidates = [
                (self._state(alias).use_seq, position, alias)
                for position, alias in enumerate(aliases)
                if self._state(alias).is_usable(now)
            ]
            if not candidates:
                return None
            _, _, chosen = min(candidates)
            state = self._states[chosen]
            state.last_used = now
            state.use_seq = max(s.use_seq for s in self._states.values()) + 1
            return chosen

    def record_success(self, alias: str, at: datetime) -> None:
        """See :meth:`KeyStateStore.record_success`."""
        with self._lock:
            self._state(alias).success_count += 1

    def record_error(self, alias: str, at: datetime, kind: str, message: str) -> None:
        """See :meth:`KeyStateStore.record_error`."""
        with self._lock:
            state = self._state(alias)
            state.error_count += 1
            state.last_error = _clip(f"{kind}: {message}")
            state.last_error_at = at

    def set_cooldown(self, alias: str, until: datetime | None) -> None:
        """See :meth:`KeyStateStore.set_cooldown`."""
        with self._lock:
            self._state(alias).cooldown_until = until

    def mark_invalid(self, alias: str, message: str) -> None:
        """See :meth:`KeyStateStore.mark_invalid`."""
        with self._lock:
            state = self._state(alias)
            state.invalid = True
            state.last_error = _clip(f"invalid_key: {message}")

    def set_disabled(self, alias: str, disabled: bool) -> None:
        """See :meth:`KeyStateStore.set_disabled`."""
        with self._lock:
            state = self._state(alias)
            state.disabled = disabled
            if not disabled:
                state.invalid = False
                state.cooldown_until = None
