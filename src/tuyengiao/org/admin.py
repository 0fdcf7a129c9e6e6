from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tuyengiao.core.admin import ShownOnlyAdmin, ShownOnlyInline

from .models import Assignment, Board, StaffPosition, Unit, UnitPlacement, UnitSuccession


class PlacementInline(ShownOnlyInline):
    model = UnitPlacement
    fk_name = "unit"


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent", "valid_from", "valid_to", "member_count"]
    list_filter = ["kind", "valid_to"]
    search_fields = ["code", "name", "search_text"]
    # where a unit stands and when it is open change only through a reorganisation (paths, successions,
    # members carried over, figures moved); its name and contacts may be corrected here
    readonly_fields = ["code", "kind", "parent", "valid_from", "valid_to", "member_count", "path", "depth"]
    inlines = [PlacementInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(ShownOnlyAdmin):
    list_display = ["predecessor", "successor", "date", "kind", "share"]
    list_filter = ["kind", "date"]


class StaffInline(admin.TabularInline):
    model = StaffPosition
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "phone", "email"]
    search_fields = ["name", "unit__name"]
    raw_id_fields = ["unit"]
    inlines = [StaffInline]


@admin.register(StaffPosition)
class StaffPositionAdmin(admin.ModelAdmin):
    list_display = ["full_name", "title", "committee_role", "board", "start", "end"]
    list_filter = ["title", "committee_role"]
    raw_id_fields = ["board", "user"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role"]
    raw_id_fields = ["user", "unit"]
    search_fields = ["user__username", "unit__name"]
