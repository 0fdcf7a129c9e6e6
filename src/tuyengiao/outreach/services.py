"""Reporters, briefings, publications and press guidance: checks and saves the pages and API share."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from tuyengiao.core.exceptions import UserError
from tuyengiao.core.html import plain_text
from tuyengiao.core.numbers import format_date
from tuyengiao.core.records import count_problems, delete_checked, refuse, require_enter, save_checked
from tuyengiao.documents.services import visible_documents
from tuyengiao.events.services import visible_events

from .models import Briefing, PressGuidance, Publication, Reporter


def visible(model: type[Model], user: Any) -> QuerySet[Any]:
    return model.objects.restrict(user, "view")  # type: ignore[attr-defined]


def editable(model: type[Model], user: Any) -> QuerySet[Any]:
    return model.objects.restrict(user, "enter")  # type: ignore[attr-defined]


def _reporter_problems(reporter: Reporter) -> list[tuple[str, str]]:
    found = []
    if not reporter.name:
        found.append(("name", _("Full name: required.")))
    if reporter.active_from and reporter.active_until and reporter.active_until < reporter.active_from:
        found.append(("active_until", _("Active until: %(until)s is before active from (%(since)s).")
                      % {"until": format_date(reporter.active_until), "since": format_date(reporter.active_from)}))
    return found


def save_reporter(user: Any, reporter: Reporter) -> Reporter:
    return save_checked(user, reporter, _reporter_problems, text=("name", "position", "subjects"))


def save_briefing(user: Any, briefing: Briefing, reporters: Iterable[Reporter] | None = None) -> Briefing:
    require_enter(user, briefing)
    briefing.title, briefing.notes = plain_text(briefing.title), plain_text(briefing.notes)
    found = count_problems(briefing, {"audience": _("Listeners")})
    if not briefing.title:
        found.append(("title", _("Name of the briefing: required.")))
    if briefing.event_id and not visible_events(user).filter(pk=briefing.event_id).exists():
        found.append(("event", _("Event: outside the events you can see.")))
    if reporters is not None:
        reporters = list(reporters)
        wanted = {r.pk for r in reporters}
        if visible(Reporter, user).filter(pk__in=wanted).count() != len(wanted):
            found.append(("reporters", _("Reporters who spoke: one of them is outside the units you can see.")))
        elif briefing.held_on:
            away = [r.name for r in reporters if not r.active_on(briefing.held_on)]
            if away:
                found.append(("reporters", _("Reporters who spoke: %(names)s was not an active reporter on %(day)s.")
                              % {"names": ", ".join(away), "day": format_date(briefing.held_on)}))
    refuse(found)
    with transaction.atomic():
        briefing.save()
        if reporters is not None:
            briefing.reporters.set(reporters)
    return briefing


def _publication_problems(publication: Publication) -> list[tuple[str, str]]:
    found = count_problems(publication, {"views": _("Views"), "shares": _("Shares"), "copies": _("Printed copies")})
    if not publication.title:
        found.append(("title", _("Name of the product: required.")))
    return found


def save_publication(user: Any, publication: Publication) -> Publication:
    return save_checked(user, publication, _publication_problems, text=("title",))


def save_guidance(user: Any, guidance: PressGuidance) -> PressGuidance:
    require_enter(user, guidance)
    guidance.subject, guidance.recipients = plain_text(guidance.subject), plain_text(guidance.recipients)
    if not guidance.subject:
        raise UserError(_("Subject: required."), field="subject")
    if guidance.document_id and not visible_documents(user).filter(pk=guidance.document_id).exists():
        raise UserError(_("Document in the registry: outside the documents you can read."), field="document")
    with transaction.atomic():
        guidance.save()
    return guidance


def delete_record(user: Any, record: Any) -> None:
    delete_checked(user, record)
