"""Reporters, briefings, publications and press guidance over REST, scoped like the pages."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.routers import BaseRouter

from tuyengiao.core.records import RecordViewSet, assign

from . import services
from .filters import BriefingFilter, GuidanceFilter, PublicationFilter, ReporterFilter
from .models import Briefing, PressGuidance, Publication, Reporter


class ReporterSerializer(serializers.ModelSerializer[Reporter]):
    active = serializers.BooleanField(read_only=True, help_text="active today (from the dates)")

    class Meta:
        model = Reporter
        fields = ["id", "unit", "name", "position", "level", "subjects", "active_from", "active_until", "active"]


class OutreachBriefingSerializer(serializers.ModelSerializer[Briefing]):
    class Meta:
        model = Briefing
        fields = ["id", "unit", "kind", "title", "held_on", "audience", "reporters", "event", "notes"]


class PublicationSerializer(serializers.ModelSerializer[Publication]):
    class Meta:
        model = Publication
        fields = ["id", "unit", "kind", "title", "channel", "published_on", "views", "shares", "copies"]


class PressGuidanceSerializer(serializers.ModelSerializer[PressGuidance]):
    class Meta:
        model = PressGuidance
        fields = ["id", "unit", "kind", "subject", "issued_on", "document", "recipients"]


class _ViewSet(RecordViewSet):
    related = ("unit",)

    def service_delete(self, user: Any, instance: Any) -> None:
        services.delete_record(user, instance)


class ReporterViewSet(_ViewSet):
    model, serializer_class, filterset_class = Reporter, ReporterSerializer, ReporterFilter

    def service_save(self, user: Any, instance: Any, data: dict[str, Any]) -> Any:
        assign(instance, data)
        return services.save_reporter(user, instance)


class BriefingViewSet(_ViewSet):
    model, serializer_class, filterset_class = Briefing, OutreachBriefingSerializer, BriefingFilter

    def service_save(self, user: Any, instance: Any, data: dict[str, Any]) -> Any:
        many = assign(instance, data)
        return services.save_briefing(user, instance, many.get("reporters"))


class PublicationViewSet(_ViewSet):
    model, serializer_class, filterset_class = Publication, PublicationSerializer, PublicationFilter

    def service_save(self, user: Any, instance: Any, data: dict[str, Any]) -> Any:
        assign(instance, data)
        return services.save_publication(user, instance)


class GuidanceViewSet(_ViewSet):
    model, serializer_class, filterset_class = PressGuidance, PressGuidanceSerializer, GuidanceFilter

    def service_save(self, user: Any, instance: Any, data: dict[str, Any]) -> Any:
        assign(instance, data)
        return services.save_guidance(user, instance)


def register(router: BaseRouter) -> None:
    router.register("outreach/reporters", ReporterViewSet, basename="outreach-reporter")
    router.register("outreach/briefings", BriefingViewSet, basename="outreach-briefing")
    router.register("outreach/publications", PublicationViewSet, basename="outreach-publication")
    router.register("outreach/guidance", GuidanceViewSet, basename="outreach-guidance")
