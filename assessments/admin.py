"""Administration of organisations, people's scopes, cycles and peer groups.

Assessments and their answers are read-only here: every change to answers goes
through the questionnaire (with its version checks, locks and audit trail).
"""

from __future__ import annotations

from django.contrib import admin

from assessments.models import (
    AdvisorAssignment,
    Assessment,
    AuditEvent,
    Cycle,
    Membership,
    OfficialScope,
    Organisation,
    PeerGroup,
    Response,
)
from frameworks.admin import ReadOnly


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class AdvisorInline(admin.TabularInline):
    model = AdvisorAssignment
    extra = 0
    autocomplete_fields = ["advisor"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "country", "region", "org_type", "income_group")
    list_filter = ("region", "org_type", "income_group")
    search_fields = ("name", "country")
    inlines = [MembershipInline, AdvisorInline]


@admin.register(OfficialScope)
class OfficialScopeAdmin(admin.ModelAdmin):
    list_display = ("user", "all_organisations")
    filter_horizontal = ("organisations",)
    autocomplete_fields = ["user"]


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ("name", "starts_on", "deadline", "is_open")


@admin.register(PeerGroup)
class PeerGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "attribute", "position")


class ResponseInline(ReadOnly, admin.TabularInline):
    model = Response
    fields = (
        "question",
        "value",
        "not_applicable",
        "comment",
        "version",
        "updated_by",
        "updated_at",
    )
    readonly_fields = fields
    extra = 0


@admin.register(Assessment)
class AssessmentAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("organisation", "framework", "cycle", "status", "updated_at")
    list_filter = ("status", "cycle", "framework_key")
    search_fields = ("organisation__name",)
    inlines = [ResponseInline]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("at", "assessment", "user", "action")
    list_filter = ("action",)
