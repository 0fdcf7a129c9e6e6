"""A unit's yearly work plan with its key tasks, and the schedule of reviews of documents (sơ kết, tổng kết)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.models import TimeStampedModel
from tuyengiao.core.scoping import ScopedQuerySet


class PlanQuerySet(ScopedQuerySet):
    unit_field = "unit"


class WorkPlan(TimeStampedModel):
    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="work_plans")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("name of the plan"), max_length=300)
    document = models.ForeignKey("documents.Document", verbose_name=_("plan document in the registry"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+")

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        ordering = ["-year", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="work_plan_once_a_year")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:plan_detail", args=[self.pk])

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": self.unit.path if self.unit_id else ""}


class TaskStatus(models.TextChoices):
    PLANNED = "planned", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN = [TaskStatus.PLANNED, TaskStatus.IN_PROGRESS]


class TaskQuerySet(ScopedQuerySet):
    unit_field = "plan__unit"

    def overdue(self, today: dt.date | None = None) -> TaskQuerySet:
        return self.filter(status__in=OPEN, due_on__lt=today or timezone.localdate())


class KeyTask(TimeStampedModel):
    plan = models.ForeignKey(WorkPlan, verbose_name=_("work plan"), on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("key task"), max_length=300)
    field = models.CharField(_("field of work"), max_length=100, blank=True, default="")
    owner = models.ForeignKey("org.Unit", verbose_name=_("owner unit"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.PLANNED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    documents = models.ManyToManyField("documents.Document", verbose_name=_("linked documents"), blank=True,
                                       related_name="+")

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("key task")
        verbose_name_plural = _("key tasks")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def unit(self):
        return self.plan.unit

    @property
    def overdue(self) -> bool:
        return self.status in OPEN and self.due_on is not None and self.due_on < timezone.localdate()

    def get_absolute_url(self) -> str:
        return reverse("plans:task_detail", args=[self.pk])

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": self.plan.unit.path}


class ReviewKind(models.TextChoices):
    INTERIM = "interim", _("Interim review")
    FINAL = "final", _("Final review")


class ReviewQuerySet(ScopedQuerySet):
    unit_field = "unit"

    def overdue(self, today: dt.date | None = None) -> ReviewQuerySet:
        return self.filter(done_on__isnull=True, due_on__lt=today or timezone.localdate())

    def due_between(self, start: dt.date, end: dt.date) -> ReviewQuerySet:
        return self.filter(due_on__range=(start, end))


class DocumentReview(TimeStampedModel):
    """A review a unit owes on a document of the registry (e.g. the 5-year interim review of a resolution)."""

    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="document_reviews")
    document = models.ForeignKey("documents.Document", verbose_name=_("document"), on_delete=models.PROTECT,
                                 related_name="+")
    kind = models.CharField(_("kind"), max_length=8, choices=ReviewKind.choices)
    due_on = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True, default="")

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("review of a document")
        verbose_name_plural = _("reviews of documents")
        ordering = ["due_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["unit", "document", "kind", "due_on"],
                                               name="document_review_once")]
        indexes = [models.Index(fields=["due_on"], condition=Q(done_on__isnull=True), name="review_open_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.document.symbol or self.document.title}"

    @property
    def overdue(self) -> bool:
        return self.done_on is None and self.due_on < timezone.localdate()

    def get_absolute_url(self) -> str:
        return reverse("plans:review_detail", args=[self.pk])

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": self.unit.path if self.unit_id else ""}
