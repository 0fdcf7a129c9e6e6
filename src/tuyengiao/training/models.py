"""Political theory classes (lớp bồi dưỡng lý luận chính trị) at training centres, against the yearly plan."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.models import TimeStampedModel
from tuyengiao.core.scoping import ScopedQuerySet


class ClassCategory(models.TextChoices):
    ELEMENTARY = "elementary", _("Elementary political theory")
    INTERMEDIATE = "intermediate", _("Intermediate political theory")
    NEW_MEMBERS = "new_members", _("New members' training")
    PARTY_AWARENESS = "party_awareness", _("Awareness of the Party")
    KNOWLEDGE_UPDATE = "knowledge_update", _("Knowledge update")


class TrainingQuerySet(ScopedQuerySet):
    unit_field = "unit"

    def behind_plan(self, today: dt.date | None = None) -> TrainingQuerySet:
        """Classes not opened by their planned date, or opened after it."""
        today = today or timezone.localdate()
        return self.filter(
            models.Q(opened_on__isnull=True, planned_open__lt=today)
            | models.Q(opened_on__gt=models.F("planned_open"))
        )


class TrainingClass(TimeStampedModel):
    unit = models.ForeignKey("org.Unit", verbose_name=_("organising unit"), on_delete=models.PROTECT,
                             related_name="training_classes")
    centre = models.CharField(_("training centre"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=ClassCategory.choices)
    title = models.CharField(_("class"), max_length=300)
    planned_open = models.DateField(_("planned opening"))
    planned_close = models.DateField(_("planned closing"))
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(_("class closed on"), null=True, blank=True)
    enrolled = models.PositiveIntegerField(_("learners enrolled"), default=0)
    completed = models.PositiveIntegerField(_("learners completed"), default=0)
    enrolled_off_payroll = models.PositiveIntegerField(
        _("enrolled not on the state payroll"), default=0,
        help_text=_("Learners not on the state payroll (e.g. village cadres, farmers) counted apart."),
    )
    completed_off_payroll = models.PositiveIntegerField(_("completed not on the state payroll"), default=0)
    notes = models.TextField(_("notes"), blank=True, default="")

    objects = TrainingQuerySet.as_manager()

    class Meta:
        verbose_name = _("training class")
        verbose_name_plural = _("training classes")
        ordering = ["-planned_open", "pk"]
        indexes = [models.Index(fields=["unit", "planned_open"]), models.Index(fields=["opened_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def behind_plan(self) -> bool:
        if self.opened_on is None:
            return self.planned_open < timezone.localdate()
        return self.opened_on > self.planned_open

    def get_absolute_url(self) -> str:
        return reverse("training:class_detail", args=[self.pk])

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": self.unit.path if self.unit_id else ""}


class PlanQuerySet(ScopedQuerySet):
    unit_field = "unit"


class TrainingPlan(TimeStampedModel):
    """A unit's yearly plan: how many classes and learners, set against what opened."""

    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="training_plans")
    year = models.PositiveSmallIntegerField(_("year"))
    planned_classes = models.PositiveIntegerField(_("classes planned"), default=0)
    planned_learners = models.PositiveIntegerField(_("learners planned"), default=0)
    planned_off_payroll = models.PositiveIntegerField(_("learners not on the state payroll planned"), default=0)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("yearly training plan")
        verbose_name_plural = _("yearly training plans")
        ordering = ["-year", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="training_plan_once_a_year")]

    def __str__(self) -> str:
        return f"{self.unit} – {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("training:plan_detail", args=[self.pk])

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": self.unit.path if self.unit_id else ""}
