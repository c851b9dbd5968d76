"""Frameworks are data imported from files: the admin shows them read-only."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from frameworks.models import Domain, Framework, Question


class ReadOnly:
    """Admin mixin: rows are shown, never added, changed or deleted from the admin."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    pass


class DomainInline(admin.TabularInline):
    model = Domain
    fields = ("code", "name", "parent", "weight", "target_level")
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyAdmin):
    list_display = ("name", "key", "version", "revision", "scoring_method", "question_count")
    list_filter = ("key", "scoring_method")
    inlines = [DomainInline]


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ("code", "text", "kind", "weight", "framework")
    list_filter = ("framework", "kind")
    search_fields = ("code", "text")
