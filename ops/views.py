"""`/healthz`, the report status poll, and each person's e-mail preferences."""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from assessments.access import get_assessment_for_user
from assessments.reports.exports import CONTENT_TYPES
from assessments.reports.marking import MarkingRefused, download_marking
from assessments.reports.views import InvalidRequest, requested_language
from ops.exports import export_job
from ops.health import health
from ops.models import NotificationPreference
from ops.reports import report_state, report_status_context
from ops.storage import report_storage


class HtmxHttpRequest(HttpRequest):
    """A request as django-htmx's middleware leaves it (for the type checker)."""

    htmx: HtmxDetails


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    ok, body = health()
    return JsonResponse(body, status=200 if ok else 503)


@require_GET
@login_required
def report_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The report's state as an htmx fragment: polls itself until the PDF is ready."""
    assessment, _can = get_assessment_for_user(request, pk, need="export")
    try:  # a download may be stricter than the assessment's marking, never looser
        tlp = download_marking(assessment, request.GET.get("tlp"))
        language = requested_language(request)
    except (MarkingRefused, InvalidRequest) as exc:
        return HttpResponseBadRequest(str(exc))
    state = report_state(
        request, assessment, tlp=tlp, language=language, retry=request.GET.get("retry") == "1"
    )
    return render(
        request,
        "ops/_report_status.html",
        report_status_context(assessment, tlp, state, language=language),
    )


@require_GET
@login_required
def export_status(request: HtmxHttpRequest, job_id: UUID) -> HttpResponseBase:
    """A queued portfolio export: polls until ready, then `?download=1` returns the file."""
    status, job = export_job(request, str(job_id))
    if job is None:
        raise Http404
    if status == "ready" and request.GET.get("download") == "1":
        storage = report_storage()
        response = FileResponse(
            storage.open(job["name"], "rb"),
            as_attachment=True,
            filename=job["filename"],
            content_type=CONTENT_TYPES[job["fmt"]],
        )
        response["Cache-Control"] = "private, no-store"
        return response
    context = {
        "status": status,
        "status_url": reverse("export_status", args=[job_id]),
        "filename": job["filename"],
    }
    template = "ops/_export_status.html" if request.htmx else "ops/export_preparing.html"
    return render(request, template, context, status=202 if status != "ready" else 200)


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["submitted", "reviewed", "reminders", "mentions"]
        labels = {
            "submitted": gettext_lazy("An assessment I advise on is submitted for review"),
            "reviewed": gettext_lazy("An assessment I coordinate is returned or validated"),
            "reminders": gettext_lazy("The deadline of a cycle I answer for is approaching"),
        }


@login_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:  # login_required lets no one through
        raise PermissionDenied
    preference, _created = NotificationPreference.objects.get_or_create(user=user)
    form = PreferencesForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your e-mail preferences are saved."))
        return redirect("notification_preferences")
    return render(request, "ops/notification_preferences.html", {"form": form})
