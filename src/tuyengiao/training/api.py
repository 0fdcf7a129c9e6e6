"""Training classes and plans over REST, scoped like the pages, saved through the same services."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.routers import BaseRouter

from tuyengiao.core.records import RecordViewSet, assign

from . import services
from .filters import ClassFilter, PlanFilter
from .models import TrainingClass, TrainingPlan


class TrainingClassSerializer(serializers.ModelSerializer[TrainingClass]):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    behind_plan = serializers.BooleanField(read_only=True)

    class Meta:
        model = TrainingClass
        fields = ["id", "unit", "unit_code", "centre", "category", "title", "planned_open", "planned_close",
                  "opened_on", "closed_on", "enrolled", "completed", "enrolled_off_payroll",
                  "completed_off_payroll", "notes", "behind_plan", "created_at", "updated_at"]


class TrainingPlanSerializer(serializers.ModelSerializer[TrainingPlan]):
    class Meta:
        model = TrainingPlan
        fields = ["id", "unit", "year", "planned_classes", "planned_learners", "planned_off_payroll"]


class ClassViewSet(RecordViewSet):
    model = TrainingClass
    serializer_class = TrainingClassSerializer
    filterset_class = ClassFilter
    related = ("unit",)

    def service_save(self, user: Any, instance: Any, data: dict[str, Any]) -> Any:
        assign(instance, data)
        return services.save_class(user, instance)

    def service_delete(self, user: Any, instance: Any) -> None:
        services.delete_class(user, instance)


class PlanViewSet(RecordViewSet):
    model = TrainingPlan
    serializer_class = TrainingPlanSerializer
    filterset_class = PlanFilter
    related = ("unit",)
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def service_save(self, user: Any, instance: Any, data: dict[str, Any]) -> Any:
        assign(instance, data)
        return services.save_plan(user, instance)


def register(router: BaseRouter) -> None:
    router.register("training/classes", ClassViewSet, basename="training-class")
    router.register("training/plans", PlanViewSet, basename="training-plan")
