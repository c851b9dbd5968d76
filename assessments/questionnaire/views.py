"""Answering: the questionnaire pages, autosave and evidence.

Every view that takes an assessment id starts with `access.get_assessment_for_user`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.forms.utils import ErrorDict
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.security_log import security_log
from assessments.access import get_assessment_for_user
from assessments.models import (
    Assessment,
    Assignment,
    Evidence,
    Response,
)
from assessments.questionnaire.evidence import (
    EvidenceRejected,
    evidence_add,
    evidence_delete,
    evidence_open,
)
from assessments.questionnaire.forms import AnswerForm, answer_choices
from assessments.questionnaire.fragments import question_fragments
from assessments.questionnaire.guards import lock_of, only_own_saves_since
from assessments.questionnaire.services import response_save
from assessments.services import (
    AssessmentLocked,
    Conflict,
    InvalidAnswer,
)
from assessments.teamwork.services import assignee_of, assignments_for, comment_counts
from frameworks import kinds
from frameworks.models import Domain, Question
from frameworks.pages import FrameworkPages, framework_pages


def _domain_progress(assessment: Assessment, pages: FrameworkPages) -> dict[int, tuple[int, int]]:
    totals = pages.totals
    answered = dict(
        Response.objects.filter(assessment=assessment)
        .filter(Q(not_applicable=True) | ~Q(value=""))
        .values("question__domain_id")
        .annotate(n=Count("id"))
        .values_list("question__domain_id", "n")
    )
    return {d.pk: (answered.get(d.pk, 0), totals.get(d.pk, 0)) for d in pages.domains}


def _my_work(
    assessment: Assessment, user, pages: FrameworkPages, given: dict[str, dict[int, Assignment]]
) -> tuple[set[int], int | None]:
    """Domains holding something assigned to `user`, and how many of their questions are open."""
    if not any(a.assignee_id == user.pk for kind in given.values() for a in kind.values()):
        return set(), None

    def assignee(question_id: int, domain_id: int) -> int | None:
        found = given["question"].get(question_id) or given["domain"].get(domain_id)
        return found.assignee_id if found else None

    mine = [(q, d) for q, d in pages.question_domains if assignee(q, d) == user.pk]
    if not mine:
        return set(), None
    answered = set(
        Response.objects.filter(assessment=assessment, question__in=[q for q, _d in mine])
        .filter(Q(not_applicable=True) | ~Q(value=""))
        .values_list("question_id", flat=True)
    )
    return {d for _q, d in mine}, sum(1 for q, _d in mine if q not in answered)


def _question_cards(
    assessment: Assessment,
    questions: list[Question],
    *,
    data: dict | None = None,
    conflicts: dict[int, Response | None] | None = None,
    given: dict[str, dict[int, Assignment]] | None = None,
    level_names: dict[int, str] | None = None,
) -> list[dict]:
    """One card per question. With `data` (a re-shown post) the user's input is kept."""
    conflicts = conflicts or {}
    responses = {
        r.question_id: r
        for r in Response.objects.filter(assessment=assessment, question__in=questions)
        .select_related("updated_by")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at")))
    }
    if level_names is None:
        level_names = assessment.framework.level_names()
    if given is None:
        given = assignments_for(assessment)
    talk = comment_counts(assessment, questions)
    cards = []
    for question in questions:
        response = responses.get(question.pk)
        choices = answer_choices(question, level_names)
        stored = {
            "value": response.value if response else "",
            "not_applicable": response.not_applicable if response else False,
            "comment": response.comment if response else "",
            "evidence_link": response.evidence_link if response else "",
            "version": response.version if response else 0,
        }
        form = AnswerForm(data, question=question, initial=stored) if data else None
        if form is None:
            value, na, version = stored["value"], stored["not_applicable"], stored["version"]
            comment, link, errors = stored["comment"], stored["evidence_link"], ErrorDict()
        else:
            form.is_valid()
            value = form.data.get(form.add_prefix("value"), "")
            na = bool(form.data.get(form.add_prefix("not_applicable")))
            comment = form.data.get(form.add_prefix("comment"), "")
            link = form.data.get(form.add_prefix("evidence_link"), "")
            errors = form.errors
            # A refused answer stays based on the version the user saw; a saved or
            # conflicting one on the stored version, so that saving again keeps it.
            version = (
                form.data.get(form.add_prefix("version"), 0) if form.errors else stored["version"]
            )
        cards.append(
            {
                "question": question,
                "response": response,
                "form": form,
                "prefix": f"q{question.pk}",  # AnswerForm's
                "errors": errors,
                "comment_text": comment,
                "link_text": link,
                "widget": kinds.get(question.kind).widget,
                "choices": choices,
                "choice_labels": dict(choices),
                "current_value": value or "",
                "current_na": na,
                "version": version,
                "conflict": conflicts.get(question.pk),
                "evidence": list(response.evidence.all()) if response else [],
                "assignment": assignee_of(question, given),
                "comment_count": talk.get(question.pk, 0),
            }
        )
    return cards


def _answer_changed(form: AnswerForm, response: Response | None) -> bool:
    data = form.cleaned_data
    if response is None:
        return bool(
            data["value"] or data["not_applicable"] or data["comment"] or data["evidence_link"]
        )
    return (
        data["value"] != response.value
        or data["not_applicable"] != response.not_applicable
        or data["comment"] != response.comment
        or data["evidence_link"] != response.evidence_link
    )


@login_required
def questionnaire(request: HttpRequest, pk: int, domain_pk: int) -> HttpResponse:
    assessment, can = get_assessment_for_user(request, pk)
    editable = can.answer
    # The revision's domains and questions in the reader's language, built once.
    pages = framework_pages(assessment.framework)
    domains = list(pages.domains)
    domain = pages.domain(domain_pk)
    if domain is None:
        raise Http404
    questions = list(pages.questions.get(domain.pk, ()))
    status = 200
    conflicts: dict[int, Response | None] = {}
    errors = 0
    data = None
    lock = None
    if request.method == "POST" and not editable:
        if not can.roles.member:
            raise PermissionDenied(_("You cannot change this assessment."))
        # Locked while the user was typing: show what they typed, say who locked it.
        data = request.POST
        lock = lock_of(assessment)
        status = 403
    elif request.method == "POST":
        data = request.POST
        conflicts, errors = _save_domain_post(request, assessment, questions)
        if not conflicts and not errors:
            messages.success(request, _("Your answers are saved."))
            index = domains.index(domain)
            if "next" in request.POST and index + 1 < len(domains):
                return redirect("questionnaire", pk=pk, domain_pk=domains[index + 1].pk)
            return redirect("questionnaire", pk=pk, domain_pk=domain.pk)
        status = 409 if conflicts else 400
    given = assignments_for(assessment)
    cards = _question_cards(
        assessment,
        questions,
        data=data,
        conflicts=conflicts,
        given=given,
        level_names=pages.level_names,
    )
    static = question_fragments(assessment.framework, domain.pk)
    for card in cards:
        card["static"] = static[card["question"].pk]
        # Ids as text: the template would format each number for the language.
        card["qid"] = str(card["question"].pk)
        card["version_text"] = str(card["version"])
    progress = _domain_progress(assessment, pages)
    mine, my_open = _my_work(assessment, request.user, pages, given)
    index = domains.index(domain)
    sections: list[tuple[Domain | None, list[dict]]] = []
    for card in cards:
        section = card["question"].section
        if not sections or sections[-1][0] != section:
            sections.append((section, []))
        sections[-1][1].append(card)
    context = {
        "assessment": assessment,
        "can": can,
        "editable": editable,
        "domain": domain,
        "nav": [(d, *progress[d.pk], d.pk in mine) for d in domains],
        "answered_total": sum(a for a, _t in progress.values()),
        "question_total": sum(t for _a, t in progress.values()),
        "open_total": sum(t - a for a, t in progress.values()),
        "first_open": next((d for d in domains if progress[d.pk][0] < progress[d.pk][1]), None),
        "my_open": my_open,
        "sections": sections,
        "previous": domains[index - 1] if index > 0 else None,
        "next": domains[index + 1] if index + 1 < len(domains) else None,
        "errors": errors,
        "conflict_count": len(conflicts),
        "practice_scale": pages.practice_scale,
        "lock": lock,
        "unsaved_text": _typed_text(assessment, questions, data) if lock else "",
    }
    # The domain list appears twice (phone and wide screens): rendered once.
    context["nav_html"] = render_to_string("assessments/_domain_nav.html", context)
    return render(request, "assessments/questionnaire.html", context, status=status)


def _save_domain_post(
    request: HttpRequest, assessment: Assessment, questions: list[Question]
) -> tuple[dict[int, Response | None], int]:
    """Plain (no-JavaScript) save of a whole domain page; returns conflicts and error count."""
    responses = {r.question_id: r for r in Response.objects.filter(assessment=assessment)}
    conflicts: dict[int, Response | None] = {}
    errors = 0
    delete_id = request.POST.get("delete_evidence")
    for question in questions:
        form = AnswerForm(request.POST, question=question)
        if not form.is_valid():
            errors += 1
            continue
        response = responses.get(question.pk)
        if _answer_changed(form, response):
            try:
                response = _save_answer(request, assessment, form)
            except Conflict as conflict:
                # An autosave of this very page may have landed a moment earlier:
                # the user's own saves are not someone else's answer.
                if conflict.current is None or not only_own_saves_since(
                    assessment=assessment,
                    question=question,
                    user=request.user,
                    base_version=form.cleaned_data["version"],
                ):
                    conflicts[question.pk] = conflict.current
                    continue
                try:
                    response = _save_answer(
                        request, assessment, form, base_version=conflict.current.version
                    )
                except Conflict as again:
                    conflicts[question.pk] = again.current
                    continue
            except (InvalidAnswer, AssessmentLocked) as exc:
                messages.error(request, f"{question.code}: {exc}")
                errors += 1
                continue
        upload = request.FILES.get(f"q{question.pk}-file")
        if upload is not None:
            try:
                evidence_add(
                    assessment=assessment, question=question, upload=upload, user=request.user
                )
            except (EvidenceRejected, AssessmentLocked) as exc:
                messages.error(request, f"{question.code}: {exc}")
                errors += 1
    if delete_id and delete_id.isdigit():
        evidence = Evidence.objects.filter(
            pk=int(delete_id), response__assessment=assessment
        ).first()
        if evidence is not None:
            evidence_delete(evidence=evidence, user=request.user)
    return conflicts, errors


def _typed_text(assessment: Assessment, questions: list[Question], data: dict | None) -> str:
    """What the user typed on a refused page, as plain text they can copy."""
    if not data:
        return ""
    level_names = assessment.framework.level_names()
    lines = []
    for question in questions:
        prefix = f"q{question.pk}-"
        value = data.get(prefix + "value", "").strip()
        if data.get(prefix + "not_applicable"):
            value = _("Not applicable")
        parts = [
            dict(answer_choices(question, level_names)).get(value, value),
            data.get(prefix + "comment", "").strip(),
            data.get(prefix + "evidence_link", "").strip(),
        ]
        if any(parts):
            lines.append(f"{question.code}: " + " | ".join(p for p in parts if p))
    return "\n".join(lines)


def _save_answer(
    request: HttpRequest,
    assessment: Assessment,
    form: AnswerForm,
    *,
    base_version: int | None = None,
) -> Response:
    """Store a valid answer form, based on the version the user saw."""
    data = form.cleaned_data
    return response_save(
        assessment=assessment,
        question=form.question,
        user=request.user,
        base_version=data["version"] if base_version is None else base_version,
        value=data["value"],
        not_applicable=data["not_applicable"],
        comment=data["comment"],
        evidence_link=data["evidence_link"],
    )


def _status_fragment(
    request: HttpRequest,
    card: dict,
    *,
    state: str,
    message: str = "",
    link_error: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "assessments/_save_status.html",
        {**card, "state": state, "message": message, "link_error": link_error},
        status=status,
    )


@require_POST
def autosave(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    """Save one answer (htmx). 409 with both answers when the stored one is newer."""
    if not request.user.is_authenticated:
        # Never redirect an autosave to the login page: the answer stays on the page.
        return render(request, "assessments/_session_expired.html", status=401)
    assessment, can = get_assessment_for_user(request, pk)
    question = get_object_or_404(Question, pk=question_pk, framework_id=assessment.framework_id)
    form = AnswerForm(request.POST, question=question)
    card = {"question": question}
    if not can.answer:
        return _locked_fragment(request, assessment, question, can.roles.member)
    if not form.is_valid():
        # Each message goes beside its own field; anything else beside the answer.
        link = " ".join(str(e) for e in form.errors.get("evidence_link", []))
        message = " ".join(
            str(e) for name, errs in form.errors.items() if name != "evidence_link" for e in errs
        )
        return _status_fragment(
            request, card, state="invalid", message=message, link_error=link, status=400
        )
    try:
        response = _save_answer(request, assessment, form)
    except Conflict as conflict:
        level_names = assessment.framework.level_names()
        return render(
            request,
            "assessments/_conflict.html",
            {
                "question": question,
                "current": conflict.current,
                "choices": dict(answer_choices(question, level_names)),
                "mine": form.cleaned_data,
            },
            status=409,
        )
    except AssessmentLocked:
        return _locked_fragment(request, assessment, question, True)
    except InvalidAnswer as exc:
        return _status_fragment(request, card, state="invalid", message=str(exc), status=400)
    return _status_fragment(request, {**card, "response": response}, state="saved")


def _locked_fragment(
    request: HttpRequest, assessment: Assessment, question: Question, member: bool
) -> HttpResponse:
    """403 inside the card: who locked the assessment and when, with the user's text."""
    assessment.refresh_from_db(fields=["status", "submitted_at", "validated_at"])
    return render(
        request,
        "assessments/_save_locked.html",
        {
            "question": question,
            "lock": lock_of(assessment) if member else None,
            "typed": _typed_text(assessment, [question], request.POST),
        },
        status=403,
    )


@require_POST
@login_required
def evidence_upload(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    assessment, _can = get_assessment_for_user(request, pk, need="answer")
    question = get_object_or_404(Question, pk=question_pk, framework_id=assessment.framework_id)
    upload = request.FILES.get(f"q{question.pk}-file")
    error = ""
    if upload is None:
        error = _("Choose a file to upload.")
    else:
        try:
            evidence_add(assessment=assessment, question=question, upload=upload, user=request.user)
        except (EvidenceRejected, AssessmentLocked) as exc:
            error = str(exc)
    return _evidence_reply(request, assessment, question, error=error, done=_("File uploaded."))


@require_POST
@login_required
def evidence_remove(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    assessment, _can = get_assessment_for_user(request, pk, need="answer")
    evidence = get_object_or_404(
        Evidence.objects.select_related("response__question"),
        pk=evidence_pk,
        response__assessment=assessment,
    )
    question = evidence.response.question
    try:
        evidence_delete(evidence=evidence, user=request.user)
        error = ""
    except AssessmentLocked as exc:
        error = str(exc)
    return _evidence_reply(request, assessment, question, error=error, done="")


def _evidence_reply(
    request: HttpRequest, assessment: Assessment, question: Question, *, error: str, done: str
) -> HttpResponse:
    """The question's file list (htmx), or back to the question with a message."""
    if not getattr(request, "htmx", False):
        if error:
            messages.error(request, error)
        elif done:
            messages.success(request, done)
        url = reverse("questionnaire", args=[assessment.pk, question.domain_id])
        return redirect(f"{url}#q-{question.pk}")
    evidence = Evidence.objects.filter(response__assessment=assessment, response__question=question)
    return render(
        request,
        "assessments/_evidence_list.html",
        {
            "assessment": assessment,
            "question": question,
            "evidence": list(evidence.order_by("uploaded_at")),
            "editable": True,
            "error": error,
        },
        status=400 if error else 200,
    )


@require_GET
@login_required
def evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    assessment, _can = get_assessment_for_user(request, pk, need="download_evidence")
    evidence = get_object_or_404(Evidence, pk=evidence_pk, response__assessment=assessment)
    stored = evidence_open(evidence)
    if stored is None:
        raise Http404
    response = FileResponse(
        stored,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    security_log("evidence", request=request, obj=evidence, assessment=assessment.pk)
    return response
