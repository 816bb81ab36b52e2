"""Black-box attacks through the HTTP API, by one ordinary user against another.

Code-running helpers: every route that runs strategy code is driven the way a client would
(``Prefer: wait``), and what the run reports back (its error message) is the attack's answer.
"""

from __future__ import annotations

import pytest

WAIT = {"HTTP_PREFER": "wait=60"}


def error_text(body: dict) -> str:
    """The run's reported failure, whichever route produced the body."""
    parts = [str(body.get(k) or "") for k in ("error_message", "error_type", "stderr")]
    if "result" in body and isinstance(body["result"], dict):
        parts.append(error_text(body["result"]))
    if "error" in body and isinstance(body["error"], dict):
        parts.append(str(body["error"]))
    return " ".join(parts)


def run_code(client, route: str, code: str) -> str:
    """Run ``code`` through ``route`` as the client's user; return what the run reported."""
    if route == "execute":
        created = client.post("/api/strategies/", {"name": "probe", "code": code})
        assert created.status_code == 201, created.content
        response = client.post(
            f"/api/strategies/{created.json()['id']}/execute/", {"symbol": "GOOG"}, **WAIT
        )
    elif route == "backtests_run":
        response = client.post("/api/backtests/run/", {"code": code, "symbol": "GOOG"}, **WAIT)
    elif route == "quick_run":
        response = client.post(
            "/api/backtests/quick_run/", {"code": code, "symbol": "GOOG"}, **WAIT
        )
    elif route == "sandbox_test":
        response = client.post(
            "/api/production/strategies/sandbox-test/",
            {"code": code, "symbol": "GOOG", "bars": 250},
        )
    elif route == "fix_errors":
        created = client.post("/api/strategies/", {"name": "probe", "code": code})
        assert created.status_code == 201, created.content
        response = client.post(
            f"/api/strategies/{created.json()['id']}/fix_errors/", {"max_attempts": 1}, **WAIT
        )
    else:
        raise AssertionError(route)
    assert response.status_code < 500, response.content
    return error_text(response.json())


def run_named(client, route: str, name: str) -> None:
    """Routes whose code the server writes (a template, the generator, a chat edit): the
    user's private text reaches the sandbox as the strategy's name (its class name)."""
    if route == "generate":
        response = client.post(
            "/api/strategies/generate_with_ai/",
            {
                "description": "Buy when RSI(14) drops below 30, sell when it rises above 70.",
                "name": name,
                "execute_after_generation": True,
            },
            **WAIT,
        )
        assert response.status_code == 201, response.content
        return
    template = client.get("/api/templates/", {"search": "RSI"}).json()["results"][0]
    created = client.post(f"/api/templates/{template['id']}/instantiate/", {"name": name})
    assert created.status_code == 201, created.content
    strategy = created.json()["id"]
    if route == "template":
        response = client.post(f"/api/strategies/{strategy}/execute/", {}, **WAIT)
    elif route == "chat":  # the edited version is run by the automatic look-ahead check
        response = client.post(
            f"/api/strategies/{strategy}/chat/", {"message": "change the RSI period to 21"}, **WAIT
        )
    else:
        raise AssertionError(route)
    assert response.status_code == 200, response.content


@pytest.fixture
def alice(api_client):
    """The victim."""
    return api_client


@pytest.fixture
def mallory(other_client):
    """The attacker: an ordinary account."""
    return other_client
