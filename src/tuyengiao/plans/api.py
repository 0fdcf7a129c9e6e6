"""Work plans, key tasks and reviews of documents over REST, scoped like the pages."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from tuyengiao.core.exceptions import UserError
from tuyengiao.core.records import RecordViewSet, assign
from tuyengiao.documents.services import visible_documents
from tuyengiao.org.models import Unit

from . import services
from .filters import PlanFilter, ReviewFilter, TaskFilter
from .models import DocumentReview, KeyTask, WorkPlan


class WorkPlanSerializer(serializers.ModelSerializer[WorkPlan]):
    class Meta:
        model = WorkPlan
        fields = ["id", "unit", "year", "title", "document"]


class KeyTaskSerializer(serializers.ModelSerializer[KeyTask]):
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = KeyTask
        fields = ["id", "plan", "title", "field", "owner", "due_on", "status", "progress", "done_on", "documents",
                  "overdue"]


class DocumentReviewSerializer(serializers.ModelSerializer[DocumentReview]):
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = DocumentReview
        fields = ["id", "unit", "document", "kind", "due_on", "done_on", "note", "overdue"]


class ReviewScheduleSerializer(serializers.Serializer[Any]):
    unit = serializers.IntegerField()
    document = serializers.IntegerField()
    interim_years = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=50), default=[5])
    final_years = serializers.IntegerField(min_value=1, max_value=50, allow_null=True, default=10)


class PlanViewSet(RecordViewSet):
    model = WorkPlan
    serializer_class, filterset_class, related = WorkPlanSerializer, PlanFilter, ("unit",)
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def service_save(self, user: Any, instance: Any, data: dict[str, Any]) -> Any:
        assign(instance, data)
        return services.save_plan(user, instance)


class TaskViewSet(RecordViewSet):
    model = KeyTask
    serializer_class, filterset_class, related = KeyTaskSerializer, TaskFilter, ("plan__unit",)

    def service_save(self, user: Any, instance: Any, data: dict[str, Any]) -> Any:
        many = assign(instance, data)
        return services.save_task(user, instance, many.get("documents"))

    def service_delete(self, user: Any, instance: Any) -> None:
        services.delete_task(user, instance)


class ReviewViewSet(RecordViewSet):
    model = DocumentReview
    serializer_class, filterset_class, related = DocumentReviewSerializer, ReviewFilter, ("unit", "document")
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def service_save(self, user: Any, instance: Any, data: dict[str, Any]) -> Any:
        assign(instance, data)
        return services.save_review(user, instance)

    @action(detail=False, methods=["post"], serializer_class=ReviewScheduleSerializer)
    def schedule(self, request: Request) -> Response:
        """Create the interim and final reviews a unit owes on a document of the registry."""
        form = ReviewScheduleSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        unit = Unit.objects.restrict(request.user, "view").filter(pk=data["unit"]).first()
        document = visible_documents(request.user).filter(pk=data["document"]).first()
        if unit is None:
            raise ValidationError({"unit": ["Không tìm thấy đơn vị trong phạm vi của bạn."]})
        try:
            made = services.schedule_reviews(request.user, unit, document, data["interim_years"],
                                             data["final_years"])
        except UserError as exc:
            raise ValidationError({exc.field or "detail": [exc.message]}) from exc
        return Response(DocumentReviewSerializer(made, many=True).data, status=status.HTTP_201_CREATED)


def register(router: BaseRouter) -> None:
    router.register("plans/plans", PlanViewSet, basename="plans-plan")
    router.register("plans/tasks", TaskViewSet, basename="plans-task")
    router.register("plans/reviews", ReviewViewSet, basename="plans-review")
