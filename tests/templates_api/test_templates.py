"""Template CRUD and instantiation: ownership, read-only built-ins, field-level errors."""

from __future__ import annotations

import pytest

from strategy_api.models import Strategy
from templates_api.models import StrategyTemplate
from tests.templates_api.factories import make_template, template_payload

pytestmark = pytest.mark.django_db


def _builtin(slug: str = "sma-cross") -> StrategyTemplate:
    return StrategyTemplate.objects.get(slug=slug, builtin=True)


# --- reading -----------------------------------------------------------------------------------


def test_list_shows_builtins_and_own_but_not_other_users(
    api_client, user, other_user, django_assert_num_queries
):
    mine = make_template(user)
    make_template(other_user, name="Theirs")
    with django_assert_num_queries(3):  # token auth, count, page
        response = api_client.get("/api/templates/", {"page_size": 100})
    assert response.status_code == 200
    results = response.json()["results"]
    builtins = StrategyTemplate.objects.filter(builtin=True).count()
    assert response.json()["count"] == builtins + 1
    assert [t["id"] for t in results if not t["builtin"]] == [mine.pk]
    assert all(t["builtin"] for t in results[:builtins])  # built-ins first


def test_list_filters_by_category_builtin_and_search(api_client, user):
    make_template(user)
    trend = api_client.get("/api/templates/", {"category": "trend"}).json()["results"]
    assert {t["slug"] for t in trend} == {"sma-cross", "ema-cross"}
    own = api_client.get("/api/templates/", {"builtin": "false"}).json()["results"]
    assert [t["name"] for t in own] == ["My RSI"]
    found = api_client.get("/api/templates/", {"search": "donchian"}).json()["results"]
    assert [t["slug"] for t in found] == ["donchian-breakout"]


def test_retrieve_builtin_shows_spec_and_documented_parameters(api_client):
    template = _builtin("rsi-reversion")
    body = api_client.get(f"/api/templates/{template.pk}/").json()
    assert body["builtin"] is True
    assert body["spec"]["indicators"][0]["indicator"] == "RSI"
    oversold = next(p for p in body["parameters"] if p["name"] == "oversold")
    assert oversold == {
        "name": "oversold",
        "path": "rules.entry.conditions.0.right",
        "type": "float",
        "default": 30,
        "min": 5,
        "max": 50,
        "description": "Buy when RSI falls below this level.",
    }


# --- writing your own --------------------------------------------------------------------------


def test_create_own_template_normalises_spec_and_slug(api_client, user):
    payload = template_payload(name="Deep RSI dips")
    payload["spec"]["indicators"][0]["indicator"] = "relative strength index"
    response = api_client.post("/api/templates/", payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["slug"], body["builtin"], body["category"]) == (
        "deep-rsi-dips",
        False,
        "mean_reversion",
    )
    assert body["spec"]["indicators"][0]["indicator"] == "RSI"
    assert body["parameters"][0]["default"] == 14
    assert StrategyTemplate.objects.get(pk=body["id"]).owner == user


def test_create_reports_spec_errors_with_dotted_paths(api_client):
    payload = template_payload()
    payload["spec"]["rules"]["entry"]["conditions"][0]["op"] = "<<"
    payload["spec"]["indicators"][0]["params"]["timeperiod"] = 1
    response = api_client.post("/api/templates/", payload, format="json")
    assert response.status_code == 400
    fields = response.json()["error"]["details"]["fields"]
    assert set(fields) == {"spec.rules.entry.conditions.0.op"}
    payload = template_payload()
    payload["spec"]["indicators"][0]["params"]["timeperiod"] = 1
    fields = api_client.post("/api/templates/", payload, format="json").json()["error"]["details"][
        "fields"
    ]
    assert "between 2 and 500" in fields["spec.indicators.0.params.timeperiod"][0]


@pytest.mark.parametrize(
    ("change", "field", "text"),
    [
        ({"path": "indicators.nope.params.timeperiod"}, "parameters.0.path", "has no 'nope'"),
        ({"path": "rules.entry.logic"}, "parameters.0.path", "not a number"),
        ({"default": 99}, "parameters.0.default", "at most 50"),
        ({"type": "int", "default": 14.5}, "parameters.0.default", "whole number"),
    ],
)
def test_create_checks_parameters_against_the_spec(api_client, change, field, text):
    payload = template_payload()
    payload["parameters"][0].update(change)
    response = api_client.post("/api/templates/", payload, format="json")
    assert response.status_code == 400
    fields = response.json()["error"]["details"]["fields"]
    assert list(fields) == [field]
    assert text in fields[field][0]


def test_create_rejects_malformed_parameters_and_duplicate_slugs(api_client, user):
    payload = template_payload()
    payload["parameters"][1]["name"] = "period"
    response = api_client.post("/api/templates/", payload, format="json")
    assert "Duplicate parameter names: period" in str(response.json()["error"]["details"])
    make_template(user, slug="mine")
    again = api_client.post("/api/templates/", template_payload(slug="mine"), format="json")
    assert again.status_code == 400
    assert "slug" in again.json()["error"]["details"]["fields"]


def test_update_own_template_rechecks_parameters_against_a_new_spec(api_client, user):
    template = make_template(user)
    renamed = api_client.patch(f"/api/templates/{template.pk}/", {"name": "Renamed"}, format="json")
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "Renamed"
    spec = template_payload()["spec"]
    spec["indicators"][0]["id"] = "momentum"
    spec["rules"]["entry"]["conditions"][0]["left"] = "momentum"
    spec["rules"]["exit"]["left"] = "momentum"
    broken = api_client.patch(f"/api/templates/{template.pk}/", {"spec": spec}, format="json")
    assert broken.status_code == 400
    assert "parameters.0.path" in broken.json()["error"]["details"]["fields"]
    template.refresh_from_db()
    assert template.spec["indicators"][0]["id"] == "rsi"


def test_delete_own_template(api_client, user):
    template = make_template(user)
    assert api_client.delete(f"/api/templates/{template.pk}/").status_code == 204
    assert not StrategyTemplate.objects.filter(pk=template.pk).exists()


@pytest.mark.parametrize(
    ("method", "payload"),
    [("patch", {"name": "mine now"}), ("put", template_payload()), ("delete", None)],
)
def test_builtins_are_read_only(api_client, method, payload):
    template = _builtin()
    response = getattr(api_client, method)(f"/api/templates/{template.pk}/", payload, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    template.refresh_from_db()
    assert template.name == "SMA crossover"


@pytest.mark.parametrize(
    ("method", "suffix", "payload"),
    [
        ("get", "", None),
        ("patch", "", {"name": "hijacked"}),
        ("delete", "", None),
        ("post", "instantiate/", {}),
    ],
)
def test_other_users_template_is_not_found(other_client, user, method, suffix, payload):
    template = make_template(user)
    response = getattr(other_client, method)(
        f"/api/templates/{template.pk}/{suffix}", payload, format="json"
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert StrategyTemplate.objects.get(pk=template.pk).name == "My RSI"
    assert not Strategy.objects.exists()


# --- instantiate -------------------------------------------------------------------------------


def test_instantiate_applies_values_and_defaults(api_client, user):
    template = _builtin("ema-cross")
    response = api_client.post(
        f"/api/templates/{template.pk}/instantiate/",
        {"name": "Fast EMA", "parameters": {"fast_period": 5, "stop_loss_pct": 2.5}},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Fast EMA"
    ids = {i["id"]: i["params"] for i in body["spec"]["indicators"]}
    assert ids == {"ema_fast": {"timeperiod": 5}, "ema_slow": {"timeperiod": 26}}
    assert body["spec"]["stop_loss_pct"] == 2.5
    assert body["spec"]["name"] == "Fast EMA"
    assert "ema_fast_timeperiod = 5" in body["code"]
    assert "class FastEMA(" in body["code"]


def test_instantiate_own_template(api_client, user):
    template = make_template(user)
    body = api_client.post(
        f"/api/templates/{template.pk}/instantiate/", {"parameters": {"oversold": 20}}
    ).json()
    assert body["spec"]["rules"]["entry"]["conditions"][0]["right"] == 20.0


@pytest.mark.parametrize(
    ("values", "field", "text"),
    [
        ({"fast_period": "ten"}, "parameters.fast_period", "must be a number"),
        ({"fast_period": 10.5}, "parameters.fast_period", "whole number"),
        ({"fast_period": 1}, "parameters.fast_period", "at least 2"),
        ({"slow_period": 1000}, "parameters.slow_period", "at most 400"),
        ({"fast": 5}, "parameters.fast", "unknown parameter 'fast'"),
    ],
)
def test_instantiate_rejects_bad_values_naming_the_parameter(api_client, values, field, text):
    template = _builtin()
    response = api_client.post(
        f"/api/templates/{template.pk}/instantiate/", {"parameters": values}, format="json"
    )
    assert response.status_code == 400
    fields = response.json()["error"]["details"]["fields"]
    assert list(fields) == [field]
    assert text in fields[field][0]
    assert not Strategy.objects.exists()


def test_instantiate_reports_an_invalid_resulting_spec(api_client, user):
    template = make_template(user)
    StrategyTemplate.objects.filter(pk=template.pk).update(
        parameters=[{**template.parameters[0], "max": 5000}]
    )
    response = api_client.post(
        f"/api/templates/{template.pk}/instantiate/", {"parameters": {"period": 4000}}
    )
    assert response.status_code == 400
    assert "spec.indicators.0.params.timeperiod" in response.json()["error"]["details"]["fields"]


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/templates/"),
        ("post", "/api/templates/"),
        ("get", "/api/templates/1/"),
        ("post", "/api/templates/1/instantiate/"),
    ],
)
def test_templates_require_authentication(anon_client, method, url):
    assert getattr(anon_client, method)(url).status_code == 401
