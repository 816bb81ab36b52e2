"""Admin: configurations listed, runs viewable but read-only."""

from __future__ import annotations

import pytest

from tests.backtest_api.factories import make_config, make_run

pytestmark = pytest.mark.django_db


def test_config_and_run_pages_render(admin_client, user):
    config = make_config(user)
    run = make_run(user)
    assert admin_client.get("/admin/backtest_api/backtestconfig/").status_code == 200
    assert (
        admin_client.get(f"/admin/backtest_api/backtestconfig/{config.pk}/change/").status_code
        == 200
    )
    assert admin_client.get("/admin/backtest_api/backtestrun/").status_code == 200
    page = admin_client.get(f"/admin/backtest_api/backtestrun/{run.pk}/change/")
    assert page.status_code == 200
    assert 'name="symbol"' not in page.content.decode()  # read-only
