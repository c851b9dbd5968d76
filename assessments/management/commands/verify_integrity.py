"""List every validated assessment whose stored answers no longer match its fingerprint."""

from __future__ import annotations

import json
from collections import defaultdict

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.models import Assessment, Response
from assessments.results.integrity import FINGERPRINT_FIELDS, FingerprintRow, fingerprint_of_rows


class Command(BaseCommand):
    help = (
        "Check every validated assessment's answers against the fingerprint taken at "
        "validation; exit status 1 when any no longer matches."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print the findings as JSON")

    def handle(self, *args: object, **options: object) -> None:
        validated = list(
            Assessment.objects.filter(status=Assessment.Status.VALIDATED)
            .select_related("organisation", "framework", "cycle")
            .order_by("pk")
        )
        rows: dict[int, list[FingerprintRow]] = defaultdict(list)
        for assessment_id, *row in (
            Response.objects.filter(assessment__status=Assessment.Status.VALIDATED)
            .values_list("assessment_id", *FINGERPRINT_FIELDS)
            .iterator(chunk_size=5000)
        ):
            rows[assessment_id].append(tuple(row))
        broken = [
            {
                "id": a.pk,
                "organisation": a.organisation.name,
                "framework": f"{a.framework.key} {a.framework.version}",
                "cycle": a.cycle.name,
                "validated_at": a.validated_at.isoformat() if a.validated_at else None,
                "reason": "no fingerprint" if not a.answers_hash else "answers changed",
            }
            for a in validated
            if not a.answers_hash or fingerprint_of_rows(rows[a.pk]) != a.answers_hash
        ]
        if options["json"]:
            self.stdout.write(
                json.dumps({"checked": len(validated), "mismatches": broken}, indent=2)
            )
        else:
            for item in broken:
                self.stdout.write(
                    f"MISMATCH assessment {item['id']}: {item['organisation']} · "
                    f"{item['framework']} · {item['cycle']} ({item['reason']})"
                )
            self.stdout.write(
                f"{len(validated)} validated assessment(s) checked, {len(broken)} mismatch(es)."
            )
        if broken:
            raise CommandError(
                f"{len(broken)} validated assessment(s) fail the check", returncode=1
            )
