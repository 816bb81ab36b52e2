"""Admin: conversations are listed read-only, with filters."""

from __future__ import annotations

import pytest

from chat_api.models import ChatMessage
from tests.factories import make_strategy

pytestmark = pytest.mark.django_db


def test_changelist_lists_messages_with_filters_and_no_add(admin_client, user):
    strategy = make_strategy(user)
    message = ChatMessage.objects.create(
        strategy=strategy, author=user, role="user", content="make it faster"
    )
    response = admin_client.get("/admin/chat_api/chatmessage/?role__exact=user")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"/admin/chat_api/chatmessage/{message.pk}/change/" in html
    for name in ("role", "changed", "provider", "created at"):
        assert f"By {name}" in html
    assert admin_client.get("/admin/chat_api/chatmessage/add/").status_code == 403
    detail = admin_client.get(f"/admin/chat_api/chatmessage/{message.pk}/change/")
    assert detail.status_code == 200
    assert 'name="content"' not in detail.content.decode()  # read-only
