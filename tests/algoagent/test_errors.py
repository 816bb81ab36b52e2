"""The one error shape for every failure: 400, 401, 404, 405, 413, 415, 429, 500."""

from __future__ import annotations

import pytest
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from algoagent.urls import urlpatterns as real_urlpatterns

pytestmark = pytest.mark.django_db


class _Boom(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise RuntimeError("secret internal detail /etc/passwd")


class _Overflow(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise OverflowError("Python int too large to convert to SQLite INTEGER")


urlpatterns = [
    path("api/test-boom/", _Boom.as_view()),
    path("api/test-overflow/", _Overflow.as_view()),
    *real_urlpatterns,
]
handler404 = "algoagent.errors.handler404"
handler500 = "algoagent.errors.handler500"


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert list(body) == ["error"]
    assert set(body["error"]) == {"code", "message", "details"}
    return body["error"]


def test_unknown_api_url_is_404_in_error_shape(api_client):
    assert _error(api_client.get("/api/nope/"), 404)["code"] == "not_found"


@pytest.mark.parametrize("debug", [False, True])
def test_unknown_api_url_is_json_even_under_debug(api_client, settings, debug):
    """``make run`` serves with DEBUG on, where Django answers unknown URLs with its HTML page."""
    settings.DEBUG = debug
    error = _error(api_client.get("/api/nope/"), 404)
    assert (error["code"], error["message"]) == ("not_found", "No such endpoint.")


@pytest.mark.parametrize("debug", [False, True])
def test_a_write_without_the_trailing_slash_is_a_404_naming_the_url(api_client, settings, debug):
    """Not a 500 (DEBUG: CommonMiddleware raises) nor a redirect that turns the POST into a GET."""
    settings.DEBUG = debug
    response = api_client.post("/api/strategies", {"name": "x"}, format="json")
    error = _error(response, 404)
    assert error["details"]["did_you_mean"] == "/api/strategies/"
    assert "POST /api/strategies/" in error["message"]
    assert api_client.get("/api/strategies").status_code == 301


def test_wrong_method_is_405(api_client):
    assert _error(api_client.get("/api/auth/logout/"), 405)["code"] == "method_not_allowed"


def test_unsupported_media_type_is_415(api_client):
    response = api_client.generic("POST", "/api/strategies/", "name=x", content_type="text/plain")
    assert _error(response, 415)["code"] == "unsupported_media_type"


def test_malformed_json_is_400_parse_error(api_client):
    response = api_client.generic(
        "POST", "/api/strategies/", '{"name": ', content_type="application/json"
    )
    assert _error(response, 400)["code"] == "parse_error"


def test_oversized_body_is_413(api_client, settings):
    settings.API_MAX_BODY_BYTES = 2048
    response = api_client.post("/api/strategies/", {"name": "x", "code": "#" * 5000})
    error = _error(response, 413)
    assert error["code"] == "payload_too_large"
    assert error["details"]["limit_bytes"] == 2048


def test_unexpected_exception_is_500_without_traceback(anon_client, settings, caplog):
    settings.ROOT_URLCONF = __name__
    response = anon_client.get("/api/test-boom/")
    error = _error(response, 500)
    assert error["code"] == "server_error"
    assert "secret internal detail" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert any("secret internal detail" in (r.exc_text or "") for r in caplog.records)


def test_admin_404_stays_html(admin_client):
    response = admin_client.get("/admin/strategy_api/strategy/999999/change/")
    # Django admin redirects for missing objects; a truly unknown admin URL is an HTML 404.
    assert response.status_code in (302, 404)
    unknown = admin_client.get("/admin-nope/")
    assert unknown.status_code == 404
    assert "application/json" not in unknown["Content-Type"]


def test_number_too_large_for_the_database_is_never_a_500(api_client):
    # SQLite overflows on such a value (mapped to a 400); PostgreSQL just finds nothing.
    response = api_client.get("/api/backtests/?strategy=-1.7976931348623157e308")
    assert response.status_code in (200, 400), response.content
    if response.status_code == 400:
        assert response.json()["error"]["code"] == "value_out_of_range"


def test_overflow_error_maps_to_a_400(anon_client, settings):
    settings.ROOT_URLCONF = __name__
    response = anon_client.get("/api/test-overflow/")
    error = _error(response, 400)
    assert error["code"] == "value_out_of_range"


def test_options_requests_never_fail(api_client):
    for url in ("/api/data/fetch/", "/api/data/upload/", "/api/strategies/", "/api/backtests/"):
        response = api_client.options(url)
        assert response.status_code == 200, (url, response.content)
        assert "name" in response.json()
