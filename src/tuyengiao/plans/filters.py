from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from tuyengiao.core.records import RecordFilter

from .models import DocumentReview, KeyTask, ReviewKind, TaskStatus, WorkPlan


class PlanFilter(RecordFilter):
    def filter_year(self, queryset, name, value):
        return queryset.filter(year=int(value))

    class Meta:
        model = WorkPlan
        fields: list[str] = []


class _Overdue(RecordFilter):
    overdue = filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = queryset.overdue()
        return late if value else queryset.exclude(pk__in=late.values("pk"))


class TaskFilter(_Overdue):
    unit_field = "plan__unit"
    date_field = "due_on"
    status = filters.ChoiceFilter(choices=TaskStatus.choices, label=_("Status"))
    plan = filters.NumberFilter(field_name="plan_id", label=_("Work plan"))

    class Meta:
        model = KeyTask
        fields = ["status"]


class ReviewFilter(_Overdue):
    date_field = "due_on"
    kind = filters.ChoiceFilter(choices=ReviewKind.choices, label=_("Kind"))

    class Meta:
        model = DocumentReview
        fields = ["kind"]
