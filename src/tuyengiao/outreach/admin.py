from django.contrib import admin

from .models import Briefing, PressGuidance, Publication, Reporter

for _model in (Reporter, Briefing, Publication, PressGuidance):
    admin.site.register(_model, list_display=["__str__", "unit"], raw_id_fields=["unit"])
