"""Every write endpoint refuses fields it does not know, naming them (issue: typos ignored).

The operations come from the OpenAPI schema, so a new write endpoint is covered the day it is
added: if it cannot be given path parameters below, the test fails and says which.
"""

from __future__ import annotations

import re

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from jobs.models import Job
from tests.backtest_api.factories import make_config, make_run
from tests.factories import UserFactory, make_strategy, token_for
from tests.templates_api.factories import make_template

UNKNOWN = "zz_unknown_field"
WRITE_METHODS = ("post", "put", "patch")


def _write_operations() -> list[tuple[str, str, list[str]]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = []
    for path, items in schema["paths"].items():
        for method, operation in items.items():
            if method in WRITE_METHODS:
                content = list(operation.get("requestBody", {}).get("content", {}))
                operations.append((method, path, content))
    return operations


OPERATIONS = _write_operations()


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True)


@pytest.fixture
def objects(staff):
    """One object of every kind a write path can name, owned by ``staff``."""
    strategy = make_strategy(staff)
    job = Job.objects.create(owner=staff, kind="execute", input={}, strategy=strategy)
    return {
        "/api/strategies/{id}/": strategy.pk,
        "/api/strategies/{strategy_id}/": strategy.pk,
        "/api/backtests/configs/{id}/": make_config(staff).pk,
        "/api/backtests/{id}/": make_run(staff, strategy=strategy).pk,
        "/api/templates/{id}/": make_template(staff).pk,
        "/api/jobs/{id}/": job.pk,
        "/api/keys/{alias}/": "primary",
        "{number}": 1,
    }


def _fill(path: str, objects: dict) -> str:
    for prefix, value in objects.items():
        if prefix.startswith("/") and path.startswith(prefix):
            name = re.search(r"\{(\w+)\}", prefix).group(0)
            path = path.replace(name, str(value), 1)
    path = path.replace("{number}", str(objects["{number}"]))
    assert "{" not in path, f"give the test an object for {path}"
    return path


@pytest.mark.parametrize(("method", "path", "content"), OPERATIONS, ids=lambda v: str(v))
def test_write_endpoint_refuses_unknown_field(method, path, content, staff, objects):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(staff)}")
    url = _fill(path, objects)
    if content and "application/json" not in content:  # multipart only (the CSV upload)
        response = getattr(client, method)(url, {UNKNOWN: "1"}, format="multipart")
    else:
        response = getattr(client, method)(url, {UNKNOWN: 1}, format="json")
    assert response.status_code == 400, (url, response.status_code, response.content[:300])
    error = response.json()["error"]
    named = error["details"].get("unknown_fields") or list(error["details"].get("fields", {}))
    assert UNKNOWN in named, error


def test_write_operations_were_found():
    # Guards the parametrisation itself: an empty schema would make the test above vacuous.
    assert len(OPERATIONS) >= 30


def test_misspelled_commission_is_refused_and_nothing_is_queued(api_client, user):
    strategy = make_strategy(user)
    response = api_client.post(
        f"/api/strategies/{strategy.pk}/execute/", {"comission": 0.01}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["details"]["unknown_fields"] == ["comission"]
    assert error["message"] == (
        "Unknown or read-only field(s): comission (did you mean 'commission'?)."
    )
    assert error["details"]["did_you_mean"] == {"comission": "commission"}
    assert not Job.objects.filter(owner=user).exists()


def test_an_unknown_field_like_no_accepted_name_gets_no_suggestion(api_client, user):
    strategy = make_strategy(user)
    response = api_client.post(
        f"/api/strategies/{strategy.pk}/execute/", {"leverage": 5}, format="json"
    )
    error = response.json()["error"]
    assert error["message"] == "Unknown or read-only field(s): leverage."
    assert "did_you_mean" not in error["details"]
    assert error["details"]["fields"]["leverage"][0].startswith("Unknown field; accepted fields: ")


def test_read_only_field_in_a_write_is_refused(api_client, user):
    strategy = make_strategy(user)
    response = api_client.patch(
        f"/api/strategies/{strategy.pk}/", {"total_executions": 99}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["details"]["unknown_fields"] == ["total_executions"]


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({"margin": True}, "margin", "Must be a number, not true"),
        ({"cash": False}, "cash", "Must be a number, not false"),
        ({"cash": "1000"}, "cash", "Must be a JSON number, not the string '1000'"),
        ({"commission": "0.002"}, "commission", "Must be a JSON number, not the string"),
        ({"trade_on_close": "yes"}, "trade_on_close", "Must be true or false"),
        ({"finalize_trades": 1}, "finalize_trades", "Must be true or false"),
    ],
)
def test_a_json_value_of_the_wrong_kind_is_refused_not_coerced(api_client, user, body, field, says):
    strategy = make_strategy(user)
    response = api_client.post(f"/api/strategies/{strategy.pk}/execute/", body, format="json")
    assert response.status_code == 400
    assert says in response.json()["error"]["details"]["fields"][field][0]
    assert not Job.objects.filter(owner=user).exists()


def test_generate_refuses_a_yes_no_option_sent_as_a_string(api_client):
    response = api_client.post(
        "/api/strategies/generate_with_ai/",
        {"description": "Buy when RSI < 30, sell when RSI > 70", "auto_fix": "yes"},
        format="json",
    )
    assert response.status_code == 400
    assert "auto_fix" in response.json()["error"]["details"]["fields"]


def test_form_fields_are_still_converted_from_text(api_client, user):
    response = api_client.post(
        "/api/backtests/configs/",
        {"name": "form", "symbol": "GOOG", "cash": "5000", "trade_on_close": "true"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
