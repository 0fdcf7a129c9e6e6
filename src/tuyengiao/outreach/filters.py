from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from tuyengiao.core.records import RecordFilter

from .models import (
    Briefing,
    BriefingKind,
    Channel,
    GuidanceKind,
    PressGuidance,
    Publication,
    PublicationKind,
    Reporter,
    ReporterLevel,
    active_between,
)


class ReporterFilter(RecordFilter):
    """``year``: the reporters active at some time in that year; ``active``: active today, or not."""

    level = filters.ChoiceFilter(choices=ReporterLevel.choices, label=_("Level"))
    active = filters.BooleanFilter(method="filter_active", label=_("Active"))

    class Meta:
        model = Reporter
        fields = ["level"]

    def filter_year(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        year = int(value)
        return queryset.filter(active_between(dt.date(year, 1, 1), dt.date(year, 12, 31)))

    def filter_active(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        today = timezone.localdate()
        now = active_between(today, today)
        return queryset.filter(now) if value else queryset.exclude(now)


class BriefingFilter(RecordFilter):
    date_field = "held_on"
    kind = filters.ChoiceFilter(choices=BriefingKind.choices, label=_("Kind"))

    class Meta:
        model = Briefing
        fields = ["kind"]


class PublicationFilter(RecordFilter):
    date_field = "published_on"
    kind = filters.ChoiceFilter(choices=PublicationKind.choices, label=_("Kind"))
    channel = filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))

    class Meta:
        model = Publication
        fields = ["kind", "channel"]


class GuidanceFilter(RecordFilter):
    date_field = "issued_on"
    kind = filters.ChoiceFilter(choices=GuidanceKind.choices, label=_("Kind"))

    class Meta:
        model = PressGuidance
        fields = ["kind"]
