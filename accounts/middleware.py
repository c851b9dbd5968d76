"""Request-wide security: body size, headers, session expiry, MFA, log context."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import mfa
from accounts.security_log import reset_current_request, set_current_request

Handler = Callable[[HttpRequest], HttpResponse]

SESSION_STARTED = "security.started_at"
SESSION_SEEN = "security.seen_at"
SESSION_SEEN_PRECISION = 15  # seconds


class RequestSizeLimitMiddleware:
    """413 for a body announced larger than REQUEST_MAX_BYTES, before anything reads it."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            limit_mb = settings.REQUEST_MAX_BYTES // (1024 * 1024)
            response = HttpResponse(
                _("This upload is too large (the limit is %(mb)s MB). Nothing was saved.")
                % {"mb": limit_mb},
                status=413,
                content_type="text/plain; charset=utf-8",
            )
            # The body was not read; the connection must not be reused for it.
            response["Connection"] = "close"
            return response
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Permissions-Policy everywhere; no-store for signed-in users; no Server banner."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or "sessionid" in request.COOKIES:
            # Signed-in pages and fragments never go to a shared or disk cache.
            response["Cache-Control"] = "no-store, private"
            response.headers.pop("Expires", None)
        response.headers.pop("Server", None)
        response.headers.pop("X-Powered-By", None)
        return response


class SessionExpiryMiddleware:
    """Idle timeout (refreshed by every request, autosave included) and absolute lifetime.

    An expired htmx request (autosave) gets 401 with a fragment, never a redirect,
    so the text on the page stays where it is.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.get(SESSION_STARTED)
            seen = session.get(SESSION_SEEN)
            if started is None:
                session[SESSION_STARTED] = started = now
            idle = seen is not None and now - seen > settings.SESSION_IDLE_TIMEOUT
            too_old = now - started > settings.SESSION_ABSOLUTE_LIFETIME
            if idle or too_old:
                logout(request)
                if request.headers.get("HX-Request"):
                    return render(request, "assessments/_session_expired.html", status=401)
                messages.info(
                    request,
                    _("You were signed out after %(minutes)s minutes without activity.")
                    % {"minutes": settings.SESSION_IDLE_TIMEOUT // 60}
                    if idle
                    else _("Your session has ended; please sign in again."),
                )
                login_url = reverse(settings.LOGIN_URL)
                if request.method == "GET":
                    from django.utils.http import urlencode

                    login_url += "?" + urlencode({"next": request.get_full_path()})
                return redirect(login_url)
            # Refreshing at most every SESSION_SEEN_PRECISION seconds spares a session
            # write on most requests (autosave sends many); the timeout stays exact
            # to within that margin.
            if seen is None or now - seen > SESSION_SEEN_PRECISION:
                session[SESSION_SEEN] = now
        return self.get_response(request)


class SecurityContextMiddleware:
    """Keeps the request in reach of the security log's signal handlers."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = set_current_request(request)
        try:
            return self.get_response(request)
        finally:
            reset_current_request(token)


# Pages a person who must still pass or enrol a second factor may use.
MFA_OPEN_VIEWS = frozenset(
    {
        "account_login",
        "account_logout",
        "account_reauthenticate",
        "mfa_authenticate",
        "mfa_reauthenticate",
        "mfa_activate_totp",
        "set_language",
        "invitation_accept",
        "session_keepalive",
    }
)


class MFARequiredMiddleware:
    """Administrators, advisors, officials (everyone, by setting) need a second factor.

    Without one enrolled, every page sends them to enrol TOTP; with one enrolled
    but not used in this session (a login that bypassed allauth's code step),
    to re-authenticate with a code. Only the pages to do that stay open.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: object, args: object, kwargs: object
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.url_name in MFA_OPEN_VIEWS:
            return None
        if not mfa.mfa_required(user) or mfa.session_passed_mfa(request):
            return None
        target = (
            reverse("mfa_reauthenticate")
            if mfa.has_authenticator(user)
            else reverse("mfa_activate_totp")
        )
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=401)
            response["HX-Redirect"] = target
            return response
        from django.utils.http import urlencode

        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)
