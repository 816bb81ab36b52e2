"""Shared fixtures: API clients for two users, isolated data directory, clean cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.factories import UserFactory, token_for
from tests.workers import db_backend, start_worker  # noqa: F401 - shared fixtures


@pytest.fixture(autouse=True)
def _isolated_data_dir(settings, tmp_path_factory):
    """Each test writes strategy files, results and caches into its own directory."""
    settings.DATA_DIR = tmp_path_factory.mktemp("data")


@pytest.fixture(autouse=True)
def _clear_cache(request):
    """Login-failure counters and throttles live in the cache; never leak between tests.

    The cache is the database cache (as in production), so only tests with database access
    have one to clear.
    """
    uses_db = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
    } & set(request.fixturenames)
    if not uses_db:
        yield
        return
    request.getfixturevalue("transactional_db" if _is_transactional(request) else "db")
    cache.clear()
    yield
    cache.clear()


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or (
        "transactional_db" in request.fixturenames
    )


@pytest.fixture
def anon_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


def _client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return client


@pytest.fixture
def api_client(user) -> APIClient:
    """Token-authenticated client for ``user``."""
    return _client_for(user)


@pytest.fixture
def other_client(other_user) -> APIClient:
    """Token-authenticated client for ``other_user``."""
    return _client_for(other_user)
