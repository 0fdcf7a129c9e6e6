"""Events over REST, scoped like the pages; saving goes through the same service."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.routers import BaseRouter

from tuyengiao.core.exceptions import UserError

from . import services
from .models import Event, EventSite


class EventSiteSerializer(serializers.ModelSerializer[EventSite]):
    """A connected site: a unit (id) or a named place, and who attended there."""

    class Meta:
        model = EventSite
        fields = ["unit", "name", "present"]


class EventSerializer(serializers.ModelSerializer[Event]):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    sites = EventSiteSerializer(many=True, required=False)

    class Meta:
        model = Event
        fields = [
            "id",
            "unit",
            "unit_code",
            "kind",
            "kind_label",
            "title",
            "start",
            "end",
            "format",
            "connected_sites",
            "sites",
            "venue",
            "presenters",
            "documents",
            "campaign",
            "expected_attendees",
            "present_attendees",
            "notes",
            "created_at",
            "updated_at",
        ]


class EventFilter(filters.FilterSet):
    start_after = filters.DateFilter(field_name="start", lookup_expr="date__gte")
    start_before = filters.DateFilter(field_name="start", lookup_expr="date__lte")
    under = filters.NumberFilter(method="filter_under", label="only events of this unit and its subtree")

    class Meta:
        model = Event
        fields = ["kind", "format", "unit", "campaign"]

    def filter_under(self, queryset: QuerySet[Event], name: str, value: Any) -> QuerySet[Event]:
        from tuyengiao.org import tree
        from tuyengiao.org.models import Unit

        unit = Unit.objects.filter(pk=value).first()
        return queryset.filter(unit__in=tree.subtree_ids(unit)) if unit else queryset.none()


class EventViewSet(viewsets.ModelViewSet[Event]):
    serializer_class = EventSerializer
    filterset_class = EventFilter

    def get_queryset(self) -> QuerySet[Event]:
        return (
            services.visible_events(self.request.user)
            .select_related("unit")
            .prefetch_related("documents", "sites")
            .order_by("start", "pk")
        )

    def _save(self, serializer: serializers.BaseSerializer[Any], event: Event) -> None:
        data = dict(serializer.validated_data)
        documents = data.pop("documents", None)
        site_rows = data.pop("sites", None)
        sites = None if site_rows is None else [EventSite(**row) for row in site_rows]
        for key, value in data.items():
            setattr(event, key, value)
        try:
            services.save_event(self.request.user, event, documents=documents, sites=sites)
        except UserError as exc:
            raise ValidationError({exc.field or "detail": [exc.message]}) from exc
        serializer.instance = event

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        self._save(serializer, Event())

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        instance = serializer.instance
        assert isinstance(instance, Event)
        from django.core.exceptions import PermissionDenied

        from tuyengiao.org.access import Scope

        if not Scope.of(self.request.user).allows(instance.unit, "enter"):
            raise PermissionDenied
        self._save(serializer, instance)

    def perform_destroy(self, instance: Event) -> None:
        try:
            services.delete_event(self.request.user, instance)
        except UserError as exc:
            raise ValidationError({"detail": exc.message}) from exc


def register(router: BaseRouter) -> None:
    router.register("events", EventViewSet, basename="event")


