"""Downloads: the PDF report and the exports of one assessment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.security_log import security_log
from assessments.access import get_assessment_for_user
from assessments.reports.exports import CONTENT_TYPES, FORMATS, export
from assessments.reports.marking import MarkingRefused, download_marking, marking_set
from assessments.reports.pdf import UnknownLanguage, report_language, report_pdf
from ops.reports import in_background, report_state, report_status_context


def _download_name(assessment, extension: str) -> str:
    parts = [assessment.organisation.name, assessment.framework.key, assessment.cycle.name]
    return "-".join(slugify(p) for p in parts)[:150] + f".{extension}"


class InvalidRequest(ValueError):
    """A download asked for something we cannot give (its message says what)."""


def requested_language(request: HttpRequest) -> str:
    """The reader's language, with `?also=xx` beside it for a bilingual report."""
    try:
        return report_language(translation.get_language() or "en", request.GET.get("also"))
    except UnknownLanguage:
        raise InvalidRequest(_("This report language is not available.")) from None


@require_GET
@login_required
def report_download(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, _can = get_assessment_for_user(request, pk, need="export")
    try:
        tlp = download_marking(assessment, request.GET.get("tlp"))
        language = requested_language(request)
    except (MarkingRefused, InvalidRequest) as exc:
        return HttpResponseBadRequest(str(exc))
    # Background reports (ops.reports): a cached PDF at once, otherwise a page that
    # waits for the worker; with the immediate backend it renders here as before.
    if in_background():
        state = report_state(request, assessment, tlp=tlp, language=language)
        if state.pdf is None:
            return render(
                request,
                "ops/report_preparing.html",
                report_status_context(assessment, tlp, state, language=language),
                status=202,
            )
        pdf = state.pdf
    else:
        pdf, _cached = report_pdf(assessment, tlp=tlp, language=language)
    security_log("report", request=request, obj=assessment, tlp=tlp)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_download_name(assessment, "pdf")}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def export_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    assessment, _can = get_assessment_for_user(request, pk, need="export")
    if fmt not in FORMATS:
        raise Http404
    response = HttpResponse(export(assessment, fmt), content_type=CONTENT_TYPES[fmt])
    security_log("export", request=request, obj=assessment, format=fmt)
    response["Content-Disposition"] = f'attachment; filename="{_download_name(assessment, fmt)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def report_marking(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the report's TLP marking (coordinator, advisor or administrator)."""
    assessment, _can = get_assessment_for_user(request, pk, need="set_marking")
    try:
        marking_set(assessment=assessment, user=request.user, tlp=request.POST.get("tlp", ""))
    except MarkingRefused as exc:
        messages.error(request, str(exc))
    else:
        security_log("tlp_set", request=request, obj=assessment, tlp=assessment.tlp)
        messages.success(
            request, _("Reports are now marked TLP:%(tlp)s.") % {"tlp": assessment.tlp}
        )
    return redirect("results", pk=pk)
