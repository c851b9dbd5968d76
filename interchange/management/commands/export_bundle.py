from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.models import Assessment
from interchange.bundle import bundle_export


class Command(BaseCommand):
    help = (
        "Write one assessment as a signed bundle (framework revision, answers, comments, "
        "evidence files, targets, history) that import_bundle reads on another instance."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("id", type=int, help="assessment id")
        parser.add_argument("-o", "--output", type=Path, required=True, help="the .zip to write")

    def handle(self, *args: object, id: int, output: Path, **options: object) -> None:  # noqa: A002
        assessment = (
            Assessment.objects.select_related("organisation", "framework", "cycle")
            .filter(pk=id)
            .first()
        )
        if assessment is None:
            raise CommandError(f"no assessment {id}", returncode=1)
        content = bundle_export(assessment=assessment)
        output.write_bytes(content)
        self.stdout.write(f"{output}: assessment {id} ({assessment}), {len(content):,} bytes")
