"""Outreach pages: reporters, briefings, publications with their reach, press guidance."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.records import Column, RecordPages, may_add, saving, unit_choices
from tuyengiao.documents.services import visible_documents
from tuyengiao.events.services import visible_events

from . import services
from .filters import BriefingFilter, GuidanceFilter, PublicationFilter, ReporterFilter
from .forms import BriefingForm, GuidanceForm, PublicationForm, ReporterForm
from .models import Briefing, PressGuidance, Publication, Reporter


def _register(model: Any, service: Any, *many: str, choices: Any = None, **pages: Any) -> RecordPages:
    """One outreach register: scoped to the user's units, saved through ``service``, deletable."""
    return RecordPages(
        model=model, visible=lambda user: services.visible(model, user),
        editable=lambda user: services.editable(model, user), delete=services.delete_record, can_add=may_add,
        related=("unit",), namespace="outreach", save=saving(service, *many), form_kwargs=unit_choices(choices),
        **pages,
    )


def _briefing_choices(request: HttpRequest) -> dict[str, Any]:
    return {
        # every reporter on the lists: a past briefing names those active then (the service checks the day)
        "reporters": services.visible(Reporter, request.user).order_by("name"),
        "event": visible_events(request.user).order_by("-start"),
    }


reporters = _register(
    Reporter, services.save_reporter, name="reporter", title=_("Reporters"),
    columns=[
        Column(_("Full name"), lambda r: r.name, link=True),
        Column(_("Unit"), lambda r: r.unit.name),
        Column(_("Level"), lambda r: r.get_level_display()),
        Column(_("Fields"), lambda r: r.subjects),
        Column(_("Active from"), lambda r: r.active_from),
        Column(_("Active until"), lambda r: r.active_until),
        Column(_("Active"), lambda r: r.active),
    ],
    form_class=ReporterForm, filterset=ReporterFilter, saved_message=_("The reporter was saved."),
)

briefings = _register(
    Briefing, services.save_briefing, "reporters", choices=_briefing_choices, name="briefing", title=_("Briefings"),
    columns=[
        Column(_("Name of the briefing"), lambda b: b.title, link=True),
        Column(_("Unit"), lambda b: b.unit.name),
        Column(_("Kind"), lambda b: b.get_kind_display()),
        Column(_("Held on"), lambda b: b.held_on),
        Column(_("Listeners"), lambda b: b.audience),
    ],
    details=lambda b: [
        (_("Unit"), b.unit.name), (_("Kind"), b.get_kind_display()), (_("Held on"), b.held_on),
        (_("Listeners"), b.audience), (_("Reporters who spoke"), ", ".join(r.name for r in b.reporters.all())),
        (_("Event"), b.event or ""), (_("Notes"), b.notes),
    ],
    form_class=BriefingForm, filterset=BriefingFilter, saved_message=_("The briefing was saved."),
)

publications = _register(
    Publication, services.save_publication, name="publication", title=_("Publications and their reach"),
    columns=[
        Column(_("Name of the product"), lambda p: p.title, link=True),
        Column(_("Unit"), lambda p: p.unit.name),
        Column(_("Kind"), lambda p: p.get_kind_display()),
        Column(_("Channel"), lambda p: p.get_channel_display()),
        Column(_("Published on"), lambda p: p.published_on),
        Column(_("Views"), lambda p: p.views),
        Column(_("Shares"), lambda p: p.shares),
    ],
    form_class=PublicationForm, filterset=PublicationFilter, saved_message=_("The publication was saved."),
)

guidance = _register(
    PressGuidance, services.save_guidance, name="guidance", title=_("Press guidance"),
    choices=lambda request: {"document": visible_documents(request.user).order_by("-issued_on")},
    columns=[
        Column(_("Subject"), lambda g: g.subject, link=True),
        Column(_("Unit"), lambda g: g.unit.name),
        Column(_("Kind"), lambda g: g.get_kind_display()),
        Column(_("Issued on"), lambda g: g.issued_on),
        Column(_("Document in the registry"), lambda g: g.document.symbol if g.document else ""),
        Column(_("Sent to"), lambda g: g.recipients),
    ],
    form_class=GuidanceForm, filterset=GuidanceFilter, saved_message=_("The press guidance was saved."),
)
