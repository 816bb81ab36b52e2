"""Bodies Python's json module would turn into a 500 (or an OverflowError later) are a 400."""

from __future__ import annotations

import pytest

from algoagent.parsers import MAX_JSON_DEPTH, loads_strict
from tests.factories import make_strategy

pytestmark = pytest.mark.django_db

DEEP = "[" * 100_000 + "]" * 100_000


def _post(client, path: str, raw: str):
    return client.post(path, raw, content_type="application/json")


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (DEEP, "nested deeper"),
        ('{"a": ' * 65 + "1" + "}" * 65, "nested deeper"),
        ('{"name": "x", "cash": 1' + "0" * 400 + "}", "out of range"),
        ('{"name": "x", "cash": 1e999}', "out of range"),
        ('{"name": "x", "cash": NaN}', "not valid JSON"),
        ('{"name": "x", "cash": -Infinity}', "not valid JSON"),
    ],
)
def test_hostile_json_is_a_400_parse_error_on_any_endpoint(api_client, anon_client, raw, fragment):
    for client, path in [(api_client, "/api/strategies/"), (anon_client, "/api/auth/register/")]:
        response = _post(client, path, raw)
        assert response.status_code == 400, response.content
        error = response.json()["error"]
        assert error["code"] == "parse_error"
        assert fragment in error["message"]


def test_execute_refuses_a_huge_integer_before_queueing(api_client, user):
    strategy = make_strategy(user)
    raw = '{"symbol": "GOOG", "cash": ' + str(10**400) + "}"
    response = _post(api_client, f"/api/strategies/{strategy.pk}/execute/", raw)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"
    assert not strategy.jobs.exists()


def test_depth_limit_is_exact_and_ordinary_json_passes():
    assert loads_strict("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH) is not None
    with pytest.raises(ValueError, match="nested deeper"):
        loads_strict("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1))
    assert loads_strict('{"a": [1, 2.5, "x", null, true], "b": 9223372036854775807}') == {
        "a": [1, 2.5, "x", None, True],
        "b": 2**63 - 1,
    }


@pytest.mark.parametrize(
    "path", ["/api/data/GOOG/ohlcv/?interval=9999mo", "/api/strategies/{id}/execute/"]
)
def test_absurd_interval_is_a_400_naming_the_field(api_client, user, path):
    strategy = make_strategy(user)
    url = path.format(id=strategy.pk)
    if "execute" in url:
        response = api_client.post(url, {"symbol": "GOOG", "interval": "9999mo"})
    else:
        response = api_client.get(url)
    assert response.status_code == 400, response.content
    assert "longest bar" in str(response.json()["error"])
