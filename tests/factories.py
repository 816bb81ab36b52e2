"""Test data factories (factory_boy)."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from strategy_api import services
from strategy_api.models import Strategy

DEFAULT_PASSWORD = "correct-horse-battery-staple-42"

SMA_CROSS_CODE = """from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.test import SMA


class SmaCross(Strategy):
    n1 = 10
    n2 = 20

    def init(self):
        close = self.data.Close
        self.sma1 = self.I(SMA, close, self.n1)
        self.sma2 = self.I(SMA, close, self.n2)

    def next(self):
        if crossover(self.sma1, self.sma2):
            self.position.close()
            self.buy()
        elif crossover(self.sma2, self.sma1):
            self.position.close()
            self.sell()
"""


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
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


def make_strategy(
    owner, *, name: str = "SMA cross", code: str = SMA_CROSS_CODE, **kwargs
) -> Strategy:
    """Create a strategy through the service, so versions and files exist as in real use."""
    return services.strategy_create(owner=owner, name=name, code=code, **kwargs)


# The sandbox reports real stages of a run between "data_loaded" and "execution_finished";
# "simulating" is throttled by time, so how many there are is not fixed.
RUN_STAGES = {"data_loaded", "indicators_computed", "simulating", "stats_computed"}


def assert_run_events(kinds: list[str], *, last: str = "succeeded") -> None:
    """The events of one execute job: its fixed frame and only real run stages inside it."""
    assert kinds[:4] == ["queued", "started", "executing", "data_loaded"], kinds
    assert kinds[-2:] == ["execution_finished", last], kinds
    assert set(kinds[4:-2]) <= RUN_STAGES, kinds
    assert "stats_computed" in kinds, kinds
