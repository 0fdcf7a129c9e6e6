"""The document registry: Party documents, their attachments and the references between them."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.models import TimeStampedModel
from tuyengiao.core.scoping import Reach, ScopedQuerySet

from .choices import DocumentKind, Issuer
from .choices import WorkField as WorkFieldChoice

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


class WorkField(models.Model):
    """A field of the boards' work (tư tưởng, lý luận, văn hóa văn nghệ…); documents carry several."""

    code = models.CharField(_("code"), max_length=32, unique=True, choices=WorkFieldChoice.choices)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("work field")
        verbose_name_plural = _("work fields")
        ordering = ["code"]

    def __str__(self) -> str:
        # The label of the code follows the reader's language; ``name`` is the stored fallback.
        return str(self.get_code_display()) if self.code in WorkFieldChoice.values else self.name

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": ""}


class DocumentQuerySet(ScopedQuerySet):
    unit_field = "unit"
    reach = Reach.SUBTREE_AND_ABOVE  # what a unit issues is read by every unit below it


class Document(TimeStampedModel):
    """A document as registered by a unit ("số và ký hiệu" kept exactly as typed)."""

    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    number = models.CharField(_("number"), max_length=20, blank=True, default="")
    symbol = models.CharField(
        _("number and symbol"),
        max_length=80,
        blank=True,
        default="",
        help_text=_("As printed on the document, e.g. 35-NQ/TW."),
    )
    symbol_is_valid = models.BooleanField(_("symbol is well formed"), default=True, editable=False)
    issuer = models.CharField(_("issuer"), max_length=30, choices=Issuer.choices)
    issuer_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("issuing unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_documents",
    )
    term = models.CharField(
        _("term"),
        max_length=10,
        blank=True,
        default="",
        help_text=_("Central Committee term in Roman numerals, e.g. XII."),
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=500)
    body = models.TextField(_("body"), blank=True, default="")
    summary = models.TextField(_("summary for members"), blank=True, default="")
    summary_is_draft = models.BooleanField(_("summary is a draft"), default=False)
    work_fields = models.ManyToManyField(
        WorkField, verbose_name=_("work fields"), blank=True, related_name="documents"
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("registering unit"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    replaces = models.ManyToManyField(
        "self", verbose_name=_("replaces"), symmetrical=False, blank=True, related_name="replaced_by"
    )
    related = models.ManyToManyField(
        "self", verbose_name=_("related documents"), symmetrical=True, blank=True
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-issued_on", "-pk"]
        indexes = [
            models.Index(fields=["kind", "issuer"]),
            models.Index(fields=["issued_on"]),
            models.Index(fields=["symbol"]),
        ]

    def __str__(self) -> str:
        return f"{self.symbol} — {self.title}" if self.symbol else self.title

    # The registering unit is also reachable as ``owner`` / ``owner_unit``.
    @property
    def owner(self) -> Any:
        return self.unit

    @owner.setter
    def owner(self, value: Any) -> None:
        self.unit = value

    @property
    def owner_unit(self) -> Any:
        return self.unit

    @owner_unit.setter
    def owner_unit(self, value: Any) -> None:
        self.unit = value

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": self.unit.path if self.unit_id else ""}

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("documents:document_detail", args=[self.pk])


class DocumentReference(models.Model):
    """A reference to a Party document found in a body, resolved to the registry where possible."""

    source = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="references")
    target = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="cited_by"
    )
    text = models.CharField(_("text"), max_length=500)
    start = models.PositiveIntegerField(_("start offset"))
    end = models.PositiveIntegerField(_("end offset"))
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices, blank=True, default="")
    number = models.CharField(_("number"), max_length=20, blank=True, default="")
    symbol = models.CharField(_("symbol"), max_length=80, blank=True, default="")
    issuer = models.CharField(_("issuer"), max_length=120, blank=True, default="")
    term = models.CharField(_("term"), max_length=10, blank=True, default="")
    date = models.DateField(_("date"), null=True, blank=True)

    class Meta:
        verbose_name = _("document reference")
        verbose_name_plural = _("document references")
        ordering = ["source", "start"]

    def __str__(self) -> str:
        return self.text

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": self.source.unit.path}


def attachment_path(instance: Attachment, filename: str) -> str:
    """A generated name: nothing the uploader typed reaches the file system."""
    extension = {
        "application/pdf": "pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
        "image/png": "png",
        "image/jpeg": "jpg",
    }.get(instance.content_type, "bin")
    return f"documents/{uuid.uuid4().hex}.{extension}"


class Attachment(TimeStampedModel):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("original name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size in bytes"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["document", "pk"]

    def __str__(self) -> str:
        return self.original_name

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": self.document.unit.path}
