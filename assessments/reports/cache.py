"""The report cache key, derived in one place from everything a report shows.

`report_inputs` lists the inputs (the frozen result or the answers' versions and
evidence, targets, the peer release, the trend, the organisation, cycle and framework
revision, the marking and language, and a fingerprint of the report's templates, CSS
and drawing code); `report_key` hashes them. A test changes each input in turn and checks
that the key changes, so a new input cannot be forgotten silently.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import Count, Max

from assessments.models import Assessment, Evidence, PeerRelease, Response
from assessments.results.targets import targets_of

APP_ROOT = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def template_fingerprint() -> str:
    """Hash of the report templates, its CSS and the code that draws and words it."""
    templates = sorted((settings.BASE_DIR / "templates" / "reports").rglob("*.html"))
    css = finders.find("css/report.css")
    code = [APP_ROOT / "results" / name for name in ("present.py", "charts.py")]
    code.append(APP_ROOT / "reports" / "pdf.py")
    code.append(APP_ROOT / "templatetags" / "briefing.py")  # words the briefing (issue 16)
    digest = hashlib.sha256()
    for path in [*templates, *([Path(css)] if css else []), *code]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def report_inputs(assessment: Assessment, *, tlp: str, language: str) -> dict[str, object]:
    """Everything the PDF of this assessment shows, as plain JSON-ready values."""
    organisation = assessment.organisation
    validated = assessment.status == Assessment.Status.VALIDATED and bool(assessment.frozen_result)
    responses = Response.objects.filter(assessment=assessment)
    answers = responses.aggregate(n=Count("id"), edited=Max("updated_at"))
    versions = sorted(responses.values_list("question_id", "version", "moderated_value"))
    evidence = Evidence.objects.filter(response__assessment=assessment).aggregate(
        n=Count("id"), last=Max("uploaded_at")
    )
    release = sorted(
        PeerRelease.objects.filter(
            framework_id=assessment.framework_id, cycle_id=assessment.cycle_id
        ).values_list("pk", flat=True)
    )
    history = (
        []
        if validated
        else sorted(
            Assessment.objects.filter(
                organisation_id=assessment.organisation_id,
                framework_key=assessment.framework_key,
                status=Assessment.Status.VALIDATED,
                cycle__starts_on__lt=assessment.cycle.starts_on,
            ).values_list("cycle__name", "answers_hash")
        )
    )
    return {
        "assessment": [assessment.pk, assessment.status, assessment.updated_at.isoformat()],
        "validated_by": [assessment.validated_by_id, str(assessment.validated_at)],
        "frozen": (
            hashlib.sha256(
                json.dumps(assessment.frozen_result, sort_keys=True).encode()
            ).hexdigest()
            if validated
            else None
        ),
        "answers_hash": assessment.answers_hash,
        "answers": [answers["n"], str(answers["edited"]), versions],
        "evidence": [evidence["n"], str(evidence["last"])],
        "targets": None if validated else targets_of(assessment),
        "history": history,
        "peer_release": release,
        "organisation": [
            organisation.name,
            organisation.country,
            organisation.region,
            organisation.org_type,
            organisation.income_group,
        ],
        "cycle": [assessment.cycle.name, str(assessment.cycle.deadline)],
        "framework": [assessment.framework_id, assessment.framework.content_hash],
        "tlp": tlp,
        "language": language,
        "templates": template_fingerprint(),
        "settings": [settings.PEER_MIN_GROUP, settings.PEER_EPSILON_PER_STATISTIC],
    }


def report_key(inputs: dict[str, object]) -> str:
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str).encode()).hexdigest()
