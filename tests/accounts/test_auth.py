"""Auth flows: register, login, logout (token revocation), me, throttled failures."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from accounts.models import ApiToken, token_hash
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Tr4ding-Ideas-2026!"


def _assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str)
    assert body["error"]["message"]
    assert isinstance(body["error"]["details"], dict)
    return body["error"]


def test_register_creates_user_and_returns_working_token(anon_client):
    response = anon_client.post(
        "/api/auth/register/",
        {"username": "alice", "email": "alice@example.com", "password": GOOD_PASSWORD},
    )
    assert response.status_code == 201, response.content
    token = response.json()["token"]
    assert response.json()["user"]["username"] == "alice"
    assert "password" not in response.json()["user"]

    anon_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = anon_client.get("/api/auth/me/")
    assert me.status_code == 200
    assert me.json()["username"] == "alice"


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("short1!", "too short"),
        ("password123", "too common"),
        ("8491027365", "entirely numeric"),
    ],
)
def test_register_rejects_weak_passwords_with_field_error(anon_client, password, fragment):
    response = anon_client.post("/api/auth/register/", {"username": "bob", "password": password})
    error = _assert_error(response, 400, "validation_error")
    messages = " ".join(error["details"]["fields"]["password"])
    assert fragment in messages
    assert not get_user_model().objects.filter(username="bob").exists()


def test_register_rejects_duplicate_username_case_insensitively(anon_client, user):
    response = anon_client.post(
        "/api/auth/register/", {"username": user.username.upper(), "password": GOOD_PASSWORD}
    )
    error = _assert_error(response, 400, "validation_error")
    assert "username" in error["details"]["fields"]


def test_register_lists_every_missing_field(anon_client):
    response = anon_client.post("/api/auth/register/", {})
    error = _assert_error(response, 400, "validation_error")
    assert set(error["details"]["fields"]) == {"username", "password"}
    assert "username" in error["message"]
    assert "password" in error["message"]


def test_login_returns_token_for_valid_credentials(anon_client, user):
    response = anon_client.post(
        "/api/auth/login/", {"username": user.username, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200, response.content
    token = ApiToken.objects.get(key_hash=token_hash(response.json()["token"]))
    assert token.user == user


def test_login_with_wrong_password_is_rejected(anon_client, user):
    response = anon_client.post(
        "/api/auth/login/", {"username": user.username, "password": "not-the-password"}
    )
    _assert_error(response, 400, "invalid_credentials")
    assert not ApiToken.objects.filter(user=user).exists()


def test_repeated_login_failures_are_throttled_with_retry_after(anon_client, user, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        response = anon_client.post(
            "/api/auth/login/", {"username": user.username, "password": "wrong"}
        )
        assert response.status_code == 400
    # Even the right password is refused while throttled: the check runs before authentication.
    response = anon_client.post(
        "/api/auth/login/", {"username": user.username, "password": DEFAULT_PASSWORD}
    )
    error = _assert_error(response, 429, "throttled")
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= settings.LOGIN_FAILURE_WINDOW_SECONDS
    assert error["details"]["retry_after_seconds"] == retry_after


def test_successful_login_resets_failure_count(anon_client, user, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    anon_client.post("/api/auth/login/", {"username": user.username, "password": "wrong"})
    ok = anon_client.post(
        "/api/auth/login/", {"username": user.username, "password": DEFAULT_PASSWORD}
    )
    assert ok.status_code == 200
    anon_client.post("/api/auth/login/", {"username": user.username, "password": "wrong"})
    again = anon_client.post(
        "/api/auth/login/", {"username": user.username, "password": DEFAULT_PASSWORD}
    )
    assert again.status_code == 200


def test_logout_revokes_token(api_client):
    assert api_client.get("/api/auth/me/").status_code == 200
    response = api_client.post("/api/auth/logout/")
    assert response.status_code == 204
    revoked = api_client.get("/api/auth/me/")
    error = _assert_error(revoked, 401, "authentication_failed")
    assert "token" in error["message"].lower()
    assert revoked["WWW-Authenticate"].startswith("Token")


def test_me_requires_authentication(anon_client):
    response = anon_client.get("/api/auth/me/")
    _assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Token")


def test_garbage_token_is_rejected(anon_client):
    anon_client.credentials(HTTP_AUTHORIZATION="Token deadbeef")
    _assert_error(anon_client.get("/api/auth/me/"), 401, "authentication_failed")


def test_session_login_works_for_browsable_api(client, user):
    assert client.login(username=user.username, password=DEFAULT_PASSWORD)
    response = client.get("/api/auth/me/")
    assert response.status_code == 200
    assert response.json()["username"] == user.username
