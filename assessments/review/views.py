"""Submitting and reviewing: the coordinator's submit and the advisor's review page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from assessments.access import get_assessment_for_user
from assessments.models import (
    Assessment,
    Response,
)
from assessments.questionnaire.forms import answer_choices
from assessments.review.forms import ReviewForm
from assessments.review.services import (
    assessment_return,
    assessment_submit,
    assessment_validate,
    missing_required,
    response_moderate,
)
from assessments.services import (
    AssessmentLocked,
    InvalidAnswer,
    MissingAnswers,
)
from frameworks import kinds
from frameworks.models import Question


@login_required
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, can = get_assessment_for_user(request, pk, need="submit")
    missing = missing_required(assessment)
    if request.method == "POST":
        try:
            assessment_submit(assessment=assessment, user=request.user)
        except MissingAnswers as exc:
            missing = exc.questions
            messages.error(request, _("Some required questions are not answered yet."))
        except AssessmentLocked as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("Submitted. The assessment is now locked while your advisor reviews it.")
            )
            return redirect("results", pk=pk)
    return render(
        request,
        "assessments/submit.html",
        {"assessment": assessment, "missing": missing, "can": can},
        status=200 if request.method == "GET" or not missing else 400,
    )


def _moderation_rows(
    assessment: Assessment, data: dict | None, errors: dict[int, str]
) -> list[dict]:
    """One row per scored question: the organisation's answer and the advisor's."""
    from assessments.results.present import answer_label

    level_names = assessment.framework.level_names()
    responses = {r.question_id: r for r in Response.objects.filter(assessment=assessment)}
    questions = (
        Question.objects.filter(framework_id=assessment.framework_id)
        .filter(kind__in=kinds.SCORED_KINDS)
        .select_related("domain")
        .order_by("position")
    )
    rows = []
    for q in questions:
        r = responses.get(q.pk)
        stored = "na" if r and r.moderated_not_applicable else (r.moderated_value if r else "")
        rows.append(
            {
                "question": q,
                "answer": answer_label(
                    q, r.value if r else "", r.not_applicable if r else False, level_names
                ),
                "comment": r.comment if r else "",
                "choices": answer_choices(q, level_names),
                "value": data.get(f"m{q.pk}-value", "") if data else stored,
                "reason": data.get(f"m{q.pk}-reason", "")
                if data
                else (r.moderation_reason if r else ""),
                "stored": stored,
                "error": errors.get(q.pk, ""),
            }
        )
    return rows


def _save_moderation(request: HttpRequest, assessment: Assessment) -> dict[int, str]:
    """Store every changed validated answer; returns the refused ones' messages."""
    errors: dict[int, str] = {}
    for row in _moderation_rows(assessment, None, {}):
        question = row["question"]
        value = request.POST.get(f"m{question.pk}-value", "").strip()
        reason = request.POST.get(f"m{question.pk}-reason", "").strip()
        if value == row["stored"] and reason == row["reason"]:
            continue
        if not value and not row["stored"]:
            errors[question.pk] = _("Choose the validated answer, or leave the reason empty.")
            continue
        try:
            response_moderate(
                assessment=assessment,
                question=question,
                user=request.user,
                value="" if value == "na" else value,
                not_applicable=value == "na",
                reason=reason,
            )
        except (InvalidAnswer, AssessmentLocked) as exc:
            errors[question.pk] = str(exc)
    return errors


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, can = get_assessment_for_user(request, pk, need="review")
    moderating = request.method == "POST" and "moderate" in request.POST
    form = ReviewForm(request.POST if request.method == "POST" and not moderating else None)
    errors: dict[int, str] = {}
    if moderating:
        errors = _save_moderation(request, assessment)
        if not errors:
            messages.success(request, _("Validated answers saved."))
            return redirect("review", pk=pk)
        messages.error(request, _("Some validated answers were not saved; see below."))
    elif request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "validate":
                assessment_validate(
                    assessment=assessment,
                    user=request.user,
                    reason=form.cleaned_data["reason"],
                )
                messages.success(request, _("Validated. The scores are frozen."))
            else:
                assessment_return(
                    assessment=assessment, user=request.user, note=form.cleaned_data["note"]
                )
                messages.success(request, _("Returned to the organisation for revision."))
        except InvalidAnswer as exc:
            form.add_error("reason", str(exc))
        except AssessmentLocked as exc:
            messages.error(request, str(exc))
            return redirect("results", pk=pk)
        else:
            return redirect("results", pk=pk)
    rows = _moderation_rows(assessment, request.POST if moderating else None, errors)
    return render(
        request,
        "assessments/review.html",
        {"assessment": assessment, "form": form, "can": can, "rows": rows},
        status=400 if errors else 200,
    )
