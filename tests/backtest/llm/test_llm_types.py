"""Request validation, the error shape, and the package's import hygiene."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from Backtest.llm import (
    AllKeysExhaustedError,
    LLMEmptyResponseError,
    LLMError,
    LLMInvalidKeyError,
    LLMRequest,
    LLMUpstreamError,
    NoKeysConfiguredError,
)

REPO_ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"user_prompt": "  "},
        {"temperature": -0.1},
        {"temperature": 2.5},
        {"max_output_tokens": 0},
        {"timeout_s": 0},
    ],
)
def test_invalid_requests_are_rejected_up_front(kwargs: dict[str, object]) -> None:
    fields: dict[str, object] = {"system_prompt": "s", "user_prompt": "u", **kwargs}
    with pytest.raises(ValueError):  # noqa: PT011 - each case has its own message
        LLMRequest(**fields)  # type: ignore[arg-type]


def test_request_defaults() -> None:
    request = LLMRequest(system_prompt="s", user_prompt="u")
    assert request.temperature == 0.2
    assert request.max_output_tokens is None
    assert request.timeout_s is None
    assert request.response_mime_type is None


@pytest.mark.parametrize(
    ("error_type", "code"),
    [
        (LLMError, "llm_error"),
        (NoKeysConfiguredError, "llm_no_keys"),
        (LLMInvalidKeyError, "llm_invalid_keys"),
        (LLMUpstreamError, "llm_upstream_error"),
        (LLMEmptyResponseError, "llm_empty_response"),
    ],
)
def test_errors_render_the_api_error_shape(error_type: type[LLMError], code: str) -> None:
    error = error_type("it failed", details={"attempts": []})
    assert isinstance(error, LLMError)
    assert error.to_dict() == {"code": code, "message": "it failed", "details": {"attempts": []}}
    assert str(error) == "it failed"


def test_exhausted_error_carries_retry_time_in_fields_and_details() -> None:
    retry_at = datetime(2026, 1, 5, 9, 31, tzinfo=UTC)
    error = AllKeysExhaustedError("wait", retry_at=retry_at, retry_after_s=12.3456)
    assert error.retry_at == retry_at
    assert error.retry_after_s == 12.3456
    assert error.to_dict()["details"] == {
        "retry_at": "2026-01-05T09:31:00+00:00",
        "retry_after_s": 12.346,
    }
    assert error.code == "llm_rate_limited"


@pytest.mark.slow
def test_importing_the_package_loads_neither_django_nor_the_google_sdk() -> None:
    code = (
        "import sys, Backtest.llm; "
        "bad = [m for m in sys.modules if m.startswith(('django', 'google.genai'))]; "
        "assert not bad, bad"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
