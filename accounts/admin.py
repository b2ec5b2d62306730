"""API tokens in the admin: who has which, until when, last used — never a key (none is stored)."""
from django.contrib import admin

from common.admin_base import ViewOnlyAdmin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(ViewOnlyAdmin):
    """View only: tokens are created and revoked by their owners (accounts.tokens)."""

    list_display = ["name", "user", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username", "prefix"]
    list_select_related = ["user"]
    exclude = ["digest"]
