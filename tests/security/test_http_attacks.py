"""Attacks through plain HTTP: floods, forged client addresses, hostile JSON, stale tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import ApiToken, token_hash
from jobs.models import Job, JobStatus
from tests.factories import DEFAULT_PASSWORD, make_strategy
from tests.workers import wait_for

pytestmark = pytest.mark.django_db


def _no_server_error(response):
    assert response.status_code < 500, response.content
    body = response.json()
    assert set(body) == {"error"}, body
    return body["error"]


def test_a_job_flood_is_capped_and_leaves_the_other_user_unaffected(
    alice, mallory, user, other_user, db_backend, settings
):
    settings.JOB_MAX_ACTIVE_PER_USER = 3
    target = make_strategy(other_user)
    url = f"/api/strategies/{target.pk}/execute/"
    answers = [mallory.post(url, {"symbol": "GOOG"}).status_code for _ in range(10)]
    assert answers == [202] * 3 + [429] * 7
    assert Job.objects.filter(owner=other_user).count() == 3
    mine = make_strategy(user)
    assert alice.post(f"/api/strategies/{mine.pk}/execute/", {"symbol": "GOOG"}).status_code == 202


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_under_a_flood_another_users_execute_waits_for_at_most_one_job(
    alice, mallory, user, other_user, db_backend, start_worker, settings
):
    settings.JOB_MAX_ACTIVE_PER_USER = 30
    start_worker("security")
    flood_strategy = make_strategy(other_user)
    flood = [
        mallory.post(f"/api/strategies/{flood_strategy.pk}/execute/", {"symbol": "GOOG"})
        for _ in range(6)
    ]
    flood_ids = [r.json()["job_id"] for r in flood]
    wait_for(lambda: Job.objects.get(pk=flood_ids[0]).status != JobStatus.QUEUED, timeout=90)
    mine = make_strategy(user)
    job_id = alice.post(f"/api/strategies/{mine.pk}/execute/", {"symbol": "GOOG"}).json()["job_id"]
    job = wait_for(lambda: (j := Job.objects.get(pk=job_id)).is_finished and j, timeout=120)
    assert job.status == JobStatus.SUCCEEDED, job.error
    ahead = Job.objects.filter(pk__in=flood_ids, started_at__lt=job.started_at).count()
    assert ahead <= 1


def test_rotating_x_forwarded_for_does_not_buy_more_password_guesses(anon_client, user, settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    statuses = [
        anon_client.post(
            "/api/auth/login/",
            {"username": user.username, "password": f"guess-{n}"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        ).status_code
        for n in range(8)
    ]
    assert statuses == [400] * 5 + [429] * 3


def test_rotating_x_forwarded_for_does_not_reset_the_register_throttle(anon_client, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "register", "3/hour")
    statuses = [
        anon_client.post(
            "/api/auth/register/",
            {"username": f"bot{n}", "password": "Tr4ding-Ideas-2026!"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(5)
    ]
    assert statuses == [201] * 3 + [429] * 2


HUGE = str(10**400)


@pytest.mark.parametrize(
    ("path", "raw"),
    [
        ("/api/strategies/{sid}/execute/", '{"symbol": "GOOG", "cash": HUGE}'),
        ("/api/strategies/{sid}/execute/", '{"symbol": "GOOG", "commission": 1e400}'),
        ("/api/strategies/{sid}/fix_errors/", '{"max_attempts": HUGE}'),
        ("/api/backtests/quick_run/", '{"spec": {}, "symbol": "GOOG", "cash": HUGE}'),
        ("/api/backtests/configs/", '{"name": "x", "symbol": "GOOG", "cash": HUGE}'),
        ("/api/strategies/{sid}/versions/HUGE/restore/", "{}"),
        (
            "/api/templates/1/instantiate/",
            '{"name": "t", "parameters": {"fast_period": HUGE}}',
        ),
        ("/api/data/fetch/", '{"symbol": "AAPL", "start": HUGE}'),
        ("/api/strategies/", "[" * 50_000 + "]" * 50_000),
        ("/api/strategies/{sid}/chat/", '{"message": ' * 5_000 + '"x"' + "}" * 5_000),
        ("/api/production/strategies/validate-schema/", '{"a": ' * 100 + "1" + "}" * 100),
    ],
)
def test_hostile_numbers_and_nesting_are_refused_in_the_error_shape(mallory, other_user, path, raw):
    """Placeholders: {sid} is the attacker's own strategy, HUGE is 10**400."""
    mine = make_strategy(other_user)
    url = path.replace("{sid}", str(mine.pk)).replace("HUGE", HUGE)
    response = mallory.post(url, raw.replace("HUGE", HUGE), content_type="application/json")
    error = _no_server_error(response)
    assert response.status_code in (400, 404, 422), response.content
    assert error["code"]
    assert not Job.objects.filter(owner=other_user).exists()  # refused before any work


def test_an_expired_token_is_refused_everywhere_including_streams(anon_client, user, settings):
    settings.TOKEN_TTL_HOURS = 1
    body = {"username": user.username, "password": DEFAULT_PASSWORD}
    key = anon_client.post("/api/auth/login/", body).json()["token"]
    stolen = APIClient()
    stolen.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert stolen.get("/api/strategies/").status_code == 200
    ApiToken.objects.filter(key_hash=token_hash(key)).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    job = Job.objects.create(owner=user, kind="t")
    for url, extra in [
        ("/api/strategies/", {}),
        (f"/api/jobs/{job.pk}/events/", {"HTTP_ACCEPT": "text/event-stream"}),
    ]:
        response = stolen.get(url, **extra)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "token_expired"
