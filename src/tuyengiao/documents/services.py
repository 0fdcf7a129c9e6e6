"""The document registry's logic: symbols, visibility and saving.

Pages, the API and the demo all save through ``save_document`` and ``add_attachment``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tuyengiao.core.exceptions import UserError
from tuyengiao.core.html import clean_html, html_to_text, plain_text
from tuyengiao.core.uploads import read_upload, safe_original_name
from tuyengiao.org.access import Scope

from .choices import CENTRAL_ISSUERS, KIND_ABBREVIATIONS, DocumentKind
from .choices import WorkField as WorkFieldChoice
from .linking import find_in_text, link_references
from .models import MAX_ATTACHMENT_BYTES, Attachment, Document
from .references import is_roman, parse_symbol
from .search import search_documents
from .summary import draft_summary

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

# ---------------------------------------------------------------------------------------------
# Numbers and symbols ("số và ký hiệu")

def symbol_problems(*, kind: str, number: str, symbol: str, issuer: str, term: str = "") -> list[str]:
    """Why the number and symbol look wrong (empty when they are well formed).

    The record is saved as typed either way; the problems only set ``symbol_is_valid``.
    """
    problems: list[str] = []
    number = (number or "").strip()
    symbol = (symbol or "").strip()
    if number and not re.fullmatch(r"\d{1,5}", number):
        problems.append(_("the number “%(n)s” is not a whole number") % {"n": number})
    if symbol:
        parsed = parse_symbol(symbol)
        if not parsed.valid:
            problems.append(_("the symbol “%(s)s” is not in the form 35-NQ/TW") % {"s": symbol})
        else:
            if number and re.fullmatch(r"\d{1,5}", number) and int(number) != int(parsed.number):
                problems.append(
                    _("the number %(n)s differs from the symbol’s number %(m)s")
                    % {"n": number, "m": parsed.number}
                )
            expected = KIND_ABBREVIATIONS.get(kind)
            if (
                kind not in (DocumentKind.ORIENTATION, DocumentKind.OFFICIAL_LETTER)
                and expected
                and parsed.kind != expected
            ):
                problems.append(
                    _("the symbol says %(a)s but the kind is %(k)s")
                    % {"a": parsed.kind, "k": DocumentKind(kind).label}
                )
            if issuer in CENTRAL_ISSUERS and parsed.issuer != "TW":
                problems.append(_("a central document’s symbol ends in /TW"))
    if term and not is_roman(term):
        problems.append(_("the term “%(t)s” is not a Roman numeral") % {"t": term})
    return problems


# ---------------------------------------------------------------------------------------------
# Who sees what


def visible_documents(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Document]:
    """Documents registered in the user's subtrees, and those registered by the units above them.

    Documents flow down the tree: a commune reads what the province registered, never what a
    neighbouring commune registered.
    """
    return Document.objects.restrict(user, "view")


def editable_units(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Any]:
    """Open units where the user may register documents."""
    from tuyengiao.org.models import Unit

    return Unit.objects.restrict(user, "enter").current().order_by("path")


def committee_units(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Any]:
    """Open units above the cells where the user may enter records: those that issue documents and
    organise campaigns (a long list of cells would only get in the way)."""
    return editable_units(user).exclude(kind="cell")


def editable_documents(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Document]:
    return Document.objects.restrict(user, "enter")


# ---------------------------------------------------------------------------------------------
# Summaries and search


def draft_summary_for(body_html: str) -> str:
    """A draft summary of the body ("" for an empty body)."""
    text = html_to_text(body_html)
    if not text.strip():
        return ""
    return str(draft_summary(text)).strip()


def search(queryset: QuerySet[Document], query: str) -> QuerySet[Document]:
    """Ranked, accent-insensitive search; an empty query leaves the queryset as it is."""
    query = (query or "").strip()
    return search_documents(queryset, query) if query else queryset


# ---------------------------------------------------------------------------------------------
# Saving


def ensure_work_fields() -> None:
    from django.utils import translation

    from .models import WorkField

    with translation.override("vi"):
        for code, label in WorkFieldChoice.choices:
            WorkField.objects.get_or_create(code=code, defaults={"name": str(label)})


def prepare(document: Document) -> list[str]:
    """Sanitise the texts and check the number and symbol; returns the symbol problems."""
    document.title = plain_text(document.title)
    document.body = clean_html(document.body)
    document.summary = plain_text(document.summary)
    document.symbol = (document.symbol or "").strip()
    document.number = (document.number or "").strip()
    document.term = (document.term or "").strip().upper()
    if not document.number and document.symbol:
        parsed = parse_symbol(document.symbol)
        if parsed.valid:
            document.number = parsed.number
    problems = symbol_problems(
        kind=document.kind,
        number=document.number,
        symbol=document.symbol,
        issuer=document.issuer,
        term=document.term,
    )
    document.symbol_is_valid = not problems
    return problems


def check_links(
    user: AbstractBaseUser | AnonymousUser,
    document: Document,
    replaces: Iterable[Document] | None = None,
    related: Iterable[Document] | None = None,
) -> None:
    """Refuse a unit or a linked document outside the user's scope, naming the field.

    The issuing unit must be one the user can see; documents it replaces or relates to must be
    ones the user can read, so no one links to (or learns the id of) another unit's records.
    """
    if not document.unit_id or not Scope.of(user).allows(document.unit, "enter"):
        raise PermissionDenied
    if document.issuer_unit is not None and not Scope.of(user).allows(document.issuer_unit, "view"):
        raise UserError(_("Issuing unit: this unit is outside the units you are responsible for."), field="issuer_unit")
    for field, linked in (("replaces", replaces), ("related", related)):
        wanted = {d.pk for d in linked or []}
        if wanted and visible_documents(user).filter(pk__in=wanted).count() != len(wanted):
            raise UserError(_("Linked documents: one of them is outside the documents you can read."), field=field)


def save_document(
    document: Document,
    *,
    user: AbstractBaseUser | AnonymousUser | None = None,
    work_fields: Iterable[Any] | None = None,
    replaces: Iterable[Document] | None = None,
    related: Iterable[Document] | None = None,
    summary_by_person: bool = True,
) -> list[str]:
    """Save a document with its links in one transaction; returns the symbol problems found.

    With a ``user`` (pages and API) the units and linked documents are checked against their
    scope first. With no summary typed, a draft is proposed from the body and marked as a draft
    until a person saves the document with a summary.
    """
    if user is not None:
        check_links(user, document, replaces, related)
    if not document.title.strip():
        raise UserError(_("The title is required."), field="title")
    if len(document.body) > settings.DOCUMENT_BODY_MAX_CHARS:
        raise UserError(_("The body is too long: at most %(limit)s characters, %(count)s were sent.") % {
            "limit": settings.DOCUMENT_BODY_MAX_CHARS, "count": len(document.body)}, field="body")
    problems = prepare(document)
    if not document.title:
        raise UserError(_("The title is required."), field="title")
    if document.summary and summary_by_person:
        document.summary_is_draft = False
    elif not document.summary:
        draft = draft_summary_for(document.body)
        document.summary = plain_text(draft)
        document.summary_is_draft = bool(draft)
    with transaction.atomic():
        document.save()
        if work_fields is not None:
            document.work_fields.set(list(work_fields))
        if replaces is not None:
            targets = [d for d in replaces if d.pk != document.pk]
            document.replaces.set(targets)
        if related is not None:
            document.related.set([d for d in related if d.pk != document.pk])
        link_references(document)
    return problems


# ---------------------------------------------------------------------------------------------
# Attachments

def add_attachment(document: Document, upload: Any) -> Attachment:
    data, content_type = read_upload(upload, limit=MAX_ATTACHMENT_BYTES)
    attachment = Attachment(
        document=document,
        original_name=safe_original_name(getattr(upload, "name", "")),
        content_type=content_type,
        size=len(data),
    )
    attachment.file.save("upload", ContentFile(data), save=False)
    attachment.save()
    return attachment


def references_in(html: str, user: AbstractBaseUser | AnonymousUser) -> list[tuple[Any, Document | None]]:
    """References found in a rich text (an event's notes…), each with the document it names if the
    user may read it; a reference to a document they may not read stays text."""
    return find_in_text(html_to_text(html), visible_documents(user))
