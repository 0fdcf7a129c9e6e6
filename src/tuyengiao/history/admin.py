from django.contrib import admin

from .models import HistoryWork

admin.site.register(HistoryWork, list_display=["title", "unit", "kind", "stage", "appraised_on", "published_on"],
                    raw_id_fields=["unit"], list_filter=["kind", "stage"])
