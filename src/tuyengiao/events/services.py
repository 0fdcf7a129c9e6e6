"""Events: checking and saving them, their photos, and their effect on study campaigns."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Max, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tuyengiao.core.exceptions import UserError
from tuyengiao.core.html import clean_html, plain_text
from tuyengiao.core.numbers import format_number
from tuyengiao.core.uploads import IMAGE_TYPES, read_upload
from tuyengiao.documents.services import visible_documents
from tuyengiao.org import tree
from tuyengiao.org.access import Scope
from tuyengiao.org.models import Unit

from .models import Event, EventFormat, EventKind, EventPhoto, EventSite

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser

MAX_PHOTO_BYTES = 10 * 1024 * 1024
GRID_LIMIT = 3  # events listed in one day of the month grid; the agenda lists them all


# ---------------------------------------------------------------------------------------------
# Study sessions counted elsewhere: the campaigns register here, events never import them


class StudySessionHook(Protocol):
    """What an app that counts study sessions (the campaigns) offers the events, registered at start-up."""

    def choices(self, user: User) -> QuerySet[Any]:
        """The campaigns an event of this user may count towards."""

    def problems(self, user: User, event: Event) -> list[str]:
        """Why the event cannot count towards its campaign; PermissionDenied for a hidden one."""

    def recount(self, touched: set[tuple[int, int]]) -> None:
        """Count again (campaign id, cell id) pairs, inside the caller's transaction."""


_hooks: list[StudySessionHook] = []


def register_study_hook(hook: StudySessionHook) -> None:
    if hook not in _hooks:
        _hooks.append(hook)


def campaign_choices(user: User) -> QuerySet[Any]:
    for hook in _hooks:
        return hook.choices(user)
    field: Any = Event._meta.get_field("campaign")
    return field.related_model.objects.none()


def session_totals(campaign_id: int, unit_id: int) -> dict[str, Any]:
    """The attendance a cell's study sessions of a campaign count: total, last start, number of sessions."""
    sessions = Event.objects.filter(
        campaign_id=campaign_id, unit_id=unit_id, kind=EventKind.STUDY_SESSION, present_attendees__isnull=False
    )
    return sessions.aggregate(total=Sum("present_attendees"), last=Max("start"), n=Count("pk"))


def visible_events(user: User) -> QuerySet[Event]:
    return Event.objects.restrict(user, "view")


def editable_events(user: User) -> QuerySet[Event]:
    return Event.objects.restrict(user, "enter")


def events_in_month(user: User, unit: Unit, year: int, month: int) -> QuerySet[Event]:
    """The events of a unit and its subtree that start in a month (local time)."""
    tz = timezone.get_current_timezone()
    first = dt.datetime(year, month, 1, tzinfo=tz)
    last_day = calendar.monthrange(year, month)[1]
    after = dt.datetime(year, month, last_day, tzinfo=tz) + dt.timedelta(days=1)
    # The subtree as it stood at the month's end, so a month before a reorganisation shows its units.
    return (
        visible_events(user)
        .filter(unit__in=tree.subtree_ids(unit, after.date() - dt.timedelta(days=1)), start__gte=first, start__lt=after)
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
    if event.campaign_id and event.kind != EventKind.STUDY_SESSION:
        found.append(_("Study campaign: only a study session counts towards a campaign."))
    return found


def site_problems(user: User, event: Event, sites: Sequence[EventSite]) -> list[tuple[str, str]]:
    """Why the connected sites cannot be saved, as (field, message): units out of scope, a wrong total."""
    found: list[tuple[str, str]] = []
    if not sites:
        return found
    if event.format == EventFormat.IN_PERSON:
        message = _("Connected sites: an in-person event has no connected sites; choose online or hybrid.")
        found.append(("format", message))
    for number, site in enumerate(sites, start=1):
        if site.unit is not None and not Scope.of(user).allows(site.unit, "view"):
            message = _("Connected site %(n)d: the unit is outside the units you are responsible for.")
            found.append(("sites", message % {"n": number}))
        elif not site.unit_id and not (site.name or "").strip():
            found.append(("sites", _("Connected site %(n)d: choose a unit or type the place.") % {"n": number}))
    total = sum(site.present or 0 for site in sites)
    if event.present_attendees is None or total != event.present_attendees:
        found.append(
            (
                "present_attendees",
                _("Attendees present: the connected sites add up to %(s)s, not %(p)s.")
                % {"s": format_number(total), "p": format_number(event.present_attendees or 0)},
            )
        )
    return found


def save_event(
    user: User,
    event: Event,
    documents: Iterable[Any] | None = None,
    sites: Sequence[EventSite] | None = None,
) -> Event:
    """Save an event with its documents and connected sites in one transaction.

    A study session of a campaign updates the campaign's figures in the same transaction, through
    the hook the campaigns registered. With ``sites`` given, the number of connected sites is theirs.
    """
    if not event.unit_id or not Scope.of(user).allows(event.unit, "enter"):
        raise PermissionDenied
    event.title = plain_text(event.title)
    event.venue = plain_text(event.venue)
    event.presenters = plain_text(event.presenters)
    event.notes = clean_html(event.notes)
    if documents is not None:
        documents = list(documents)
        wanted = {d.pk for d in documents}
        if wanted and visible_documents(user).filter(pk__in=wanted).count() != len(wanted):
            raise UserError(
                _("Documents covered: one of them is outside the documents you can read."), field="documents"
            )
    if sites is not None:
        sites = [s for s in sites if s.unit_id or (s.name or "").strip() or s.present]
        if sites:
            event.connected_sites = len(sites)
        for field, message in site_problems(user, event, sites):
            raise UserError(message, field=field)
    found = problems(event)
    if event.campaign_id:
        for hook in _hooks:
            found += hook.problems(user, event)
    if found:
        raise UserError(" ".join(found))
    before = None
    if event.pk:
        before = Event.objects.filter(pk=event.pk).values("campaign_id", "unit_id").first()
    with transaction.atomic():
        event.save()
        if documents is not None:
            event.documents.set(documents)
        if sites is not None:
            event.sites.all().delete()
            for site in sites:
                site.pk = None
                site.event = event
            EventSite.objects.bulk_create(sites)
        touched = set()
        if event.campaign_id:
            touched.add((event.campaign_id, event.unit_id))
        if before and before["campaign_id"]:
            touched.add((before["campaign_id"], before["unit_id"]))
        _recount(touched)
    return event


def _recount(touched: set[tuple[int, int]]) -> None:
    if touched:
        for hook in _hooks:
            hook.recount(touched)


def delete_event(user: User, event: Event) -> None:
    if not Scope.of(user).allows(event.unit, "enter"):
        raise PermissionDenied
    touched = {(event.campaign_id, event.unit_id)} if event.campaign_id else set()
    with transaction.atomic():
        event.delete()
        _recount(touched)


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
    "campaign_choices",
    "delete_event",
    "events_in_month",
    "month_grid",
    "problems",
    "register_study_hook",
    "save_event",
    "session_totals",
]
