"""The Django admin signs people in through allauth, never through its own form.

Its own form would skip the second factor and the lockout page; with this,
`/admin/login/` sends an anonymous visitor to the allauth login, and
MFARequiredMiddleware asks staff for their code before any admin page.
"""

from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from django.contrib.admin import AdminSite


def secure_admin_site(site: AdminSite) -> None:
    if not getattr(site.login, "_allauth_secured", False):
        site.login = secure_admin_login(site.login)  # type: ignore[method-assign]
        site.login._allauth_secured = True  # type: ignore[attr-defined]
