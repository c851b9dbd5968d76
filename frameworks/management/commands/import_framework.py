from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from frameworks.coverage import coverage
from frameworks.loader import load_many
from frameworks.services import VersionClash, frameworks_import


class Command(BaseCommand):
    help = (
        "Validate and import framework YAML files (files or folders). All files are "
        "checked first; if any is bad nothing is stored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="framework files or folders")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report, store nothing"
        )
        # Issue 15: other tools' formats, mapped onto ours (frameworks/ciso.py).
        parser.add_argument(
            "--from",
            dest="source_format",
            choices=["native", "ciso-assistant"],
            default="native",
            help="file format: our own (default) or CISO Assistant libraries",
        )

    def handle(
        self,
        *args: object,
        paths: list[Path],
        dry_run: bool,
        source_format: str = "native",
        **options: object,
    ) -> None:
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise CommandError(f"no such file or folder: {', '.join(missing)}", returncode=1)
        if source_format == "ciso-assistant":
            from frameworks.ciso import load_libraries

            loaded, errors, warnings = load_libraries(paths, max_bytes=settings.FRAMEWORK_MAX_BYTES)
            for message in warnings:
                self.stderr.write(f"warning: {message}")
        else:
            loaded, errors = load_many(paths, max_bytes=settings.FRAMEWORK_MAX_BYTES)
        if not loaded and not errors:
            raise CommandError("no framework files (*.yaml, *.yml) found", returncode=1)
        if errors:
            for message in errors:
                self.stderr.write(message)
            raise CommandError(
                f"{len(errors)} file(s) with problems; nothing was imported.", returncode=1
            )
        try:
            outcomes = frameworks_import(loaded=loaded, dry_run=dry_run)
        except VersionClash as exc:
            self.stderr.write(str(exc))
            raise CommandError("nothing was imported.", returncode=1) from None
        prefix = "[dry run] " if dry_run else ""
        specs = {item.path.name: item.spec for item in loaded}
        for outcome in outcomes:
            shares = ", ".join(
                f"{lang} {done * 100 // total if total else 100}% ({done}/{total})"
                for lang, (done, total) in coverage(specs[outcome.name]).items()
            )
            self.stdout.write(
                f"{prefix}{outcome.name}: {outcome.key} rev. {outcome.revision} {outcome.status}"
                + (f"; translations: {shares}" if shares else "")
            )
        changed = sum(o.status != "unchanged" for o in outcomes)
        verb = "would change" if dry_run else "changed"
        self.stdout.write(f"{prefix}{len(outcomes)} framework(s) checked, {changed} {verb}.")
