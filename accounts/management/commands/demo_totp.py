from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.demo import current_code, demo_allowed
from accounts.models import DemoAccount


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo user (development only), e.g. demo_totp advisor."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="a demo user: admin, advisor or official")

    def handle(self, *args: object, username: str, **options: object) -> None:
        if not demo_allowed():
            raise CommandError("demo_totp is not available in production.", returncode=1)
        user = get_user_model().objects.filter(username=username).first()
        if user is None or not DemoAccount.objects.filter(user=user).exists():
            raise CommandError(f"{username!r} is not a demo user (run seed_demo).", returncode=1)
        try:
            code = current_code(user)
        except Exception:  # noqa: BLE001
            raise CommandError(f"{username!r} has no TOTP authenticator.", returncode=1) from None
        self.stdout.write(code)
