"""Request ids and access log lines; the maintenance page instead of a bare 500."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from ops.logging import request_id_var
from ops.storage import is_unavailable

access_log = logging.getLogger("ops.requests")
error_log = logging.getLogger("ops.errors")
# An id from the proxy in front (X-Request-ID) is kept when it looks like one.
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _SAFE_ID.match(given) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            access_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": getattr(getattr(request, "user", None), "pk", None),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


class MaintenanceMiddleware:
    """A full disk or read-only database answers 503 with a clear page, not a bare 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_unavailable(exception):
            return None
        error_log.error("storage unavailable: %s", exception, exc_info=exception)
        return maintenance_response(request)


def maintenance_response(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        render_to_string("ops/maintenance.html", {"request_id": request_id_var.get()}),
        status=503,
    )
    response["Retry-After"] = "300"
    response["Cache-Control"] = "no-store"
    return response
