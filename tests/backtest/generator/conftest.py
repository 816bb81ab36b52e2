"""Reuse the LLM layer's fake Gemini server and provider fixtures."""

from __future__ import annotations

from tests.backtest.llm.conftest import (  # noqa: F401 - fixtures are used by name
    api_keys,
    clock,
    fake_gemini,
    make_provider,
    make_rotator,
    sleeper,
)
