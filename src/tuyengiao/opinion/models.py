"""Public concerns (dư luận xã hội) kept only as anonymous aggregates per unit, period and topic.

There is deliberately no field for anyone's identity: a report says how many people raised a topic,
whether that is more or fewer than last period, a short summary cleaned of personal details, the
proposed response and the agency that should answer, and whether it was answered.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.models import TimeStampedModel
from tuyengiao.core.periods import Period
from tuyengiao.core.scoping import ScopedQuerySet


class ConcernTopic(models.Model):
    """The catalogue of topics concerns are grouped under."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("topic"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("concern topic")
        verbose_name_plural = _("concern topics")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Trend(models.TextChoices):
    NEW = "new", _("New this period")
    UP = "up", _("Rising")
    SAME = "same", _("Unchanged")
    DOWN = "down", _("Falling")


class ReportQuerySet(ScopedQuerySet):
    unit_field = "unit"


class ConcernReport(TimeStampedModel):
    unit = models.ForeignKey("org.Unit", verbose_name=_("reporting unit"), on_delete=models.PROTECT,
                             related_name="concern_reports")
    period = models.CharField(_("period"), max_length=8, help_text=_("e.g. 202503 (month), 2025Q1, 2025S1."))
    topic = models.ForeignKey(ConcernTopic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="reports")
    reports = models.PositiveIntegerField(_("number of reports"), default=0,
                                          help_text=_("How many times the concern was raised, not by whom."))
    previous_reports = models.PositiveIntegerField(_("reports last period"), null=True, blank=True, editable=False)
    trend = models.CharField(_("trend against last period"), max_length=6, choices=Trend.choices,
                             default=Trend.NEW, editable=False)
    summary = models.TextField(_("summary"), max_length=2000,
                               help_text=_("What is said, in general terms. Phone numbers, e-mail addresses, ID "
                                           "numbers and names after ông/bà/anh/chị… or in [brackets] are removed."))
    proposed_response = models.TextField(_("proposed response"), max_length=2000, blank=True, default="")
    responsible_agency = models.CharField(_("agency that should answer"), max_length=200, blank=True, default="")
    answered = models.BooleanField(_("answered"), default=False)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("concern report")
        verbose_name_plural = _("concern reports")
        ordering = ["-period", "topic__order", "pk"]
        constraints = [models.UniqueConstraint(fields=["unit", "period", "topic"], name="concern_once_per_period")]
        indexes = [models.Index(fields=["period", "unit"])]

    def __str__(self) -> str:
        return f"{self.topic} – {self.period_label}"

    @property
    def period_label(self) -> str:
        try:
            return Period.parse(self.period).label
        except ValueError:
            return self.period

    def get_absolute_url(self) -> str:
        return reverse("opinion:report_detail", args=[self.pk])

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": self.unit.path if self.unit_id else ""}
