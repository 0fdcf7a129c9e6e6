"""Party-history works (lịch sử Đảng bộ, biên niên, kỷ yếu, tuyển tập văn kiện) through drafting, appraisal
and publication."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.models import TimeStampedModel
from tuyengiao.core.scoping import ScopedQuerySet


class WorkKind(models.TextChoices):
    COMMITTEE_HISTORY = "committee_history", _("History of the Party committee")
    CHRONICLE = "chronicle", _("Chronicle")
    YEARBOOK = "yearbook", _("Yearbook")
    DOCUMENT_COLLECTION = "document_collection", _("Collection of documents")


class Stage(models.TextChoices):
    DRAFTING = "drafting", _("Being compiled")
    APPRAISAL = "appraisal", _("Appraisal")
    PUBLISHED = "published", _("Published")


class WorkQuerySet(ScopedQuerySet):
    unit_field = "unit"


class HistoryWork(TimeStampedModel):
    unit = models.ForeignKey("org.Unit", verbose_name=_("compiling unit"), on_delete=models.PROTECT,
                             related_name="history_works")
    kind = models.CharField(_("kind"), max_length=24, choices=WorkKind.choices)
    title = models.CharField(_("name of the work"), max_length=300)
    covers = models.CharField(_("years covered"), max_length=40, blank=True, default="",
                              help_text=_("e.g. 1930–2025"))
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.DRAFTING)
    started_on = models.DateField(_("drafting started"))
    appraisal_decision = models.CharField(_("appraisal decision"), max_length=120, blank=True, default="",
                                          help_text=_("Number and symbol of the decision, e.g. 125-QĐ/TU."))
    appraised_on = models.DateField(_("appraised on"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    copies = models.PositiveIntegerField(_("copies printed"), default=0)
    notes = models.TextField(_("notes"), blank=True, default="")

    objects = WorkQuerySet.as_manager()

    class Meta:
        verbose_name = _("party history work")
        verbose_name_plural = _("party history works")
        ordering = ["-started_on", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("history:work_detail", args=[self.pk])

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": self.unit.path if self.unit_id else ""}
