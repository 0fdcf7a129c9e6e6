from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.http import HttpRequest

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made by their owners (page or API); staff may only see and revoke them."""

    list_display = ["name", "user", "read_only", "created", "expiry", "last_used"]
    search_fields = ["name", "user__username"]
    list_filter = ["expiry"]
    fields = ("name", "user", "read_only", "created", "expiry", "last_used")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# knox registers its default token model, which ours replaces (KNOX_TOKEN_MODEL) and has no table.
try:
    from knox.models import AuthToken as _KnoxDefaultToken

    admin.site.unregister(_KnoxDefaultToken)
except NotRegistered:
    pass
