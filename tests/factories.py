"""Test data factories (factory_boy)."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from strategy_api import services
from strategy_api.models import Strategy
from tests.sample_code import SMA_CROSS_CODE

DEFAULT_PASSWORD = "correct-horse-battery-staple-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"trader{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def token_for(user) -> str:
    """An API token for ``user``, made once per user object (only its hash is stored).

    Marked as just used, so that query-count tests measure the endpoint rather than the
    token's first-use write (``last_used_at`` is written at most once a minute).
    """
    if not hasattr(user, "_test_token"):
        from django.utils import timezone

        from accounts.models import ApiToken
        from accounts.services import token_create

        token, user._test_token = token_create(user=user, name="test")
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return user._test_token


def make_strategy(
    owner, *, name: str = "SMA cross", code: str = SMA_CROSS_CODE, **kwargs
) -> Strategy:
    """Create a strategy through the service, so versions and files exist as in real use."""
    return services.strategy_create(owner=owner, name=name, code=code, **kwargs)
