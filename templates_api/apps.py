from django.apps import AppConfig


class TemplatesApiConfig(AppConfig):
    """Strategy templates: canonical specs with documented parameters."""

    name = "templates_api"
    verbose_name = "Strategy templates"
