"""Reviews over REST: create one (drafted at once), read its figures and sections, edit a draft,
download it as Word or PDF. Scoped like the pages: outside one's subtree answers 404."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from tuyengiao.core.exceptions import ConflictError, UserError
from tuyengiao.org.choices import Action
from tuyengiao.org.models import Unit

from . import render, services
from .models import Review


class ReviewSerializer(serializers.ModelSerializer[Review]):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    reference = serializers.CharField(read_only=True)

    class Meta:
        model = Review
        fields = ["id", "unit", "unit_code", "period", "state", "number", "reference", "symbol", "place",
                  "issued_on", "title", "signer_name", "signer_position", "signer_line", "recipients", "version",
                  "missing", "changes", "drafted_at", "finalised_at"]
        read_only_fields = fields


class ReviewDetailSerializer(ReviewSerializer):
    class Meta(ReviewSerializer.Meta):
        fields = [*ReviewSerializer.Meta.fields, "figures", "children", "sections"]
        read_only_fields = fields


class CreateReviewSerializer(serializers.Serializer[Any]):
    unit = serializers.CharField(help_text="unit code")
    period = serializers.CharField(help_text="2025S1 (half-year) or 2025 (year)")


class EditReviewSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(required=False)
    blocks = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False,
                                   help_text="section id -> HTML (sanitised on save)")
    kept = serializers.ListField(child=serializers.CharField(), required=False,
                                 help_text="keys of the suggestions kept in part II")
    particulars = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)


def _refusal(exc: Exception) -> Exception:
    if isinstance(exc, services.ReviewLocked):
        return PermissionDenied(exc.message)
    if isinstance(exc, DjangoPermissionDenied):
        return PermissionDenied(str(exc) or None)
    if isinstance(exc, ConflictError):
        return ValidationError({"version": [exc.message]})
    if isinstance(exc, UserError):
        return ValidationError({exc.field or "detail": [exc.message]})
    return exc


class ReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Review]):
    # finalising (locking and numbering) is the approver's; drafting and editing need data entry
    write_actions = {"finalise": Action.APPROVE}

    def get_queryset(self) -> QuerySet[Review]:
        return services.visible(self.request.user).order_by("-period", "unit__path")

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if self.action == "create":
            return CreateReviewSerializer
        if self.action == "partial_update":
            return EditReviewSerializer
        return ReviewDetailSerializer if self.action == "retrieve" else ReviewSerializer

    @extend_schema(request=CreateReviewSerializer, responses={201: ReviewDetailSerializer})
    def create(self, request: Request) -> Response:
        data = CreateReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        unit = Unit.objects.restrict(request.user, Action.VIEW).filter(code=data.validated_data["unit"]).first()
        if unit is None:
            raise NotFound
        try:
            review = services.create(request.user, unit, data.validated_data["period"])
        except Exception as exc:
            raise _refusal(exc) from exc
        return Response(ReviewDetailSerializer(review).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=EditReviewSerializer, responses={200: ReviewDetailSerializer})
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        review = self.get_object()
        data = EditReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            review = services.edit(request.user, review, blocks=v.get("blocks"), kept=v.get("kept"),
                                   particulars=v.get("particulars"), version=v.get("version"))
        except Exception as exc:
            raise _refusal(exc) from exc
        return Response(ReviewDetailSerializer(review).data)

    @extend_schema(request=None, responses={200: ReviewDetailSerializer})
    @action(detail=True, methods=["post"])
    def finalise(self, request: Request, pk: str | None = None) -> Response:
        review = self.get_object()
        try:
            review = services.finalise(request.user, review)
        except Exception as exc:
            raise _refusal(exc) from exc
        return Response(ReviewDetailSerializer(review).data)

    @extend_schema(
        parameters=[OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=["docx", "pdf"])],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"], url_path=r"download/(?P<fmt>docx|pdf)")
    def download(self, request: Request, pk: str | None = None, fmt: str = "docx") -> HttpResponse:
        """The review as a Word file or as PDF (PDF needs LibreOffice on the server: 400 says so)."""
        review = self.get_object()
        try:
            data = render.render(review, fmt)
        except UserError as exc:
            raise ValidationError({exc.field or "detail": [exc.message]}) from exc
        types = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 "pdf": "application/pdf"}
        response = HttpResponse(data, content_type=types[fmt])
        response["Content-Disposition"] = f'attachment; filename="{render.filename(review, fmt)}"'
        return response


def register(router: BaseRouter) -> None:
    router.register("reviews", ReviewViewSet, basename="review")
