"""`manage.py backup -o DIR`: database, evidence and framework files, with a manifest."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (online), evidence and framework files into a new folder."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("-o", "--output", required=True, help="a new or empty folder")

    def handle(self, *args: object, output: str, **options: object) -> None:
        try:
            manifest = backup(Path(output))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = sum(f["size"] for f in manifest["files"])
        self.stdout.write(
            f"Backed up the {manifest['database']['vendor']} database and "
            f"{manifest['evidence_files']} evidence file(s) into {output} "
            f"({len(manifest['files'])} files, {size / 1_048_576:.1f} MB)."
        )
        if manifest["missing_evidence"]:
            raise CommandError(
                f"{len(manifest['missing_evidence'])} evidence file(s) the database refers to "
                f"were not found in the storage: {', '.join(manifest['missing_evidence'][:10])}"
            )
