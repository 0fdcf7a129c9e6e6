"""Reporters (báo cáo viên), their briefings, publications and their reach, press guidance issued."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.models import TimeStampedModel
from tuyengiao.core.scoping import ScopedQuerySet


class UnitRecordQuerySet(ScopedQuerySet):
    unit_field = "unit"


class _UnitRecord(TimeStampedModel):
    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")

    objects = UnitRecordQuerySet.as_manager()

    class Meta:
        abstract = True

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": self.unit.path if self.unit_id else ""}


class ReporterLevel(models.TextChoices):
    CENTRAL = "central", _("Central reporter")
    PROVINCE = "province", _("Provincial reporter")
    COMMUNE = "commune", _("Commune reporter")
    OUTREACH = "outreach", _("Outreach worker")


def active_between(start: dt.date, end: dt.date, prefix: str = "") -> Q:
    """Reporters active on some day from ``start`` to ``end``: begun by the end, not ended before the start."""
    return (Q(**{f"{prefix}active_from__isnull": True}) | Q(**{f"{prefix}active_from__lte": end})) & (
        Q(**{f"{prefix}active_until__isnull": True}) | Q(**{f"{prefix}active_until__gte": start}))


class Reporter(_UnitRecord):
    """A reporter on the unit's list from ``active_from`` to ``active_until`` (both days included;
    blank: since before the list was kept, and still active)."""

    name = models.CharField(_("full name"), max_length=120)
    position = models.CharField(_("position"), max_length=200, blank=True, default="")
    level = models.CharField(_("level"), max_length=12, choices=ReporterLevel.choices)
    subjects = models.CharField(_("fields"), max_length=300, blank=True, default="",
                              help_text=_("The subjects the reporter briefs on, e.g. current affairs, economy."))
    active_from = models.DateField(_("active from"), null=True, blank=True,
                                   help_text=_("Blank: on the list since before it was kept here."))
    active_until = models.DateField(_("active until"), null=True, blank=True,
                                    help_text=_("The last day as a reporter; blank while still active."))

    class Meta:
        verbose_name = _("reporter")
        verbose_name_plural = _("reporters")
        ordering = ["unit__path", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("outreach:reporter_detail", args=[self.pk])

    def active_on(self, day: dt.date) -> bool:
        return (self.active_from is None or self.active_from <= day) and (
            self.active_until is None or self.active_until >= day)

    @property
    def active(self) -> bool:
        """Active today."""
        return self.active_on(timezone.localdate())


class BriefingKind(models.TextChoices):
    REPORTERS_CONFERENCE = "reporters_conference", _("Monthly reporters' conference")
    CURRENT_AFFAIRS = "current_affairs", _("Quarterly current-affairs briefing")
    PRESS_CONFERENCE = "press_conference", _("Press briefing")


class Briefing(_UnitRecord):
    kind = models.CharField(_("kind"), max_length=24, choices=BriefingKind.choices)
    title = models.CharField(_("name of the briefing"), max_length=300)
    held_on = models.DateField(_("held on"))
    audience = models.PositiveIntegerField(_("listeners"), default=0)
    reporters = models.ManyToManyField(Reporter, verbose_name=_("reporters who spoke"), blank=True,
                                       related_name="briefings")
    event = models.ForeignKey("events.Event", verbose_name=_("event"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    notes = models.TextField(_("notes"), blank=True, default="")

    class Meta:
        verbose_name = _("briefing")
        verbose_name_plural = _("briefings")
        ordering = ["-held_on", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("outreach:briefing_detail", args=[self.pk])


class PublicationKind(models.TextChoices):
    INFOGRAPHIC = "infographic", _("Infographic")
    VIDEO = "video", _("Video clip")
    ARTICLE = "article", _("Article")
    BOOK = "book", _("Book")
    BULLETIN = "bulletin", _("Bulletin")
    HANDBOOK = "handbook", _("Handbook")


class Channel(models.TextChoices):
    WEBSITE = "website", _("Website")
    SOCIAL = "social", _("Social networks")
    PRESS = "press", _("Press")
    PRINT = "print", _("Print")
    RADIO = "radio", _("Loudspeakers and radio")


class Publication(_UnitRecord):
    kind = models.CharField(_("kind"), max_length=12, choices=PublicationKind.choices)
    title = models.CharField(_("name of the product"), max_length=300)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    published_on = models.DateField(_("published on"))
    views = models.PositiveIntegerField(_("views"), default=0, help_text=_("As the channel counts them."))
    shares = models.PositiveIntegerField(_("shares"), default=0)
    copies = models.PositiveIntegerField(_("printed copies"), default=0)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-published_on", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("outreach:publication_detail", args=[self.pk])


class GuidanceKind(models.TextChoices):
    ORIENTATION = "orientation", _("Orientation document")
    GUIDANCE = "guidance", _("Outreach guidance")


class PressGuidance(_UnitRecord):
    """Press and outreach guidance the board issued; the document itself is in the registry."""

    kind = models.CharField(_("kind"), max_length=12, choices=GuidanceKind.choices)
    subject = models.CharField(_("subject"), max_length=300)
    issued_on = models.DateField(_("issued on"))
    document = models.ForeignKey("documents.Document", verbose_name=_("document in the registry"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="press_guidance")
    recipients = models.CharField(_("sent to"), max_length=300, blank=True, default="",
                                  help_text=_("Press agencies, websites and units the guidance went to."))

    class Meta:
        verbose_name = _("press guidance")
        verbose_name_plural = _("press guidance")
        ordering = ["-issued_on", "pk"]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("outreach:guidance_detail", args=[self.pk])
