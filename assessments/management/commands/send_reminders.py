"""`manage.py send_reminders`: deadline reminders, safe to run daily (cron or a periodic task)."""

from __future__ import annotations

from argparse import ArgumentParser

from django.core.management.base import BaseCommand

from assessments.notifications import reminders_send


class Command(BaseCommand):
    help = "E-mail members of open assessments whose cycle deadline is near (once each)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--days", type=int, default=None, help="How close the deadline is (REMINDER_DAYS)."
        )

    def handle(self, *args: object, days: int | None, **options: object) -> None:
        sent = reminders_send(days=days)
        self.stdout.write(f"{sent} reminder(s) queued.")
