from django.contrib import admin

from .models import DocumentSettings, Review


@admin.register(DocumentSettings)
class DocumentSettingsAdmin(admin.ModelAdmin[DocumentSettings]):
    list_display = ["unit", "issuer", "symbol", "place"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin[Review]):
    list_display = ["unit", "period", "state", "number"]
    readonly_fields = ["figures", "children", "charts", "sections", "missing", "changes"]
