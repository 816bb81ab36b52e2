"""Fixtures for the chat tests: spec-based strategies, offline mode, Gemini on the fake server."""

from __future__ import annotations

import pytest

from Backtest.spec import compile_spec, example_spec_data, validate_spec
from strategy_api import services
from strategy_api.models import StrategyStatus, VersionSource
from tests.backtest.llm.conftest import (
    SECRETS,
    fake_gemini,  # noqa: F401 - used by name
)

WAIT = {"HTTP_PREFER": "wait=60"}


def make_spec_strategy(owner, example: str = "rsi_reversion"):
    """A strategy compiled from one of the example specs, as a template would create it."""
    spec = validate_spec(example_spec_data(example))
    return services.strategy_create(
        owner=owner,
        name=spec.name,
        code=compile_spec(spec),
        source=VersionSource.TEMPLATE,
        status=StrategyStatus.GENERATED,
        spec=spec.model_dump(mode="json"),
    )


@pytest.fixture
def offline(monkeypatch, settings):
    """No Gemini keys: "auto" means the offline editor."""
    settings.LLM_PROVIDER = "auto"
    for name in ("GEMINI_API_KEYS", "GEMINI_API_KEY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def gemini(monkeypatch, settings, fake_gemini):  # noqa: F811 - the imported fixture
    """Three Gemini keys, the real client pointed at the fake server, no retries."""
    settings.LLM_PROVIDER = "auto"
    settings.GEMINI_BASE_URL = fake_gemini.base_url
    settings.GEMINI_MAX_RETRIES = 0
    settings.GEMINI_TIMEOUT_SECONDS = 10
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    monkeypatch.setenv("GEMINI_API_KEYS", ",".join(SECRETS.values()))
    return fake_gemini
