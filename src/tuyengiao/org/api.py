"""Units over REST, scoped exactly like the pages: outsiders get 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter
from rest_framework.views import APIView

from tuyengiao.core.numbers import parse_date

from . import services, tree
from .access import Scope
from .choices import Action, UnitKind
from .models import Unit, UnitSuccession, today


class UnitSerializer(serializers.ModelSerializer[Unit]):
    parent_code = serializers.CharField(source="parent.code", default=None, read_only=True, allow_null=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "kind", "kind_label", "parent", "parent_code", "depth",
                  "valid_from", "valid_to", "member_count"]


class SuccessionSerializer(serializers.ModelSerializer[UnitSuccession]):
    predecessor_code = serializers.CharField(source="predecessor.code", read_only=True)
    successor_code = serializers.CharField(source="successor.code", read_only=True)

    class Meta:
        model = UnitSuccession
        fields = ["predecessor", "predecessor_code", "successor", "successor_code", "date", "kind", "share"]


class UnitFilter(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label="accent-insensitive search on name and code")
    open_on = filters.DateFilter(method="filter_open_on", label="only units open on this date")

    class Meta:
        model = Unit
        fields = ["kind", "parent", "code"]

    def filter_q(self, queryset: QuerySet[Unit], name: str, value: str) -> QuerySet[Unit]:
        return queryset.search(value)  # type: ignore[attr-defined]

    def filter_open_on(self, queryset: QuerySet[Unit], name: str, value: object) -> QuerySet[Unit]:
        return queryset.open_on(value)  # type: ignore[attr-defined]


ON_PARAM = OpenApiParameter("on", OpenApiTypes.DATE, description="date of the structure (default today)")


def _day(request: Request) -> dt.date | None:
    raw = request.query_params.get("on")
    if not raw:
        return None
    try:
        return parse_date(raw)
    except ValueError as exc:
        raise ValidationError({"on": [str(exc)]}) from exc


class UnitViewSet(viewsets.ReadOnlyModelViewSet[Unit]):
    serializer_class = UnitSerializer
    filterset_class = UnitFilter

    def get_queryset(self) -> QuerySet[Unit]:
        return Unit.objects.restrict(self.request.user).select_related("parent").order_by("path")

    @extend_schema(parameters=[ON_PARAM], responses=UnitSerializer(many=True))
    @action(detail=True)
    def subtree(self, request: Request, pk: str | None = None) -> Response:
        """All units under this one on a date, following the dated tree."""
        unit = self.get_object()
        units = tree.descendants(unit, _day(request), include_self=True)
        return Response(UnitSerializer(units, many=True).data)

    @extend_schema(parameters=[ON_PARAM], responses=UnitSerializer(many=True))
    @action(detail=True)
    def children(self, request: Request, pk: str | None = None) -> Response:
        unit = self.get_object()
        return Response(UnitSerializer(tree.children(unit, _day(request)), many=True).data)

    @extend_schema(responses=SuccessionSerializer(many=True))
    @action(detail=True)
    def successions(self, request: Request, pk: str | None = None) -> Response:
        """Successions into and out of this unit, and the open units it lives on in today."""
        unit = self.get_object()
        rows = tree.predecessors(unit) + list(unit.successions_out.select_related("predecessor", "successor"))
        current = [
            {"unit": UnitSerializer(u).data, "share": str(share)} for u, share in tree.successors(unit)
        ]
        return Response({"successions": SuccessionSerializer(rows, many=True).data, "current_successors": current})

    @extend_schema(parameters=[ON_PARAM], responses=OpenApiTypes.OBJECT)
    @action(detail=True)
    def members(self, request: Request, pk: str | None = None) -> Response:
        """Party members in the unit's subtree on a date."""
        unit = self.get_object()
        day = _day(request)
        return Response({"unit": unit.code, "on": day or today(), "members": services.member_total(unit, day)})

    @extend_schema(parameters=[ON_PARAM], responses=UnitSerializer(many=True))
    @action(detail=False, url_path="as-of", pagination_class=None)  # the whole tree, one answer, as the schema says
    def as_of(self, request: Request) -> Response:
        """The visible tree as it stood on a date: units with their parent on that date."""
        day = _day(request) or today()
        visible = set(self.get_queryset().values_list("pk", flat=True))
        by_parent = tree.tree_as_of(day)
        rows = []
        for parent_id, kids in by_parent.items():
            for kid in kids:
                if kid.pk in visible:
                    data = UnitSerializer(kid).data
                    data["parent"] = parent_id
                    rows.append(data)
        rows.sort(key=lambda r: (r["depth"], r["code"]))
        return Response(rows)


class NewUnitSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=255)
    kind = serializers.ChoiceField(choices=UnitKind.choices)
    parent = serializers.CharField(max_length=32, help_text="code of an existing unit or of another new one")  # type: ignore[assignment]  # "parent" is the field's name here


class SuccessionInSerializer(serializers.Serializer[Any]):
    predecessor = serializers.CharField(max_length=32, help_text="code of a unit being closed")
    successor = serializers.CharField(max_length=32, help_text="code of a new or existing unit")
    share = serializers.DecimalField(max_digits=7, decimal_places=6, min_value=Decimal(0), max_value=Decimal(1),
                                     required=False, allow_null=True, default=None,
                                     help_text="part of the predecessor it takes (0-1); shares add up to 1")


class ReorganisationSerializer(serializers.Serializer[Any]):
    date = serializers.DateField(input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    close = serializers.ListField(child=serializers.CharField(max_length=32), required=False, default=list)
    open = NewUnitSerializer(many=True, required=False, default=list)
    moves = serializers.DictField(child=serializers.CharField(max_length=32), required=False, default=dict,
                                  help_text="child code -> new parent code")
    successions = SuccessionInSerializer(many=True, required=False, default=list,
                                         help_text="who succeeds whom, with shares (split); default: every "
                                                   "closed unit by every new one in equal shares")
    note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class ReorganiseView(APIView):
    """Merge, split (with shares), rename or move units on a date. Needs the admin role over every
    unit the change touches; refused whole (400, every reason listed, and by part of the change
    under ``fields``) when the tree would be wrong. Members follow closed units to their successors."""

    @extend_schema(request=ReorganisationSerializer, responses={201: UnitSerializer(many=True)})
    def post(self, request: Request) -> Response:
        data = ReorganisationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payload = data.validated_data
        visible = Unit.objects.restrict(request.user, Action.VIEW)
        codes = set(payload["close"]) | set(payload["moves"]) | set(payload["moves"].values())
        codes |= {spec["parent"] for spec in payload["open"]}
        codes |= {x["successor"] for x in payload["successions"]}  # an existing successor is touched too
        codes -= {spec["code"] for spec in payload["open"]}
        units = {u.code: u for u in visible.filter(code__in=codes)}
        missing = sorted(codes - set(units))
        if missing:
            raise NotFound(_("Unknown unit code “%(code)s”.") % {"code": missing[0]})
        scope = Scope.of(request.user)
        if not all(scope.allows(u, Action.ADMIN) for u in units.values()):
            raise PermissionDenied
        change = services.Reorganisation(
            date=payload["date"], close=[units[c] for c in payload["close"]],
            open=[services.NewUnit(code=o["code"], name=o["name"], kind=o["kind"], parent=o["parent"])
                  for o in payload["open"]],
            moves=payload["moves"], note=payload["note"],
            successions=[(x["predecessor"], x["successor"], x["share"]) for x in payload["successions"]],
        )
        try:
            created = services.reorganise(change)
        except services.ReorganisationError as exc:
            fields: dict[str, list[str]] = {}
            for tag, message in exc.plan.problems if exc.plan else []:
                fields.setdefault(tag or "change", []).append(message)
            raise ValidationError({"problems": exc.problems, "fields": fields}) from exc
        return Response(UnitSerializer(created, many=True).data, status=201)


def register(router: BaseRouter) -> None:
    router.register("units", UnitViewSet, basename="unit")


extra_urls: list[URLPattern] = [path("reorganisations/", ReorganiseView.as_view(), name="api-reorganise")]
