from django.contrib import admin
from django.db import models

from .models import (
    KPI,
    AuditEvent,
    FamilyAssignment,
    BlueprintItem,
    BlueprintVersion,
    Milestone,
    Responsibility,
    Role,
    ScorecardDimension,
    Skill,
    SoftSkill,
    TechnicalSkill,
    Tool,
    ToolUsage,
)


class FrozenVersionInlineMixin:
    """Rows of a published or archived version are read-only in the admin too."""

    extra = 0

    def _frozen(self, obj):
        return obj is not None and getattr(obj, "is_frozen", False)

    def has_add_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


def _inline(model_, **options):
    attrs = {"model": model_, **options}
    return type(f"{model_.__name__}Inline", (FrozenVersionInlineMixin, admin.TabularInline), attrs)


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "family", "level", "published_version", "updated_at"]
    list_filter = ["level", "family"]
    search_fields = ["title", "slug", "family"]
    readonly_fields = ["published_version", "search_text", "created_at", "updated_at"]


@admin.register(BlueprintVersion)
class BlueprintVersionAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["role", "number", "status", "revision", "created_by", "created_at", "published_at"]
    list_filter = ["status"]
    search_fields = ["role__title", "role__slug", "title"]
    list_select_related = ["role", "created_by"]
    readonly_fields = ["status", "content_hash", "revision", "published_by", "published_at", "created_at"]
    inlines = [
        _inline(Responsibility), _inline(TechnicalSkill, raw_id_fields=["skill"]),
        _inline(SoftSkill, raw_id_fields=["skill"]), _inline(KPI), _inline(Milestone),
        _inline(ToolUsage, raw_id_fields=["tool"]), _inline(ScorecardDimension), _inline(BlueprintItem),
    ]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_delete_permission(request, obj)


for model in (Responsibility, TechnicalSkill, SoftSkill, KPI, Milestone, ToolUsage, ScorecardDimension, BlueprintItem):
    admin.site.register(model, list_display=["version", "position", "__str__"], list_select_related=["version"],
                        raw_id_fields=["version"])


@admin.register(Skill, Tool)
class LibraryAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "actor", "role", "version", "note"]
    list_filter = ["action"]
    list_select_related = ["actor", "role", "version"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(FamilyAssignment)
class FamilyAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "family"]
    list_filter = ["family"]
    search_fields = ["user__username", "family"]
    list_select_related = ["user"]
