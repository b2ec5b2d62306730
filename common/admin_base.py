"""Admin base classes every app may use (common imports no app)."""
from django.contrib import admin


class ViewOnlyAdmin(admin.ModelAdmin):
    """Listed and shown, never added, changed or deleted here (the bulk delete action disappears too): for rows
    that only a service writes, with its validation and audit trail."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
