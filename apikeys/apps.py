from django.apps import AppConfig


class ApiKeysConfig(AppConfig):
    """LLM provider selection and the shared health state of the Gemini API keys."""

    name = "apikeys"
    verbose_name = "LLM keys"
