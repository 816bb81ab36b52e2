from django.apps import AppConfig


class StrategyApiConfig(AppConfig):
    name = "strategy_api"
    verbose_name = "Strategies"
