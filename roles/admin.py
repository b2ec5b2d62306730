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
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst

from common.admin_base import ViewOnlyAdmin

from .blueprint_format.rows import CONTENT_MODELS
from .models import AuditEvent, BlueprintVersion, FamilyAssignment, Role, Skill, Tool, VersionStatus


# A version's page shows the first rows of each list (a role may have 2,000 KPIs); the portal's version page has all.
INLINE_ROWS = 50


class FirstRows(BaseInlineFormSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.queryset = self.queryset[:INLINE_ROWS]  # the version's rows, in order: the first ones


class ViewOnlyInline(admin.TabularInline):
    extra = 0
    show_change_link = False
    formset = FirstRows

    def get_queryset(self, request):
        """With the rows' skill or tool, shown by name."""
        related = [f.name for f in self.model._meta.fields if f.many_to_one and f.name != "version"]
        return super().get_queryset(request).select_related(*related)

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
    readonly_fields = ["in_the_portal", "rows"]
    fieldsets = [
        (None, {"fields": ["in_the_portal", "role", "number", "status", "revision", "content_hash", "rows"]}),
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


    @admin.display(description="content rows")
    def rows(self, version: BlueprintVersion) -> str:
        counts = [(capfirst(model._meta.verbose_name_plural), model.objects.filter(version=version).count())
                  for model in CONTENT_MODELS]
        page = reverse("roles:version", kwargs={"slug": version.role.slug, "number": version.number})
        return format_html('{}. Below, the first {} of each; <a href="{}">the version page</a> shows them all.',
                           format_html_join(" · ", "{}: {}", ((name, f"{count:,}") for name, count in counts)),
                           INLINE_ROWS, page)


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
