"""Admin views of records that have one write path of their own."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


class _ShownOnly:
    """Shown to staff, changed only through the product's own pages and API: values through the
    write path (aggregates, locks, versions), the tree through a reorganisation, reports through
    submission and approval. A change made here would skip all of that."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ShownOnlyAdmin(_ShownOnly, admin.ModelAdmin):
    """A model shown in the admin and never changed there."""


class ShownOnlyInline(_ShownOnly, admin.TabularInline):
    """An inline of records shown and never changed there."""

    extra = 0
