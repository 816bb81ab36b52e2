"""``manage.py ensure_demo_user``: the demo account on a fresh database, printed once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def test_a_fresh_database_gets_a_demo_account_and_the_example_uses_the_served_address():
    out = StringIO()
    call_command("ensure_demo_user", "--url", "http://127.0.0.1:9031/", stdout=out)
    printed = out.getvalue()
    user = get_user_model().objects.get()
    assert user.is_superuser
    assert f"username:  {user.username}" in printed
    assert "http://127.0.0.1:9031/api/strategies/" in printed
    assert ApiToken.objects.filter(user=user).count() == 1


def test_existing_users_mean_no_demo_account():
    get_user_model().objects.create_user(username="trader", password="x")
    out = StringIO()
    call_command("ensure_demo_user", stdout=out)
    assert "no demo account created" in out.getvalue()
    assert get_user_model().objects.count() == 1
