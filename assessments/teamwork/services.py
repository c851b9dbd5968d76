"""Assignments and discussion messages, each change in one transaction with an audit event."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from assessments import notifications
from assessments.models import (
    Assessment,
    Assignment,
    AuditEvent,
    Membership,
    QuestionComment,
)
from assessments.services import AssessmentLocked, InvalidAnswer
from frameworks.kinds import MAX_TEXT
from frameworks.models import Domain, Question


def assignable_people(assessment: Assessment):
    """The organisation's members, who may be given questions."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(memberships__organisation_id=assessment.organisation_id)
        .order_by("first_name", "username")
    )


def assignment_set(
    *,
    assessment: Assessment,
    assignee,
    user,
    domain: Domain | None = None,
    question: Question | None = None,
    due_on: dt.date | None = None,
) -> Assignment:
    """Give a domain or one question to a member of the organisation (replacing any other)."""
    item = domain if question is None else question
    if item is None or (domain is not None and question is not None):
        raise InvalidAnswer(_("Choose either a domain or a single question."))
    if item.framework_id != assessment.framework_id:
        raise InvalidAnswer(_("This is not part of the assessment."))
    if not Membership.objects.filter(
        user=assignee, organisation_id=assessment.organisation_id
    ).exists():
        raise InvalidAnswer(_("Only members of the organisation can be given questions."))
    if due_on is not None and due_on < dt.date.today():
        raise InvalidAnswer(_("Choose a due date that is not in the past."))
    with transaction.atomic():
        if not Assessment.objects.select_for_update().get(pk=assessment.pk).is_editable:
            raise AssessmentLocked(
                _("Questions can only be assigned while the assessment is a draft.")
            )
        assignment, _created = Assignment.objects.update_or_create(
            assessment=assessment,
            domain=domain,
            question=question,
            defaults={"assignee": assignee, "due_on": due_on, "assigned_by": user},
        )
        AuditEvent.objects.create(
            assessment=assessment,
            user=user,
            action="assigned",
            detail={
                "item": item.code,
                "assignee": assignee.get_username(),
                "due_on": due_on.isoformat() if due_on else None,
            },
        )
        return assignment


def assignment_remove(*, assignment: Assignment, user) -> None:
    with transaction.atomic():
        AuditEvent.objects.create(
            assessment=assignment.assessment,
            user=user,
            action="unassigned",
            detail={
                "item": assignment.item.code,
                "assignee": assignment.assignee.get_username(),
            },
        )
        assignment.delete()


def comment_post(
    *,
    assessment: Assessment,
    question: Question,
    user,
    body: str,
) -> QuestionComment:
    """Add a message to a question's discussion; kept in the audit trail too."""
    body = (body or "").strip()
    if not body:
        raise InvalidAnswer(_("Write a message first."))
    if len(body) > MAX_TEXT:
        raise InvalidAnswer(_("Keep the message under %(max)d characters.") % {"max": MAX_TEXT})
    if question.framework_id != assessment.framework_id:
        raise InvalidAnswer(_("This question is not part of the assessment."))
    with transaction.atomic():
        comment = QuestionComment.objects.create(
            assessment=assessment, question=question, author=user, body=body
        )
        AuditEvent.objects.create(
            assessment=assessment,
            user=user,
            action="comment_posted",
            detail={"question": question.code, "comment": comment.pk, "body": body},
        )
        comment_id = comment.pk
        transaction.on_commit(lambda: notifications.comment_mentioned(comment_id=comment_id))
        return comment


def assignments_for(assessment: Assessment) -> dict[str, dict[int, Assignment]]:
    """The assessment's assignments by domain id and by question id."""
    by_domain: dict[int, Assignment] = {}
    by_question: dict[int, Assignment] = {}
    for a in Assignment.objects.filter(assessment=assessment).select_related("assignee"):
        if a.domain_id:
            by_domain[a.domain_id] = a
        elif a.question_id:
            by_question[a.question_id] = a
    return {"domain": by_domain, "question": by_question}


def assignee_of(
    question: Question, assignments: dict[str, dict[int, Assignment]]
) -> Assignment | None:
    """A question's own assignment, else its domain's."""
    return assignments["question"].get(question.pk) or assignments["domain"].get(question.domain_id)


def comment_counts(assessment: Assessment, questions: list[Question]) -> dict[int, int]:
    """Number of discussion messages per question id."""
    from django.db.models import Count

    return dict(
        QuestionComment.objects.filter(assessment=assessment, question__in=questions)
        .values("question_id")
        .annotate(n=Count("id"))
        .values_list("question_id", "n")
    )
