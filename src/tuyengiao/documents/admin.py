from django.contrib import admin

from .models import Attachment, Document, DocumentReference, WorkField


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    readonly_fields = ["original_name", "content_type", "size", "file"]
    can_delete = True

    def has_add_permission(self, request, obj=None):
        return False  # files are added through the page, where their type and size are checked


class ReferenceInline(admin.TabularInline):
    model = DocumentReference
    fk_name = "source"
    extra = 0
    raw_id_fields = ["target"]
    readonly_fields = ["text", "start", "end"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["symbol", "title", "kind", "issuer", "term", "issued_on", "unit", "symbol_is_valid"]
    list_filter = ["kind", "issuer", "symbol_is_valid", "summary_is_draft"]
    search_fields = ["symbol", "title", "number"]
    raw_id_fields = ["unit", "issuer_unit", "replaces", "related"]
    date_hierarchy = "issued_on"
    inlines = [AttachmentInline, ReferenceInline]

    def save_model(self, request, obj, form, change):
        from .services import prepare

        prepare(obj)  # sanitise and flag the symbol as the pages do
        super().save_model(request, obj, form, change)


@admin.register(DocumentReference)
class DocumentReferenceAdmin(admin.ModelAdmin):
    list_display = ["text", "source", "target", "kind", "number", "symbol", "term", "date"]
    list_filter = ["kind"]
    raw_id_fields = ["source", "target"]
    search_fields = ["text", "symbol"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "document", "content_type", "size"]
    raw_id_fields = ["document"]
    readonly_fields = ["file", "original_name", "content_type", "size"]

    def has_add_permission(self, request):
        return False


@admin.register(WorkField)
class WorkFieldAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
