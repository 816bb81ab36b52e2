"""Strategy CRUD: ownership isolation, versioning, validation errors, filters, pagination."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from strategy_api.models import Strategy, StrategyStatus, StrategyVersion
from tests.factories import SMA_CROSS_CODE, make_strategy

pytestmark = pytest.mark.django_db


def test_create_strategy_with_code_creates_version_one_and_file(api_client, user):
    response = api_client.post(
        "/api/strategies/",
        {"name": "SMA cross", "description": "10/20 SMA crossover", "code": SMA_CROSS_CODE},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft"
    assert body["current_version"] == 1
    assert body["code"] == SMA_CROSS_CODE
    assert body["total_executions"] == 0
    strategy = Strategy.objects.get(pk=body["id"])
    assert strategy.owner == user
    version = strategy.versions.get()
    assert (version.number, version.source, version.code) == (1, "user", SMA_CROSS_CODE)
    assert (Path(settings.DATA_DIR) / body["file_path"]).read_text() == SMA_CROSS_CODE


def test_create_without_code_has_no_version(api_client):
    response = api_client.post("/api/strategies/", {"name": "Idea only"})
    assert response.status_code == 201
    assert response.json()["current_version"] == 0
    assert not StrategyVersion.objects.exists()


def test_create_reports_each_invalid_field(api_client, settings):
    settings.STRATEGY_CODE_MAX_BYTES = 1000
    response = api_client.post("/api/strategies/", {"name": "   ", "code": "x" * 1001})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["details"]["fields"]) == {"name", "code"}
    assert "1001 bytes" in error["details"]["fields"]["code"][0]


def test_tracking_fields_cannot_be_set_and_are_named(api_client, user):
    response = api_client.post(
        "/api/strategies/",
        {"name": "Sneaky", "total_executions": 99, "latest_return_pct": 1e6, "status": "working"},
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["details"]["unknown_fields"] == ["latest_return_pct", "status", "total_executions"]
    assert not Strategy.objects.filter(owner=user).exists()


def test_code_change_creates_new_version_and_resets_status(api_client, user):
    strategy = make_strategy(user)
    Strategy.objects.filter(pk=strategy.pk).update(status=StrategyStatus.WORKING)
    new_code = SMA_CROSS_CODE.replace("n2 = 20", "n2 = 30")
    response = api_client.patch(f"/api/strategies/{strategy.pk}/", {"code": new_code})
    assert response.status_code == 200, response.content
    assert response.json()["current_version"] == 2
    assert response.json()["status"] == "draft"
    numbers = list(strategy.versions.order_by("number").values_list("number", "code"))
    assert numbers == [(1, SMA_CROSS_CODE), (2, new_code)]


def test_rename_without_code_change_creates_no_version(api_client, user):
    strategy = make_strategy(user)
    response = api_client.patch(f"/api/strategies/{strategy.pk}/", {"name": "Renamed"})
    assert response.status_code == 200
    assert response.json()["name"] == "Renamed"
    assert strategy.versions.count() == 1
    same_code = api_client.patch(f"/api/strategies/{strategy.pk}/", {"code": SMA_CROSS_CODE})
    assert same_code.json()["current_version"] == 1


def test_put_requires_name(api_client, user):
    strategy = make_strategy(user)
    response = api_client.put(f"/api/strategies/{strategy.pk}/", {"description": "x"})
    assert response.status_code == 400
    assert "name" in response.json()["error"]["details"]["fields"]


def test_versions_endpoint_lists_newest_first(api_client, user):
    strategy = make_strategy(user)
    api_client.patch(f"/api/strategies/{strategy.pk}/", {"code": SMA_CROSS_CODE + "\n# v2\n"})
    response = api_client.get(f"/api/strategies/{strategy.pk}/versions/")
    assert response.status_code == 200
    assert [v["number"] for v in response.json()["results"]] == [2, 1]
    assert response.json()["results"][0]["source"] == "user"


def test_delete_removes_strategy_versions_and_files(
    api_client, user, django_capture_on_commit_callbacks
):
    strategy = make_strategy(user)
    code_file = Path(settings.DATA_DIR) / strategy.file_path
    assert code_file.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.delete(f"/api/strategies/{strategy.pk}/")
    assert response.status_code == 204
    assert not Strategy.objects.filter(pk=strategy.pk).exists()
    assert not StrategyVersion.objects.filter(strategy_id=strategy.pk).exists()
    assert not code_file.parent.exists()


# --- ownership isolation: another user's strategy is a 404, never a 403 -------------------------


def test_list_shows_only_own_strategies(api_client, other_client, user, other_user):
    mine = make_strategy(user, name="mine")
    make_strategy(other_user, name="theirs")
    response = api_client.get("/api/strategies/")
    assert [s["id"] for s in response.json()["results"]] == [mine.pk]
    assert response.json()["count"] == 1


@pytest.mark.parametrize(
    ("method", "suffix", "payload"),
    [
        ("get", "", None),
        ("patch", "", {"name": "hijacked"}),
        ("put", "", {"name": "hijacked", "code": "pass"}),
        ("delete", "", None),
        ("get", "versions/", None),
    ],
)
def test_other_users_strategy_is_not_found(other_client, user, method, suffix, payload):
    strategy = make_strategy(user)
    response = getattr(other_client, method)(f"/api/strategies/{strategy.pk}/{suffix}", payload)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    strategy.refresh_from_db()
    assert strategy.name == "SMA cross"
    assert strategy.versions.count() == 1


def test_unauthenticated_list_is_401_in_error_shape(anon_client):
    response = anon_client.get("/api/strategies/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


# --- list features ------------------------------------------------------------------------------


def test_list_filters_by_status_and_review_status(api_client, user):
    draft = make_strategy(user, name="a")
    working = make_strategy(user, name="b")
    Strategy.objects.filter(pk=working.pk).update(status="working", review_status="approved")
    by_status = api_client.get("/api/strategies/?status=working").json()
    assert [s["id"] for s in by_status["results"]] == [working.pk]
    by_review = api_client.get("/api/strategies/?review_status=pending").json()
    assert [s["id"] for s in by_review["results"]] == [draft.pk]


def test_list_filters_strategies_never_backtested(api_client, user):
    never = make_strategy(user, name="never run")
    ran = make_strategy(user, name="ran")
    Strategy.objects.filter(pk=ran.pk).update(total_executions=2)
    not_run = api_client.get("/api/strategies/?has_runs=false").json()
    assert [s["id"] for s in not_run["results"]] == [never.pk]
    with_runs = api_client.get("/api/strategies/?has_runs=true").json()
    assert [s["id"] for s in with_runs["results"]] == [ran.pk]


def test_list_rejects_unknown_filter_value_naming_the_field(api_client):
    response = api_client.get("/api/strategies/?status=bogus")
    assert response.status_code == 400
    assert "status" in response.json()["error"]["details"]["fields"]


def test_list_search_and_ordering(api_client, user):
    make_strategy(user, name="RSI reversion", description="oversold bounce")
    make_strategy(user, name="MACD momentum")
    make_strategy(user, name="Bollinger squeeze", description="RSI filter")
    found = api_client.get("/api/strategies/?search=rsi").json()["results"]
    assert sorted(s["name"] for s in found) == ["Bollinger squeeze", "RSI reversion"]
    ordered = api_client.get("/api/strategies/?ordering=name").json()["results"]
    assert [s["name"] for s in ordered] == ["Bollinger squeeze", "MACD momentum", "RSI reversion"]


def test_list_is_paginated_and_omits_code(api_client, user):
    for i in range(25):
        make_strategy(user, name=f"s{i}", code="")
    page1 = api_client.get("/api/strategies/").json()
    assert page1["count"] == 25
    assert len(page1["results"]) == 20
    assert page1["next"] is not None
    assert "code" not in page1["results"][0]
    page2 = api_client.get("/api/strategies/?page=2&page_size=20").json()
    assert len(page2["results"]) == 5
    assert api_client.get("/api/strategies/?page=9").status_code == 404


def test_list_query_count_does_not_grow_with_rows(api_client, user, django_assert_max_num_queries):
    for i in range(15):
        make_strategy(user, name=f"s{i}")
    # auth token lookup + count + page
    with django_assert_max_num_queries(3):
        response = api_client.get("/api/strategies/")
    assert len(response.json()["results"]) == 15
