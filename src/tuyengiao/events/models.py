"""Conferences, workshops, study sessions and briefings held by a unit, in person, online or both."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.models import TimeStampedModel
from tuyengiao.core.scoping import ScopedQuerySet


class EventKind(models.TextChoices):
    CONFERENCE = "conference", _("Conference")
    WORKSHOP = "workshop", _("Workshop")
    STUDY_SESSION = "study_session", _("Study session")
    REPORTERS_BRIEFING = "reporters_briefing", _("Reporters' briefing")
    CURRENT_AFFAIRS_BRIEFING = "current_affairs_briefing", _("Current-affairs briefing")
    AWARD_CEREMONY = "award_ceremony", _("Award ceremony")


class EventFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("In person and online")


class EventQuerySet(ScopedQuerySet):
    unit_field = "unit"


class Event(TimeStampedModel):
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("organising unit"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    title = models.CharField(_("event title"), max_length=300)
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    format = models.CharField(
        _("format"), max_length=12, choices=EventFormat.choices, default=EventFormat.IN_PERSON
    )
    connected_sites = models.PositiveIntegerField(
        _("connected sites"),
        default=0,
        help_text=_("Number of online sites (điểm cầu) besides the main venue."),
    )
    venue = models.CharField(_("venue"), max_length=300, blank=True, default="")
    presenters = models.CharField(_("presenters"), max_length=500, blank=True, default="")
    documents = models.ManyToManyField(
        "documents.Document", verbose_name=_("documents covered"), blank=True, related_name="events"
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("study campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        help_text=_("A study session of a campaign counts towards its participation."),
    )
    expected_attendees = models.PositiveIntegerField(_("expected attendees"), default=0)
    present_attendees = models.PositiveIntegerField(_("attendees present"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, default="")

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["start", "pk"]
        indexes = [models.Index(fields=["unit", "start"]), models.Index(fields=["kind", "start"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_online(self) -> bool:
        return self.format in (EventFormat.ONLINE, EventFormat.HYBRID)

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": self.unit.path if self.unit_id else ""}

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("events:event_detail", args=[self.pk])


class EventSite(models.Model):
    """A connected site (điểm cầu) of an online or hybrid event: a unit or a named place, with who
    attended there. The sites' attendance adds up to the event's."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sites")
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="event_sites"
    )
    name = models.CharField(_("place"), max_length=200, blank=True, default="")
    present = models.PositiveIntegerField(_("attendees present"), default=0)

    class Meta:
        verbose_name = _("connected site")
        verbose_name_plural = _("connected sites")
        ordering = ["event", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(unit__isnull=True, name=""), name="event_site_unit_or_place")
        ]

    def __str__(self) -> str:
        return self.name or str(self.unit)

    @property
    def label(self) -> str:
        return self.unit.name if self.unit_id and self.unit else self.name

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": self.event.unit.path}


def photo_path(instance: EventPhoto, filename: str) -> str:
    extension = "png" if instance.content_type == "image/png" else "jpg"
    return f"events/{uuid.uuid4().hex}.{extension}"


class EventPhoto(TimeStampedModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to=photo_path, max_length=200)
    caption = models.CharField(_("caption"), max_length=300, blank=True, default="")
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size in bytes"))

    class Meta:
        verbose_name = _("event photo")
        verbose_name_plural = _("event photos")
        ordering = ["event", "pk"]

    def __str__(self) -> str:
        return self.caption or f"#{self.pk}"

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": self.event.unit.path}
