from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from tuyengiao.core.records import RecordFilter

from .models import ConcernReport, ConcernTopic, Trend


class ReportFilter(RecordFilter):
    topic = filters.ModelChoiceFilter(queryset=ConcernTopic.objects.all(), label=_("Topic"))
    trend = filters.ChoiceFilter(choices=Trend.choices, label=_("Trend against last period"))
    answered = filters.BooleanFilter(label=_("Answered"))
    period = filters.CharFilter(label=_("Period"))

    def filter_year(self, queryset, name, value):
        return queryset.filter(period__startswith=str(int(value)))

    class Meta:
        model = ConcernReport
        fields = ["topic", "trend", "answered", "period"]
