"""The database key store honours the same contract as the in-memory one."""

from __future__ import annotations

import pytest

from apikeys.store import DbKeyStateStore
from tests.backtest.llm.store_contract import KeyStateStoreContract


@pytest.mark.django_db(transaction=True)
class TestDbKeyStateStore(KeyStateStoreContract):
    def make_store(self):
        return DbKeyStateStore()
