"""State changes of assessments: each a keyword-only function in one transaction.

Every write path (pages, autosave, commands) goes through these functions,
which re-check the assessment's status inside the transaction, so a submitted
or validated assessment can never be changed from anywhere.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import (
    Assessment,
    AuditEvent,
    Cycle,
    Organisation,
    Response,
    TargetLevel,
)
from assessments.scoring import PRACTICE_CHOICES
from frameworks.models import Domain, Framework, Question


class AssessmentLocked(Exception):
    """The assessment is not open for changes."""


class InvalidAnswer(ValueError):
    """A value that does not fit the question."""


class MissingAnswers(Exception):
    def __init__(self, questions: list[Question]) -> None:
        super().__init__(_("Some required questions are not answered."))
        self.questions = questions


@dataclass
class Conflict(Exception):
    """Someone saved this answer since the user loaded it."""

    current: Response


MAX_TEXT = 4000


def clean_value(question: Question, raw: str) -> str:
    """Normalise a submitted value for the question's kind, or raise InvalidAnswer."""
    value = (raw or "").strip()
    if value == "":
        return ""
    kind = question.kind
    if kind == Question.Kind.MATURITY:
        if value not in {"1", "2", "3", "4", "5"}:
            raise InvalidAnswer(_("Choose one of the five levels."))
    elif kind == Question.Kind.PRACTICE:
        if value not in PRACTICE_CHOICES:
            raise InvalidAnswer(_("Choose how far the practice is implemented."))
    elif kind == Question.Kind.YES_NO:
        if value not in {"yes", "no"}:
            raise InvalidAnswer(_("Answer yes or no."))
    elif kind == Question.Kind.NUMERIC:
        try:
            number = Decimal(value.replace(",", "."))
        except InvalidOperation:
            raise InvalidAnswer(_("Enter a number, for example 12 or 3.5.")) from None
        if not number.is_finite() or abs(number) > Decimal("1e12"):
            raise InvalidAnswer(_("Enter a number, for example 12 or 3.5."))
        if number < 0:
            raise InvalidAnswer(_("Enter a number that is zero or more."))
        value = format(number.normalize(), "f")
    elif len(value) > MAX_TEXT:
        raise InvalidAnswer(_("Keep the answer under %(max)d characters.") % {"max": MAX_TEXT})
    return value


def assessment_start(
    *, organisation: Organisation, framework: Framework, cycle: Cycle, user
) -> Assessment:  # type: ignore[no-untyped-def]
    """Start (or return the existing) assessment, pinned to this framework revision."""
    with transaction.atomic():
        existing = Assessment.objects.filter(
            organisation=organisation, framework_key=framework.key, cycle=cycle
        ).first()
        if existing is not None:
            return existing
        assessment = Assessment.objects.create(
            organisation=organisation,
            framework=framework,
            framework_key=framework.key,
            cycle=cycle,
            created_by=user,
        )
        AuditEvent.objects.create(
            assessment=assessment,
            user=user,
            action="started",
            detail={"framework": framework.key, "revision": framework.revision},
        )
        return assessment


def _lock(assessment: Assessment) -> Assessment:
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    assessment.status = locked.status
    return locked


def response_save(
    *,
    assessment: Assessment,
    question: Question,
    user,  # type: ignore[no-untyped-def]
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
    try:
        with transaction.atomic():
            locked = _lock(assessment)
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
                raise Conflict(current=response)  # type: ignore[arg-type]
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


def touch(assessment: Assessment) -> None:
    """Mark the assessment changed (cached reports are keyed on this)."""
    Assessment.objects.filter(pk=assessment.pk).update(updated_at=timezone.now())


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


def assessment_submit(*, assessment: Assessment, user) -> Assessment:  # type: ignore[no-untyped-def]
    with transaction.atomic():
        locked = _lock(assessment)
        if not locked.is_editable:
            raise AssessmentLocked(_("Only a draft or returned assessment can be submitted."))
        missing = missing_required(locked)
        if missing:
            raise MissingAnswers(missing)
        locked.status = Assessment.Status.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["status", "submitted_at", "updated_at"])
        AuditEvent.objects.create(assessment=locked, user=user, action="submitted")
        return locked


def assessment_return(*, assessment: Assessment, user, note: str) -> Assessment:  # type: ignore[no-untyped-def]
    with transaction.atomic():
        locked = _lock(assessment)
        if locked.status != Assessment.Status.SUBMITTED:
            raise AssessmentLocked(_("Only a submitted assessment can be returned."))
        locked.status = Assessment.Status.RETURNED
        locked.review_note = note.strip()[:MAX_TEXT]
        locked.save(update_fields=["status", "review_note", "updated_at"])
        AuditEvent.objects.create(
            assessment=locked, user=user, action="returned", detail={"note": locked.review_note}
        )
        return locked


def response_moderate(
    *,
    assessment: Assessment,
    question: Question,
    user,  # type: ignore[no-untyped-def]
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
        locked = _lock(assessment)
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
    rows = sorted(
        Response.objects.filter(assessment=assessment).values_list(
            "question__code",
            "value",
            "not_applicable",
            "moderated_value",
            "moderated_not_applicable",
        )
    )
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


def assessment_validate(*, assessment: Assessment, user) -> Assessment:  # type: ignore[no-untyped-def]
    """Lock the assessment and freeze its scores with the framework revision."""
    from assessments.results import compute_result  # scoring needs the full data

    with transaction.atomic():
        locked = _lock(assessment)
        if locked.status != Assessment.Status.SUBMITTED:
            raise AssessmentLocked(_("Only a submitted assessment can be validated."))
        locked.status = Assessment.Status.VALIDATED
        locked.validated_at = timezone.now()
        locked.validated_by = user
        locked.answers_hash = answers_digest(locked)
        locked.frozen_result = compute_result(locked).to_frozen()
        locked.save()
        AuditEvent.objects.create(
            assessment=locked, user=user, action="validated", detail={"hash": locked.answers_hash}
        )
        return locked


def targets_set(*, assessment: Assessment, user, levels: dict[int, int]) -> None:  # type: ignore[no-untyped-def]
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
