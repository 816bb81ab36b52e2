"""Behaviour every :class:`~Backtest.llm.key_rotation.KeyStateStore` must have.

Reusable: a new store (e.g. the Django/DB one) gets the whole contract by subclassing and
providing ``make_store``::

    from tests.backtest.llm.store_contract import KeyStateStoreContract

    class TestDbKeyStateStore(KeyStateStoreContract):
        def make_store(self):
            return DbKeyStateStore()

The base class name does not start with ``Test`` so pytest only collects the subclasses.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from Backtest.llm.key_rotation import KeyStateStore

NOW = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
ALIASES = ["key_01", "key_02", "key_03"]


def _later(seconds: float) -> datetime:
    return NOW + timedelta(seconds=seconds)


class KeyStateStoreContract:
    """Contract tests; subclasses implement :meth:`make_store` returning an empty store."""

    def make_store(self) -> KeyStateStore:
        """Return a fresh, empty store."""
        raise NotImplementedError

    def test_store_satisfies_the_protocol(self) -> None:
        assert isinstance(self.make_store(), KeyStateStore)

    def test_first_acquire_on_empty_store_returns_first_alias_and_creates_states(self) -> None:
        store = self.make_store()
        assert store.acquire(ALIASES, NOW) == "key_01"
        states = store.all_states()
        assert set(ALIASES) <= set(states)
        assert states["key_01"].last_used == NOW
        assert states["key_02"].last_used is None

    def test_acquire_rotates_least_recently_used_even_with_a_frozen_clock(self) -> None:
        store = self.make_store()
        picks = [store.acquire(ALIASES, NOW) for _ in range(7)]
        assert picks == ["key_01", "key_02", "key_03", "key_01", "key_02", "key_03", "key_01"]

    def test_acquire_follows_usage_order_not_configuration_order(self) -> None:
        store = self.make_store()
        assert store.acquire(["key_03"], NOW) == "key_03"
        assert store.acquire(["key_01"], _later(1)) == "key_01"
        # key_02 was never used, then key_03 is the older of the two used ones.
        assert store.acquire(ALIASES, _later(2)) == "key_02"
        assert store.acquire(ALIASES, _later(3)) == "key_03"
        assert store.acquire(ALIASES, _later(4)) == "key_01"

    def test_acquire_only_considers_the_given_aliases(self) -> None:
        store = self.make_store()
        store.acquire(["other"], NOW)
        assert store.acquire(["key_02", "key_01"], NOW) == "key_02"
        assert store.acquire(["key_02"], NOW) == "key_02"

    def test_acquire_skips_disabled_invalid_and_cooling_keys(self) -> None:
        store = self.make_store()
        store.set_disabled("key_01", True)
        store.mark_invalid("key_02", "rejected")
        store.set_cooldown("key_03", _later(30))
        assert store.acquire(ALIASES, NOW) is None
        assert store.acquire(ALIASES + ["key_04"], NOW) == "key_04"

    def test_cooldown_ends_at_its_deadline(self) -> None:
        store = self.make_store()
        store.set_cooldown("key_01", _later(30))
        assert store.acquire(["key_01"], _later(29.999)) is None
        assert store.acquire(["key_01"], _later(30)) == "key_01"

    def test_set_cooldown_none_clears_it(self) -> None:
        store = self.make_store()
        store.set_cooldown("key_01", _later(30))
        store.set_cooldown("key_01", None)
        assert store.all_states()["key_01"].cooldown_until is None
        assert store.acquire(["key_01"], NOW) == "key_01"

    def test_success_and_error_counts_and_last_error_are_recorded(self) -> None:
        store = self.make_store()
        store.record_success("key_01", NOW)
        store.record_success("key_01", NOW)
        store.record_error("key_01", _later(5), "rate_limited", "quota exceeded")
        state = store.all_states()["key_01"]
        assert (state.success_count, state.error_count) == (2, 1)
        assert "rate_limited" in (state.last_error or "")
        assert "quota exceeded" in (state.last_error or "")
        assert state.last_error_at == _later(5)

    def test_invalid_key_stays_out_until_re_enabled(self) -> None:
        store = self.make_store()
        store.mark_invalid("key_01", "API key not valid")
        assert store.all_states()["key_01"].invalid
        assert store.acquire(["key_01"], _later(3600)) is None
        store.set_disabled("key_01", False)
        state = store.all_states()["key_01"]
        assert not state.invalid
        assert not state.disabled
        assert store.acquire(["key_01"], _later(3600)) == "key_01"

    def test_re_enabling_clears_a_running_cooldown(self) -> None:
        store = self.make_store()
        store.set_cooldown("key_01", _later(60))
        store.set_disabled("key_01", True)
        store.set_disabled("key_01", False)
        assert store.acquire(["key_01"], NOW) == "key_01"

    def test_disable_sets_the_flag(self) -> None:
        store = self.make_store()
        store.set_disabled("key_01", True)
        assert store.all_states()["key_01"].disabled
        assert store.acquire(["key_01"], NOW) is None

    def test_all_states_returns_snapshots_not_live_rows(self) -> None:
        store = self.make_store()
        store.record_success("key_01", NOW)
        snapshot = store.all_states()
        snapshot["key_01"].success_count = 99
        snapshot["key_01"].disabled = True
        state = store.all_states()["key_01"]
        assert state.success_count == 1
        assert not state.disabled

    def test_concurrent_acquires_never_hand_out_the_same_key(self) -> None:
        store = self.make_store()
        aliases = [f"key_{i:02d}" for i in range(1, 9)]
        barrier = threading.Barrier(len(aliases))
        picked: list[str | None] = []
        lock = threading.Lock()

        def worker() -> None:
            barrier.wait(timeout=10)
            alias = store.acquire(aliases, NOW)
            with lock:
                picked.append(alias)

        threads = [threading.Thread(target=worker) for _ in aliases]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
        assert sorted(a for a in picked if a is not None) == aliases
