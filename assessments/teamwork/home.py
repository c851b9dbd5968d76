"""What each person should do next: the home page's work lists beyond filling and reviewing."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from assessments.models import Assessment, Assignment, OfficialScope, Response
from frameworks.models import Question


@dataclass(frozen=True)
class AssignedItem:
    assignment: Assignment
    answered: int
    total: int

    @property
    def done(self) -> bool:
        return self.answered >= self.total


def assigned_to(user) -> list[AssignedItem]:
    """The user's open assignments in editable assessments, soonest due first."""
    assignments = list(
        Assignment.objects.filter(assignee=user, assessment__status__in=Assessment.EDITABLE)
        .filter(assessment__in=Assessment.objects.visible_to(user))
        .select_related("assessment__organisation", "assessment__framework", "domain", "question")
    )
    items = []
    for a in assignments:
        questions = (
            [a.question_id]
            if a.question_id
            else list(Question.objects.filter(domain=a.domain).values_list("pk", flat=True))
        )
        answered = (
            Response.objects.filter(assessment_id=a.assessment_id, question_id__in=questions)
            .filter(Q(not_applicable=True) | ~Q(value=""))
            .count()
        )
        items.append(AssignedItem(assignment=a, answered=answered, total=len(questions)))
    # Open work first, then by due date (no date last).
    items.sort(key=lambda i: (i.done, i.assignment.due_on is None, i.assignment.due_on or 0))
    return items


def scope_results(user) -> list[Assessment] | None:
    """For an official: the latest validated assessment per organisation and framework
    in their scope, or None for anyone who is not an official."""
    if not OfficialScope.objects.filter(user=user).exists():
        return None
    validated = (
        Assessment.objects.visible_to(user)
        .filter(status=Assessment.Status.VALIDATED)
        .order_by("organisation__name", "framework_key", "-cycle__starts_on")
        .values_list("pk", "organisation_id", "framework_key")
    )
    latest: dict[tuple[int, str], int] = {}
    for pk, organisation_id, framework_key in validated:
        latest.setdefault((organisation_id, framework_key), pk)
    return list(Assessment.objects.select_related("validated_by").in_order(list(latest.values())))


def overall_score(assessment: Assessment) -> float | None:
    """The validated overall score stored at validation, if any."""
    return assessment.overall_score
