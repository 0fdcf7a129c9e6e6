"""Pages of the document registry; every lookup goes through the scoped querysets of services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tuyengiao.core.exceptions import UserError
from tuyengiao.org.access import can

from . import services
from .forms import AttachmentForm, DocumentFilterForm, DocumentForm
from .models import Attachment, Document


def filter_documents(qs, data):
    """Apply the list filters (kind, issuer, year, field, search) shared by the page and the API."""
    form = DocumentFilterForm(data)
    if not form.is_valid():
        return qs, form
    c = form.cleaned_data
    if c.get("kind"):
        qs = qs.filter(kind=c["kind"])
    if c.get("issuer"):
        qs = qs.filter(issuer=c["issuer"])
    if c.get("year"):
        qs = qs.filter(issued_on__year=c["year"])
    if c.get("field"):
        qs = qs.filter(work_fields=c["field"])
    if c.get("q"):
        qs = services.search(qs, c["q"])
    return qs, form


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    qs = services.visible_documents(request.user).select_related("unit")
    qs, form = filter_documents(qs, request.GET)
    searching = bool(form.is_valid() and form.cleaned_data.get("q"))
    if not searching:
        qs = qs.order_by("-issued_on", "-pk")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    can_add = services.committee_units(request.user).exists()
    partial = getattr(request, "htmx", False)
    template = "documents/_document_results.html" if partial else "documents/document_list.html"
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        template,
        {"page": page, "form": form, "can_add": can_add, "searching": searching, "query": query.urlencode()},
    )


def _get_visible(request: HttpRequest, pk: int) -> Document:
    return get_object_or_404(
        services.visible_documents(request.user).select_related("unit", "issuer_unit"), pk=pk
    )


def _get_editable(request: HttpRequest, pk: int) -> Document:
    document = _get_visible(request, pk)
    if not can(request.user, "enter", document.unit):
        raise PermissionDenied
    return document


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = _get_visible(request, pk)
    visible = services.visible_documents(request.user)
    references = list(document.references.select_related("target").order_by("start"))
    targets = {r.target_id for r in references if r.target_id}
    readable = set(visible.filter(pk__in=targets).values_list("pk", flat=True)) if targets else set()
    context = {
        "document": document,
        "attachments": list(document.attachments.all()),
        # A reference to a document the reader may not open is shown as plain text.
        "references": references,
        "readable": readable,
        "cited_by": visible.filter(references__target=document).distinct(),
        "replaces": visible.filter(pk__in=document.replaces.values("pk")),
        "replaced_by": visible.filter(pk__in=document.replaced_by.values("pk")),
        "related": visible.filter(pk__in=document.related.values("pk")),
        "work_fields": list(document.work_fields.all()),
        "can_edit": can(request.user, "enter", document.unit),
        "attachment_form": AttachmentForm(),
    }
    return render(request, "documents/document_detail.html", context)


@login_required
def unresolved_references(request: HttpRequest) -> HttpResponse:
    """References found in the texts that match nothing in the registry: documents for the board to add."""
    rows = services.unresolved_references(request.user)
    return render(request, "documents/unresolved_references.html", {"rows": rows})


def _save(request: HttpRequest, form: DocumentForm) -> Document | None:
    if not form.is_valid():
        return None
    document = form.save(commit=False)
    if not can(request.user, "enter", document.unit):
        raise PermissionDenied
    try:
        problems = services.save_document(
            document,
            work_fields=form.cleaned_data["work_fields"],
            replaces=form.cleaned_data["replaces"],
            related=form.cleaned_data["related"],
        )
    except UserError as exc:
        form.add_error(None, exc.message)
        return None
    if problems:
        messages.warning(request, _("Saved as typed, but flagged: %(p)s.") % {"p": "; ".join(problems)})
    else:
        messages.success(request, _("The document was saved."))
    if document.summary_is_draft:
        messages.info(request, _("A draft summary was proposed; read and correct it, then save."))
    return document


@login_required
@require_http_methods(["GET", "POST"])
def document_add(request: HttpRequest) -> HttpResponse:
    units = services.committee_units(request.user)
    if not units.exists():
        raise PermissionDenied
    form = DocumentForm(
        request.POST or None,
        units=units,
        documents=services.visible_documents(request.user),
        initial={"unit": units.order_by("depth").first()},
    )
    if request.method == "POST":
        document = _save(request, form)
        if document is not None:
            return redirect(document.get_absolute_url())
    return render(request, "documents/document_form.html", {"form": form, "document": None})


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    document = _get_editable(request, pk)
    units = services.committee_units(request.user)
    form = DocumentForm(
        request.POST or None,
        instance=document,
        units=units,
        documents=services.visible_documents(request.user),
    )
    if request.method == "POST":
        saved = _save(request, form)
        if saved is not None:
            return redirect(saved.get_absolute_url())
    return render(request, "documents/document_form.html", {"form": form, "document": document})


@login_required
@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    document = _get_editable(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachment(document, form.cleaned_data["file"])
        except UserError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The file was attached."))
    else:
        messages.error(request, _("Choose a file to attach."))
    return redirect(document.get_absolute_url())


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    document = _get_visible(request, pk)
    attachment = Attachment.objects.filter(document=document, pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def draft_summary(request: HttpRequest) -> HttpResponse:
    """HTMX: propose a summary from the body typed so far (nothing is saved)."""
    if not services.committee_units(request.user).exists():
        raise PermissionDenied
    draft = services.plain_text(services.draft_summary_for(request.POST.get("body", "")))
    return render(request, "documents/_summary_draft.html", {"draft": draft})
