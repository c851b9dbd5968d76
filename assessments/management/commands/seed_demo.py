from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.demo import CAST, DEFAULT_PASSWORD, DEMO_ORG, seed_demo


class Command(BaseCommand):
    help = "Load demo organisations, users and validated peer assessments (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"password for every demo user (default: {DEFAULT_PASSWORD})",
        )

    def handle(self, *args: object, password: str, **options: object) -> None:
        if len(password) < 8:
            raise CommandError("the demo password needs at least 8 characters", returncode=1)
        try:
            summary = seed_demo(password=password)
        except RuntimeError as exc:
            raise CommandError(str(exc), returncode=1) from None
        self.stdout.write(
            f"Demo data ready: {summary['organisations']} organisations, "
            f"{summary['assessments_created']} assessments created this run."
        )
        for username in summary["skipped"]:
            self.stderr.write(
                f"  {username}: an existing account that seed_demo did not create; left unchanged."
            )
        self.stdout.write(f"Demo logins (password for all: {password}):")
        roles = {
            "admin": "administrator",
            "coordinator": f"coordinator of {DEMO_ORG}",
            "respondent": f"respondent of {DEMO_ORG}",
            "advisor": "advisor, portfolio includes the demo organisation",
            "official": "official, read-only for the demo organisation's region",
            "outsider": "respondent of another organisation",
        }
        for key, person in CAST.items():
            mfa = f"  (second factor: manage.py demo_totp {person.username})"
            needs_code = key in ("admin", "advisor", "official")
            self.stdout.write(f"  {person.username:<12} {roles[key]}{mfa if needs_code else ''}")
        self.stdout.write(
            "Administrator, advisor and official log in with a TOTP code: "
            ".venv/bin/python manage.py demo_totp advisor  prints the current one."
        )
