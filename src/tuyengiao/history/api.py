"""Party-history works over REST, scoped like the pages."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.routers import BaseRouter

from tuyengiao.core.records import RecordViewSet, assign

from . import services
from .filters import WorkFilter
from .models import HistoryWork


class HistoryWorkSerializer(serializers.ModelSerializer[HistoryWork]):
    class Meta:
        model = HistoryWork
        fields = ["id", "unit", "kind", "title", "covers", "stage", "started_on", "appraisal_decision",
                  "appraised_on", "published_on", "copies", "notes"]


class WorkViewSet(RecordViewSet):
    model = HistoryWork
    serializer_class, filterset_class, related = HistoryWorkSerializer, WorkFilter, ("unit",)

    def service_save(self, user: Any, instance: Any, data: dict[str, Any]) -> Any:
        assign(instance, data)
        return services.save_work(user, instance)

    def service_delete(self, user: Any, instance: Any) -> None:
        services.delete_work(user, instance)


def register(router: BaseRouter) -> None:
    router.register("history/works", WorkViewSet, basename="history-work")
