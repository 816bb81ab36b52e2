"""Which LLM answers (Gemini with key rotation, or the offline generator) and key operations."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

from django.conf import settings
from rest_framework import status

from algoagent.errors import ApiError
from apikeys.store import DbKeyStateStore
from Backtest.llm import KeyConfigurationError, KeyRotator, LLMProvider, load_keys_from_env

PROVIDERS = ("auto", "offline", "gemini")


class ProviderUnavailable(ApiError):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "provider_unavailable"
    default_detail = "The requested LLM provider is not configured on this server."


def _keys():
    # Keys are read from the environment when needed and never copied into Django settings,
    # the database or any response; only aliases and last-4 characters leave this module.
    return tuple(load_keys_from_env(os.environ))


@lru_cache(maxsize=4)
def _build_rotator(keys, cooldown: int, retries: int) -> KeyRotator:
    return KeyRotator(list(keys), DbKeyStateStore(), cooldown_seconds=cooldown, max_retries=retries)


@lru_cache(maxsize=4)
def _build_gemini(keys, model: str, base_url: str, timeout: int, cooldown: int, retries: int):
    from Backtest.llm.gemini import GeminiProvider  # loads google-genai only when used

    return GeminiProvider(
        _build_rotator(keys, cooldown, retries),
        model=model,
        base_url=base_url or None,
        timeout_s=timeout,
    )


def key_rotator_get() -> KeyRotator | None:
    """The rotator over the configured Gemini keys, or None when no key is configured."""
    keys = _keys()
    if not keys:
        return None
    return _build_rotator(keys, settings.KEY_COOLDOWN_SECONDS, settings.GEMINI_MAX_RETRIES)


def llm_provider_name(requested: str | None = None) -> str:
    """Resolve ``auto`` to ``gemini`` (keys configured) or ``offline``."""
    mode = (requested or settings.LLM_PROVIDER).lower()
    if mode == "auto":
        return "gemini" if _keys() else "offline"
    return mode


def llm_provider_get(*, requested: str | None = None) -> LLMProvider | None:
    """The LLM provider to use, or None for the deterministic offline generator.

    ``requested`` (a request's ``provider`` field) overrides ``ALGOAGENT_LLM_PROVIDER``. Asking
    for Gemini on a server without keys is a 422 that says how to configure them.
    """
    name = llm_provider_name(requested)
    if name == "offline":
        return None
    keys = _keys()
    if not keys:
        raise ProviderUnavailable(
            "Gemini was requested but no API key is configured. Set GEMINI_API_KEYS (or "
            "GEMINI_KEY_<alias> / GEMINI_API_KEY), or use provider 'offline'.",
            details={"provider": name},
        )
    return _build_gemini(
        keys,
        settings.GEMINI_MODEL,
        settings.GEMINI_BASE_URL,
        settings.GEMINI_TIMEOUT_SECONDS,
        settings.KEY_COOLDOWN_SECONDS,
        settings.GEMINI_MAX_RETRIES,
    )


def key_status() -> dict[str, Any]:
    """Provider and per-key health; aliases and last-4 characters only."""
    rotator = key_rotator_get()
    return {
        "provider": llm_provider_name(),
        "configured_provider": settings.LLM_PROVIDER,
        "model": settings.GEMINI_MODEL if rotator else None,
        "rotation_enabled": bool(rotator and len(rotator.aliases) > 1),
        "keys": rotator.status() if rotator else [],
    }


def key_set_enabled(*, alias: str, enabled: bool) -> dict[str, Any]:
    """Enable (also clears invalid/cooldown) or disable one key for every process."""
    rotator = key_rotator_get()
    try:
        if rotator is None:
            raise KeyConfigurationError(f"unknown key alias {alias!r}")
        if enabled:
            rotator.enable(alias)
        else:
            rotator.disable(alias)
    except KeyConfigurationError:
        raise ApiError(
            f"No configured key has the alias {alias!r}.",
            code="not_found",
            details={"alias": alias},
            status_code=status.HTTP_404_NOT_FOUND,
        ) from None
    return next(row for row in rotator.status() if row["alias"] == alias)
