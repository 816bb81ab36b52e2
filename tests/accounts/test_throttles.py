"""Throttles: keyed on the real client address, stored in a cache every process shares."""

from __future__ import annotations

import inspect
import os
import socket
import subprocess
import sys

import pytest
from django.core.cache import cache, caches
from django.core.exceptions import ImproperlyConfigured
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.throttling import SimpleRateThrottle

from accounts.views import client_ip
from algoagent.settings import _cache_from_url
from tests.factories import DEFAULT_PASSWORD
from tests.workers import ROOT, database_url

pytestmark = pytest.mark.django_db
GOOD_PASSWORD = "Tr4ding-Ideas-2026!"


@pytest.fixture
def rates(monkeypatch):
    """DRF copies the rates into the throttle class at import; tests change them there."""

    def set_rate(scope: str, rate: str) -> None:
        monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, scope, rate)

    return set_rate


def _register(client, n: int, **extra):
    return client.post(
        "/api/auth/register/",
        {"username": f"u{n}", "email": f"u{n}@example.com", "password": GOOD_PASSWORD},
        **extra,
    )


def test_forged_x_forwarded_for_does_not_reset_the_register_throttle(anon_client, rates):
    rates("register", "2/hour")
    assert _register(anon_client, 1, HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 201
    assert _register(anon_client, 2, HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 201
    refused = _register(anon_client, 3, HTTP_X_FORWARDED_FOR="3.3.3.3")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"
    assert int(refused["Retry-After"]) >= 1


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(anon_client, rates, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    rates("register", "1/hour")
    # The proxy appends the address it saw; anything left of it is the client's own claim.
    assert _register(anon_client, 1, HTTP_X_FORWARDED_FOR="9.9.9.9, 1.1.1.1").status_code == 201
    assert _register(anon_client, 2, HTTP_X_FORWARDED_FOR="9.9.9.9, 2.2.2.2").status_code == 201
    assert _register(anon_client, 3, HTTP_X_FORWARDED_FOR="8.8.8.8, 2.2.2.2").status_code == 429


def test_login_lockout_is_per_username_and_real_address_whatever_the_header(
    anon_client, user, settings
):
    settings.LOGIN_FAILURE_LIMIT = 3
    for n in range(3):
        wrong = anon_client.post(
            "/api/auth/login/",
            {"username": user.username, "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        )
        assert wrong.status_code == 400
    locked = anon_client.post(
        "/api/auth/login/",
        {"username": user.username, "password": DEFAULT_PASSWORD},
        HTTP_X_FORWARDED_FOR="10.9.9.9",
    )
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) >= 1
    # The owner logging in from elsewhere is not locked out by someone else's guesses.
    elsewhere = anon_client.post(
        "/api/auth/login/",
        {"username": user.username, "password": DEFAULT_PASSWORD},
        REMOTE_ADDR="192.0.2.7",
    )
    assert elsewhere.status_code == 200


def test_login_attempts_are_rate_limited_per_address(anon_client, user, rates):
    rates("login", "2/hour")
    for _ in range(2):
        body = {"username": user.username, "password": DEFAULT_PASSWORD}
        assert anon_client.post("/api/auth/login/", body).status_code == 200
    assert anon_client.post("/api/auth/login/", body).status_code == 429


def test_client_ip_ignores_the_header_without_trusted_proxies(rf):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6", REMOTE_ADDR="192.0.2.1")
    assert client_ip(request) == "192.0.2.1"


def test_data_fetch_and_upload_are_throttled_per_user(api_client, rates):
    rates("data", "1/hour")
    first = api_client.post("/api/data/fetch/", {"symbol": "???"})
    assert first.status_code == 400  # invalid input still counts: the throttle runs first
    assert api_client.post("/api/data/fetch/", {"symbol": "AAPL"}).status_code == 429
    assert api_client.post("/api/data/upload/", {}, format="multipart").status_code == 429


_STARTS_WORK = ("job_submit", "job_response", "dataset_upload", "sandbox", "self._generate(")


def _viewset_routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _viewset_routes(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and getattr(pattern.callback, "actions", None):
            yield prefix + str(pattern.pattern), pattern.callback


def test_every_endpoint_that_starts_work_has_a_throttle():
    checked = []
    for route, callback in _viewset_routes():
        for method, name in callback.actions.items():
            if method != "post" or not any(
                word in inspect.getsource(getattr(callback.cls, name)) for word in _STARTS_WORK
            ):
                continue
            view = callback.cls(**callback.initkwargs)
            view.action = name
            assert view.get_throttles(), f"POST {route} ({name}) starts work without a throttle"
            checked.append(name)
    assert {"execute", "fix_errors", "generate", "run", "quick_run", "fetch", "upload"} <= set(
        checked
    )


def test_the_default_cache_is_the_database_shared_by_every_process(transactional_db):
    assert type(caches["default"]).__name__ == "DatabaseCache"
    cache.set("shared-probe", 41, timeout=60)
    script = (
        "import django; django.setup(); from django.core.cache import cache; "
        "print(cache.get('shared-probe'))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "DATABASE_URL": database_url()}
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.stdout.strip() == "41", out.stderr[-2000:]


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("", "DatabaseCache"),
        ("db://", "DatabaseCache"),
        ("redis://127.0.0.1:6379/1", "RedisCache"),
        ("locmem://", "LocMemCache"),
    ],
)
def test_cache_url_selects_the_backend(url, backend):
    assert _cache_from_url("CACHE_URL", url)["BACKEND"].endswith(backend)


def test_unknown_cache_url_fails_loudly_naming_the_variable():
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        _cache_from_url("CACHE_URL", "memcached://x")


def _redis_up() -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", 6379)) == 0


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_throttles_keep_their_state_in_redis_when_configured(anon_client, rates, settings):
    import redis

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": f"algoagent-test-{os.getpid()}",
        }
    }
    cache.clear()
    rates("register", "1/hour")
    assert _register(anon_client, 1).status_code == 201
    assert _register(anon_client, 2).status_code == 429
    keys = redis.Redis(host="127.0.0.1", port=6379, db=15).keys(
        f"algoagent-test-{os.getpid()}:*throttle_register*"
    )
    assert keys  # the history lives in Redis, visible to every process
    cache.clear()
