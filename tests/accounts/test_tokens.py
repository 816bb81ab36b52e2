"""API tokens: hashed at rest, optional expiry (401 token_expired), list, create, revoke."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken, token_hash
from accounts.services import token_create
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def _client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _login(anon_client, user) -> str:
    body = {"username": user.username, "password": DEFAULT_PASSWORD}
    return anon_client.post("/api/auth/login/", body).json()["token"]


def test_keys_are_stored_hashed_only(user):
    token, key = token_create(user=user)
    assert token.key_hash == token_hash(key)
    assert key not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert token.prefix == key[:8]


def test_expired_token_answers_401_token_expired(user, settings):
    settings.TOKEN_TTL_HOURS = 1
    token, key = token_create(user=user)
    assert token.expires_at is not None
    client = _client(key)
    assert client.get("/api/auth/me/").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get("/api/auth/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    assert response.json()["error"]["code"] == "token_expired"


def test_tokens_never_expire_by_default(user):
    token, _ = token_create(user=user)
    assert token.expires_at is None


def test_list_shows_prefix_and_use_never_the_key(anon_client, user):
    first = _login(anon_client, user)
    second = _login(anon_client, user)
    listed = _client(second).get("/api/auth/tokens/")
    assert listed.status_code == 200
    body = listed.json()
    assert len(body) == 2
    assert first not in listed.content.decode()
    assert second not in listed.content.decode()
    assert {t["prefix"] for t in body} == {first[:8], second[:8]}
    current = next(t for t in body if t["current"])
    assert current["prefix"] == second[:8]
    assert current["last_used_at"] is not None
    assert set(current) == {
        "id", "prefix", "name", "created_at", "last_used_at", "expires_at", "current"
    }  # fmt: skip


def test_revoke_one_token_keeps_the_others(anon_client, user, other_user):
    keep, drop = _login(anon_client, user), _login(anon_client, user)
    drop_id = ApiToken.objects.get(key_hash=token_hash(drop)).pk
    # Another user cannot revoke it (and learns nothing: 404).
    other_key = token_create(user=other_user)[1]
    assert _client(other_key).delete(f"/api/auth/tokens/{drop_id}/").status_code == 404
    assert _client(keep).delete(f"/api/auth/tokens/{drop_id}/").status_code == 204
    assert _client(drop).get("/api/auth/me/").status_code == 401
    assert _client(keep).get("/api/auth/me/").status_code == 200


def test_logout_revokes_only_the_current_token(anon_client, user):
    laptop, phone = _login(anon_client, user), _login(anon_client, user)
    assert _client(laptop).post("/api/auth/logout/").status_code == 204
    assert _client(laptop).get("/api/auth/me/").status_code == 401
    assert _client(phone).get("/api/auth/me/").status_code == 200


def test_create_named_token_shows_its_key_once(api_client):
    created = api_client.post("/api/auth/tokens/", {"name": "ci"})
    assert created.status_code == 201
    key = created.json()["token"]
    assert created.json()["details"]["name"] == "ci"
    assert _client(key).get("/api/auth/me/").status_code == 200
    listed = api_client.get("/api/auth/tokens/").content.decode()
    assert key not in listed


def test_a_user_holds_at_most_the_configured_number_of_tokens(user, settings):
    settings.TOKEN_MAX_PER_USER = 3
    keys = [token_create(user=user)[1] for _ in range(5)]
    assert ApiToken.objects.filter(user=user).count() == 3
    assert _client(keys[-1]).get("/api/auth/me/").status_code == 200
    assert _client(keys[0]).get("/api/auth/me/").status_code == 401
