"""Shared helpers of the research API tests: strategies run for real in the sandbox."""

from __future__ import annotations

import pytest

from tests.factories import make_strategy

WAIT = {"HTTP_PREFER": "wait=60"}
# About a year of GOOG: short enough to keep every bar of the equity curve.
YEAR = {"symbol": "GOOG", "start": "2010-01-01", "end": "2010-12-31"}


def post(client, url, body, status=200):
    response = client.post(url, body, format="json", **WAIT)
    assert response.status_code == status, response.content[:2000]
    return response.json()


@pytest.fixture
def strategy(user):
    return make_strategy(user)


@pytest.fixture
def execution_id(api_client, strategy):
    """One real, successful execution of the SMA cross on a year of GOOG."""
    body = post(api_client, f"/api/strategies/{strategy.pk}/execute/", YEAR)
    assert body["success"] is True
    return body["execution_id"]
