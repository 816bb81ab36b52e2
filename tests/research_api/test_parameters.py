"""GET parameters/ (static, from the code) and POST apply_params/ (a new version)."""

from __future__ import annotations

import pytest

from tests.research_api.conftest import post

pytestmark = pytest.mark.django_db


def test_parameters_lists_the_class_attributes_with_values_and_types(api_client, strategy):
    response = api_client.get(f"/api/strategies/{strategy.pk}/parameters/")
    assert response.status_code == 200
    body = response.json()
    assert body["strategy_class"] == "SmaCross"
    assert body["version"] == 1
    assert [(p["name"], p["value"], p["type"]) for p in body["parameters"]] == [
        ("n1", 10, "int"),
        ("n2", 20, "int"),
    ]


def test_parameters_of_code_without_a_strategy_class_is_a_422(api_client, user):
    from tests.factories import make_strategy

    strategy = make_strategy(user, code="x = 1\n")
    response = api_client.get(f"/api/strategies/{strategy.pk}/parameters/")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "no_strategy_class"


def test_apply_params_writes_a_new_current_version(api_client, strategy):
    body = post(
        api_client,
        f"/api/strategies/{strategy.pk}/apply_params/",
        {"params": {"n1": 7, "n2": 40}},
        status=201,
    )
    assert body["number"] == 2
    assert "    n1 = 7\n" in body["code"]
    assert "    n2 = 40\n" in body["code"]
    assert "n1=7, n2=40" in body["message"]
    params = api_client.get(f"/api/strategies/{strategy.pk}/parameters/").json()
    assert [p["value"] for p in params["parameters"]] == [7, 40]
    older = api_client.get(f"/api/strategies/{strategy.pk}/parameters/?version=1").json()
    assert [p["value"] for p in older["parameters"]] == [10, 20]


def test_apply_params_refuses_unknown_parameters_naming_them(api_client, strategy):
    response = api_client.post(
        f"/api/strategies/{strategy.pk}/apply_params/", {"params": {"n3": 1}}, format="json"
    )
    assert response.status_code == 400
    assert "params.n3" in response.json()["error"]["details"]["fields"]
    strategy.refresh_from_db()
    assert strategy.current_version == 1


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("get", "parameters/", None),
        ("post", "apply_params/", {"params": {"n1": 5}}),
        ("post", "optimize/", {"params": {"n1": [5, 10]}}),
        (
            "post",
            "walk_forward/",
            {"params": {"n1": [5, 10]}, "train_bars": 100, "test_bars": 50},
        ),
        ("post", "monte_carlo/", {"test_symbol": "GOOG"}),
        ("get", "executions/1/tearsheet/", None),
    ],
)
def test_another_users_strategy_is_a_404_on_every_research_endpoint(
    other_client, strategy, method, suffix, body
):
    url = f"/api/strategies/{strategy.pk}/{suffix}"
    response = getattr(other_client, method)(url, body, format="json")
    assert response.status_code == 404, (url, response.content[:300])
