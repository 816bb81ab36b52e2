"""Existing DRF tokens keep working: each becomes an ApiToken (stored hashed, never expiring)."""

import hashlib

from django.db import migrations


def copy_tokens(apps, schema_editor):
    Token = apps.get_model("authtoken", "Token")
    ApiToken = apps.get_model("accounts", "ApiToken")
    for token in Token.objects.all():
        key_hash = hashlib.sha256(token.key.encode()).hexdigest()
        ApiToken.objects.get_or_create(
            key_hash=key_hash,
            defaults={"user_id": token.user_id, "prefix": token.key[:8], "name": "migrated"},
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_api_tokens"), ("authtoken", "0004_alter_tokenproxy_options")]
    operations = [migrations.RunPython(copy_tokens, migrations.RunPython.noop)]
