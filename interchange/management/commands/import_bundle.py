from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from interchange.bundle import BundleError, bundle_import, find_organisation


class Command(BaseCommand):
    help = (
        "Import an assessment bundle written by export_bundle as an assessment of the "
        "given organisation (its id or exact name). The signature, every checksum and the "
        "framework are checked first; on any problem nothing is stored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("bundle", type=Path, help="the .zip to read")
        parser.add_argument(
            "--organisation", required=True, help="organisation id or exact name here"
        )

    def handle(self, *args: object, bundle: Path, organisation: str, **options: object) -> None:
        if not bundle.is_file():
            raise CommandError(f"no such file: {bundle}", returncode=1)
        size = bundle.stat().st_size
        if size > settings.BUNDLE_MAX_BYTES:
            raise CommandError(
                f"{bundle.name}: {size:,} bytes, over the limit of "
                f"{settings.BUNDLE_MAX_BYTES:,} (BUNDLE_MAX_BYTES)",
                returncode=1,
            )
        try:
            target = find_organisation(organisation)
            outcome = bundle_import(content=bundle.read_bytes(), organisation=target)
        except BundleError as exc:
            raise CommandError(
                f"{bundle.name}: {exc} Nothing was imported.", returncode=1
            ) from None
        self.stdout.write(
            f"{bundle.name}: assessment {outcome.assessment.pk} for {target.name}: "
            f"{outcome.responses} answers, {outcome.evidence} evidence files, "
            f"framework {outcome.assessment.framework.key} "
            f"rev. {outcome.assessment.framework.revision} ({outcome.framework_status})"
        )
