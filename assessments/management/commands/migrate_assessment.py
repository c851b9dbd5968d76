"""Move a draft assessment to a newer revision of its framework."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.management import get_assessment_or_fail
from assessments.revisions import assessment_migrate
from assessments.services import AssessmentLocked
from frameworks.models import Framework


class Command(BaseCommand):
    help = (
        "Move a draft to a newer revision of its framework, mapping answers by question "
        "code; lists what was dropped and what needs a new answer."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("assessment_id", type=int)
        parser.add_argument("--to-revision", type=int, required=True, dest="revision")
        parser.add_argument("--dry-run", action="store_true", help="report only, change nothing")

    def handle(self, *args: object, assessment_id: int, revision: int, **options: object) -> None:
        assessment = get_assessment_or_fail(assessment_id)
        target = Framework.objects.filter(key=assessment.framework.key, revision=revision).first()
        if target is None:
            raise CommandError(
                f"{assessment.framework.key} has no revision {revision}", returncode=1
            )
        dry_run = bool(options["dry_run"])
        try:
            plan = assessment_migrate(assessment=assessment, target=target, dry_run=dry_run)
        except (AssessmentLocked, ValueError) as exc:
            raise CommandError(str(exc), returncode=1) from None
        prefix = "[dry run] " if dry_run else ""
        self.stdout.write(
            f"{prefix}assessment {assessment_id}: revision {plan.source.revision} -> "
            f"{plan.target.revision} ({plan.target.version}); {len(plan.kept)} answer(s) kept, "
            f"{len(plan.dropped)} dropped, {len(plan.new_questions)} question(s) need an answer"
        )
        for code, why in plan.dropped:
            self.stdout.write(f"  dropped {code}: {why}")
        for code in plan.new_questions:
            self.stdout.write(f"  needs an answer: {code}")
