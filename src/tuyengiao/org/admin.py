from django.contrib import admin

from .models import Assignment, Board, StaffPosition, Unit, UnitPlacement, UnitSuccession


class PlacementInline(admin.TabularInline):
    model = UnitPlacement
    fk_name = "unit"
    extra = 0
    raw_id_fields = ["parent"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent", "valid_from", "valid_to", "member_count"]
    list_filter = ["kind", "valid_to"]
    search_fields = ["code", "name", "search_text"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path", "depth"]
    inlines = [PlacementInline]


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(admin.ModelAdmin):
    list_display = ["predecessor", "successor", "date", "kind", "share"]
    list_filter = ["kind", "date"]
    raw_id_fields = ["predecessor", "successor"]


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
