from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from tuyengiao.core.records import RecordFilter

from .models import HistoryWork, Stage, WorkKind


class WorkFilter(RecordFilter):
    date_field = "started_on"
    kind = filters.ChoiceFilter(choices=WorkKind.choices, label=_("Kind"))
    stage = filters.ChoiceFilter(choices=Stage.choices, label=_("Stage"))

    class Meta:
        model = HistoryWork
        fields = ["kind", "stage"]
