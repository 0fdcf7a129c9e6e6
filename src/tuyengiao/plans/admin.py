from django.contrib import admin

from .models import DocumentReview, KeyTask, WorkPlan

admin.site.register(WorkPlan, list_display=["title", "unit", "year"], raw_id_fields=["unit", "document"])
admin.site.register(KeyTask, list_display=["title", "plan", "owner", "due_on", "status"],
                    raw_id_fields=["plan", "owner", "documents"])
admin.site.register(DocumentReview, list_display=["document", "unit", "kind", "due_on", "done_on"],
                    raw_id_fields=["unit", "document"])
