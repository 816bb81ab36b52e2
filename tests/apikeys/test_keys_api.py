"""Key status and switches: staff only, and the keys themselves never leak."""

from __future__ import annotations

import json

import pytest

from apikeys import services
from tests.factories import UserFactory, token_for

pytestmark = pytest.mark.django_db

SECRET_A = "AIzaFAKE-aaaaaaaaaaaaaaaaaaaaaaaaaaaaa1234"
SECRET_B = "AIzaFAKE-bbbbbbbbbbbbbbbbbbbbbbbbbbbbb5678"


@pytest.fixture
def staff_client(api_client, user):
    user.is_staff = True
    user.save()
    return api_client


@pytest.fixture
def two_keys(monkeypatch):
    monkeypatch.setenv("GEMINI_API_KEYS", f"{SECRET_A},{SECRET_B}")
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)


def test_status_lists_aliases_and_last4_only(staff_client, two_keys):
    response = staff_client.get("/api/keys/status/")
    assert response.status_code == 200
    body = response.json()
    assert body["provider"] == "gemini"
    assert body["rotation_enabled"] is True
    assert [(k["alias"], k["last4"], k["healthy"]) for k in body["keys"]] == [
        ("key_01", "1234", True),
        ("key_02", "5678", True),
    ]
    assert SECRET_A not in json.dumps(body)
    assert SECRET_B not in json.dumps(body)


def test_status_without_keys_reports_offline(staff_client, monkeypatch):
    for name in ("GEMINI_API_KEYS", "GEMINI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    body = staff_client.get("/api/keys/status/").json()
    assert body["provider"] == "offline"
    assert body["keys"] == []


def test_disable_and_enable_switch_a_key_for_everyone(staff_client, two_keys):
    disabled = staff_client.post("/api/keys/key_02/disable/").json()
    assert (disabled["alias"], disabled["active"], disabled["healthy"]) == ("key_02", False, False)
    # The switch is in the shared store: the rotator skips the key.
    rotator = services.key_rotator_get()
    from datetime import UTC, datetime

    picks = {rotator.store.acquire(rotator.aliases, datetime.now(UTC)) for _ in range(3)}
    assert picks == {"key_01"}
    enabled = staff_client.post("/api/keys/key_02/enable/").json()
    assert enabled["active"] is True


def test_unknown_alias_is_404(staff_client, two_keys):
    response = staff_client.post("/api/keys/key_99/disable/")
    assert response.status_code == 404
    assert response.json()["error"]["details"] == {"alias": "key_99"}


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", "/api/keys/status/"), ("post", "/api/keys/key_01/disable/")],
)
def test_non_staff_get_403(api_client, two_keys, method, url):
    response = getattr(api_client, method)(url)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_anonymous_get_401(anon_client):
    assert anon_client.get("/api/keys/status/").status_code == 401


def test_requesting_gemini_without_keys_is_a_clear_422(monkeypatch):
    for name in ("GEMINI_API_KEYS", "GEMINI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(services.ProviderUnavailable) as excinfo:
        services.llm_provider_get(requested="gemini")
    assert excinfo.value.status_code == 422
    assert "GEMINI_API_KEYS" in excinfo.value.message
    assert services.llm_provider_get(requested="auto") is None


def test_other_staff_see_the_same_shared_state(staff_client, two_keys):
    staff_client.post("/api/keys/key_01/disable/")
    other = UserFactory(is_staff=True)
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(other)}")
    keys = {k["alias"]: k for k in client.get("/api/keys/status/").json()["keys"]}
    assert keys["key_01"]["active"] is False
