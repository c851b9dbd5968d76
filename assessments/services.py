"""Shared write primitives of assessments: the errors every service raises, the row lock,
`touch`, and starting an assessment.

Every write path (pages, autosave, commands) goes through a service function that
re-checks the assessment's status inside its transaction, so a submitted or validated
assessment can never be changed from anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import (
    Assessment,
    AuditEvent,
    Cycle,
    Organisation,
    Response,
)
from assessments.scoring import PRACTICE_CHOICES
from frameworks.models import Framework, Question


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


def lock_for_update(assessment: Assessment) -> Assessment:
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    assessment.status = locked.status
    return locked


def touch(assessment: Assessment) -> None:
    """Mark the assessment changed (cached reports are keyed on this)."""
    Assessment.objects.filter(pk=assessment.pk).update(updated_at=timezone.now())
