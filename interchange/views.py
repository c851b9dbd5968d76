"""Pages and downloads of the interchange app; each view starts with the one access door."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from assessments.access import get_assessment_for_user
from assessments.reports.pdf import DEFAULT_TLP, TLP_MARKINGS
from assessments.services import AssessmentLocked, InvalidAnswer
from interchange import docx_report, tokens, workbook
from interchange.models import ApiToken


def _download_name(assessment, extension: str) -> str:
    parts = [assessment.organisation.name, assessment.framework.key, assessment.cycle.name]
    return "-".join(slugify(p) for p in parts)[:150] + f".{extension}"


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, _can = get_assessment_for_user(request, pk, need="export")
    tlp = request.GET.get("tlp", DEFAULT_TLP).upper()
    if tlp not in TLP_MARKINGS:
        return HttpResponseBadRequest(_("Choose a Traffic Light Protocol marking."))
    content = docx_report.report_docx(assessment, tlp=tlp)
    return _attachment(content, docx_report.CONTENT_TYPE, _download_name(assessment, "docx"))


# --- offline workbook -----------------------------------------------------------------

PROPOSAL_SALT = "interchange.workbook.proposal"
PROPOSAL_MAX_AGE = 3600


@require_GET
@login_required
def workbook_download(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, _can = get_assessment_for_user(request, pk, need="answer")
    content = workbook.workbook_export(assessment=assessment)
    return _attachment(content, workbook.CONTENT_TYPE, _download_name(assessment, "xlsx"))


@login_required
def workbook_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a filled workbook, preview what it would change, apply what is confirmed."""
    assessment, can = get_assessment_for_user(request, pk, need="answer")
    context: dict = {"assessment": assessment, "can": can, "max_mb": _max_mb()}
    if request.method == "POST" and "proposal" in request.POST:
        return _workbook_confirm(request, assessment, context)
    if request.method == "POST":
        upload = request.FILES.get("workbook")
        if upload is None:
            context["problems"] = [_("Choose the workbook file to upload.")]
        elif upload.size is None or upload.size > settings.WORKBOOK_MAX_BYTES:
            context["problems"] = [
                _("The file is larger than the limit of %(mb)s MB.") % {"mb": _max_mb()}
            ]
        else:
            try:
                changes = workbook.workbook_preview(assessment=assessment, content=upload.read())
            except workbook.WorkbookRefused as exc:
                context["problems"] = exc.problems
            else:
                context["changes"] = changes
                context["applicable"] = [c for c in changes if c.status != "conflict"]
                context["conflicts"] = [c for c in changes if c.status == "conflict"]
                context["proposal"] = signing.dumps(
                    {
                        "assessment": assessment.pk,
                        "user": request.user.pk,
                        "changes": workbook.changes_to_data(changes),
                    },
                    salt=PROPOSAL_SALT,
                    compress=True,
                )
        status = 400 if context.get("problems") else 200
        return render(request, "interchange/workbook.html", context, status=status)
    return render(request, "interchange/workbook.html", context)


def _max_mb() -> str:
    return f"{settings.WORKBOOK_MAX_BYTES / 1_048_576:.0f}"


def _workbook_confirm(request: HttpRequest, assessment, context: dict) -> HttpResponse:
    try:
        proposal = signing.loads(
            request.POST["proposal"], salt=PROPOSAL_SALT, max_age=PROPOSAL_MAX_AGE
        )
    except signing.BadSignature:
        context["problems"] = [
            _("The preview has expired or was altered; upload the workbook again.")
        ]
        return render(request, "interchange/workbook.html", context, status=400)
    if proposal["assessment"] != assessment.pk or proposal["user"] != request.user.pk:
        context["problems"] = [_("This preview belongs to another assessment or person.")]
        return render(request, "interchange/workbook.html", context, status=400)
    changes = workbook.changes_from_data(proposal["changes"])
    selected = set(request.POST.getlist("apply"))
    try:
        applied = workbook.workbook_apply(
            assessment=assessment, changes=changes, selected=selected, user=request.user
        )
    except workbook.StaleChanges as exc:
        context["problems"] = [
            _(
                "The answer to %(code)s was changed online after the preview; nothing was "
                "applied. Upload the workbook again to see the new state."
            )
            % {"code": exc.args[0]}
        ]
        return render(request, "interchange/workbook.html", context, status=409)
    except (AssessmentLocked, InvalidAnswer) as exc:
        context["problems"] = [str(exc)]
        return render(request, "interchange/workbook.html", context, status=409)
    messages.success(
        request,
        ngettext(
            "%(n)d answer from the workbook was applied.",
            "%(n)d answers from the workbook were applied.",
            applied,
        )
        % {"n": applied},
    )
    return redirect("workbook_upload", pk=assessment.pk)


# --- profile: personal API tokens -----------------------------------------------------


NEW_TOKEN_KEY = "interchange.new_token"


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The user's profile page: their personal API tokens (create, list, revoke).

    A new token is shown once: it waits in the (server-side) session until the page
    after the redirect shows it and removes it, so a reload neither shows it again nor
    creates another one.
    """
    context: dict[str, object] = {"lifetimes": tokens.LIFETIMES, "new_token": None}
    status = 200
    if request.method == "POST" and "revoke" in request.POST:
        try:
            tokens.token_revoke(user=request.user, token_id=int(request.POST["revoke"]))
        except (ValueError, tokens.TokenRefused):
            messages.error(request, _("No such active token."))
        else:
            messages.success(request, _("The token was revoked; it no longer works."))
        return redirect("profile")
    if request.method == "POST":
        try:
            days = int(request.POST.get("days", "0"))
        except ValueError:
            days = 0
        try:
            token, text = tokens.token_create(
                user=request.user, name=request.POST.get("name", ""), days=days
            )
        except tokens.TokenRefused as exc:
            context["error"] = str(exc)
            context["name"] = request.POST.get("name", "")
            status = 400
        else:
            request.session[NEW_TOKEN_KEY] = {"text": text, "name": token.name}
            return redirect("profile")
    shown = request.session.pop(NEW_TOKEN_KEY, None)
    if shown:
        context["new_token"] = shown["text"]
        context["new_token_name"] = shown["name"]
    context["tokens"] = ApiToken.objects.filter(user_id=request.user.pk or 0)
    response = render(request, "interchange/profile.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response
