"""KeyRotator policy, driven by a scripted per-key call (no HTTP) on fake time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from Backtest.llm.errors import (
    AllKeysExhaustedError,
    KeyConfigurationError,
    LLMBadRequestError,
    LLMEmptyResponseError,
    LLMInvalidKeyError,
    LLMUpstreamError,
    NoKeysConfiguredError,
)
from Backtest.llm.key_rotation import (
    ApiKey,
    AttemptFailure,
    FailureKind,
    InMemoryKeyStateStore,
    KeyRotator,
)
from tests.backtest.llm.fake_time import FakeClock, FakeSleep

MakeRotator = Callable[..., KeyRotator]


def limited(retry_after_s: float | None = None) -> AttemptFailure:
    return AttemptFailure(
        FailureKind.RATE_LIMITED, "quota", error_code="429", retry_after_s=retry_after_s
    )


def invalid() -> AttemptFailure:
    return AttemptFailure(FailureKind.INVALID_KEY, "API key not valid", error_code="401")


def transient(code: str = "500") -> AttemptFailure:
    return AttemptFailure(FailureKind.TRANSIENT, "internal error", error_code=code)


class Script:
    """Per-alias queues of outcomes (an AttemptFailure to raise, or a value to return)."""

    def __init__(self, **queues: list[object]) -> None:
        self.queues = {alias: list(items) for alias, items in queues.items()}
        self.calls: list[str] = []

    def __call__(self, key: ApiKey) -> object:
        self.calls.append(key.alias)
        queue = self.queues.get(key.alias) or [f"answer from {key.alias}"]
        outcome = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(outcome, AttemptFailure):
            raise outcome
        return outcome


def test_success_on_first_key_records_one_attempt(make_rotator: MakeRotator) -> None:
    rotator = make_rotator()
    result = rotator.run(Script())
    assert (result.value, result.key_alias) == ("answer from key_01", "key_01")
    assert [(a.alias, a.outcome, a.error_code) for a in result.attempts] == [
        ("key_01", "success", None)
    ]


def test_rate_limit_rotates_to_next_key_without_sleeping(
    make_rotator: MakeRotator, sleeper: FakeSleep
) -> None:
    rotator = make_rotator()
    script = Script(key_01=[limited(17.0)])
    result = rotator.run(script)
    assert result.key_alias == "key_02"
    assert script.calls == ["key_01", "key_02"]
    assert [a.outcome for a in result.attempts] == ["rate_limited", "success"]
    assert sleeper.calls == []


def test_rate_limited_key_cools_down_for_the_server_delay(
    make_rotator: MakeRotator, clock: FakeClock
) -> None:
    rotator = make_rotator(cooldown_seconds=60)
    rotator.run(Script(key_01=[limited(17.0)]))
    state = rotator.store.all_states()["key_01"]
    assert state.cooldown_until == clock.now + timedelta(seconds=17)


def test_rate_limit_without_server_delay_uses_the_configured_cooldown(
    make_rotator: MakeRotator, clock: FakeClock
) -> None:
    rotator = make_rotator(cooldown_seconds=45)
    rotator.run(Script(key_01=[limited(None)]))
    assert rotator.store.all_states()["key_01"].cooldown_until == clock.now + timedelta(seconds=45)


def test_cooling_key_is_skipped_until_the_cooldown_expires(
    make_rotator: MakeRotator, clock: FakeClock
) -> None:
    rotator = make_rotator(keys=[ApiKey("a", "secret-aaaa"), ApiKey("b", "secret-bbbb")])
    rotator.run(Script(a=[limited(30.0), "ok"]))
    script = Script()
    for _ in range(3):
        assert rotator.run(script).key_alias == "b"
    clock.advance(30)
    assert rotator.run(script).key_alias == "a"


def test_all_keys_cooling_raises_with_the_earliest_retry_time(
    make_rotator: MakeRotator, clock: FakeClock
) -> None:
    rotator = make_rotator()
    script = Script(key_01=[limited(40.0)], key_02=[limited(12.0)], key_03=[limited(25.0)])
    with pytest.raises(AllKeysExhaustedError) as caught:
        rotator.run(script)
    error = caught.value
    assert error.retry_at == clock.now + timedelta(seconds=12)
    assert error.retry_after_s == pytest.approx(12.0)
    assert error.details["retry_after_s"] == pytest.approx(12.0)
    assert [a["outcome"] for a in error.details["attempts"]] == ["rate_limited"] * 3
    assert error.code == "llm_rate_limited"


def test_zero_server_delay_still_keeps_the_key_out_for_this_call(
    make_rotator: MakeRotator,
) -> None:
    rotator = make_rotator(keys=[ApiKey("only", "secret-only")])
    script = Script(only=[limited(0.0)])
    with pytest.raises(AllKeysExhaustedError):
        rotator.run(script)
    assert script.calls == ["only"]


def test_invalid_key_is_skipped_until_re_enabled(make_rotator: MakeRotator) -> None:
    rotator = make_rotator()
    assert rotator.run(Script(key_01=[invalid()])).key_alias == "key_02"
    script = Script()
    assert [rotator.run(script).key_alias for _ in range(4)] == [
        "key_03",
        "key_02",
        "key_03",
        "key_02",
    ]
    rotator.enable("key_01")
    assert rotator.run(script).key_alias == "key_01"


def test_every_key_invalid_raises_invalid_key_error(make_rotator: MakeRotator) -> None:
    rotator = make_rotator()
    with pytest.raises(LLMInvalidKeyError) as caught:
        rotator.run(Script(key_01=[invalid()], key_02=[invalid()], key_03=[invalid()]))
    assert len(caught.value.details["attempts"]) == 3


def test_invalid_and_cooling_keys_report_the_rate_limit_since_it_will_clear(
    make_rotator: MakeRotator,
) -> None:
    rotator = make_rotator()
    with pytest.raises(AllKeysExhaustedError):
        rotator.run(Script(key_01=[invalid()], key_02=[limited(5.0)], key_03=[invalid()]))


def test_server_error_then_success_backs_off_with_injected_sleep(
    make_rotator: MakeRotator, sleeper: FakeSleep
) -> None:
    rotator = make_rotator(backoff_base_s=0.5, backoff_max_s=8)
    script = Script(key_01=[transient()])
    result = rotator.run(script)
    assert result.key_alias == "key_02"
    assert [a.outcome for a in result.attempts] == ["upstream_error", "success"]
    assert len(sleeper.calls) == 1
    assert 0.0 <= sleeper.calls[0] <= 0.5


def test_transient_failures_stop_after_max_retries(
    make_rotator: MakeRotator, sleeper: FakeSleep
) -> None:
    rotator = make_rotator(max_retries=2)
    failing = [transient("503"), transient("503")]
    script = Script(key_01=failing, key_02=failing, key_03=failing)
    with pytest.raises(LLMUpstreamError) as caught:
        rotator.run(script)
    assert len(script.calls) == 3
    assert len(sleeper.calls) == 2
    assert [a["error_code"] for a in caught.value.details["attempts"]] == ["503"] * 3


def test_backoff_is_full_jitter_exponential_and_capped(make_rotator: MakeRotator) -> None:
    rotator = make_rotator(backoff_base_s=0.5, backoff_max_s=3.0)
    for retry_index, cap in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 3.0), (6, 3.0)]:
        delays = [rotator.backoff_delay(retry_index) for _ in range(200)]
        assert all(0.0 <= d <= cap for d in delays)
        # Full jitter spreads over the whole interval, not just near the cap.
        assert min(delays) < cap * 0.25
        assert max(delays) > cap * 0.75


def test_least_recently_used_order_over_many_calls(make_rotator: MakeRotator) -> None:
    rotator = make_rotator()
    script = Script()
    picks = [rotator.run(script).key_alias for _ in range(9)]
    assert picks == ["key_01", "key_02", "key_03"] * 3


def test_disabled_key_is_never_used(make_rotator: MakeRotator) -> None:
    rotator = make_rotator()
    rotator.disable("key_02")
    script = Script()
    assert {rotator.run(script).key_alias for _ in range(6)} == {"key_01", "key_03"}
    assert "key_02" not in script.calls


def test_all_keys_disabled_is_a_no_keys_error(make_rotator: MakeRotator) -> None:
    rotator = make_rotator()
    for alias in rotator.aliases:
        rotator.disable(alias)
    with pytest.raises(NoKeysConfiguredError):
        rotator.run(Script())


def test_no_keys_configured_raises_before_calling(make_rotator: MakeRotator) -> None:
    rotator = make_rotator(keys=[])
    script = Script()
    with pytest.raises(NoKeysConfiguredError):
        rotator.run(script)
    assert script.calls == []


def test_bad_request_is_not_retried_on_other_keys(make_rotator: MakeRotator) -> None:
    rotator = make_rotator()
    bad = AttemptFailure(FailureKind.BAD_REQUEST, "bad prompt", error_code="400")
    script = Script(key_01=[bad])
    with pytest.raises(LLMBadRequestError):
        rotator.run(script)
    assert script.calls == ["key_01"]


def test_empty_reply_is_not_retried_and_does_not_hurt_the_key(
    make_rotator: MakeRotator, clock: FakeClock
) -> None:
    rotator = make_rotator()
    empty = AttemptFailure(FailureKind.EMPTY_RESPONSE, "no candidates", error_code="empty")
    script = Script(key_01=[empty])
    with pytest.raises(LLMEmptyResponseError):
        rotator.run(script)
    assert script.calls == ["key_01"]
    state = rotator.store.all_states()["key_01"]
    assert state.error_count == 0
    assert state.is_usable(clock.now)


def test_unexpected_exceptions_propagate_unchanged(make_rotator: MakeRotator) -> None:
    rotator = make_rotator()

    def broken(key: ApiKey) -> str:
        raise ZeroDivisionError("bug")

    with pytest.raises(ZeroDivisionError):
        rotator.run(broken)


def test_status_reports_health_without_secrets(make_rotator: MakeRotator) -> None:
    rotator = make_rotator()
    rotator.run(Script(key_01=[limited(20.0)]))
    # key_01 cools, so this call goes key_03 (invalid) -> key_02.
    rotator.run(Script(key_03=[invalid()]))
    rotator.disable("key_02")
    rows = {row["alias"]: row for row in rotator.status()}
    assert rows["key_01"]["in_cooldown"] is True
    assert rows["key_01"]["healthy"] is False
    assert rows["key_01"]["error_count"] == 1
    assert rows["key_02"]["active"] is False
    assert rows["key_02"]["success_count"] == 2
    assert rows["key_03"]["invalid"] is True
    assert rows["key_03"]["last_error"].startswith("invalid_key")
    assert rows["key_01"]["last4"] == "7Qx1"
    assert set(rows["key_01"]) >= {
        "alias",
        "last4",
        "active",
        "healthy",
        "in_cooldown",
        "cooldown_until",
        "success_count",
        "error_count",
        "last_used",
        "last_error",
    }


def test_duplicate_aliases_are_rejected() -> None:
    with pytest.raises(KeyConfigurationError, match="duplicate"):
        KeyRotator([ApiKey("a", "secret-1111"), ApiKey("a", "secret-2222")])


class _ForgetfulStore(InMemoryKeyStateStore):
    """A broken store that drops cooldowns: the rotator must still terminate."""

    def set_cooldown(self, alias: str, until: object) -> None:
        return None


def test_a_store_that_loses_cooldowns_cannot_make_a_call_loop_forever(
    make_rotator: MakeRotator,
) -> None:
    rotator = make_rotator(store=_ForgetfulStore(), max_retries=1)
    script = Script(key_01=[limited(5.0)], key_02=[limited(5.0)], key_03=[limited(5.0)])
    with pytest.raises(LLMUpstreamError, match="gave up"):
        rotator.run(script)
    assert len(script.calls) == 2 * 3 + 1 + 1
