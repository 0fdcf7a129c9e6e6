"""Reporting over REST: data value sets, analytics, completeness and submissions.

Codes, not ids, as DHIS2 clients expect. Units outside the user's subtree answer 404; every
bad value of a posted set is named in one 400 answer and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter
from rest_framework.views import APIView

from tuyengiao.core import snapshots
from tuyengiao.core.compressed import Compressed
from tuyengiao.core.exceptions import ConflictError, UserError
from tuyengiao.core.periods import Period
from tuyengiao.org.access import Scope
from tuyengiao.org.choices import Action
from tuyengiao.org.models import Unit

from . import analytics, approval, entry
from .codes import parse_codes
from .completeness import Completeness, completeness
from .models import DataElement, DataSet, DataValue, Submission


def _unit(user: Any, code: str | None, param: str = "orgUnit") -> Unit:
    """The unit a request names by code; an error names the parameter the caller used."""
    if not code:
        raise ValidationError({param: [_("The unit code (%(param)s) is missing.") % {"param": param}]})
    unit = Unit.objects.restrict(user, Action.VIEW).filter(code=code).first()
    if unit is None:
        raise Http404
    return unit


def _dataset(code: str | None) -> DataSet:
    if not code:
        raise ValidationError({"dataSet": [_("The data set code (dataSet) is missing.")]})
    ds = DataSet.objects.filter(code=code).first()
    if ds is None:
        raise ValidationError({"dataSet": [_("There is no data set with code “%(code)s”.") % {"code": code}]})
    return ds


def _period(ds: DataSet, code: str | None) -> Period:
    try:
        return ds.period(code or "")
    except ValueError as exc:
        raise ValidationError({"period": [str(exc)]}) from exc


class DataValueItem(serializers.Serializer[Any]):
    dataElement = serializers.CharField()
    value = serializers.JSONField(allow_null=True)
    comment = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField(
        required=False, min_value=0, help_text="the version read; omit to overwrite without a check"
    )


class DataValueSet(serializers.Serializer[Any]):
    dataSet = serializers.CharField()
    period = serializers.CharField()
    orgUnit = serializers.CharField()
    dataValues = DataValueItem(many=True)


VALUE_SET_PARAMS = [
    OpenApiParameter("dataSet", str, required=True),
    OpenApiParameter("period", str, required=True),
    OpenApiParameter("orgUnit", str, required=True),
]


class DataValueSetView(APIView):
    """Read or write one unit's values of a data set for a period."""

    @extend_schema(parameters=VALUE_SET_PARAMS, responses=DataValueSet)
    def get(self, request: Request) -> Response:
        ds = _dataset(request.query_params.get("dataSet"))
        unit = _unit(request.user, request.query_params.get("orgUnit"))
        period = _period(ds, request.query_params.get("period"))
        rows = (
            DataValue.objects.filter(unit=unit, period=period.code, element__in=ds.elements.all())
            .select_related("element", "stored_by")
            .order_by("element__code")
        )
        return Response(
            {
                "dataSet": ds.code,
                "period": period.code,
                "orgUnit": unit.code,
                "dataValues": [
                    {
                        "dataElement": dv.element.code,
                        "value": (str(analytics.plain(dv.value)) if dv.value is not None else dv.text_value),
                        "comment": dv.comment,
                        "version": dv.version,
                        "storedBy": dv.stored_by.get_username() if dv.stored_by else None,
                        "lastUpdated": dv.updated_at,
                    }
                    for dv in rows
                ],
            }
        )

    @extend_schema(
        request=DataValueSet,
        responses={
            200: inline_serializer(
                "ImportSummary", {"status": serializers.CharField(), "saved": serializers.IntegerField()}
            ),
            400: OpenApiTypes.OBJECT,
            404: OpenApiTypes.OBJECT,
            413: OpenApiTypes.OBJECT,  # a body over DATA_UPLOAD_MAX_MEMORY_SIZE (core.middleware.InputMiddleware)
        },
    )
    def post(self, request: Request) -> Response:
        sent = request.data.get("dataValues") if isinstance(request.data, dict) else None
        if isinstance(sent, list) and len(sent) > settings.API_MAX_DATA_VALUES:
            raise ValidationError({"dataValues": [
                _("At most %(limit)s values can be sent at once; %(count)s were sent. Send them in parts.")
                % {"limit": settings.API_MAX_DATA_VALUES, "count": len(sent)}
            ]})
        payload = DataValueSet(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        ds = _dataset(data["dataSet"])
        unit = _unit(request.user, data["orgUnit"])
        period = _period(ds, data["period"])
        if not Scope.of(request.user).allows(unit, Action.ENTER):
            return Response(
                {"detail": _("You may not enter figures for %(unit)s.") % {"unit": unit.name}},
                status=status.HTTP_403_FORBIDDEN,
            )
        elements = {e.code: e for e in ds.elements.all()}
        errors: list[dict[str, Any]] = []
        entries: list[entry.Entry] = []
        for index, item in enumerate(data["dataValues"]):
            element = elements.get(str(item["dataElement"]).upper())
            if element is None:
                errors.append(
                    {
                        "index": index,
                        "dataElement": item["dataElement"],
                        "value": item.get("value"),
                        "message": _("“%(dataset)s” has no element with code “%(code)s”.")
                        % {"dataset": ds.name, "code": item["dataElement"]},
                    }
                )
                continue
            entries.append(
                entry.Entry(
                    unit,
                    period,
                    element,
                    item.get("value"),
                    item.get("version"),
                    item.get("comment"),
                    where=index,
                    dataset=ds,
                )
            )
        changes, bad = entry.check_entries(request.user, entries)
        for refused, message in bad:
            errors.append(
                {
                    "index": refused.where,
                    "dataElement": refused.element.code,
                    "value": refused.raw,
                    "message": message,
                }
            )
        if errors:
            errors.sort(key=lambda e: e["index"])
            return Response(
                {
                    "status": "ERROR",
                    "message": _("Some values are not valid; no value was saved."),
                    "errors": errors,
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            saved = entry.do_save_entries(request.user, changes)
        except ConflictError as exc:
            return Response({"status": "CONFLICT", "message": exc.message}, status=status.HTTP_409_CONFLICT)
        except entry.BusyError as exc:
            return Response(
                {"status": "BUSY", "message": exc.message},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
                headers={"Retry-After": "1"},
            )
        except UserError as exc:  # a lock that arrived between the check and the write
            return Response({"status": "ERROR", "message": exc.message}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"status": "OK", "saved": saved})


ANALYTICS_PARAMS = [
    OpenApiParameter("dx", str, required=True, description="element or indicator codes separated by ;"),
    OpenApiParameter("pe", str, required=True, description="period codes separated by ;, e.g. 2023S1;2023S2"),
    OpenApiParameter("ou", str, required=True, description="unit code"),
    OpenApiParameter("ou_mode", str, enum=list(analytics.OU_MODES)),
    OpenApiParameter("level", int, description="with ou_mode=descendants: levels below ou (default all)"),
    OpenApiParameter("structure", str, enum=list(analytics.STRUCTURES)),
]


ERROR_BODY = inline_serializer("ErrorDetail", {"detail": serializers.CharField()})


class AnalyticsView(APIView):
    """Rolled-up values: rows of (dx, pe, ou, value), immediate after entry.

    Bounded by the analytics service: elements × periods × units at most ``ANALYTICS_MAX_CELLS``
    (400 naming the limit and the size asked) and a statement timeout (503).
    """

    @extend_schema(
        parameters=ANALYTICS_PARAMS,
        responses={
            200: inline_serializer(
                "AnalyticsResponse",
                {
                    "headers": serializers.ListField(child=serializers.CharField()),
                    "rows": serializers.ListField(child=serializers.ListField()),
                    "metaData": serializers.DictField(),
                },
            ),
            400: OpenApiTypes.OBJECT,
            404: ERROR_BODY,
            503: ERROR_BODY,
        },
    )
    def get(self, request: Request) -> Response | HttpResponse:
        try:
            if getattr(request.accepted_renderer, "format", None) != "json":
                return Response(_analytics_question(request)[1]())

            def rendered() -> tuple[tuple[Any, ...], Callable[[], Compressed]]:
                parts, answer = _analytics_question(request)
                return parts, lambda: Compressed.of(JSONRenderer().render(answer()))

            # The same question under the same data is answered once, already rendered and
            # compressed; asked again by the same person, without looking up their scope again.
            asker = (request.user.pk, request.META.get("QUERY_STRING", ""))
            body = snapshots.kept_for_asker(asker, "analytics", rendered)
        except analytics.AnalyticsTimeout as exc:
            return Response({"detail": exc.message}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        except UserError as exc:
            raise ValidationError({"detail": [exc.message]}) from exc
        return body.response(request, "application/json")


def _analytics_question(request: Request) -> tuple[tuple[Any, ...], Callable[[], dict[str, Any]]]:
    """The request checked (the unit within the asker's scope, the periods, the level): what
    names its answer, and how to compute it."""
    params = request.query_params
    unit = _unit(request.user, params.get("ou"), "ou")
    try:
        periods = [Period.parse(p) for p in parse_codes(params.get("pe"))]
    except ValueError as exc:
        raise ValidationError({"pe": [str(exc)]}) from exc
    level = params.get("level")
    if level and not (level.isascii() and level.isdigit() and 1 <= int(level) <= 20):
        raise ValidationError({"level": [_("“level” must be a whole number from 1 to 20.")]})
    dx = parse_codes(params.get("dx"))
    ou_mode = params.get("ou_mode") or "self"
    structure = params.get("structure") or "period"

    def answer() -> dict[str, Any]:
        rows = analytics.values(dx, periods, unit, ou_mode, structure, int(level) if level else None)
        return {
            "headers": ["dx", "pe", "ou", "value"],
            "rows": [[r.dx, r.pe, r.ou, str(r.value)] for r in rows],
            "metaData": {"ou": {r.ou: r.ou_name for r in rows}},
        }

    return (tuple(dx), tuple(p.code for p in periods), unit.pk, ou_mode, structure, level), answer


class CompletenessView(APIView):
    """Expected, submitted, on-time and approved reports under a unit, and the late units."""

    @extend_schema(parameters=VALUE_SET_PARAMS, responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        ds = _dataset(request.query_params.get("dataSet"))
        unit = _unit(request.user, request.query_params.get("orgUnit"))
        period = _period(ds, request.query_params.get("period"))
        report = completeness(ds, unit, period)

        def row(c: Completeness) -> dict[str, Any]:
            return {
                "orgUnit": c.unit.code,
                "name": c.unit.name,
                "expected": c.expected,
                "submitted": c.submitted,
                "onTime": c.on_time,
                "approved": c.approved,
                "status": c.status,
                "rate": float(c.rate) if c.rate is not None else None,
                "onTimeRate": float(c.on_time_rate) if c.on_time_rate is not None else None,
            }

        return Response(
            {
                "dataSet": ds.code,
                "period": period.code,
                "due": report.due,
                **row(report.root),
                "children": [row(c) for c in report.children],
                "late": [{"orgUnit": u.code, "name": u.name} for u in report.late],
                "lateCount": report.late_count,
            }
        )


class SubmissionSerializer(serializers.ModelSerializer[Submission]):
    dataSet = serializers.CharField(source="dataset.code", read_only=True)
    orgUnit = serializers.CharField(source="unit.code", read_only=True)

    class Meta:
        model = Submission
        fields = ["id", "dataSet", "orgUnit", "period", "status", "reason", "submitted_at", "decided_at"]


class SubmitSerializer(serializers.Serializer[Any]):
    dataSet = serializers.CharField()
    period = serializers.CharField()
    orgUnit = serializers.CharField()


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(required=False, allow_blank=True)


class SubmissionViewSet(viewsets.ReadOnlyModelViewSet[Submission]):
    """Reports and their place in the approval chain; actions move them on."""

    serializer_class = SubmissionSerializer
    filterset_fields = ["period", "status"]
    # Checked on the report before anything else (``api.permissions.ScopedWrite``).
    write_actions = {"approve": Action.APPROVE, "return_": Action.APPROVE, "unlock": Action.APPROVE,
                     "withdraw": Action.ENTER}

    def get_queryset(self) -> QuerySet[Submission]:
        qs = (
            Submission.objects.restrict(self.request.user)
            .select_related("dataset", "unit")
            .order_by("-period", "id")
        )
        code = self.request.query_params.get("dataSet")
        return qs.filter(dataset__code=code) if code else qs

    def _run(self, fn: Any, *args: Any) -> Response:
        try:
            sub = fn(*args)
        except UserError as exc:
            return Response({"detail": exc.message}, status=status.HTTP_400_BAD_REQUEST)
        return Response(SubmissionSerializer(sub).data)

    @extend_schema(request=SubmitSerializer, responses=SubmissionSerializer)
    @action(detail=False, methods=["post"])
    def submit(self, request: Request) -> Response:
        payload = SubmitSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        ds = _dataset(payload.validated_data["dataSet"])
        unit = _unit(request.user, payload.validated_data["orgUnit"])
        return self._run(
            approval.submit, request.user, ds, unit, _period(ds, payload.validated_data["period"])
        )

    @extend_schema(request=None, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._run(approval.approve, request.user, self.get_object())

    @extend_schema(request=None, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        """The sender takes a sent report back to correct it."""
        return self._run(approval.withdraw, request.user, self.get_object())

    @extend_schema(
        operation_id="submissions_approve_many",
        request=inline_serializer("ApproveMany", {"ids": serializers.ListField(child=serializers.IntegerField())}),
        responses=inline_serializer(
            "ApproveManyResult",
            {
                "approved": SubmissionSerializer(many=True),
                "refused": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    @action(detail=False, methods=["post"], url_path="approve")
    def approve_many(self, request: Request) -> Response:
        """Approve several reports; each is checked on its own and each refusal is named."""
        ids = request.data.get("ids")
        if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
            raise ValidationError({"ids": [_("Give the ids of the reports to approve as a list of numbers.")]})
        subs = list(self.get_queryset().filter(pk__in=ids))
        found = {s.pk for s in subs}
        result = approval.approve_many(request.user, subs)
        refused = [
            {"id": s.pk, "orgUnit": s.unit.code, "name": s.unit.name, "message": message}
            for s, message in result.refused
        ] + [{"id": i, "message": _("There is no such report among yours.")} for i in ids if i not in found]
        return Response(
            {"approved": SubmissionSerializer(result.approved, many=True).data, "refused": refused}
        )

    @extend_schema(request=ReasonSerializer, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        return self._run(
            approval.return_, request.user, self.get_object(), str(request.data.get("reason", ""))
        )

    @extend_schema(request=ReasonSerializer, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def unlock(self, request: Request, pk: str | None = None) -> Response:
        return self._run(
            approval.unlock, request.user, self.get_object(), str(request.data.get("reason", ""))
        )


class DataElementSerializer(serializers.ModelSerializer[DataElement]):
    class Meta:
        model = DataElement
        fields = [
            "code",
            "name",
            "value_type",
            "aggregation",
            "work_field",
            "zero_is_significant",
            "description",
        ]


class DataElementViewSet(viewsets.ReadOnlyModelViewSet[DataElement]):
    """The catalogue of data elements (not unit-owned: visible to every signed-in user)."""

    serializer_class = DataElementSerializer
    queryset = DataElement.objects.order_by("code")
    lookup_field = "code"


class DataSetSerializer(serializers.ModelSerializer[DataSet]):
    dataElements = serializers.SerializerMethodField()

    class Meta:
        model = DataSet
        fields = ["code", "name", "period_type", "unit_kinds", "due_days", "expiry_days", "dataElements"]

    def get_dataElements(self, obj: DataSet) -> list[dict[str, str]]:
        return [
            {
                "code": m.element.code,
                "name": m.element.name,
                "section": m.section,
                "valueType": m.element.value_type,
            }
            for m in obj.members.all()
        ]


class DataSetViewSet(viewsets.ReadOnlyModelViewSet[DataSet]):
    """Data sets (forms) with their elements in order."""

    serializer_class = DataSetSerializer
    queryset = DataSet.objects.prefetch_related("members__element").order_by("code")
    lookup_field = "code"


def register(router: BaseRouter) -> None:
    router.register("submissions", SubmissionViewSet, basename="submission")
    router.register("dataElements", DataElementViewSet, basename="dataelement")
    router.register("dataSets", DataSetViewSet, basename="dataset")


extra_urls: list[Any] = [
    path("dataValueSets/", DataValueSetView.as_view(), name="reporting-datavaluesets"),
    path("analytics/", AnalyticsView.as_view(), name="reporting-analytics"),
    path("completeness/", CompletenessView.as_view(), name="reporting-completeness"),
]
