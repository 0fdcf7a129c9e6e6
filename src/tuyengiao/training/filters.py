from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from tuyengiao.core.records import RecordFilter

from .models import ClassCategory, TrainingClass, TrainingPlan


class ClassFilter(RecordFilter):
    date_field = "planned_open"
    category = filters.ChoiceFilter(choices=ClassCategory.choices, label=_("Category"))
    behind = filters.BooleanFilter(method="filter_behind", label=_("Behind plan"))

    class Meta:
        model = TrainingClass
        fields = ["category"]

    def filter_behind(self, queryset, name, value):
        if value is None:
            return queryset
        behind = queryset.behind_plan()
        return behind if value else queryset.exclude(pk__in=behind.values("pk"))


class PlanFilter(RecordFilter):
    def filter_year(self, queryset, name, value):
        return queryset.filter(year=int(value))

    class Meta:
        model = TrainingPlan
        fields: list[str] = []
