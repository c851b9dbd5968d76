from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from frameworks.dump import dump_yaml
from frameworks.xlsx import WorkbookError, read_workbook


class Command(BaseCommand):
    help = (
        "Read an Excel authoring workbook and write the framework YAML file. "
        "Every problem names its sheet, row and column; nothing is written then."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("workbook", type=Path, help="the .xlsx to read")
        parser.add_argument("-o", "--output", type=Path, required=True, help="the .yaml to write")

    def handle(self, *args: object, workbook: Path, output: Path, **options: object) -> None:
        if not workbook.is_file():
            raise CommandError(f"no such file: {workbook}", returncode=1)
        size = workbook.stat().st_size
        limit = settings.FRAMEWORK_MAX_BYTES * 4
        if size > limit:
            raise CommandError(
                f"{workbook.name}: the workbook is {size:,} bytes, over the limit of {limit:,}",
                returncode=1,
            )
        try:
            spec = read_workbook(workbook.read_bytes(), max_bytes=limit)
        except WorkbookError as exc:
            for line in exc.problems:
                self.stderr.write(f"{workbook.name}: {line}")
            raise CommandError(
                f"{len(exc.problems)} problem(s); nothing was written.", returncode=1
            ) from None
        output.write_text(dump_yaml(spec), encoding="utf-8")
        self.stdout.write(f"{output}: {spec.id} v{spec.version} written")
