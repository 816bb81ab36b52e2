"""The built-in templates: loaded by a data migration, valid, and usable with their defaults."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from Backtest.spec import validate_spec
from Backtest.validation import validate_code
from strategy_api.models import Strategy
from templates_api import parameters
from templates_api.builtins_v1 import BUILTIN_TEMPLATES
from templates_api.models import StrategyTemplate

pytestmark = pytest.mark.django_db

REQUIRED = {
    "sma-cross",
    "ema-cross",
    "rsi-reversion",
    "macd-signal-cross",
    "bollinger-reversion",
    "bollinger-breakout",
    "donchian-breakout",
    "atr-trailing-stop",
}
SLUGS = [template["slug"] for template in BUILTIN_TEMPLATES]


def test_the_migration_loaded_every_builtin_without_owner():
    builtins = StrategyTemplate.objects.filter(builtin=True)
    assert sorted(builtins.values_list("slug", flat=True)) == sorted(SLUGS)
    assert set(SLUGS) >= REQUIRED
    assert not builtins.filter(owner__isnull=False).exists()


def test_loading_builtins_again_is_idempotent_and_restores_them():
    migration = importlib.import_module("templates_api.migrations.0002_builtin_templates")
    StrategyTemplate.objects.filter(slug="sma-cross").update(name="changed")
    migration.load_builtins(apps, None)
    migration.load_builtins(apps, None)
    assert StrategyTemplate.objects.filter(builtin=True).count() == len(SLUGS)
    assert StrategyTemplate.objects.get(slug="sma-cross").name == "SMA crossover"


@pytest.mark.parametrize("template", BUILTIN_TEMPLATES, ids=SLUGS)
def test_builtin_spec_is_valid_and_parameters_address_their_defaults(template):
    validate_spec(template["spec"])
    assert template["parameters"], "every built-in documents its parameters"
    for parameter in template["parameters"]:
        assert parameters.path_problem(template["spec"], parameter["path"]) is None
        container, key = parameters.locate(template["spec"], parameter["path"])
        assert container[key] == parameter["default"], parameter["name"]
        assert parameter["min"] <= parameter["default"] <= parameter["max"]
        assert parameter["description"]


@pytest.mark.parametrize("slug", SLUGS)
def test_every_builtin_instantiates_with_defaults_into_valid_code(api_client, user, slug):
    template = StrategyTemplate.objects.get(slug=slug)
    response = api_client.post(f"/api/templates/{template.pk}/instantiate/", {}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["status"], body["current_version"]) == (
        template.name,
        "generated",
        1,
    )
    report = validate_code(body["code"])
    assert report.ok, report.to_dict()
    strategy = Strategy.objects.get(pk=body["id"], owner=user)
    assert strategy.versions.get().source == "template"
    assert validate_spec(strategy.spec) == validate_spec(template.spec)


@pytest.mark.slow
def test_an_instantiated_template_executes_in_the_sandbox(api_client):
    template = StrategyTemplate.objects.get(slug="sma-cross")
    strategy = api_client.post(
        f"/api/templates/{template.pk}/instantiate/",
        {"name": "SMA 10/30", "parameters": {"fast_period": 10, "slow_period": 30}},
        format="json",
    ).json()
    response = api_client.post(
        f"/api/strategies/{strategy['id']}/execute/",
        {"symbol": "GOOG", "start": "2010-01-01", "end": "2012-12-31"},
        format="json",
        HTTP_PREFER="wait=60",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["success"] is True, body
    assert body["metrics"]["num_trades"] > 0
    assert "process" in body["sandbox_layers"]
