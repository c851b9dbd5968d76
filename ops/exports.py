"""Portfolio exports (CSV/XLSX) in the background, offered to the person who asked.

With a worker, the portfolio's export link queues `ops.tasks.export_portfolio`
and shows a page that polls until the file is ready. The file is written into
the reports storage under a random name; only the browser session that asked
(its job ids are kept in the session) can fetch it, and the task rebuilds the
table with that user's own visibility (`build_portfolio(user, ...)`).
"""

from __future__ import annotations

import secrets

from django.http import HttpRequest
from django.tasks import TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist

from ops.tasks import export_portfolio

SESSION_KEY = "ops_export_jobs"


def export_start(
    request: HttpRequest, *, framework_key: str, cycle_id: int, fmt: str, filename: str
) -> str:
    """Queue the export; returns the job id the status page polls."""
    user_id = int(request.user.pk or 0)  # a logged-in user (the view requires a login)
    name = f"exports/u{user_id}/{secrets.token_hex(16)}.{fmt}"
    result = export_portfolio.enqueue(user_id, framework_key, cycle_id, fmt, name)
    jobs: dict[str, dict[str, str]] = request.session.get(SESSION_KEY, {})
    jobs = dict(list(jobs.items())[-9:])
    jobs[str(result.id)] = {"name": name, "filename": filename, "fmt": fmt}
    request.session[SESSION_KEY] = jobs
    return str(result.id)


def export_job(request: HttpRequest, job_id: str) -> tuple[str, dict[str, str] | None]:
    """("ready" | "queued" | "running" | "failed" | "unknown", the job's file details)."""
    job = request.session.get(SESSION_KEY, {}).get(job_id)
    if job is None:
        return "unknown", None
    try:
        result = export_portfolio.get_result(job_id)
    except TaskResultDoesNotExist:
        return "unknown", None
    status = {
        TaskResultStatus.SUCCESSFUL: "ready",
        TaskResultStatus.RUNNING: "running",
        TaskResultStatus.FAILED: "failed",
    }.get(result.status, "queued")
    return status, job
