"""Event pages: a month per unit and its subtree (agenda on phones, grid on wide screens)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tuyengiao.core.exceptions import UserError
from tuyengiao.core.views import form_view, get_for_user, get_rw_for_user, require
from tuyengiao.documents.services import editable_units, references_in, visible_documents
from tuyengiao.org import tree
from tuyengiao.org.access import Scope, get_unit_for_user
from tuyengiao.org.models import Unit

from . import services
from .forms import EventForm, MonthForm, PhotoForm, site_formset
from .models import Event, EventPhoto


def _default_unit(request: HttpRequest) -> Unit | None:
    return Scope.of(request.user).top_units("view").order_by("depth", "path").first()


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

    parent = unit.parent
    below = vn_sorted([u for u in tree.children(unit) if u.kind != "cell"], key=lambda u: u.name)
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
            "parent": parent if parent is not None and Scope.of(request.user).allows(parent, "view") else None,
            "weeks": services.month_grid(year, month, events),
            "can_add": editable_units(request.user).exists(),
            "today": now,
        },
    )


def _get_event_for_user(request: HttpRequest, pk: int) -> Event:
    return get_for_user(services.visible_events(request.user).select_related("unit", "campaign"), pk)


def _get_rw_event_for_user(request: HttpRequest, pk: int) -> Event:
    visible = services.visible_events(request.user).select_related("unit", "campaign")
    return get_rw_for_user(visible, services.editable_events(request.user), pk)


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _get_event_for_user(request, pk)
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "documents": visible_documents(request.user).filter(events=event),
            "sites": list(event.sites.select_related("unit")),
            "photos": list(event.photos.all()),
            "references": references_in(event.notes, request.user),
            "can_edit": Scope.of(request.user).allows(event.unit, "enter"),
            "photo_form": PhotoForm(),
        },
    )


def _form_page(request: HttpRequest, event: Event | None) -> HttpResponse:
    data = request.POST or None
    form = EventForm(
        data,
        instance=event,
        units=editable_units(request.user),
        documents=visible_documents(request.user),
        campaigns=services.campaign_choices(request.user),
    )
    sites = site_formset(data, event, Unit.objects.restrict(request.user, "view").current().order_by("path"))

    def save() -> Event | None:
        chosen = None  # a post without the sites table leaves the saved sites as they are
        if "sites-TOTAL_FORMS" in request.POST:
            if not sites.is_valid():
                return None
            chosen = [site for f in sites.forms if (site := f.site()) is not None]
        saved = form.save(commit=False)
        return services.save_event(request.user, saved, documents=form.cleaned_data["documents"], sites=chosen)

    context = {"event": event, "sites": sites}
    return form_view(request, form, save, "events/event_form.html", context, success=_("The event was saved."))


@login_required
@require_http_methods(["GET", "POST"])
def event_add(request: HttpRequest) -> HttpResponse:
    require(editable_units(request.user).exists())
    return _form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(request, _get_rw_event_for_user(request, pk))


@login_required
@require_POST
def event_delete(request: HttpRequest, pk: int) -> HttpResponse:
    event = _get_event_for_user(request, pk)
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
    event = _get_rw_event_for_user(request, pk)
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
    event = _get_event_for_user(request, pk)
    photo = EventPhoto.objects.filter(event=event, pk=photo_pk).first()
    if photo is None:
        raise Http404
    response = FileResponse(photo.image.open("rb"), content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
