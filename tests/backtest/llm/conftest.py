"""Fixtures for the LLM layer: the fake Gemini server, fake time, and a provider factory."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from Backtest.llm.gemini import GeminiProvider
from Backtest.llm.key_rotation import ApiKey, InMemoryKeyStateStore, KeyRotator
from tests.backtest.llm.fake_gemini import FakeGeminiServer
from tests.backtest.llm.fake_time import FakeClock, FakeSleep

# Distinctive fake secrets: a leak anywhere is easy to grep for.
SECRETS = {
    "key_01": "AIzaFAKE-secret-number-one-7Qx1",
    "key_02": "AIzaFAKE-secret-number-two-8Rz2",
    "key_03": "AIzaFAKE-secret-number-three-9Sy3",
}


@pytest.fixture
def fake_gemini() -> Iterator[FakeGeminiServer]:
    """A started fake Gemini server, stopped after the test."""
    with FakeGeminiServer() as server:
        yield server


@pytest.fixture
def clock() -> FakeClock:
    """A frozen clock that tests advance by hand."""
    return FakeClock()


@pytest.fixture
def sleeper(clock: FakeClock) -> FakeSleep:
    """A sleep that records its calls and advances ``clock``."""
    return FakeSleep(clock)


@pytest.fixture
def api_keys() -> list[ApiKey]:
    """Three keys with the secrets in ``SECRETS``."""
    return [ApiKey(alias, secret) for alias, secret in SECRETS.items()]


@pytest.fixture
def make_rotator(
    api_keys: list[ApiKey], clock: FakeClock, sleeper: FakeSleep
) -> Callable[..., KeyRotator]:
    """Build a rotator on fake time; keyword arguments override the rotator's defaults."""

    def build(keys: list[ApiKey] | None = None, **kwargs: Any) -> KeyRotator:
        options: dict[str, Any] = {"clock": clock, "sleep": sleeper, "rng": random.Random(7)}
        options.update(kwargs)
        store = options.pop("store", None) or InMemoryKeyStateStore()
        return KeyRotator(api_keys if keys is None else keys, store, **options)

    return build


@pytest.fixture
def make_provider(
    fake_gemini: FakeGeminiServer, make_rotator: Callable[..., KeyRotator]
) -> Iterator[Callable[..., GeminiProvider]]:
    """Build a real GeminiProvider (real google-genai client) pointed at the fake server."""
    providers: list[GeminiProvider] = []

    def build(
        rotator: KeyRotator | None = None, *, timeout_s: float = 5.0, **provider_kwargs: Any
    ) -> GeminiProvider:
        provider = GeminiProvider(
            rotator or make_rotator(),
            base_url=fake_gemini.base_url,
            timeout_s=timeout_s,
            **provider_kwargs,
        )
        providers.append(provider)
        return provider

    yield build
    for provider in providers:
        provider.close()
