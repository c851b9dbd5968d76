"""The security log (read-only, append-only), invitations, and people's accounts.

Accounts are deactivated, never deleted, so that every trail keeps who acted.
Resetting a lost second factor is an administrator action here, and it is logged.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import Invitation, SecurityEvent
from accounts.security_log import security_log

User = get_user_model()


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    list_display = ("at", "action", "actor_username", "target_username", "ip_address", "object_ref")
    list_filter = ("action",)
    search_fields = ("actor_username", "target_username", "ip_address", "object_ref")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in SecurityEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = (
        "email",
        "role",
        "organisation",
        "invited_by_username",
        "created_at",
        "expires_at",
        "accepted_at",
    )
    list_filter = ("role",)
    search_fields = ("email", "organisation__name")
    readonly_fields = [f.name for f in Invitation._meta.fields]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # invitations are sent from the People page, which e-mails the link

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected invitations"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        from django.utils import timezone

        count = queryset.filter(accepted_at__isnull=True).update(revoked_at=timezone.now())
        messages.success(request, _("%(n)d invitation(s) revoked.") % {"n": count})


admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(UserAdmin):
    actions = ["deactivate", "reset_second_factor"]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # deactivate instead: audit trails keep pointing at the person

    @admin.action(description=_("Deactivate the selected accounts (ends their sessions)"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = 0
        for user in queryset.filter(is_active=True).exclude(pk=request.user.pk):
            user.is_active = False
            user.save(update_fields=["is_active"])  # logged by accounts.signals
            count += 1
        messages.success(request, _("%(n)d account(s) deactivated.") % {"n": count})

    @admin.action(description=_("Reset the second factor (lost authenticator)"))
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = 0
        for user in queryset:
            deleted, _detail = Authenticator.objects.filter(user=user).delete()
            if deleted:
                security_log("mfa_reset", request=request, target=user, removed=deleted)
                count += 1
        messages.success(
            request,
            _("Second factor reset for %(n)d account(s); they enrol again at their next login.")
            % {"n": count},
        )
