"""Create the demo account on a fresh database and print its credentials once."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from accounts.services import demo_user_ensure


class Command(BaseCommand):
    help = "Create a demo superuser with an API token when the database has no users."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000",
            help="Where the server will answer, for the example command printed.",
        )

    def handle(self, *args, **options):
        demo = demo_user_ensure()
        if demo is None:
            self.stdout.write("Users already exist; no demo account created.")
            return
        password = demo.password or "(from ALGOAGENT_DEMO_PASSWORD)"
        self.stdout.write(
            self.style.SUCCESS(
                "\nDemo account created (shown once, keep it):\n"
                f"  username:  {demo.username}\n"
                f"  password:  {password}\n"
                f"  API token: {demo.token}\n"
                f"  try: curl -H 'Authorization: Token {demo.token}' "
                f"{options['url'].rstrip('/')}/api/strategies/\n"
            )
        )
