"""Event pages: a month per unit and its subtree (agenda on phones, grid on wide screens)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tuyengiao.core.exceptions import UserError
from tuyengiao.documents.services import editable_units, find_in_text, html_to_text, visible_documents
from tuyengiao.org.access import can, get_unit_for_user, scope_paths
from tuyengiao.org.models import Unit

from . import services
from .forms import EventForm, MonthForm, PhotoForm
from .models import Event, EventPhoto


def _default_unit(request: HttpRequest) -> Unit | None:
    paths = scope_paths(request.user, "view")
    qs = Unit.objects.all() if paths is None else Unit.objects.filter(path__in=paths)
    return qs.order_by("depth", "path").first()


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    form = MonthForm(request.GET)
    form.is_valid()
    data = form.cleaned_data if form.is_valid() else {}
    unit = get_unit_for_user(request.user, data["unit"]) if data.get("unit") else _default_unit(request)
    if unit is None:
        raise Http404
    now = timezone.localdate()
    year, month = now.year, now.month
    if data.get("month"):
        year, month = (int(x) for x in data["month"].split("-"))
        if not 1 <= month <= 12:
            raise Http404
    events = list(services.events_in_month(request.user, unit, year, month))
    first = dt.date(year, month, 1)
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    from tuyengiao.core.text import vn_sorted
    from tuyengiao.org.services import children

    parent = unit.parent
    below = vn_sorted([u for u in children(unit) if u.kind != "cell"], key=lambda u: u.name)
    agenda: dict[dt.date, list[Event]] = {}
    for event in events:
        agenda.setdefault(timezone.localtime(event.start).date(), []).append(event)
    return render(
        request,
        "events/event_list.html",
        {
            "unit": unit,
            "first": first,
            "previous": previous,
            "following": following,
            "events": events,
            "agenda": sorted(agenda.items()),
            "below": below,
            "parent": parent if parent is not None and can(request.user, "view", parent) else None,
            "weeks": services.month_grid(year, month, events),
            "can_add": editable_units(request.user).exists(),
            "today": now,
        },
    )


def _get_visible(request: HttpRequest, pk: int) -> Event:
    return get_object_or_404(services.visible_events(request.user).select_related("unit", "campaign"), pk=pk)


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _get_visible(request, pk)
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "documents": visible_documents(request.user).filter(events=event),
            "photos": list(event.photos.all()),
            "references": find_in_text(html_to_text(event.notes), visible_documents(request.user)),
            "can_edit": can(request.user, "enter", event.unit),
            "photo_form": PhotoForm(),
        },
    )


def _form(request: HttpRequest, instance: Event | None) -> EventForm:
    from tuyengiao.campaigns.services import visible_campaigns

    return EventForm(
        request.POST or None,
        instance=instance,
        units=editable_units(request.user),
        documents=visible_documents(request.user),
        campaigns=visible_campaigns(request.user),
    )


def _save(request: HttpRequest, form: EventForm) -> Event | None:
    if not form.is_valid():
        return None
    event = form.save(commit=False)
    try:
        services.save_event(request.user, event, documents=form.cleaned_data["documents"])
    except UserError as exc:
        form.add_error(None, exc.message)
        return None
    messages.success(request, _("The event was saved."))
    return event


@login_required
@require_http_methods(["GET", "POST"])
def event_add(request: HttpRequest) -> HttpResponse:
    if not editable_units(request.user).exists():
        raise PermissionDenied
    form = _form(request, None)
    if request.method == "POST":
        event = _save(request, form)
        if event is not None:
            return redirect(event.get_absolute_url())
    return render(request, "events/event_form.html", {"form": form, "event": None})


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = _get_visible(request, pk)
    if not can(request.user, "enter", event.unit):
        raise PermissionDenied
    form = _form(request, event)
    if request.method == "POST":
        saved = _save(request, form)
        if saved is not None:
            return redirect(saved.get_absolute_url())
    return render(request, "events/event_form.html", {"form": form, "event": event})


@login_required
@require_POST
def event_delete(request: HttpRequest, pk: int) -> HttpResponse:
    event = _get_visible(request, pk)
    unit_pk = event.unit_id
    try:
        services.delete_event(request.user, event)
    except UserError as exc:
        messages.error(request, exc.message)
        return redirect(event.get_absolute_url())
    messages.success(request, _("The event was deleted."))
    return redirect(f"{_list_url()}?unit={unit_pk}")


def _list_url() -> str:
    from django.urls import reverse

    return reverse("events:event_list")


@login_required
@require_POST
def photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    event = _get_visible(request, pk)
    if not can(request.user, "enter", event.unit):
        raise PermissionDenied
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_photo(event, form.cleaned_data["image"], form.cleaned_data["caption"])
        except UserError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The photo was added."))
    else:
        messages.error(request, _("Choose a photo to add."))
    return redirect(event.get_absolute_url())


@login_required
def photo_view(request: HttpRequest, pk: int, photo_pk: int) -> FileResponse:
    event = _get_visible(request, pk)
    photo = EventPhoto.objects.filter(event=event, pk=photo_pk).first()
    if photo is None:
        raise Http404
    response = FileResponse(photo.image.open("rb"), content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
