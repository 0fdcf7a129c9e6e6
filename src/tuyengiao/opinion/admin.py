from django.contrib import admin, messages

from .models import ConcernReport, ConcernTopic
from .scrub import told

admin.site.register(ConcernTopic, list_display=["code", "name", "order", "active"])


@admin.register(ConcernReport)
class ConcernReportAdmin(admin.ModelAdmin):
    list_display = ["topic", "unit", "period", "reports", "trend", "answered"]
    raw_id_fields = ["unit"]
    readonly_fields = ["previous_reports", "trend"]

    def save_model(self, request, obj, form, change):
        from .services import clean_text

        # Personal details never reach the database, whichever way the text comes in.
        removed = clean_text(obj)
        if note := told(removed):
            messages.warning(request, note)
        super().save_model(request, obj, form, change)
