"""Publish a round of differentially private peer statistics."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.models import Assessment, Cycle
from assessments.results.releases import BudgetSpent, peer_release_round, round_epsilon
from frameworks.models import Framework


class Command(BaseCommand):
    help = (
        "Release peer statistics (quartiles with differential privacy) for every framework "
        "revision with validated assessments in the cycle(s); what every results page, "
        "report and export then shows until the next release."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cycle", help="cycle name (default: every cycle)")
        parser.add_argument("--framework", help="framework id (default: every framework)")
        parser.add_argument(
            "--dry-run", action="store_true", help="say what would be released, store nothing"
        )

    def handle(self, *args: object, **options: object) -> None:
        cycles = Cycle.objects.order_by("starts_on")
        if options["cycle"]:
            cycles = cycles.filter(name=options["cycle"])
            if not cycles.exists():
                raise CommandError(f"no cycle named {options['cycle']!r}", returncode=1)
        pairs = (
            Assessment.objects.filter(status=Assessment.Status.VALIDATED, cycle__in=cycles)
            .values_list("framework__key", "cycle_id")
            .distinct()
        )
        if options["framework"]:
            pairs = pairs.filter(framework__key=options["framework"])
        released = 0
        for key, cycle_id in sorted(set(pairs)):
            cycle = Cycle.objects.get(pk=cycle_id)
            for framework in Framework.objects.filter(key=key).order_by("revision"):
                cost = round_epsilon(framework)
                label = f"{framework.key} v{framework.version} · {cycle.name}"
                if options["dry_run"]:
                    self.stdout.write(f"[dry run] {label}: a round would cost ε = {cost:g}")
                    continue
                try:
                    rows = peer_release_round(framework=framework, cycle=cycle)
                except BudgetSpent as exc:
                    self.stderr.write(f"{label}: {exc}")
                    continue
                shown = sum(r.status == r.Status.RELEASED for r in rows)
                self.stdout.write(
                    f"{label}: round {rows[0].round if rows else '-'}, {shown} of {len(rows)} "
                    f"group(s) released, ε = {cost:g} per organisation "
                    f"(ε = {settings.PEER_EPSILON_PER_STATISTIC:g} per statistic)"
                )
                released += 1
        self.stdout.write(f"{released} release round(s) published.")
