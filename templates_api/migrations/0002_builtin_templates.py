"""Load the built-in templates of ``templates_api.builtins_v1`` (frozen; see that module)."""

from django.db import migrations

from templates_api.builtins_v1 import BUILTIN_TEMPLATES

_FIELDS = ("name", "description", "category", "spec", "parameters")


def load_builtins(apps, schema_editor):
    StrategyTemplate = apps.get_model("templates_api", "StrategyTemplate")
    for template in BUILTIN_TEMPLATES:
        StrategyTemplate.objects.update_or_create(
            owner=None,
            slug=template["slug"],
            defaults={"builtin": True, **{field: template[field] for field in _FIELDS}},
        )


def unload_builtins(apps, schema_editor):
    StrategyTemplate = apps.get_model("templates_api", "StrategyTemplate")
    slugs = [template["slug"] for template in BUILTIN_TEMPLATES]
    StrategyTemplate.objects.filter(owner=None, slug__in=slugs).delete()


class Migration(migrations.Migration):
    dependencies = [("templates_api", "0001_initial")]

    operations = [migrations.RunPython(load_builtins, unload_builtins)]
