"""`manage.py restore DIR`: a backup into an empty database, then migrations and evidence."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup folder into an empty database (runs migrations afterwards)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("source", help="a folder written by `manage.py backup`")

    def handle(self, *args: object, source: str, verbosity: int, **options: object) -> None:
        try:
            summary = restore(Path(source), verbosity=verbosity)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored {source}: database loaded and migrated, "
            f"{summary['evidence_files']} evidence file(s) put back."
        )
