from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def security(request: HttpRequest) -> dict[str, object]:
    """The idle timeout, for the page's "you will be signed out" warning."""
    return {"session_idle_seconds": settings.SESSION_IDLE_TIMEOUT}
