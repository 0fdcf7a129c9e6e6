"""The document registry's logic: symbols, sanitising, attachments, visibility and saving.

Pages, the API and the demo all save through ``save_document`` and ``add_attachment``.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec
from typing import TYPE_CHECKING, Any

import nh3
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tuyengiao.core.exceptions import UserError
from tuyengiao.core.numbers import format_number

from .choices import CENTRAL_ISSUERS, KIND_ABBREVIATIONS, DocumentKind
from .choices import WorkField as WorkFieldChoice
from .models import MAX_ATTACHMENT_BYTES, Attachment, Document

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

# ---------------------------------------------------------------------------------------------
# Text

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "sup",
    "sub",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}


def clean_html(value: str) -> str:
    """Rich text kept with its structure; scripts, handlers and styles removed."""
    if not value:
        return ""
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    ).strip()


def plain_text(value: str) -> str:
    """Text with every tag removed (script content included); templates escape it on display."""
    if not value:
        return ""
    return html.unescape(nh3.clean(value, tags=set())).strip()


def html_to_text(value: str) -> str:
    """The readable text of a rich body, paragraphs kept on their own lines."""
    if not value:
        return ""
    spaced = re.sub(r"(?i)<\s*(br|/p|/li|/h[1-6]|/tr|/blockquote)\s*/?>", "\n", value)
    text = plain_text(spaced)
    return re.sub(r"\n{3,}", "\n\n", text)


# ---------------------------------------------------------------------------------------------
# Numbers and symbols ("số và ký hiệu")

SYMBOL_RE = re.compile(
    r"^(?P<number>\d{1,5})-(?P<kind>[A-ZĐ]{2,6})(?:-[A-ZĐ]{2,6})?/(?P<issuer>[A-ZĐ][A-ZĐ0-9]{1,15}(?:-[A-ZĐ0-9]{1,15})*)$"
)
ROMAN_RE = re.compile(r"^(?=[IVXLC])(C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")


@dataclass(frozen=True)
class ParsedSymbol:
    number: str
    kind: str  # the abbreviation: NQ, CT, KL, HD…
    issuer: str  # TW, TU, BTGTU, BTGDVTU…
    valid: bool

    @property
    def formatted(self) -> str:
        return f"{self.number}-{self.kind}/{self.issuer}" if self.valid else ""


def _compact(symbol: str) -> str:
    return re.sub(r"\s+", "", symbol).upper()


def parse_symbol(symbol: str) -> ParsedSymbol:
    """Read "35-NQ/TW"; spaces around the dash and slash are tolerated, nothing else is guessed."""
    match = SYMBOL_RE.match(_compact(symbol or ""))
    if not match:
        return ParsedSymbol("", "", "", False)
    return ParsedSymbol(match["number"], match["kind"], match["issuer"], True)


def format_symbol(number: str, kind: str, issuer_code: str) -> str:
    """The Party way: number, dash, kind abbreviation, slash, issuer ("01-KL/TW")."""
    abbreviation = KIND_ABBREVIATIONS.get(kind, kind)
    return f"{number}-{abbreviation}/{issuer_code}"


def is_roman(term: str) -> bool:
    return bool(term) and bool(ROMAN_RE.match(term))


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


def ancestor_paths(paths: Iterable[str]) -> list[str]:
    """The paths of the units above each of these (not the units themselves)."""
    found: set[str] = set()
    for path in paths:
        parts = [p for p in path.strip("/").split("/") if p]
        for i in range(1, len(parts)):
            found.add("/" + "/".join(parts[:i]) + "/")
    return sorted(found)


def visible_documents(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Document]:
    """Documents registered in the user's subtrees, and those registered by the units above them.

    Documents flow down the tree: a commune reads what the province registered, never what a
    neighbouring commune registered.
    """
    from tuyengiao.org.access import scope_paths

    paths = scope_paths(user, "view")
    qs = Document.objects.all()
    if paths is None:
        return qs
    if not paths:
        return qs.none()
    condition = Q()
    for path in paths:
        condition |= Q(unit__path__startswith=path)
    ancestors = ancestor_paths(paths)
    if ancestors:
        condition |= Q(unit__path__in=sorted(ancestors))
    return qs.filter(condition)


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


def unresolved_references(user: AbstractBaseUser | AnonymousUser) -> list[dict[str, Any]]:
    """References in readable documents that match nothing in the registry, most cited first."""
    from django.db.models import Count, Max

    from .models import DocumentReference

    sources = visible_documents(user).values("pk")
    rows = (
        DocumentReference.objects.filter(target__isnull=True, source__in=sources)
        .values("kind", "number", "symbol", "issuer", "term")
        .annotate(count=Count("pk"), example=Max("text"), source=Max("source_id"), date=Max("date"))
        .order_by("-count", "symbol", "number")
    )
    return list(rows[:500])


# ---------------------------------------------------------------------------------------------
# Optional helpers that live in their own modules


def _optional(module: str, name: str) -> Any:
    full = f"{__package__}.{module}"
    if find_spec(full) is None:
        return None
    return getattr(import_module(full), name, None)


def draft_summary_for(body_html: str) -> str:
    """A draft summary of the body, or "" when no summary helper is installed."""
    helper = _optional("summary", "draft_summary")
    text = html_to_text(body_html)
    if helper is None or not text.strip():
        return ""
    return str(helper(text)).strip()


def relink_references(document: Document) -> None:
    helper = _optional("references", "link_references")
    if helper is not None:
        helper(document)


def find_in_text(text: str, readable: QuerySet[Document]) -> list[tuple[Any, Document | None]]:
    """References found in a plain text with the readable registered document each one names.

    Empty when no reference parser is installed.
    """
    finder = _optional("references", "find_references")
    if finder is None or not text.strip():
        return []
    return [(found, resolve_found(found, readable)) for found in finder(text)]


def resolve_found(found: Any, readable: QuerySet[Document]) -> Document | None:
    """The registered document a found reference names: by full symbol, else by kind, number and term."""
    number = (getattr(found, "number", None) or "").strip()
    symbol = (getattr(found, "symbol", None) or "").strip()
    kind = getattr(found, "kind", None) or ""
    term = getattr(found, "term", None) or ""
    if number and symbol:
        wanted = _compact(f"{number}-{symbol}")
        for pk, typed in readable.filter(symbol__icontains=symbol.split("/")[0]).values_list("pk", "symbol"):
            parsed = parse_symbol(typed)
            if _compact(typed) == wanted or (
                parsed.valid
                and parsed.number.lstrip("0") == number.lstrip("0")
                and f"{parsed.kind}/{parsed.issuer}" == _compact(symbol)
            ):
                return readable.filter(pk=pk).first()
    candidates = readable.filter(kind=kind) if kind else readable.none()
    if number:
        candidates = candidates.filter(number__in={number, number.lstrip("0"), number.zfill(2)})
    elif term:
        candidates = candidates.filter(issuer="national_congress")
    else:
        return None
    if term:
        candidates = candidates.filter(term=term)
    return candidates.first() if candidates.count() == 1 else None


def search(queryset: QuerySet[Document], query: str) -> QuerySet[Document]:
    """Ranked search when the search module is installed; otherwise a plain accent-aware filter."""
    query = (query or "").strip()
    if not query:
        return queryset
    helper = _optional("search", "search_documents")
    if helper is not None:
        return helper(queryset, query)
    from tuyengiao.core.text import fold

    words = fold(query).split()
    matched = []
    for pk, symbol, title, summary, body in queryset.values_list("pk", "symbol", "title", "summary", "body"):
        haystack = fold(f"{symbol} {title} {summary} {html_to_text(body)}")
        if all(w in haystack for w in words):
            matched.append(pk)
    return queryset.filter(pk__in=matched)


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


def save_document(
    document: Document,
    *,
    work_fields: Iterable[Any] | None = None,
    replaces: Iterable[Document] | None = None,
    related: Iterable[Document] | None = None,
    summary_by_person: bool = True,
) -> list[str]:
    """Save a document with its links in one transaction; returns the symbol problems found.

    With no summary typed, a draft is proposed from the body and marked as a draft until a
    person saves the document with a summary.
    """
    if not document.title.strip():
        raise UserError(_("The title is required."))
    problems = prepare(document)
    if not document.title:
        raise UserError(_("The title is required."))
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
        relink_references(document)
    return problems


# ---------------------------------------------------------------------------------------------
# Attachments

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpeg": "image/jpeg",
}
IMAGE_TYPES = {CONTENT_TYPES["png"], CONTENT_TYPES["jpeg"]}


def detect_content_type(data: bytes) -> str | None:
    """The type from the bytes themselves, never from the name or the browser's claim."""
    if data.startswith(b"%PDF-"):
        return CONTENT_TYPES["pdf"]
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return CONTENT_TYPES["png"]
    if data.startswith(b"\xff\xd8\xff"):
        return CONTENT_TYPES["jpeg"]
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return CONTENT_TYPES["docx"]
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return CONTENT_TYPES["xlsx"]
    return None


def _size_label(size: int) -> str:
    return f"{format_number(size / (1024 * 1024), 1)} MB"


def read_upload(
    upload: Any, *, allowed: set[str] | None = None, limit: int = MAX_ATTACHMENT_BYTES
) -> tuple[bytes, str]:
    """The bytes and detected type of an upload, or a refusal naming the file and the reason."""
    name = getattr(upload, "name", "") or _("(no name)")
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise UserError(
            _("The file “%(name)s” is too large: %(size)s; the limit is %(limit)s.")
            % {"name": name, "size": _size_label(size), "limit": _size_label(limit)}
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise UserError(
            _("The file “%(name)s” is too large: over %(limit)s.")
            % {"name": name, "limit": _size_label(limit)}
        )
    if not data:
        raise UserError(_("The file “%(name)s” is empty.") % {"name": name})
    content_type = detect_content_type(data)
    accepted = allowed if allowed is not None else set(CONTENT_TYPES.values())
    if content_type is None or content_type not in accepted:
        if accepted == IMAGE_TYPES:
            reason = _("The file “%(name)s” is not a PNG or JPEG image (checked by its content).")
        else:
            reason = _(
                "The file “%(name)s” is not a PDF, DOCX, XLSX, PNG or JPEG file (checked by its content)."
            )
        raise UserError(reason % {"name": name})
    return data, content_type


def safe_original_name(name: str) -> str:
    """The name shown to readers: no path, no control characters, bounded length."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip() or "tep"
    return base[:200]


def add_attachment(document: Document, upload: Any) -> Attachment:
    data, content_type = read_upload(upload)
    attachment = Attachment(
        document=document,
        original_name=safe_original_name(getattr(upload, "name", "")),
        content_type=content_type,
        size=len(data),
    )
    attachment.file.save("upload", ContentFile(data), save=False)
    attachment.save()
    return attachment
