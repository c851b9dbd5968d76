"""Moving a draft to a newer revision of its framework.

Answers are mapped by question code. An answer is kept when the question still exists
and its value still fits the question's kind (and N/A is still allowed); otherwise it is
dropped and listed, so nobody loses track of what needs a new answer. Comments, links
and evidence move with a kept answer. Targets move by domain code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from assessments.models import Assessment, AuditEvent, Response, TargetLevel
from assessments.services import AssessmentLocked, lock_for_update, touch
from frameworks import kinds
from frameworks.models import Domain, Framework, Question


@dataclass
class RevisionPlan:
    source: Framework
    target: Framework
    kept: list[str] = field(default_factory=list)  # question codes
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (code, why)
    new_questions: list[str] = field(default_factory=list)  # codes needing an answer


def _plan(assessment: Assessment, target: Framework) -> tuple[RevisionPlan, list]:
    plan = RevisionPlan(source=assessment.framework, target=target)
    new = {q.code: q for q in Question.objects.filter(framework=target)}
    moves = []
    responses = Response.objects.filter(assessment=assessment).select_related("question")
    for response in responses.order_by("question__position"):
        code = response.question.code
        question = new.get(code)
        if question is None:
            plan.dropped.append((code, _("no longer in the framework")))
            continue
        try:
            if response.not_applicable and not question.allow_na:
                raise kinds.InvalidValue(_("not applicable is no longer allowed"))
            value = kinds.get(question.kind).normalise(response.value) if response.value else ""
            moderated = (
                kinds.get(question.kind).normalise(response.moderated_value)
                if response.moderated_value
                else ""
            )
        except kinds.InvalidValue as exc:
            plan.dropped.append((code, str(exc)))
            continue
        plan.kept.append(code)
        moves.append((response, question, value, moderated))
    kept = set(plan.kept)
    plan.new_questions = [
        code
        for code, q in sorted(new.items(), key=lambda item: item[1].position)
        if code not in kept
    ]
    return plan, moves


def assessment_migrate(
    *,
    assessment: Assessment,
    target: Framework,
    user=None,
    dry_run: bool = False,
) -> RevisionPlan:
    """Move a draft or returned assessment to `target`, a newer revision of its framework."""
    if target.key != assessment.framework.key:
        raise ValueError(_("That revision belongs to another framework."))
    if target.revision <= assessment.framework.revision:
        raise ValueError(_("Choose a newer revision than the one the assessment is on."))
    with transaction.atomic():
        locked = lock_for_update(assessment)
        if not locked.is_editable:
            raise AssessmentLocked(_("Only a draft or returned assessment can move revision."))
        plan, moves = _plan(locked, target)
        if dry_run:
            transaction.set_rollback(True)
            return plan
        kept_ids = [response.pk for response, *_rest in moves]
        Response.objects.filter(assessment=locked).exclude(pk__in=kept_ids).delete()
        for response, question, value, moderated in moves:
            response.question = question
            response.value = value
            response.moderated_value = moderated
            response.version += 1
            response.save(update_fields=["question", "value", "moderated_value", "version"])
        domains = {d.code: d for d in Domain.objects.filter(framework=target, parent=None)}
        for target_level in TargetLevel.objects.filter(assessment=locked).select_related("domain"):
            moved = domains.get(target_level.domain.code)
            if moved is None:
                target_level.delete()
            else:
                target_level.domain = moved
                target_level.save(update_fields=["domain"])
        locked.framework = target
        locked.save(update_fields=["framework", "updated_at"])
        touch(locked)
        AuditEvent.objects.create(
            assessment=locked,
            user=user,
            action="revision_changed",
            detail={
                "from": plan.source.revision,
                "to": target.revision,
                "kept": len(plan.kept),
                "dropped": [code for code, _why in plan.dropped],
            },
        )
        return plan
