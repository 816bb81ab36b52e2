#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "algoagent.settings")
    # Like cookiecutter-django's manage.py -> local settings: management commands default to the
    # local profile; the WSGI/ASGI entry points default to production. Deployments set
    # ALGOAGENT_PROFILE=production for their management commands (migrate, db_worker).
    os.environ.setdefault("ALGOAGENT_PROFILE", "local")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
