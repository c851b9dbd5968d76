"""The workflow: submit, return, moderate and validate, each in one transaction."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import notifications, scoring
from assessments.models import (
    Assessment,
    AuditEvent,
    Response,
)
from assessments.results.integrity import stored_fingerprint
from assessments.services import (
    AssessmentLocked,
    InvalidAnswer,
    MissingAnswers,
    clean_value,
    lock_for_update,
    touch,
)
from frameworks.kinds import MAX_TEXT
from frameworks.models import Question


def missing_required(assessment: Assessment) -> list[Question]:
    answered = {
        r.question_id
        for r in Response.objects.filter(assessment=assessment).only(
            "question_id", "value", "not_applicable"
        )
        if r.is_answered
    }
    return [
        q
        for q in Question.objects.filter(framework_id=assessment.framework_id, required=True)
        .select_related("domain")
        .order_by("position")
        if q.pk not in answered
    ]


def _after_commit(notify: Callable[..., object], assessment_id: int) -> None:
    """Run a side effect (e-mail, report render) once the change is committed (issue 12)."""
    transaction.on_commit(lambda: notify(assessment_id=assessment_id))


def assessment_submit(*, assessment: Assessment, user) -> Assessment:
    with transaction.atomic():
        locked = lock_for_update(assessment)
        if not locked.is_editable:
            raise AssessmentLocked(_("Only a draft or returned assessment can be submitted."))
        missing = missing_required(locked)
        if missing:
            raise MissingAnswers(missing)
        locked.status = Assessment.Status.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["status", "submitted_at", "updated_at"])
        AuditEvent.objects.create(assessment=locked, user=user, action="submitted")
        _after_commit(notifications.assessment_submitted, locked.pk)
        return locked


def assessment_return(*, assessment: Assessment, user, note: str) -> Assessment:
    with transaction.atomic():
        locked = lock_for_update(assessment)
        if locked.status != Assessment.Status.SUBMITTED:
            raise AssessmentLocked(_("Only a submitted assessment can be returned."))
        locked.status = Assessment.Status.RETURNED
        note = note.strip()
        if len(note) > MAX_TEXT:
            raise InvalidAnswer(_("Keep the note under %(max)d characters.") % {"max": MAX_TEXT})
        locked.review_note = note
        locked.save(update_fields=["status", "review_note", "updated_at"])
        AuditEvent.objects.create(
            assessment=locked, user=user, action="returned", detail={"note": locked.review_note}
        )
        _after_commit(notifications.assessment_returned, locked.pk)
        return locked


def response_moderate(
    *,
    assessment: Assessment,
    question: Question,
    user,
    value: str,
    not_applicable: bool,
    reason: str,
) -> Response:
    """Set (or clear, with no value and no N/A) the advisor's validated answer.

    The organisation's own answer and its version stay untouched: reports show
    both, and peers are compared on the validated one.
    """
    if question.framework_id != assessment.framework_id:
        raise InvalidAnswer(_("This question is not part of the assessment."))
    clearing = not value and not not_applicable
    reason = (reason or "").strip()
    if not clearing:
        if not_applicable and not question.allow_na:
            raise InvalidAnswer(_("This question cannot be marked not applicable."))
        value = "" if not_applicable else clean_value(question, value)
        if not reason:
            raise InvalidAnswer(_("Say why the validated answer differs from the organisation's."))
        if len(reason) > MAX_TEXT:
            raise InvalidAnswer(_("Keep the reason under %(max)d characters.") % {"max": MAX_TEXT})
    with transaction.atomic():
        locked = lock_for_update(assessment)
        if locked.status != Assessment.Status.SUBMITTED:
            raise AssessmentLocked(
                _("Answers can only be moderated while the assessment is submitted.")
            )
        response, _created = Response.objects.get_or_create(assessment=locked, question=question)
        response.moderated_value = "" if clearing else value
        response.moderated_not_applicable = not clearing and not_applicable
        response.moderation_reason = "" if clearing else reason
        response.moderated_by = None if clearing else user
        # `updated_at` and `version` describe the organisation's answer: leave them.
        response.save(
            update_fields=[
                "moderated_value",
                "moderated_not_applicable",
                "moderation_reason",
                "moderated_by",
            ]
        )
        touch(locked)
        AuditEvent.objects.create(
            assessment=locked,
            user=user,
            action="answer_moderated" if not clearing else "moderation_cleared",
            detail={
                "question": question.code,
                "value": value,
                "na": not_applicable,
                "reason": reason,
            },
        )
        return response


def answers_digest(assessment: Assessment) -> str:
    return stored_fingerprint(assessment)


def assessment_validate(*, assessment: Assessment, user, reason: str = "") -> Assessment:
    """Lock the assessment and freeze its scores, targets and framework revision.

    Below the framework's completeness threshold (or with nothing assessed) the advisor
    must record why they validate anyway; the reason is kept with the frozen result.
    """
    from assessments.results.assemble import freeze

    reason = (reason or "").strip()
    if len(reason) > MAX_TEXT:
        raise InvalidAnswer(_("Keep the reason under %(max)d characters.") % {"max": MAX_TEXT})
    with transaction.atomic():
        locked = lock_for_update(assessment)
        if locked.status != Assessment.Status.SUBMITTED:
            raise AssessmentLocked(_("Only a submitted assessment can be validated."))
        fingerprint, frozen, scores = freeze(locked, reason=reason)
        if scores.validated_result.status != scoring.ASSESSED and not reason:
            raise InvalidAnswer(
                _(
                    "Fewer than %(pct)d%% of the questions are answered: record why you "
                    "validate it anyway."
                )
                % {"pct": round(scores.framework.completeness_threshold * 100)}
            )
        locked.status = Assessment.Status.VALIDATED
        locked.validated_at = timezone.now()
        locked.validated_by = user
        locked.answers_hash = fingerprint
        locked.frozen_result = frozen
        locked.save()
        AuditEvent.objects.create(
            assessment=locked,
            user=user,
            action="validated",
            detail={"hash": locked.answers_hash, **({"reason": reason} if reason else {})},
        )
        _after_commit(notifications.assessment_validated, locked.pk)
        _after_commit(_prerender_report, locked.pk)
        return locked


def _prerender_report(*, assessment_id: int) -> None:
    """Queue the default report on validation so the first download is instant (with a worker)."""
    from assessments.reports.pdf import DEFAULT_TLP
    from ops.reports import prerender

    prerender(
        Assessment.objects.get(pk=assessment_id), tlp=DEFAULT_TLP, language=settings.LANGUAGE_CODE
    )
