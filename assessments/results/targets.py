"""Target levels: which apply to an assessment, their score, and setting them."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from assessments import scoring
from assessments.models import Assessment, AuditEvent, TargetLevel
from assessments.results.definition import framework_def
from assessments.services import InvalidAnswer, touch
from frameworks.models import Domain


def targets_of(assessment: Assessment) -> dict[str, int]:
    """Targets per domain code: set here, else the previous cycle's, else the framework's."""
    own = dict(
        TargetLevel.objects.filter(assessment=assessment).values_list("domain__code", "level")
    )
    previous = (
        Assessment.objects.filter(
            organisation_id=assessment.organisation_id,
            framework_key=assessment.framework_key,
            cycle__starts_on__lt=assessment.cycle.starts_on,
        )
        .order_by("-cycle__starts_on")
        .values_list("pk", flat=True)
        .first()
    )
    inherited = (
        dict(
            TargetLevel.objects.filter(assessment_id=previous).values_list("domain__code", "level")
        )
        if previous
        else {}
    )
    fdef = framework_def(assessment.framework)
    return {
        d.code: own.get(d.code) or inherited.get(d.code) or d.default_target for d in fdef.domains
    }


def target_score(framework: scoring.FrameworkDef, level: int) -> float:
    """The score that corresponds to a target level, to draw targets on score charts."""
    for band_level, minimum in framework.bands:
        if band_level == level:
            return float(minimum)
    return (level - 1) / 4 * 100


def targets_set(*, assessment: Assessment, user, levels: dict[int, int]) -> None:
    """Set target levels per top-level domain id; levels outside 1..5 are refused."""
    domains = {
        d.pk: d
        for d in Domain.objects.filter(framework_id=assessment.framework_id, parent__isnull=True)
    }
    for domain_id, level in levels.items():
        if domain_id not in domains:
            raise InvalidAnswer(_("Unknown domain."))
        if not 1 <= level <= 5:
            raise InvalidAnswer(_("Choose a target level between 1 and 5."))
    with transaction.atomic():
        for domain_id, level in levels.items():
            TargetLevel.objects.update_or_create(
                assessment=assessment,
                domain=domains[domain_id],
                defaults={"level": level, "set_by": user},
            )
        touch(assessment)
        AuditEvent.objects.create(
            assessment=assessment,
            user=user,
            action="targets_set",
            detail={domains[k].code: v for k, v in levels.items()},
        )
