from __future__ import annotations

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
)


class ReporterFilter(RecordFilter):
    level = filters.ChoiceFilter(choices=ReporterLevel.choices, label=_("Level"))
    active = filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Reporter
        fields = ["level", "active"]


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
