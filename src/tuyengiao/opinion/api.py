"""Concern reports over REST: anonymous aggregates only; ``removed`` says what was taken out of the text."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers, viewsets
from rest_framework.routers import BaseRouter

from tuyengiao.core.records import RecordViewSet, assign

from . import services
from .filters import ReportFilter
from .models import ConcernReport, ConcernTopic
from .scrub import told


class ConcernTopicSerializer(serializers.ModelSerializer[ConcernTopic]):
    class Meta:
        model = ConcernTopic
        fields = ["id", "code", "name", "active"]


class ConcernReportSerializer(serializers.ModelSerializer[ConcernReport]):
    removed = serializers.SerializerMethodField(help_text="What was removed from the text before it was stored.")

    class Meta:
        model = ConcernReport
        fields = ["id", "unit", "period", "topic", "reports", "previous_reports", "trend", "summary",
                  "proposed_response", "responsible_agency", "answered", "answered_on", "removed"]
        read_only_fields = ["previous_reports", "trend"]

    def get_removed(self, obj: ConcernReport) -> str:
        return told(getattr(obj, "removed", {}) or {})  # type: ignore[arg-type]


class ReportViewSet(RecordViewSet):
    model = ConcernReport
    serializer_class, filterset_class, related = ConcernReportSerializer, ReportFilter, ("unit", "topic")

    def service_save(self, user: Any, instance: Any, data: dict[str, Any]) -> Any:
        assign(instance, data)
        report, removed = services.save_report(user, instance)
        report.removed = removed  # type: ignore[attr-defined]  # told back in the answer, never stored
        return report

    def service_delete(self, user: Any, instance: Any) -> None:
        services.delete_report(user, instance)


class TopicViewSet(viewsets.ReadOnlyModelViewSet[ConcernTopic]):
    """The catalogue of concern topics."""

    serializer_class = ConcernTopicSerializer
    queryset = ConcernTopic.objects.all()


def register(router: BaseRouter) -> None:
    router.register("opinion/reports", ReportViewSet, basename="opinion-report")
    router.register("opinion/topics", TopicViewSet, basename="opinion-topic")
