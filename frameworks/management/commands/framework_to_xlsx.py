from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from frameworks.dump import spec_of
from frameworks.loader import FrameworkFileError, load_file
from frameworks.models import Framework
from frameworks.xlsx import write_workbook


class Command(BaseCommand):
    help = (
        "Write a framework as an Excel authoring workbook. KEY is a framework id "
        "(its newest imported revision, or --revision) or the path of a framework file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("key", help="framework id, or a framework YAML file")
        parser.add_argument("-o", "--output", type=Path, required=True, help="the .xlsx to write")
        parser.add_argument("--revision", type=int, help="a stored revision (default: newest)")

    def handle(
        self, *args: object, key: str, output: Path, revision: int | None, **options: object
    ) -> None:
        path = Path(key)
        if path.suffix in {".yaml", ".yml"} and path.is_file():
            try:
                spec = load_file(path, max_bytes=settings.FRAMEWORK_MAX_BYTES).spec
            except FrameworkFileError as exc:
                raise CommandError(str(exc), returncode=1) from None
        else:
            revisions = Framework.objects.filter(key=key)
            if revision is not None:
                revisions = revisions.filter(revision=revision)
            framework = revisions.order_by("-revision").first()
            if framework is None:
                which = f" revision {revision}" if revision is not None else ""
                raise CommandError(f"no framework {key!r}{which} has been imported", returncode=1)
            spec = spec_of(framework)
        output.write_bytes(write_workbook(spec))
        self.stdout.write(f"{output}: {spec.id} v{spec.version} written")
