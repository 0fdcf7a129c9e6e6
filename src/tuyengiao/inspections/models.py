"""Inspections (kiểm tra, giám sát) of how units carry out a document, and their recommendations."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.models import TimeStampedModel
from tuyengiao.core.scoping import ScopedQuerySet, Visibility


class InspectionQuerySet(ScopedQuerySet):
    unit_field = "unit"


class RecommendationQuerySet(ScopedQuerySet):
    """Seen by the inspecting unit's subtree and by the unit that owns the follow-up."""

    unit_field = "inspection__unit"
    also_visible = (Visibility("owner_unit"),)


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")


class Inspection(TimeStampedModel):
    unit = models.ForeignKey("org.Unit", verbose_name=_("inspecting unit"), on_delete=models.PROTECT,
                             related_name="+")
    title = models.CharField(_("inspection title"), max_length=300)
    topic = models.CharField(_("topic"), max_length=300, blank=True, default="",
                             help_text=_("The document whose implementation is checked, e.g. Directive 05-CT/TW."))
    document = models.ForeignKey("documents.Document", verbose_name=_("document"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    inspected_units = models.ManyToManyField("org.Unit", verbose_name=_("inspected units"), blank=True,
                                             related_name="inspections_received")
    status = models.CharField(_("status"), max_length=10, choices=InspectionStatus.choices,
                              default=InspectionStatus.PLANNED)
    planned_on = models.DateField(_("planned for"))
    held_from = models.DateField(_("held from"), null=True, blank=True)
    held_to = models.DateField(_("held until"), null=True, blank=True)
    cadres_covered = models.PositiveIntegerField(_("cadres and members covered"), default=0)
    organisations_covered = models.PositiveIntegerField(_("organisations covered"), default=0)
    findings = models.TextField(_("findings"), blank=True, default="")
    conclusions = models.TextField(_("conclusions"), blank=True, default="")

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-planned_on", "pk"]
        indexes = [models.Index(fields=["unit", "planned_on"]), models.Index(fields=["unit", "held_to"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("inspections:inspection_detail", args=[self.pk])

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": self.unit.path if self.unit_id else ""}


class FollowUp(models.TextChoices):
    OPEN = "open", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class Recommendation(TimeStampedModel):
    """A recommendation of an inspection: who must act (owner unit), by when, and how it was followed up."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="recommendations")
    content = models.TextField(_("recommendation"))
    owner_unit = models.ForeignKey("org.Unit", verbose_name=_("owner unit"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("follow-up"), max_length=12, choices=FollowUp.choices, default=FollowUp.OPEN)
    evidence = models.TextField(_("evidence"), blank=True, default="")
    done_on = models.DateField(_("done on"), null=True, blank=True)

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return self.content[:80]

    def get_absolute_url(self) -> str:
        return reverse("inspections:inspection_detail", args=[self.inspection_id])

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": self.inspection.unit.path}

    def overdue_on(self, day: object) -> bool:
        return self.status != FollowUp.DONE and self.due_on is not None and self.due_on < day  # type: ignore[operator]
