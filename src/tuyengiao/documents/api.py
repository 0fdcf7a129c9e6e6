"""Documents over REST: read the registry (search with ?q=), register and edit within scope."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.routers import BaseRouter

from tuyengiao.core.exceptions import UserError
from tuyengiao.org.access import can

from . import services
from .models import Attachment, Document, DocumentReference, WorkField
from .views import filter_documents


class AttachmentSerializer(serializers.ModelSerializer[Attachment]):
    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size"]


class ReferenceSerializer(serializers.ModelSerializer[DocumentReference]):
    class Meta:
        model = DocumentReference
        fields = ["text", "start", "end", "kind", "number", "symbol", "issuer", "term", "date", "target"]


class DocumentSerializer(serializers.ModelSerializer[Document]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    issuer_label = serializers.CharField(source="get_issuer_display", read_only=True)
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    work_fields = serializers.SlugRelatedField(
        many=True, slug_field="code", queryset=WorkField.objects.all(), required=False
    )
    snippet = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "kind_label",
            "number",
            "symbol",
            "symbol_is_valid",
            "issuer",
            "issuer_label",
            "issuer_unit",
            "term",
            "issued_on",
            "title",
            "summary",
            "summary_is_draft",
            "work_fields",
            "unit",
            "unit_code",
            "replaces",
            "related",
            "snippet",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["symbol_is_valid", "summary_is_draft", "replaces", "related"]

    def get_snippet(self, obj: Document) -> str | None:
        value = getattr(obj, "snippet", None)
        return str(value) if value is not None else None


class DocumentDetailSerializer(DocumentSerializer):
    attachments = AttachmentSerializer(many=True, read_only=True)
    references = ReferenceSerializer(many=True, read_only=True)

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "body", "attachments", "references"]


FILTERS = [
    OpenApiParameter(
        "q", OpenApiTypes.STR, description="ranked search, accents optional: “nen tang tu tuong”"
    ),
    OpenApiParameter("kind", OpenApiTypes.STR),
    OpenApiParameter("issuer", OpenApiTypes.STR),
    OpenApiParameter("year", OpenApiTypes.INT),
    OpenApiParameter("field", OpenApiTypes.STR, description="work field code"),
]


@extend_schema_view(list=extend_schema(parameters=FILTERS))
class DocumentViewSet(viewsets.ModelViewSet[Document]):
    """Documents the user can read: their subtrees' and those of the units above them."""

    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return DocumentSerializer if self.action == "list" else DocumentDetailSerializer

    def get_queryset(self) -> QuerySet[Document]:
        qs = (
            services.visible_documents(self.request.user)
            .select_related("unit")
            .prefetch_related("work_fields")
        )
        if self.action == "list":
            qs, form = filter_documents(qs, self.request.query_params)
            if not form.is_valid():
                raise ValidationError(form.errors)
            if not self.request.query_params.get("q"):
                qs = qs.order_by("-issued_on", "-pk")
        return qs

    def _save(self, serializer: serializers.BaseSerializer[Any], instance: Document) -> None:
        data = dict(serializer.validated_data)
        work_fields = data.pop("work_fields", None)
        for key, value in data.items():
            setattr(instance, key, value)
        if not instance.unit_id or not can(self.request.user, "enter", instance.unit):
            raise PermissionDenied
        try:
            services.save_document(instance, work_fields=work_fields)
        except UserError as exc:
            raise ValidationError({"detail": exc.message}) from exc
        serializer.instance = instance

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        self._save(serializer, Document())

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        instance = serializer.instance
        assert isinstance(instance, Document)
        if not can(self.request.user, "enter", instance.unit):
            raise PermissionDenied
        self._save(serializer, instance)


def register(router: BaseRouter) -> None:
    router.register("documents", DocumentViewSet, basename="document")


extra_urls: list = []
