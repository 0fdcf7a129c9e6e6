from django.contrib import admin

from .models import Event, EventPhoto


class PhotoInline(admin.TabularInline):
    model = EventPhoto
    extra = 0
    readonly_fields = ["image", "content_type", "size"]

    def has_add_permission(self, request, obj=None):
        return False  # photos are added through the page, where their type is checked


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "kind",
        "format",
        "unit",
        "start",
        "connected_sites",
        "expected_attendees",
        "present_attendees",
        "campaign",
    ]
    list_filter = ["kind", "format"]
    search_fields = ["title", "venue", "presenters"]
    raw_id_fields = ["unit", "documents", "campaign"]
    date_hierarchy = "start"
    inlines = [PhotoInline]

    def save_model(self, request, obj, form, change):
        from tuyengiao.core.html import clean_html, plain_text

        # The notes are shown as HTML: sanitise them here too, as the pages do.
        obj.notes = clean_html(obj.notes)
        obj.title = plain_text(obj.title)
        super().save_model(request, obj, form, change)


@admin.register(EventPhoto)
class EventPhotoAdmin(admin.ModelAdmin):
    list_display = ["event", "caption", "content_type", "size"]
    raw_id_fields = ["event"]
    readonly_fields = ["image", "content_type", "size"]

    def has_add_permission(self, request):
        return False
