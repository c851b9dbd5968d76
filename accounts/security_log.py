"""Writing the security log: `security_log(action, ...)` from views, signals, services.

The request being served (its user and address) is kept in a context variable by
`middleware.SecurityContextMiddleware`, so that a signal handler far from the
view (a role change saved in the admin) still knows who acted and from where.
"""

from __future__ import annotations

import contextvars
from typing import Any

from django.http import HttpRequest

from accounts.models import SecurityEvent

_current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "security_log_request", default=None
)


def set_current_request(request: HttpRequest | None) -> contextvars.Token:
    return _current_request.set(request)


def reset_current_request(token: contextvars.Token) -> None:
    _current_request.reset(token)


def current_request() -> HttpRequest | None:
    return _current_request.get()


def client_ip(request: HttpRequest | None) -> str | None:
    """The client address as django-axes sees it (honours the trusted proxy count)."""
    if request is None:
        return None
    try:
        from axes.helpers import get_client_ip_address

        ip = get_client_ip_address(request)
    except Exception:  # noqa: BLE001 - never let logging break a request
        ip = None
    return ip or request.META.get("REMOTE_ADDR") or None


def _username(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return user.get_username()


def security_log(
    action: str,
    *,
    request: HttpRequest | None = None,
    actor: Any = None,
    target: Any = None,
    target_username: str = "",
    obj: Any = None,
    **detail: Any,
) -> SecurityEvent:
    """Append one event. `actor` defaults to the request's user, `request` to the current one."""
    request = request if request is not None else current_request()
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if target is not None and not target_username:
        target_username = target.get_username()
    return SecurityEvent.objects.create(
        action=action,
        actor=actor,
        actor_username=_username(actor),
        target_username=target_username[:254],
        ip_address=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request else "")[:255],
        object_ref=(f"{obj._meta.label_lower}:{obj.pk} {obj}" if obj is not None else "")[:255],
        detail={k: v for k, v in detail.items() if v not in (None, "")},
    )
