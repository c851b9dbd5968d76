"""Submitting and reviewing: the coordinator's submit and the advisor's review page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from assessments.access import get_assessment_for_user
from assessments.models import Assessment
from assessments.review.forms import ReviewForm
from assessments.review.rows import moderation_rows
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


def _save_moderation(request: HttpRequest, assessment: Assessment) -> dict[int, str]:
    """Store every changed validated answer of the post; returns the refused ones' messages.

    Only the rows present in the post are looked at, so that a post without the
    table (the confirmation step) never clears what was saved before.
    """
    errors: dict[int, str] = {}
    for row in moderation_rows(assessment, None, {}):
        question = row["question"]
        if f"m{question.pk}-value" not in request.POST:
            continue
        value = request.POST.get(f"m{question.pk}-value", "").strip()
        reason = request.POST.get(f"m{question.pk}-reason", "").strip()
        if value == row["stored"] and reason == row["stored_reason"]:
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


def _validation_problem(assessment: Assessment, reason: str) -> str:
    """Why validating now would be refused, or "" (the service checks again)."""
    from assessments import scoring
    from assessments.results.assemble import compute_result

    scores = compute_result(assessment)
    if scores.validated_result.status != scoring.ASSESSED and not (reason or "").strip():
        return _(
            "Fewer than %(pct)d%% of the questions are answered: record why you validate it anyway."
        ) % {"pct": round(scores.framework.completeness_threshold * 100)}
    return ""


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """One form: validated answers, reasons and the decision, so nothing is discarded.

    Validating asks for a confirmation first; the validated answers of the post are
    saved before that question is asked.
    """
    assessment, can = get_assessment_for_user(request, pk, need="review")
    posted = request.method == "POST"
    deciding = posted and "moderate" not in request.POST
    form = ReviewForm(request.POST if deciding else None)
    errors: dict[int, str] = {}
    confirming = False
    status = 200
    if posted:
        errors = _save_moderation(request, assessment)
        if errors:
            messages.error(
                request,
                _("Some validated answers were not saved; see below. Nothing else was recorded."),
            )
            status = 400
        elif not deciding:
            messages.success(request, _("Validated answers saved."))
            return redirect("review", pk=pk)
        elif not form.is_valid():
            status = 400
        elif form.cleaned_data["decision"] == "validate" and "confirm" not in request.POST:
            # Ask for what validating needs (a reason below the completeness threshold)
            # before asking for the confirmation.
            problem = _validation_problem(assessment, form.cleaned_data["reason"])
            if problem:
                form.add_error("reason", problem)
            else:
                confirming = True
        else:
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
                # Refused (for instance, too few answers and no reason): say so at the field.
                form.add_error("reason", str(exc))
                status = 400
            except AssessmentLocked as exc:
                messages.error(request, str(exc))
                return redirect("results", pk=pk)
            else:
                return redirect("results", pk=pk)
    rows = moderation_rows(
        assessment, request.POST if posted and errors else None, errors, user=request.user
    )
    if posted and not errors and status == 400:
        # The decision was refused: keep what the advisor typed in the table too.
        rows = moderation_rows(assessment, request.POST, {}, user=request.user)
    return render(
        request,
        "assessments/review.html",
        {
            "assessment": assessment,
            "form": form,
            "can": can,
            "rows": rows,
            "confirming": confirming,
            "moderated_count": sum(1 for row in rows if row["stored"]),
            "has_previous": any(row["previous"] for row in rows),
        },
        status=status,
    )
