"""Pages of the document registry; every lookup goes through the scoped querysets of services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tuyengiao.core.exceptions import UserError
from tuyengiao.core.views import form_view, get_for_user, get_rw_for_user, require
from tuyengiao.org.access import Scope

from . import services
from .filtersets import DocumentFilterSet
from .forms import AttachmentForm, DocumentForm
from .linking import unresolved_references as unresolved
from .models import Attachment, Document


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    visible = services.visible_documents(request.user).select_related("unit")
    filterset = DocumentFilterSet(request.GET, queryset=visible)
    page = Paginator(filterset.qs, 30).get_page(request.GET.get("page"))
    partial = getattr(request, "htmx", False)
    template = "documents/_document_results.html" if partial else "documents/document_list.html"
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "form": filterset.form,
        "can_add": services.committee_units(request.user).exists(),
        "searching": filterset.searching,
        "query": query.urlencode(),
    }
    return render(request, template, context)


def _get_document_for_user(request: HttpRequest, pk: int) -> Document:
    return get_for_user(services.visible_documents(request.user).select_related("unit", "issuer_unit"), pk)


def _get_rw_document_for_user(request: HttpRequest, pk: int) -> Document:
    visible = services.visible_documents(request.user).select_related("unit", "issuer_unit")
    return get_rw_for_user(visible, services.editable_documents(request.user), pk)


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = _get_document_for_user(request, pk)
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
        "can_edit": Scope.of(request.user).allows(document.unit, "enter"),
        "attachment_form": AttachmentForm(),
    }
    return render(request, "documents/document_detail.html", context)


@login_required
def unresolved_references(request: HttpRequest) -> HttpResponse:
    """References found in the texts that match nothing in the registry: documents for the board to add."""
    rows = unresolved(services.visible_documents(request.user))
    return render(request, "documents/unresolved_references.html", {"rows": rows})


def _form_page(request: HttpRequest, document: Document | None) -> HttpResponse:
    units = services.committee_units(request.user)
    form = DocumentForm(
        request.POST or None,
        instance=document,
        units=units,
        documents=services.visible_documents(request.user),
        initial=None if document else {"unit": units.order_by("depth").first()},
    )

    def save() -> Document:
        saved = form.save(commit=False)
        problems = services.save_document(
            saved,
            user=request.user,
            work_fields=form.cleaned_data["work_fields"],
            replaces=form.cleaned_data["replaces"],
            related=form.cleaned_data["related"],
        )
        if problems:
            messages.warning(request, _("Saved as typed, but flagged: %(p)s.") % {"p": "; ".join(problems)})
        else:
            messages.success(request, _("The document was saved."))
        if saved.summary_is_draft:
            messages.info(request, _("A draft summary was proposed; read and correct it, then save."))
        return saved

    return form_view(request, form, save, "documents/document_form.html", {"document": document})


@login_required
@require_http_methods(["GET", "POST"])
def document_add(request: HttpRequest) -> HttpResponse:
    require(services.committee_units(request.user).exists())
    return _form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(request, _get_rw_document_for_user(request, pk))


@login_required
@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    document = _get_rw_document_for_user(request, pk)
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
    document = _get_document_for_user(request, pk)
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
    require(services.committee_units(request.user).exists())
    draft = services.plain_text(services.draft_summary_for(request.POST.get("body", "")))
    return render(request, "documents/_summary_draft.html", {"draft": draft})
