"""Asking for a PDF report without waiting for it inside the request.

With the database task backend, an uncached report is queued for the worker
and the page polls (htmx) until it is ready; a cached one is returned at once.
The job ids a browser started are kept in its session, so a reload or a second
click never queues the same report twice. With the immediate backend
(development, tests) the report is rendered at once, as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import HttpRequest
from django.tasks import TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist
from django.urls import reverse

from assessments.models import Assessment
from assessments.reports.pdf import cached_report, split_language
from ops.health import uses_worker
from ops.tasks import render_report

SESSION_KEY = "ops_report_jobs"


@dataclass
class ReportState:
    """Where one report stands for this browser: "ready", "queued", "running" or "failed"."""

    status: str
    pdf: bytes | None = None
    error: str = ""


def in_background() -> bool:
    return uses_worker()


def _job_key(assessment: Assessment, tlp: str, language: str) -> str:
    return f"{assessment.pk}:{tlp}:{language}"


def report_state(
    request: HttpRequest, assessment: Assessment, *, tlp: str, language: str, retry: bool = False
) -> ReportState:
    """The cached PDF, or the state of its render job (queued here when there is none)."""
    pdf = cached_report(assessment, tlp=tlp, language=language)
    if pdf is not None:
        return ReportState("ready", pdf=pdf)
    jobs: dict[str, str] = request.session.get(SESSION_KEY, {})
    key = _job_key(assessment, tlp, language)
    if key in jobs and not retry:
        try:
            result = render_report.get_result(jobs[key])
        except TaskResultDoesNotExist:
            result = None
        if result is not None:
            if result.status in (TaskResultStatus.READY, TaskResultStatus.RUNNING):
                return ReportState(
                    "running" if result.status == TaskResultStatus.RUNNING else "queued"
                )
            if result.status == TaskResultStatus.FAILED:
                error = (
                    result.errors[-1].traceback.strip().splitlines()[-1] if result.errors else ""
                )
                return ReportState("failed", error=error[:300])
            # Successful, yet not cached: the assessment changed since; render again.
    result = render_report.enqueue(assessment.pk, tlp, language)
    if result.status == TaskResultStatus.SUCCESSFUL:  # the immediate backend ran it already
        pdf = cached_report(assessment, tlp=tlp, language=language)
        if pdf is not None:
            return ReportState("ready", pdf=pdf)
    if result.status == TaskResultStatus.FAILED:
        return ReportState("failed")
    # Keep the session small: only the latest few jobs.
    jobs = {k: v for k, v in list(jobs.items())[-19:] if k != key}
    jobs[key] = str(result.id)
    request.session[SESSION_KEY] = jobs
    return ReportState("queued")


def prerender(assessment: Assessment, *, tlp: str, language: str) -> None:
    """Queue a render ahead of the first download (on validation); only with a worker."""
    if in_background():
        render_report.enqueue(assessment.pk, tlp, language)


def report_status_context(
    assessment: Assessment, tlp: str, state: ReportState, *, language: str = ""
) -> dict:
    _primary, also = split_language(language)
    query = "?" + urlencode({"tlp": tlp, **({"also": also} if also else {})})
    return {
        "assessment": assessment,
        "tlp": tlp,
        "state": state,
        "status_url": reverse("report_status", args=[assessment.pk]) + query,
        "download_url": reverse("report_pdf", args=[assessment.pk]) + query,
    }
