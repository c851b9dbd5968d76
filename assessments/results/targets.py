"""Target levels: which apply to an assessment, their score, and setting them."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from assessments import scoring
from assessments.models import Assessment, AuditEvent, TargetLevel
from assessments.results.definition import framework_def
from assessments.services import AssessmentLocked, InvalidAnswer, lock_for_update, touch
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
    """Set target levels per top-level domain id.

    Refused: a validated assessment (its gap analysis is frozen), levels outside 1..5,
    and in a gated framework a level above the domain's highest practice level, which
    no answer could ever reach.
    """
    domains = {
        d.pk: d
        for d in Domain.objects.filter(framework_id=assessment.framework_id, parent__isnull=True)
    }
    reachable = _highest_practice_levels(assessment)
    for domain_id, level in levels.items():
        if domain_id not in domains:
            raise InvalidAnswer(_("Unknown domain."))
        if not 1 <= level <= 5:
            raise InvalidAnswer(_("Choose a target level between 1 and 5."))
        ceiling = reachable.get(domains[domain_id].code)
        if ceiling is not None and level > ceiling:
            raise InvalidAnswer(
                _("%(domain)s cannot go above level %(max)d: it has no practices beyond it.")
                % {"domain": domains[domain_id].name, "max": ceiling}
            )
    with transaction.atomic():
        locked = lock_for_update(assessment)
        if locked.status == Assessment.Status.VALIDATED:
            raise AssessmentLocked(
                _("This assessment is validated: its targets are frozen with its result.")
            )
        for domain_id, level in levels.items():
            TargetLevel.objects.update_or_create(
                assessment=locked,
                domain=domains[domain_id],
                defaults={"level": level, "set_by": user},
            )
        touch(locked)
        AuditEvent.objects.create(
            assessment=locked,
            user=user,
            action="targets_set",
            detail={domains[k].code: v for k, v in levels.items()},
        )


def _highest_practice_levels(assessment: Assessment) -> dict[str, int]:
    """Per domain code of a gated framework, the highest practice level; {} otherwise."""
    fdef = framework_def(assessment.framework)
    if fdef.method != "gated":
        return {}
    highest: dict[str, int] = {}
    for q in fdef.questions:
        if q.kind == "practice" and q.practice_level is not None:
            highest[q.domain] = max(highest.get(q.domain, 0), q.practice_level)
    return highest
