from django.apps import AppConfig


class ChatApiConfig(AppConfig):
    """Chat-based strategy development: a conversation per strategy that can edit its code."""

    name = "chat_api"
    verbose_name = "Strategy chat"

    def ready(self) -> None:
        # Job handlers register themselves with the runner (web and worker processes alike).
        from chat_api import job_handlers  # noqa: F401
