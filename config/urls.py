from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.generic.base import RedirectView

# --- accounts (issue #11): every login goes through allauth (MFA, lockout) ---
from accounts import language
from interchange.api import api  # issue 15: the read-only JSON API

# --- end accounts

urlpatterns = [
    path("", include("ops.urls")),  # /healthz, report status, e-mail preferences (issue 12)
    path("", include("assessments.urls")),
    # Issue 15: Word report, offline workbook, API tokens; read-only API under /api/v1/.
    path("", include("interchange.urls")),
    path("api/v1/", api.urls),
    path("frameworks/", include("frameworks.urls")),
    # accounts (issue #11): allauth's pages, our invitations and people pages.
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("people/", include("accounts.people_urls")),
    # The old name of the login page, kept for links and bookmarks.
    path("accounts/login/", RedirectView.as_view(pattern_name="account_login"), name="login"),
    path("accounts/logout/", RedirectView.as_view(pattern_name="account_logout"), name="logout"),
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    # The Django admin signs people in through allauth, never through its own form
    # (which would skip the second factor and the lockout page); this pattern comes
    # before the admin's own login URL, so it is the one every redirect reaches.
    path("admin/login/", secure_admin_login(admin.site.login)),
    path("admin/", admin.site.urls),
]
