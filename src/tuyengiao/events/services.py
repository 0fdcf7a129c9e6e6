"""Events: checking and saving them, their photos, and their effect on study campaigns."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tuyengiao.core.exceptions import UserError
from tuyengiao.core.numbers import format_number
from tuyengiao.documents.services import IMAGE_TYPES, clean_html, plain_text, read_upload
from tuyengiao.org.access import can
from tuyengiao.org.choices import UnitKind
from tuyengiao.org.models import Unit

from .models import Event, EventFormat, EventKind, EventPhoto

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser

MAX_PHOTO_BYTES = 10 * 1024 * 1024
GRID_LIMIT = 3  # events listed in one day of the month grid; the agenda lists them all


def visible_events(user: User) -> QuerySet[Event]:
    return Event.objects.restrict(user, "view")


def events_in_month(user: User, unit: Unit, year: int, month: int) -> QuerySet[Event]:
    """The events of a unit and its subtree that start in a month (local time)."""
    tz = timezone.get_current_timezone()
    first = dt.datetime(year, month, 1, tzinfo=tz)
    last_day = calendar.monthrange(year, month)[1]
    after = dt.datetime(year, month, last_day, tzinfo=tz) + dt.timedelta(days=1)
    return (
        visible_events(user)
        .filter(unit__path__startswith=unit.path, start__gte=first, start__lt=after)
        .select_related("unit")
        .order_by("start", "pk")
    )


def problems(event: Event) -> list[str]:
    """Why the event cannot be saved, each naming the field."""
    found: list[str] = []
    if not event.title:
        found.append(_("Title: required."))
    if event.start and event.end and event.end < event.start:
        found.append(_("Ends: the event ends before it starts."))
    if event.format in (EventFormat.ONLINE, EventFormat.HYBRID) and event.connected_sites < 1:
        found.append(_("Connected sites: an online or hybrid event has at least one connected site."))
    if event.format == EventFormat.IN_PERSON and event.connected_sites:
        found.append(
            _("Connected sites: an in-person event has no connected sites; choose online or hybrid.")
        )
    if event.present_attendees is not None and event.present_attendees > event.expected_attendees:
        found.append(
            _("Attendees present: %(p)s is more than the %(e)s expected.")
            % {"p": format_number(event.present_attendees), "e": format_number(event.expected_attendees)}
        )
    if event.campaign_id:
        campaign = event.campaign
        if event.kind != EventKind.STUDY_SESSION:
            found.append(_("Study campaign: only a study session counts towards a campaign."))
        elif (
            campaign is not None
            and event.unit_id
            and (event.unit.kind != UnitKind.CELL or not event.unit.path.startswith(campaign.scope.path))
        ):
            found.append(
                _(
                    "Study campaign: the session must be held by a Party cell within the campaign’s "
                    "scope (%(scope)s)."
                )
                % {"scope": campaign.scope.name}
            )
    return found


def save_event(user: User, event: Event, documents: Iterable[Any] | None = None) -> Event:
    """Save an event; a study session of a campaign updates the campaign's figures in the same transaction."""
    from tuyengiao.campaigns.services import recount_from_events

    if not event.unit_id or not can(user, "enter", event.unit):
        raise PermissionDenied
    event.title = plain_text(event.title)
    event.venue = plain_text(event.venue)
    event.presenters = plain_text(event.presenters)
    event.notes = clean_html(event.notes)
    if event.campaign_id:
        from tuyengiao.campaigns.services import visible_campaigns

        if not visible_campaigns(user).filter(pk=event.campaign_id).exists():
            raise PermissionDenied
    found = problems(event)
    if found:
        raise UserError(" ".join(found))
    before = None
    if event.pk:
        before = Event.objects.filter(pk=event.pk).values("campaign_id", "unit_id").first()
    with transaction.atomic():
        event.save()
        if documents is not None:
            event.documents.set(list(documents))
        touched = set()
        if event.campaign_id:
            touched.add((event.campaign_id, event.unit_id))
        if before and before["campaign_id"]:
            touched.add((before["campaign_id"], before["unit_id"]))
        _recount(touched, recount_from_events)
    return event


def _recount(touched: set[tuple[int, int]], recount: Any) -> None:
    from tuyengiao.campaigns.models import Campaign

    for campaign_id, unit_id in touched:
        recount(Campaign.objects.get(pk=campaign_id), Unit.objects.get(pk=unit_id))


def delete_event(user: User, event: Event) -> None:
    from tuyengiao.campaigns.services import recount_from_events

    if not can(user, "enter", event.unit):
        raise PermissionDenied
    touched = {(event.campaign_id, event.unit_id)} if event.campaign_id else set()
    with transaction.atomic():
        event.delete()
        _recount(touched, recount_from_events)


def add_photo(event: Event, upload: Any, caption: str = "") -> EventPhoto:
    data, content_type = read_upload(upload, allowed=IMAGE_TYPES, limit=MAX_PHOTO_BYTES)
    photo = EventPhoto(
        event=event, caption=plain_text(caption)[:300], content_type=content_type, size=len(data)
    )
    photo.image.save("photo", ContentFile(data), save=False)
    photo.save()
    return photo


def month_grid(year: int, month: int, events: Iterable[Event]) -> list[list[dict[str, Any]]]:
    """Weeks of days (Monday first) with the events starting on each day."""
    by_day: dict[dt.date, list[Event]] = {}
    for event in events:
        by_day.setdefault(timezone.localtime(event.start).date(), []).append(event)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        row = []
        for d in week:
            items = by_day.get(d, [])
            row.append(
                {
                    "day": d,
                    "in_month": d.month == month,
                    "events": items,
                    "shown": items[:GRID_LIMIT],
                    "more": max(0, len(items) - GRID_LIMIT),
                }
            )
        weeks.append(row)
    return weeks


__all__ = [
    "UserError",
    "add_photo",
    "delete_event",
    "events_in_month",
    "month_grid",
    "problems",
    "save_event",
]
