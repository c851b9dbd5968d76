"""The coordinator's assignment page and the discussion page of one question."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from assessments.access import get_assessment_for_user
from assessments.models import Assignment, QuestionComment, Response
from assessments.services import AssessmentLocked, InvalidAnswer
from assessments.teamwork.services import (
    assignable_people,
    assignment_remove,
    assignment_set,
    assignments_for,
    comment_post,
)
from frameworks.i18n import localize_domains, localize_questions
from frameworks.models import Domain, Question


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        raise InvalidAnswer(_("Enter the due date as YYYY-MM-DD.")) from None


@login_required
def assignments(request: HttpRequest, pk: int) -> HttpResponse:
    """Who answers what, by when: domains and single questions given to members."""
    assessment, can = get_assessment_for_user(request, pk, need="view")
    domains = list(
        Domain.objects.filter(framework_id=assessment.framework_id, parent__isnull=True).order_by(
            "position"
        )
    )
    questions = list(
        Question.objects.filter(framework_id=assessment.framework_id).order_by("position")
    )
    localize_domains(assessment.framework, domains)
    localize_questions(assessment.framework, questions)
    people = list(assignable_people(assessment))
    error = ""
    status = 200
    if request.method == "POST":
        assessment, can = get_assessment_for_user(request, pk, need="assign")
        if "remove" in request.POST:
            assignment = get_object_or_404(
                Assignment, pk=request.POST.get("remove", ""), assessment=assessment
            )
            assignment_remove(assignment=assignment, user=request.user)
            messages.success(request, _("Assignment removed."))
            return redirect("assignments", pk=pk)
        item = request.POST.get("item", "")
        person = next((p for p in people if str(p.pk) == request.POST.get("assignee")), None)
        try:
            if person is None:
                raise InvalidAnswer(_("Choose who answers."))
            kind, _sep, item_pk = item.partition("-")
            domain = next((d for d in domains if kind == "d" and str(d.pk) == item_pk), None)
            question = next((q for q in questions if kind == "q" and str(q.pk) == item_pk), None)
            if domain is None and question is None:
                raise InvalidAnswer(_("Choose a domain or a question."))
            assignment = assignment_set(
                assessment=assessment,
                domain=domain,
                question=question,
                assignee=person,
                due_on=_parse_date(request.POST.get("due_on", "").strip()),
                user=request.user,
            )
        except (InvalidAnswer, AssessmentLocked) as exc:
            error = str(exc)
            status = 400
        else:
            messages.success(
                request,
                _("%(item)s assigned to %(who)s.")
                % {
                    "item": assignment.item.code,
                    "who": person.get_full_name() or person.get_username(),
                },
            )
            return redirect("assignments", pk=pk)
    given = assignments_for(assessment)
    domain_rows = [(d, given["domain"].get(d.pk)) for d in domains]
    question_rows = [(q, given["question"][q.pk]) for q in questions if q.pk in given["question"]]
    return render(
        request,
        "assessments/assignments.html",
        {
            "assessment": assessment,
            "can": can,
            "domains": domains,
            "questions": questions,
            "people": people,
            "domain_rows": domain_rows,
            "question_rows": question_rows,
            "error": error,
            "posted": request.POST if error else {},
        },
        status=status,
    )


@login_required
def discussion(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    """The thread on one question, between the organisation and its advisor."""
    assessment, can = get_assessment_for_user(request, pk, need="view")
    question = get_object_or_404(
        Question.objects.select_related("domain"),
        pk=question_pk,
        framework_id=assessment.framework_id,
    )
    localize_questions(assessment.framework, [question])
    error = ""
    body = ""
    status = 200
    if request.method == "POST":
        assessment, can = get_assessment_for_user(request, pk, need="discuss")
        body = request.POST.get("body", "")
        try:
            comment_post(assessment=assessment, question=question, user=request.user, body=body)
        except InvalidAnswer as exc:
            error = str(exc)
            status = 400
        else:
            if not _is_htmx(request):
                messages.success(request, _("Message posted."))
                return redirect("discussion", pk=pk, question_pk=question_pk)
            body = ""
    comments = list(
        QuestionComment.objects.filter(assessment=assessment, question=question).select_related(
            "author"
        )
    )
    from assessments.results.present import answer_label

    response = Response.objects.filter(assessment=assessment, question=question).first()
    context = {
        "answer": answer_label(
            question,
            response.value if response else "",
            response.not_applicable if response else False,
            assessment.framework.level_names(),
        ),
        "assessment": assessment,
        "can": can,
        "question": question,
        "comments": comments,
        "response": response,
        "error": error,
        "body": body,
    }
    template = (
        "assessments/_discussion_thread.html"
        if _is_htmx(request)
        else "assessments/discussion.html"
    )
    return render(request, template, context, status=status)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"
