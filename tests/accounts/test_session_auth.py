"""Session sign-in for the browser workspace: CSRF-checked, one error shape, 200 before sign-in."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import UserFactory

PASSWORD = "Tr4ding-Ideas-2026!"


@pytest.fixture
def browser(db) -> Client:
    """A browser-like client: CSRF is enforced, the token comes from the session endpoint."""
    client = Client(enforce_csrf_checks=True)
    client.get("/api/auth/session/")
    return client


def _post(client: Client, path: str, data: dict | None = None):
    token = client.cookies["csrftoken"].value
    return client.post(
        path, data or {}, content_type="application/json", headers={"X-CSRFToken": token}
    )


def test_session_endpoint_answers_200_before_sign_in_and_sets_the_csrf_cookie(db):
    client = Client(enforce_csrf_checks=True)
    response = client.get("/api/auth/session/")
    assert response.status_code == 200
    assert response.json() == {"authenticated": False, "user": None, "admin_url": None}
    assert "csrftoken" in response.cookies


def test_login_starts_a_session_that_the_api_accepts(browser):
    user = UserFactory(password=PASSWORD)
    response = _post(
        browser, "/api/auth/session/login/", {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert response.json()["user"]["username"] == user.username
    assert browser.get("/api/strategies/").status_code == 200
    assert browser.get("/api/auth/session/").json()["authenticated"] is True


def test_login_without_the_csrf_token_is_refused_in_the_error_shape(db):
    user = UserFactory(password=PASSWORD)
    client = Client(enforce_csrf_checks=True)
    client.get("/api/auth/session/")
    response = client.post(
        "/api/auth/session/login/",
        {"username": user.username, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert "CSRF" in response.json()["error"]["message"]


def test_wrong_password_is_invalid_credentials(browser):
    user = UserFactory(password=PASSWORD)
    response = _post(
        browser, "/api/auth/session/login/", {"username": user.username, "password": "nope"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_credentials"


def test_register_signs_in_and_checks_both_passwords(browser):
    body = {"username": "newbie", "email": "", "password": PASSWORD, "password2": PASSWORD + "x"}
    response = _post(browser, "/api/auth/session/register/", body)
    assert response.status_code == 400
    assert "password2" in response.json()["error"]["details"]["fields"]
    response = _post(browser, "/api/auth/session/register/", {**body, "password2": PASSWORD})
    assert response.status_code == 201
    assert response.json()["authenticated"] is True
    assert browser.get("/api/auth/me/").json()["username"] == "newbie"


def test_staff_get_the_admin_link_and_others_do_not(browser):
    staff = UserFactory(password=PASSWORD, is_staff=True)
    _post(browser, "/api/auth/session/login/", {"username": staff.username, "password": PASSWORD})
    assert browser.get("/api/auth/session/").json()["admin_url"] == "/admin/"
    plain = UserFactory(password=PASSWORD)
    other = Client(enforce_csrf_checks=True)
    other.get("/api/auth/session/")
    _post(other, "/api/auth/session/login/", {"username": plain.username, "password": PASSWORD})
    assert other.get("/api/auth/session/").json()["admin_url"] is None


def test_logout_ends_the_session(browser):
    user = UserFactory(password=PASSWORD)
    _post(browser, "/api/auth/session/login/", {"username": user.username, "password": PASSWORD})
    response = _post(browser, "/api/auth/session/logout/")
    assert response.json()["authenticated"] is False
    assert browser.get("/api/strategies/").status_code in (401, 403)


def test_session_endpoints_are_not_in_the_openapi_schema(db, client):
    schema = client.get("/api/schema/", headers={"Accept": "application/json"}).json()
    assert not [p for p in schema["paths"] if p.startswith("/api/auth/session")]
