"""Shared write primitives of assessments: the errors every service raises, the row lock,
`touch`, and starting an assessment.

Every write path (pages, autosave, commands) goes through a service function that
re-checks the assessment's status inside its transaction, so a submitted or validated
assessment can never be changed from anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

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
from frameworks import kinds
from frameworks.kinds import InvalidValue
from frameworks.models import Framework, Question


class AssessmentLocked(Exception):
    """The assessment is not open for changes."""


# A value that does not fit the question: one error for kinds, services and forms.
InvalidAnswer = InvalidValue


class MissingAnswers(Exception):
    def __init__(self, questions: list[Question]) -> None:
        super().__init__(_("Some required questions are not answered."))
        self.questions = questions


@dataclass
class Conflict(Exception):
    """Someone saved this answer since the user loaded it (None: it was since cleared)."""

    current: Response | None


def clean_value(question: Question, raw: str) -> str:
    """Normalise a submitted value for the question's kind, or raise InvalidAnswer."""
    return kinds.get(question.kind).normalise(raw)


def assessment_start(
    *, organisation: Organisation, framework: Framework, cycle: Cycle, user
) -> Assessment:
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
