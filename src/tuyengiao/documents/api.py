"""Documents over REST: read the registry (search with ?q=), register and edit within scope."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.routers import BaseRouter

from tuyengiao.core.exceptions import UserError
from tuyengiao.org.access import Scope

from . import services
from .filtersets import DocumentFilterSet
from .models import Attachment, Document, DocumentReference, WorkField


class AttachmentSerializer(serializers.ModelSerializer[Attachment]):
    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size"]


class ReferenceSerializer(serializers.ModelSerializer[DocumentReference]):
    """A reference; its target is given only when the reader may open that document."""

    target = serializers.SerializerMethodField()

    class Meta:
        model = DocumentReference
        fields = ["text", "start", "end", "kind", "number", "symbol", "issuer", "term", "date", "target"]

    def get_target(self, obj: DocumentReference) -> int | None:
        readable: set[int] = self.context.get("readable_targets", set())
        return obj.target_id if obj.target_id in readable else None


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


class DocumentViewSet(viewsets.ModelViewSet[Document]):
    """Documents the user can read: their subtrees' and those of the units above them."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = DocumentFilterSet

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return DocumentSerializer if self.action == "list" else DocumentDetailSerializer

    def get_queryset(self) -> QuerySet[Document]:
        qs = (
            services.visible_documents(self.request.user)
            .select_related("unit")
            .prefetch_related("work_fields")
        )
        return qs

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if self.action != "list" and "pk" in self.kwargs:
            targets = DocumentReference.objects.filter(source_id=self.kwargs["pk"], target__isnull=False)
            readable = services.visible_documents(self.request.user).filter(pk__in=targets.values("target_id"))
            context["readable_targets"] = set(readable.values_list("pk", flat=True))
        return context

    def _save(self, serializer: serializers.BaseSerializer[Any], instance: Document) -> None:
        data = dict(serializer.validated_data)
        work_fields = data.pop("work_fields", None)
        for key, value in data.items():
            setattr(instance, key, value)
        try:
            services.save_document(instance, user=self.request.user, work_fields=work_fields)
        except UserError as exc:
            raise ValidationError({exc.field or "detail": [exc.message]}) from exc
        serializer.instance = instance

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        self._save(serializer, Document())

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        instance = serializer.instance
        assert isinstance(instance, Document)
        if not Scope.of(self.request.user).allows(instance.unit, "enter"):
            raise PermissionDenied
        self._save(serializer, instance)


def register(router: BaseRouter) -> None:
    router.register("documents", DocumentViewSet, basename="document")


