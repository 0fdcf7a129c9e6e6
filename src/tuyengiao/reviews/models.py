"""A board's half-year or annual review of a unit, its saved versions, its jobs, and the unit's
document settings (symbol, place, names in the header) that every review of the unit uses."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.models import TimeStampedModel
from tuyengiao.core.periods import Period, PeriodType
from tuyengiao.core.scoping import ScopedQuerySet
from tuyengiao.org.models import Unit


class DocumentSettingsQuerySet(ScopedQuerySet):
    unit_field = "unit"


class DocumentSettings(TimeStampedModel):
    """How the unit's board signs its documents (Hướng dẫn 36-HD/VPTW header and signature)."""

    unit = models.OneToOneField(Unit, on_delete=models.PROTECT, related_name="document_settings")
    superior = models.CharField(
        _("superior committee"), max_length=200, help_text=_("e.g. TỈNH ỦY LONG SƠN")
    )
    issuer = models.CharField(_("issuing board"), max_length=200, help_text=_("e.g. BAN TUYÊN GIÁO"))
    symbol = models.CharField(_("symbol"), max_length=40, help_text=_("e.g. BTGTU"))
    place = models.CharField(_("place name"), max_length=100, help_text=_("e.g. Long Sơn"))
    signer_name = models.CharField(_("signer"), max_length=120, blank=True)
    signer_position = models.CharField(_("signer's position"), max_length=120, blank=True)
    signer_line = models.CharField(
        _("signing on behalf"), max_length=120, blank=True, help_text=_("e.g. T/M BAN THƯỜNG VỤ or K/T TRƯỞNG BAN")
    )
    recipients = models.TextField(_("recipients"), blank=True, help_text=_("one per line"))
    template = models.FileField(_("Word template"), upload_to="reviews/templates", blank=True)

    objects = DocumentSettingsQuerySet.as_manager()

    class Meta:
        verbose_name = _("document settings")
        verbose_name_plural = _("document settings")

    def __str__(self) -> str:
        return f"{self.issuer} ({self.symbol})"


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("Draft review")
    FINAL = "final", _("Finalised")


class ReviewQuerySet(ScopedQuerySet):
    unit_field = "unit"


class Review(TimeStampedModel):
    """One review report: the figures it quotes, its sections and its document particulars.

    ``figures`` maps each code to its values ({"name", "kind", "now", "last_year", "previous",
    "plan"}); ``sections`` holds the four parts as sanitised HTML, each generated part beside the
    text the official left, so a regeneration replaces only what nobody edited.
    """

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("unit"))
    period = models.CharField(_("period"), max_length=8)
    state = models.CharField(_("state"), max_length=10, choices=ReviewState.choices, default=ReviewState.DRAFT)
    structure = models.CharField(_("structure"), max_length=10, default="current")
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    symbol = models.CharField(_("symbol"), max_length=40, blank=True)
    place = models.CharField(_("place name"), max_length=100, blank=True)
    issued_on = models.DateField(_("date"), null=True, blank=True)
    title = models.CharField(_("summary line"), max_length=300, blank=True)
    signer_name = models.CharField(_("signer"), max_length=120, blank=True)
    signer_position = models.CharField(_("signer's position"), max_length=120, blank=True)
    signer_line = models.CharField(_("signing on behalf"), max_length=120, blank=True)
    recipients = models.TextField(_("recipients"), blank=True)
    figures = models.JSONField(default=dict, blank=True)
    children = models.JSONField(default=dict, blank=True)
    charts = models.JSONField(default=dict, blank=True)
    sections = models.JSONField(default=dict, blank=True)
    missing = models.JSONField(default=list, blank=True)
    changes = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    drafted_at = models.DateTimeField(_("drafted at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("review report")
        verbose_name_plural = _("review reports")
        ordering = ["-period", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["unit", "period"], name="unique_review_unit_period")]

    def __str__(self) -> str:
        return f"{self.unit.name} · {self.period_obj.label}"

    @property
    def period_obj(self) -> Period:
        return Period.parse(self.period)

    @property
    def is_annual(self) -> bool:
        return self.period_obj.type is PeriodType.YEAR

    @property
    def is_final(self) -> bool:
        return self.state == ReviewState.FINAL

    @property
    def reference(self) -> str:
        """"15-BC/BTGTU" once numbered ("01-BC/BTGTU" under ten, as Party documents number them),
        "  -BC/BTGTU" before."""
        number = f"{self.number:02d}" if self.number else "  "
        return f"{number}-BC/{self.symbol}" if self.symbol else ""


class ReviewVersion(models.Model):
    """A saved state of a review: every edit, regeneration and the finalisation keep one."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    note = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["review", "number"], name="unique_review_version")]

    def __str__(self) -> str:
        return f"{self.review_id} v{self.number}"


class JobKind(models.TextChoices):
    DRAFT = "draft", _("Drafting")
    RENDER = "render", _("Rendering")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Working")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ReviewJobQuerySet(ScopedQuerySet):
    unit_field = "review__unit"


class ReviewJob(models.Model):
    """Drafting or rendering of one review on a worker, with its progress for the page."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(max_length=10, choices=JobKind.choices)
    format = models.CharField(max_length=4, blank=True)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    processed = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    file = models.FileField(upload_to="reviews/files", blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.format} {self.status}"

    @property
    def running(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.pk, "kind": self.kind, "format": self.format, "status": self.status,
                "processed": self.processed, "total": self.total, "message": self.message}
