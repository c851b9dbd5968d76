"""Pages and downloads of the interchange app; each view starts with the one access door."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from assessments.access import get_assessment_for_user
from assessments.reports.pdf import DEFAULT_TLP, TLP_MARKINGS
from interchange import docx_report


def _download_name(assessment, extension: str) -> str:  # type: ignore[no-untyped-def]
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
