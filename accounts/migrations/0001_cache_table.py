"""The database cache's table (throttles and login-failure counters are shared through it).

``createcachetable`` is idempotent and does nothing when the cache is Redis, so running it on
every ``migrate`` keeps a fresh database, the test database and CI in step with the settings.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    atomic = False
    dependencies: list = []
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
