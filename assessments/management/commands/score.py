from __future__ import annotations

import json
from dataclasses import asdict

from django.core.management.base import BaseCommand, CommandParser

from assessments import scoring
from assessments.management import get_assessment_or_fail
from assessments.models import Assessment
from assessments.results.assemble import build_results


def results_payload(assessment: Assessment) -> dict:
    """Everything `score --json` prints: scores, levels, blockers, gaps, peer statistics."""
    data = build_results(assessment)
    return {
        "assessment": {
            "id": assessment.pk,
            "organisation": assessment.organisation.name,
            "framework": assessment.framework.key,
            "framework_version": assessment.framework.version,
            "framework_revision": assessment.framework.revision,
            "cycle": assessment.cycle.name,
            "status": assessment.status,
            "answers_hash": assessment.answers_hash or None,
            "frozen": data.scores.frozen,
            "intact": data.intact,
        },
        "targets": data.scores.targets,
        "result": scoring.result_to_dict(data.shown),
        "self_assessed": scoring.result_to_dict(data.scores.self_result),
        "moderated": data.scores.moderated,
        "peers": {
            "min_group": data.min_group,
            "groups": [asdict(group) for group in data.groups],
        },
        "trend": [asdict(entry) for entry in data.trend],
    }


class Command(BaseCommand):
    help = "Print an assessment's scores, levels, blockers, gaps and peer statistics."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("assessment_id", type=int)
        parser.add_argument("--json", action="store_true", help="print the full result as JSON")

    def handle(self, *args: object, assessment_id: int, **options: object) -> None:
        assessment = get_assessment_or_fail(assessment_id)
        payload = results_payload(assessment)
        if options["json"]:
            self.stdout.write(_dumps(payload))
            return
        result = payload["result"]
        overall = result["overall_score"]
        self.stdout.write(
            f"{assessment} [{assessment.status}]\n"
            f"overall: {'-' if overall is None else f'{overall:.1f}'}  "
            f"level: {result['overall_level']}  completeness: {result['completeness']:.0%}"
        )
        if not payload["assessment"]["intact"]:
            self.stderr.write(
                "INTEGRITY WARNING: the stored answers no longer match the fingerprint taken "
                "at validation; the scores shown are the frozen ones."
            )
        for d in result["domains"]:
            score = "-" if d["score"] is None else f"{d['score']:.1f}"
            self.stdout.write(
                f"  {d['code']:<8} score {score:>5}  level {d['level']}  target {d['target']}  "
                f"gap {d['gap']}  blockers {len(d['blockers'])}"
            )


def _dumps(payload: dict) -> str:
    return json.dumps(payload, indent=2, ensure_ascii=False, default=str)
