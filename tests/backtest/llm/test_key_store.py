"""The in-memory key store (through the shared contract), ApiKey and load_keys_from_env."""

from __future__ import annotations

import pytest

from Backtest.llm.errors import KeyConfigurationError
from Backtest.llm.key_rotation import ApiKey, InMemoryKeyStateStore, load_keys_from_env
from tests.backtest.llm.store_contract import KeyStateStoreContract

SECRET = "AIzaSyUNIQUE-test-secret-0123456789"


class TestInMemoryKeyStateStore(KeyStateStoreContract):
    """The thread-safe in-process store honours the full store contract."""

    def make_store(self) -> InMemoryKeyStateStore:
        return InMemoryKeyStateStore()


def test_api_key_repr_and_str_hide_the_secret_but_show_last4() -> None:
    key = ApiKey("key_01", SECRET)
    assert SECRET not in repr(key)
    assert SECRET not in str(key)
    assert key.last4 == "6789"
    assert "key_01" in repr(key)
    assert "6789" in str(key)


@pytest.mark.parametrize("alias", ["", "has space", "semi;colon", "x" * 65])
def test_api_key_rejects_unsafe_aliases(alias: str) -> None:
    with pytest.raises(KeyConfigurationError):
        ApiKey(alias, SECRET)


def test_comma_separated_keys_get_numbered_aliases() -> None:
    keys = load_keys_from_env({"GEMINI_API_KEYS": " aaaa1111 , bbbb2222,,cccc3333 "})
    assert [(k.alias, k.secret) for k in keys] == [
        ("key_01", "aaaa1111"),
        ("key_02", "bbbb2222"),
        ("key_03", "cccc3333"),
    ]


def test_named_keys_use_the_suffix_as_alias() -> None:
    keys = load_keys_from_env(
        {
            "GEMINI_KEY_gemini_key_02": "bbbb2222",
            "GEMINI_KEY_gemini_key_01": "aaaa1111",
            "UNRELATED": "zzzz",
        }
    )
    assert [(k.alias, k.secret) for k in keys] == [
        ("gemini_key_01", "aaaa1111"),
        ("gemini_key_02", "bbbb2222"),
    ]


def test_single_key_is_the_fallback_alias_default() -> None:
    keys = load_keys_from_env({"GEMINI_API_KEY": " solo9999 "})
    assert [(k.alias, k.secret) for k in keys] == [("default", "solo9999")]


def test_single_key_is_ignored_when_a_pool_is_configured() -> None:
    keys = load_keys_from_env({"GEMINI_API_KEYS": "aaaa1111", "GEMINI_API_KEY": "solo9999"})
    assert [k.alias for k in keys] == ["key_01"]


def test_both_pool_formats_combine_and_identical_keys_are_kept_once() -> None:
    keys = load_keys_from_env(
        {
            "GEMINI_API_KEYS": "aaaa1111,bbbb2222,aaaa1111",
            "GEMINI_KEY_backup": "bbbb2222",
            "GEMINI_KEY_extra": "cccc3333",
        }
    )
    assert [(k.alias, k.secret) for k in keys] == [
        ("key_01", "aaaa1111"),
        ("key_02", "bbbb2222"),
        ("extra", "cccc3333"),
    ]


def test_same_alias_with_two_different_keys_is_a_config_error_without_the_keys() -> None:
    with pytest.raises(KeyConfigurationError) as caught:
        load_keys_from_env({"GEMINI_API_KEYS": "aaaa1111", "GEMINI_KEY_key_01": SECRET})
    assert SECRET not in str(caught.value)
    assert "aaaa1111" not in str(caught.value)


def test_nothing_configured_gives_no_keys() -> None:
    assert load_keys_from_env({}) == []
    assert load_keys_from_env({"GEMINI_API_KEYS": " , ", "GEMINI_API_KEY": ""}) == []
