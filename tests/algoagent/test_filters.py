"""List endpoints refuse query parameters they would silently ignore."""

from __future__ import annotations

import pytest

from tests.factories import make_strategy

LISTS = [
    "/api/strategies/",
    "/api/executions/",
    "/api/backtests/",
    "/api/backtests/configs/",
    "/api/jobs/",
    "/api/templates/",
]


@pytest.mark.parametrize("url", LISTS)
def test_a_misspelled_query_parameter_is_a_400_naming_it(api_client, url):
    response = api_client.get(url, {"stauts": "failed"})
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["details"]["unknown_fields"] == ["stauts"]
    assert "page_size" in error["details"]["fields"]["stauts"][0]


def test_a_misspelled_filter_names_the_one_it_looks_like(api_client):
    error = api_client.get("/api/executions/", {"stauts": "failed"}).json()["error"]
    assert error["details"]["did_you_mean"] == {"stauts": "status"}
    assert error["details"]["fields"]["stauts"][0].startswith(
        "Unknown field (did you mean 'status'?); accepted fields: "
    )


def test_the_filters_search_ordering_and_paging_of_a_list_are_accepted(api_client, user):
    make_strategy(user, name="alpha")
    response = api_client.get(
        "/api/strategies/",
        {
            "status": "draft",
            "review_status": "pending",
            "created_after": "2020-01-01T00:00:00Z",
            "search": "alpha",
            "ordering": "-updated_at,name",
            "page": 1,
            "page_size": 5,
        },
    )
    assert response.status_code == 200, response.content


def test_an_ordering_by_a_field_that_cannot_be_ordered_by_is_a_400(api_client):
    response = api_client.get("/api/executions/", {"ordering": "-retrun_pct"})
    assert response.status_code == 400
    message = response.json()["error"]["details"]["fields"]["ordering"][0]
    assert "-retrun_pct" in message
    assert "return_pct" in message


@pytest.mark.parametrize("value", ["abc", "0", "-3"])
def test_a_page_size_that_is_not_a_positive_whole_number_is_a_400(api_client, value):
    response = api_client.get("/api/strategies/", {"page_size": value})
    assert response.status_code == 400
    assert "page_size" in response.json()["error"]["details"]["fields"]


def test_a_yes_no_filter_that_is_neither_is_a_400(api_client):
    assert api_client.get("/api/executions/", {"success": "maybe"}).status_code == 400
    assert api_client.get("/api/executions/", {"success": "true"}).status_code == 200


def test_actions_with_their_own_parameters_are_left_to_them(api_client, user):
    strategy = make_strategy(user)
    versions = api_client.get(f"/api/strategies/{strategy.pk}/versions/", {"page_size": 100})
    assert versions.status_code == 200
    detail = api_client.get(f"/api/strategies/{strategy.pk}/", {"format": "json"})
    assert detail.status_code == 200


@pytest.mark.parametrize("value", ["0", "abc", "-1"])
def test_a_bad_page_size_is_a_400_on_paged_actions_too(api_client, user, value):
    """Not only on list endpoints: DRF's paginator fell back to its default size for these."""
    strategy = make_strategy(user)
    for url in (f"/api/strategies/{strategy.pk}/versions/", "/api/data/GOOG/ohlcv/"):
        response = api_client.get(url, {"page_size": value})
        assert response.status_code == 400, url
        assert "at most" in response.json()["error"]["details"]["fields"]["page_size"][0]


def _paged_and_queried_actions(strategy_id: int) -> list[str]:
    return [
        f"/api/strategies/{strategy_id}/versions/",
        f"/api/strategies/{strategy_id}/fix_history/",
        f"/api/strategies/{strategy_id}/chat/",
        f"/api/strategies/{strategy_id}/execution_history/",
        "/api/strategies/available_indicators/",
        "/api/data/GOOG/ohlcv/",
    ]


def test_actions_refuse_a_query_parameter_they_would_ignore(api_client, user):
    """Paged actions and actions with their own query parameters answered ?bogus=1 as if
    it were not there; a misspelled ?limt=5 silently gave 20 rows."""
    strategy = make_strategy(user)
    for url in _paged_and_queried_actions(strategy.pk):
        response = api_client.get(url, {"bogus": "1"})
        assert response.status_code == 400, url
        error = response.json()["error"]
        assert error["details"]["unknown_fields"] == ["bogus"], url


def test_actions_accept_their_own_query_parameters(api_client, user):
    strategy = make_strategy(user)
    accepted = {
        f"/api/strategies/{strategy.pk}/versions/": {"page": 1, "page_size": 5},
        f"/api/strategies/{strategy.pk}/fix_history/": {"page_size": 5, "format": "json"},
        f"/api/strategies/{strategy.pk}/chat/": {"page": 1},
        f"/api/strategies/{strategy.pk}/execution_history/": {"limit": 5},
        "/api/strategies/available_indicators/": {"search": "rsi", "featured": "true"},
        "/api/data/GOOG/ohlcv/": {"start": "2010-01-01", "page_size": 5},
    }
    for url, params in accepted.items():
        response = api_client.get(url, params)
        assert response.status_code == 200, (url, response.content[:300])
