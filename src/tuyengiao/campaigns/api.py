"""Campaigns and their participation over REST, scoped like the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from tuyengiao.core.exceptions import ImportRejected, UserError
from tuyengiao.org.access import get_unit_for_user
from tuyengiao.org.models import Unit

from . import services
from .models import Campaign, CampaignParticipation, Source


class CampaignSerializer(serializers.ModelSerializer[Campaign]):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    scope_code = serializers.CharField(source="scope.code", read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "title",
            "unit",
            "unit_code",
            "scope",
            "scope_code",
            "documents",
            "audience",
            "start",
            "deadline",
            "target_rate",
            "description",
            "created_at",
            "updated_at",
        ]


class ParticipationSerializer(serializers.ModelSerializer[CampaignParticipation]):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    # Declared so the schema says what a unit that has not reported holds: "" (no source yet).
    source = serializers.ChoiceField(choices=Source.choices, allow_blank=True, read_only=True)  # type: ignore[assignment]

    class Meta:
        model = CampaignParticipation
        fields = [
            "id",
            "campaign",
            "unit",
            "unit_code",
            "unit_name",
            "expected",
            "attended",
            "source",
            "reported_on",
        ]
        read_only_fields = ["campaign", "unit", "source", "reported_on"]


class FiguresSerializer(serializers.Serializer[Any]):
    unit = serializers.IntegerField(source="unit.pk")
    unit_code = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    expected = serializers.IntegerField()
    attended = serializers.IntegerField()
    cells = serializers.IntegerField()
    reported = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)


class CampaignViewSet(viewsets.ModelViewSet[Campaign]):
    serializer_class = CampaignSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Campaign]:
        return (
            services.visible_campaigns(self.request.user)
            .select_related("unit", "scope")
            .order_by("-start", "-pk")
        )

    def _data(self, serializer: serializers.BaseSerializer[Any]) -> services.CampaignData:
        v = dict(serializer.validated_data)
        instance = serializer.instance

        def pick(name: str) -> Any:
            if name in v:
                return v[name]
            if instance is not None:
                return getattr(instance, name)
            field: Any = Campaign._meta.get_field(name)
            return field.get_default()

        documents = v.get("documents")
        if documents is None:
            documents = list(instance.documents.all()) if isinstance(instance, Campaign) else []
        return services.CampaignData(
            title=pick("title"),
            unit=pick("unit"),
            scope=pick("scope"),
            start=pick("start"),
            deadline=pick("deadline"),
            audience=pick("audience"),
            target_rate=pick("target_rate"),
            description=pick("description") or "",
            documents=list(documents),
        )

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        try:
            serializer.instance = services.create_campaign(self.request.user, self._data(serializer))
        except UserError as exc:
            raise ValidationError({exc.field or "detail": [exc.message]}) from exc

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        instance = serializer.instance
        assert isinstance(instance, Campaign)
        try:
            serializer.instance = services.update_campaign(
                self.request.user, instance, self._data(serializer)
            )
        except UserError as exc:
            raise ValidationError({exc.field or "detail": [exc.message]}) from exc

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", OpenApiTypes.INT, description="unit to break down (default: the scope)")
        ],
        responses=FiguresSerializer(many=True),
    )
    @action(detail=True)
    def progress(self, request: Request, pk: str | None = None) -> Response:
        """The unit's participation rate, then one row per unit directly under it."""
        campaign = self.get_object()
        unit: Unit = services.root_for(request.user, campaign)
        if request.query_params.get("unit"):
            unit = get_unit_for_user(request.user, request.query_params["unit"])
        if not (unit.path.startswith(campaign.scope.path) or campaign.scope.path.startswith(unit.path)):
            raise NotFound
        total, rows = services.progress(campaign, unit)
        return Response(FiguresSerializer([total, *[r.figures for r in rows]], many=True).data)


class ParticipationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[CampaignParticipation],
):
    """Per-cell figures; PATCH ``attended`` (or ``expected``) to report a cell."""

    serializer_class = ParticipationSerializer
    http_method_names = ["get", "patch", "head", "options"]
    filterset_fields = ["campaign", "unit"]

    def get_queryset(self) -> QuerySet[CampaignParticipation]:
        visible = services.visible_campaigns(self.request.user).values("pk")
        return (
            CampaignParticipation.objects.filter(campaign__in=visible)
            .restrict(self.request.user, "view")
            .select_related("unit", "campaign")
            .order_by("campaign", "unit__path")
        )

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        row = serializer.instance
        assert isinstance(row, CampaignParticipation)
        v = serializer.validated_data
        expected = v.get("expected", row.expected)
        attended = v.get("attended", row.attended)
        try:
            services.record_attendance(self.request.user, row.campaign, {row.unit_id: (expected, attended)})
        except ImportRejected as exc:
            raise ValidationError({"attended": [e.message for e in exc.errors]}) from exc
        except UserError as exc:
            raise ValidationError({exc.field or "detail": [exc.message]}) from exc
        row.refresh_from_db()
        serializer.instance = row


def register(router: BaseRouter) -> None:
    router.register("campaigns", CampaignViewSet, basename="campaign")
    router.register("participations", ParticipationViewSet, basename="participation")


