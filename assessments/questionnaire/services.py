"""Saving answers: one keyword-only function in one transaction, with version checks."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from assessments.models import (
    Assessment,
    AuditEvent,
    Response,
)
from assessments.services import (
    AssessmentLocked,
    Conflict,
    InvalidAnswer,
    clean_value,
    lock_for_update,
    touch,
)
from frameworks.kinds import MAX_TEXT
from frameworks.models import Question

# The evidence link's column size (Response.evidence_link), re-checked here (issue #11).
MAX_LINK = 500


def response_save(
    *,
    assessment: Assessment,
    question: Question,
    user,
    base_version: int,
    value: str,
    not_applicable: bool,
    comment: str,
    evidence_link: str,
) -> Response:
    """Save one answer if it is based on the stored version; raise Conflict otherwise."""
    if question.framework_id != assessment.framework_id:
        raise InvalidAnswer(_("This question is not part of the assessment."))
    if not_applicable and not question.allow_na:
        raise InvalidAnswer(_("This question cannot be marked not applicable."))
    value = "" if not_applicable else clean_value(question, value)
    comment = (comment or "").strip()
    if len(comment) > MAX_TEXT:
        raise InvalidAnswer(_("Keep the comment under %(max)d characters.") % {"max": MAX_TEXT})
    evidence_link = (evidence_link or "").strip()
    if len(evidence_link) > MAX_LINK:
        raise InvalidAnswer(
            _("Keep the evidence link under %(max)d characters.") % {"max": MAX_LINK}
        )
    try:
        with transaction.atomic():
            locked = lock_for_update(assessment)
            if not locked.is_editable:
                raise AssessmentLocked(
                    _("This assessment is %(status)s and cannot be changed.")
                    % {"status": locked.get_status_display().lower()}
                )
            response = (
                Response.objects.select_for_update()
                .filter(assessment=assessment, question=question)
                .first()
            )
            current_version = response.version if response else 0
            if current_version != base_version:
                raise Conflict(current=response)
            if response is None:
                response = Response(assessment=assessment, question=question)
            before = {"value": response.value, "na": response.not_applicable}
            unchanged = (
                response.pk is not None
                and response.value == value
                and response.not_applicable == not_applicable
                and response.comment == comment
                and response.evidence_link == evidence_link
            )
            if unchanged:
                return response
            response.value = value
            response.not_applicable = not_applicable
            response.comment = comment
            response.evidence_link = evidence_link
            response.version = current_version + 1
            response.updated_by = user
            response.save()
            AuditEvent.objects.create(
                assessment=assessment,
                user=user,
                action="answer_saved",
                detail={
                    "question": question.code,
                    "version": response.version,
                    "before": before,
                    "after": {"value": value, "na": not_applicable},
                },
            )
            touch(assessment)
            return response
    except IntegrityError:
        # Two first saves raced; the loser sees the winner's answer.
        current = Response.objects.get(assessment=assessment, question=question)
        raise Conflict(current=current) from None
