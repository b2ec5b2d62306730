"""The blueprint admin: operators look here, the portal's services write.

Roles, versions and their content, the skill and tool libraries and the audit trail are view only:

- A published or archived version never changes, and a draft is edited in the portal's editor, which
  validates the document, bumps the revision (the version's ETag), keeps the content hash and writes the
  audit row. An admin form would do none of that, so versions are view only whatever their status, and
  their content rows show read-only as inlines on the version's page (they have no pages of their own).
- A role's title, family and level mirror its published version and its slug is part of every version's
  document; roles are created and duplicated in the editor, and deleting one would take its published
  versions and audit trail with it.
- Skills and tools are shared by name: renaming one would change every published version naming it.
- The audit trail is written by the services only.

Who edits which family (family assignments) is an admin's decision and stays editable.
"""
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from .blueprint_format.rows import CONTENT_MODELS
from .models import AuditEvent, BlueprintVersion, FamilyAssignment, Role, Skill, Tool, VersionStatus


class ViewOnlyAdmin(admin.ModelAdmin):
    """Listed and shown, never added, changed or deleted here (the bulk delete action disappears too)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ViewOnlyInline(admin.TabularInline):
    extra = 0
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _content_inline(model_):
    return type(f"{model_.__name__}Inline", (ViewOnlyInline,), {"model": model_})


@admin.register(Role)
class RoleAdmin(ViewOnlyAdmin):
    list_display = ["title", "slug", "family", "level", "published_version", "updated_at"]
    list_filter = ["level", "family"]
    search_fields = ["title", "slug", "family"]
    list_select_related = ["published_version"]


@admin.register(BlueprintVersion)
class BlueprintVersionAdmin(ViewOnlyAdmin):
    list_display = ["role", "number", "status", "revision", "created_by", "created_at", "published_at"]
    list_filter = ["status"]
    search_fields = ["role__title", "role__slug", "title"]
    list_select_related = ["role", "created_by"]
    inlines = [_content_inline(model) for model in CONTENT_MODELS]
    readonly_fields = ["in_the_portal"]
    fieldsets = [
        (None, {"fields": ["in_the_portal", "role", "number", "status", "revision", "content_hash"]}),
        ("Workflow", {"fields": ["change_note", "review_comment", "created_by", "created_at", "published_by",
                                 "published_at"]}),
        ("Role", {"fields": ["title", "family", "level", "horizon", "summary", "mission_core",
                             "mission_strategic_importance"]}),
        ("Source", {"fields": ["source_url", "source_title", "source_published"]}),
    ]

    @admin.display(description="in the portal")
    def in_the_portal(self, version: BlueprintVersion) -> str:
        if version.status == VersionStatus.DRAFT:
            why = "Read-only here: edit it in the portal's editor ({}), which keeps the revision and the audit trail."
        else:
            why = (f"A {version.get_status_display().lower()} version never changes. To change the role, edit it "
                   "in the portal's editor ({}), which starts a new draft.")
        editor = format_html('<a href="{}">Edit {}</a>', reverse("roles:edit", kwargs={"slug": version.role.slug}),
                             version.role.title)
        page = reverse("roles:version", kwargs={"slug": version.role.slug, "number": version.number})
        return format_html(why + ' <a href="{}">Version page</a>', editor, page)


@admin.register(Skill, Tool)
class LibraryAdmin(ViewOnlyAdmin):
    search_fields = ["name"]


@admin.register(AuditEvent)
class AuditEventAdmin(ViewOnlyAdmin):
    list_display = ["created_at", "action", "actor", "role", "version", "note"]
    list_filter = ["action"]
    list_select_related = ["actor", "role", "version"]


@admin.register(FamilyAssignment)
class FamilyAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "family"]
    list_filter = ["family"]
    search_fields = ["user__username", "family"]
    list_select_related = ["user"]
