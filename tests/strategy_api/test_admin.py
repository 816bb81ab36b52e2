"""Admin review: read-only monospace code, versions inline, approve/reject actions."""

from __future__ import annotations

import pytest

from strategy_api.models import Strategy
from tests.factories import make_strategy

pytestmark = pytest.mark.django_db


def test_change_page_shows_code_read_only_in_monospace(admin_client, user):
    strategy = make_strategy(user)
    response = admin_client.get(f"/admin/strategy_api/strategy/{strategy.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<pre style="font-family: ui-monospace' in html
    assert "class SmaCross(Strategy):" in html
    assert 'name="code"' not in html  # not an editable field
    assert "v1" in html or ">1<" in html  # versions inline


@pytest.mark.parametrize(("action", "expected"), [("approve", "approved"), ("reject", "rejected")])
def test_review_actions_set_status_and_reviewer(admin_client, admin_user, user, action, expected):
    strategies = [make_strategy(user, name=f"s{i}") for i in range(2)]
    response = admin_client.post(
        "/admin/strategy_api/strategy/",
        {"action": action, "_selected_action": [s.pk for s in strategies]},
    )
    assert response.status_code == 302
    for strategy in Strategy.objects.filter(pk__in=[s.pk for s in strategies]):
        assert strategy.review_status == expected
        assert strategy.reviewed_by == admin_user
        assert strategy.reviewed_at is not None


def _empty_inline(prefix: str) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "0",
    }


def test_review_status_edit_records_reviewer_and_notes(admin_client, admin_user, user):
    strategy = make_strategy(user)
    response = admin_client.post(
        f"/admin/strategy_api/strategy/{strategy.pk}/change/",
        {
            "name": strategy.name,
            "description": "",
            "review_status": "rejected",
            "reviewer_notes": "Uses look-ahead.",
            "versions-TOTAL_FORMS": "1",
            "versions-INITIAL_FORMS": "1",
            "versions-MIN_NUM_FORMS": "0",
            "versions-MAX_NUM_FORMS": "1000",
            "versions-0-id": strategy.versions.get().pk,
            "versions-0-strategy": strategy.pk,
            **_empty_inline("executions"),
            **_empty_inline("fix_attempts"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    strategy.refresh_from_db()
    assert strategy.review_status == "rejected"
    assert strategy.reviewer_notes == "Uses look-ahead."
    assert strategy.reviewed_by == admin_user


def test_list_filters_and_search_work(admin_client, user):
    make_strategy(user, name="Findable RSI")
    response = admin_client.get(
        "/admin/strategy_api/strategy/?q=findable&review_status__exact=pending"
    )
    assert response.status_code == 200
    assert "Findable RSI" in response.content.decode()


def test_admin_action_runs_a_backtest_job(admin_client, user):
    from jobs.models import Job

    with_code = make_strategy(user, name="with code")
    without = make_strategy(user, name="idea", code="")
    response = admin_client.post(
        "/admin/strategy_api/strategy/",
        {"action": "run_backtest", "_selected_action": [with_code.pk, without.pk]},
    )
    assert response.status_code == 302
    job = Job.objects.get()
    assert (job.kind, job.strategy_id, job.owner_id) == ("execute", with_code.pk, user.pk)
    assert job.status == "succeeded"  # the test profile runs jobs inline
    assert with_code.executions.count() == 1
