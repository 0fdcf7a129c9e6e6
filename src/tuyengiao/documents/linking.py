"""Links between the registry and the references the parser finds: resolving, storing, listing.

The parser (``references.py``) knows no database; everything here reads or writes the registry.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Count, Max, QuerySet

from tuyengiao.core.html import html_to_text
from tuyengiao.core.text import fold

from .models import Document, DocumentReference
from .references import (
    CENTRAL_COMMITTEE,
    NATIONAL_CONGRESS,
    FoundReference,
    find_references,
    issuer_code,
    normalise_symbol,
    number_variants,
    plenum_in_title,
    symbol_issuers,
)


def resolve(found: FoundReference, queryset: QuerySet[Document] | None = None) -> Document | None:
    """The registry document a reference names, or None when not exactly one fits.

    Conservative on purpose: every known part (kind, number, symbol, issuer, term, date) must
    agree with the candidate, and an ambiguous reference stays unresolved for a person to link.
    """
    qs = queryset if queryset is not None else Document.objects.all()
    code = issuer_code(found.issuer)
    candidates: list[Document]
    if found.number:
        rows = list(qs.filter(number__in=number_variants(found.number)))
        if found.symbol:
            wanted = normalise_symbol(f"{found.number}-{found.symbol}")
            candidates = [d for d in rows if (d.symbol and normalise_symbol(d.symbol) == wanted)]
            if not candidates:
                allowed = symbol_issuers(found.symbol)
                candidates = [
                    d for d in rows
                    if not d.symbol and d.kind == found.kind and (allowed is None or d.issuer in allowed)
                ]
        else:
            candidates = [d for d in rows if d.kind == found.kind]
    elif found.issuer == NATIONAL_CONGRESS and found.term:
        candidates = list(qs.filter(kind=found.kind, issuer="national_congress", term=found.term))
    elif found.issuer and found.issuer.startswith("Đại hội") and found.term:
        # A local congress: its registry entry says so in the title, e.g. "Đại hội Đảng bộ tỉnh".
        def congress(text: str) -> str:
            return fold(text).replace("dai bieu ", "")

        place = congress(found.issuer).removeprefix("dai hoi ")
        candidates = [
            d for d in qs.filter(kind=found.kind, term=found.term).exclude(issuer="national_congress")
            if f"dai hoi {place}" in congress(d.title)
        ]
    elif found.issuer == CENTRAL_COMMITTEE and found.term:
        if found.plenum is None:
            return None  # a term holds many plenums: "Nghị quyết Trung ương khóa XII" is for a person to link
        candidates = [
            d for d in qs.filter(kind=found.kind, issuer="central_committee", term=found.term)
            if plenum_in_title(d.title, found.plenum)
        ]
    else:
        return None

    def fits(doc: Document) -> bool:
        if found.date and doc.issued_on and doc.issued_on != found.date:
            return False
        if found.term and doc.term and doc.term.upper() != found.term.upper():
            return False
        return not (code and code != "other" and doc.issuer and doc.issuer != code)

    candidates = [d for d in candidates if fits(d)]
    if len(candidates) > 1 and found.date:
        dated = [d for d in candidates if d.issued_on == found.date]
        candidates = dated or candidates
    return candidates[0] if len(candidates) == 1 else None


def _field_value(name: str, value: Any) -> Any:
    """A parsed value shaped for a DocumentReference field (coded choices, length, null)."""
    field = DocumentReference._meta.get_field(name)
    if name == "issuer" and getattr(field, "choices", None):
        value = issuer_code(value)
    if value is None:
        return None if getattr(field, "null", False) else ""
    max_length = getattr(field, "max_length", None)
    if isinstance(value, str) and max_length:
        value = value[:max_length]
    return value


def link_references(document: Document) -> list[DocumentReference]:
    """Rebuild a document's references from its body (offsets in the body's plain text)."""
    text = html_to_text(document.body or "")
    rows = []
    for found in find_references(text):
        target = resolve(found)
        if target is not None and target.pk == document.pk:
            continue  # a document quoting its own number is not a reference
        fields = {name: _field_value(name, getattr(found, name)) for name in (
            "text", "start", "end", "kind", "number", "symbol", "issuer", "term", "date",
        )}
        rows.append(DocumentReference(source=document, target=target, **fields))
    with transaction.atomic():
        DocumentReference.objects.filter(source=document).delete()
        DocumentReference.objects.bulk_create(rows)
    return rows


def find_in_text(text: str, readable: QuerySet[Document]) -> list[tuple[FoundReference, Document | None]]:
    """References found in a plain text, each with the readable registered document it names.

    Resolved against ``readable`` only, so a reference to a document the reader may not open
    stays text.
    """
    if not text.strip():
        return []
    return [(found, resolve(found, readable)) for found in find_references(text)]


def unresolved_references(readable: QuerySet[Document], limit: int = 500) -> list[dict[str, Any]]:
    """References in the readable documents that match nothing in the registry, most cited first:
    the board's list of documents to register."""
    sources = readable.values("pk")
    rows = (
        DocumentReference.objects.filter(target__isnull=True, source__in=sources)
        .values("kind", "number", "symbol", "issuer", "term")
        .annotate(
            count=Count("pk"),
            sources=Count("source", distinct=True),
            example=Max("text"),
            source=Max("source_id"),
            date=Max("date"),
        )
        .order_by("-count", "kind", "number", "symbol")
    )
    return list(rows[:limit])
