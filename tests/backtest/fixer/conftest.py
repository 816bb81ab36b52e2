"""Fixtures for the fixer tests: the fake Gemini server (re-used from the LLM tests)."""

from __future__ import annotations

from tests.backtest.llm.conftest import (  # noqa: F401  (re-exported fixtures)
    api_keys,
    clock,
    fake_gemini,
    make_provider,
    make_rotator,
    sleeper,
)
