"""Inspections and recommendations over REST, scoped like the pages; writes go through the services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone
from django_filters import rest_framework as filters
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from tuyengiao.core.exceptions import UserError
from tuyengiao.org.access import Scope
from tuyengiao.org.models import Unit

from . import services
from .models import Inspection, Recommendation


class RecommendationSerializer(serializers.ModelSerializer[Recommendation]):
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Recommendation
        fields = ["id", "inspection", "content", "owner_unit", "due_on", "status", "evidence", "done_on", "overdue"]
        read_only_fields = ["inspection", "content", "owner_unit", "due_on"]

    def get_overdue(self, obj: Recommendation) -> bool:
        return obj.overdue_on(timezone.localdate())


class NewRecommendationSerializer(serializers.ModelSerializer[Recommendation]):
    owner_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), allow_null=True, required=False)

    class Meta:
        model = Recommendation
        fields = ["content", "owner_unit", "due_on"]


class InspectionSerializer(serializers.ModelSerializer[Inspection]):
    recommendations = NewRecommendationSerializer(many=True, required=False, write_only=True)

    class Meta:
        model = Inspection
        fields = ["id", "unit", "title", "topic", "document", "inspected_units", "status", "planned_on", "held_from",
                  "held_to", "cadres_covered", "organisations_covered", "findings", "conclusions",
                  "recommendations", "created_at", "updated_at"]


class InspectionFilter(filters.FilterSet):
    under = filters.NumberFilter(method="filter_under", label="only inspections of this unit and its subtree")

    class Meta:
        model = Inspection
        fields = ["unit", "status"]

    def filter_under(self, queryset: QuerySet[Inspection], name: str, value: Any) -> QuerySet[Inspection]:
        from tuyengiao.org.models import Unit

        unit = Unit.objects.filter(pk=value).first()
        return queryset.filter(unit__path__startswith=unit.path) if unit else queryset.none()


class InspectionViewSet(viewsets.ModelViewSet[Inspection]):
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilter

    def get_queryset(self) -> QuerySet[Inspection]:
        return services.visible_inspections(self.request.user).select_related("unit").prefetch_related(
            "inspected_units").order_by("pk")

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The role is checked before the body, so a write without it answers 403 whatever it sends."""
        if not Scope.of(request.user).allows(self.get_object().unit, "enter"):
            raise PermissionDenied
        return super().update(request, *args, **kwargs)

    def _save(self, serializer: serializers.BaseSerializer[Any], inspection: Inspection) -> None:
        data = dict(serializer.validated_data)
        units = data.pop("inspected_units", None)
        recs = [Recommendation(**row) for row in data.pop("recommendations", [])]
        for key, value in data.items():
            setattr(inspection, key, value)
        try:
            services.save_inspection(self.request.user, inspection, inspected_units=units, recommendations=recs)
        except UserError as exc:
            raise ValidationError({exc.field or "detail": [exc.message]}) from exc
        serializer.instance = inspection

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        self._save(serializer, Inspection())

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        instance = serializer.instance
        assert isinstance(instance, Inspection)
        if not Scope.of(self.request.user).allows(instance.unit, "enter"):
            raise PermissionDenied
        self._save(serializer, instance)

    def perform_destroy(self, instance: Inspection) -> None:
        services.delete_inspection(self.request.user, instance)


class RecommendationFilter(filters.FilterSet):
    overdue = filters.BooleanFilter(method="filter_overdue", label="only recommendations past due and not done")

    class Meta:
        model = Recommendation
        fields = ["inspection", "owner_unit", "status"]

    def filter_overdue(self, queryset: QuerySet[Recommendation], name: str, value: Any) -> QuerySet[Recommendation]:
        late = services.overdue_q(timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)


class RecommendationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin,
                            viewsets.GenericViewSet[Recommendation]):
    """Follow-up of a recommendation (status, evidence, date done), by the inspecting or the owner unit."""

    # the follow-up is recorded by the inspecting unit or the owner unit: the service decides
    write_actions = {"update": None, "partial_update": None}

    serializer_class = RecommendationSerializer
    filterset_class = RecommendationFilter
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Recommendation]:
        return services.visible_recommendations(self.request.user).select_related(
            "inspection__unit", "owner_unit").order_by("due_on", "pk")

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        rec = serializer.instance
        assert isinstance(rec, Recommendation)
        data = serializer.validated_data
        try:
            services.follow_up(self.request.user, rec, data.get("status", rec.status),
                               data.get("evidence", rec.evidence), data.get("done_on", rec.done_on))
        except UserError as exc:
            raise ValidationError({exc.field or "detail": [exc.message]}) from exc


def register(router: BaseRouter) -> None:
    router.register("inspections", InspectionViewSet, basename="inspection")
    router.register("recommendations", RecommendationViewSet, basename="recommendation")
