from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.management import get_assessment_or_fail
from assessments.reports.exports import FORMATS, export


class Command(BaseCommand):
    help = "Export an assessment's responses and scores as JSON, CSV or XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("assessment_id", type=int)
        parser.add_argument("--format", required=True, choices=FORMATS, type=str.lower)
        parser.add_argument("-o", "--output", required=True, type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        assessment = get_assessment_or_fail(int(str(options["assessment_id"])))
        output: Path = options["output"]
        if not output.parent.exists():
            raise CommandError(f"folder {output.parent} does not exist", returncode=1)
        content = export(assessment, str(options["format"]))
        output.write_bytes(content)
        self.stdout.write(f"{output}: {len(content):,} bytes ({options['format']})")
