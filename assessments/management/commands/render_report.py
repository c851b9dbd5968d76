from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from assessments.management import get_assessment_or_fail
from assessments.reports.pdf import (
    DEFAULT_TLP,
    TLP_MARKINGS,
    UnknownLanguage,
    report_language,
    report_pdf,
)


class Command(BaseCommand):
    help = "Render an assessment's PDF report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("assessment_id", type=int)
        parser.add_argument("-o", "--output", required=True, type=Path, help="PDF file to write")
        parser.add_argument(
            "--tlp",
            default=DEFAULT_TLP,
            type=str.upper,
            choices=TLP_MARKINGS,
            help=f"Traffic Light Protocol marking (default {DEFAULT_TLP})",
        )
        parser.add_argument("--language", default=None, help="language code, e.g. en, fr, ar")
        parser.add_argument(
            "--bilingual",
            default=None,
            metavar="LANGUAGE",
            help="a second language beside the first on the cover, summary and domain table",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        assessment = get_assessment_or_fail(int(str(options["assessment_id"])))
        output: Path = options["output"]
        if output.parent and not output.parent.exists():
            raise CommandError(f"folder {output.parent} does not exist", returncode=1)
        started = time.perf_counter()
        try:
            language = report_language(
                options["language"] or translation.get_language() or "en", options["bilingual"]
            )
        except UnknownLanguage as exc:
            raise CommandError(f"unknown language {exc}", returncode=1) from None
        pdf, cached = report_pdf(assessment, tlp=str(options["tlp"]), language=language)
        output.write_bytes(pdf)
        elapsed = time.perf_counter() - started
        source = "from cache" if cached else f"rendered in {elapsed:.2f} s"
        self.stdout.write(f"{output}: {len(pdf):,} bytes, {source}")
