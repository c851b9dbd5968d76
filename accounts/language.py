"""The chosen language, remembered per person.

Choosing a language (the switcher posts to `set_language`) stores it for a signed-in
person; signing in puts it in the session, and `UserLanguageMiddleware` applies it on
every request of that session, on any device, without a query.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.i18n import set_language as django_set_language

from accounts.models import LanguagePreference

SESSION_KEY = "user_language"
LANGUAGES = {code for code, _name in settings.LANGUAGES}


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's `set_language`, which also remembers the choice for the person."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and language in LANGUAGES:
        if request.user.is_authenticated:
            LanguagePreference.objects.update_or_create(
                user_id=request.user.pk, defaults={"language": language}
            )
        request.session[SESSION_KEY] = language
    return response


@receiver(user_logged_in)
def _remember_on_login(
    sender: object, request: HttpRequest | None, user: object, **kwargs: object
) -> None:
    user_id = getattr(user, "pk", None)
    if request is None or user_id is None:
        return
    language = (
        LanguagePreference.objects.filter(user_id=user_id)
        .values_list("language", flat=True)
        .first()
    )
    if language in LANGUAGES:
        request.session[SESSION_KEY] = language


class UserLanguageMiddleware:
    """After authentication: the person's language wins over the browser's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        if language in LANGUAGES and language != translation.get_language():
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language in LANGUAGES and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
