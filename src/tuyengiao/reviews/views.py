"""Review pages: list and create, the review with its figures and editable sections, export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuyengiao.core.exceptions import UserError
from tuyengiao.org.access import Scope
from tuyengiao.org.choices import Action
from tuyengiao.org.models import Unit

from . import jobs, services
from . import render as renderer
from .forms import CreateForm, SettingsForm
from .models import DocumentSettings, JobKind, JobStatus, ReviewJob


def _units(request: HttpRequest) -> object:
    return Unit.objects.restrict(request.user, Action.ENTER).current().order_by("path")


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    form = CreateForm(request.POST or None, units=_units(request))
    if request.method == "POST" and form.is_valid():
        try:
            review = services.create(request.user, form.cleaned_data["unit"], form.cleaned_data["period"],
                                     draft_now=False)
        except UserError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            jobs.start(review, request.user, JobKind.DRAFT)
            return redirect("reviews:review_detail", pk=review.pk)
    reviews = services.visible(request.user)
    return render(request, "reviews/review_list.html", {"form": form, "reviews": reviews})


def _context(request: HttpRequest, review: services.Review) -> dict[str, object]:
    job = review.jobs.first()
    figures = review.figures or {}
    return {
        "review": review, "job": job, "figures": figures,
        "results": services.blocks_of(review, "results"),
        "own": {b["id"]: b for b in (review.sections or {}).get("blocks", []) if b["part"] != "results"},
        "suggestions": (review.sections or {}).get("suggestions", []),
        "may_edit": services.may_edit(request.user, review) and not review.is_final,
        "may_finalise": services.may_finalise(request.user, review) and not review.is_final,
        "pdf_available": renderer.pdf_available(), "pdf_packages": renderer.PDF_PACKAGES,
        "versions": review.versions.all()[:10],
        "may_administer": Scope.of(request.user).allows(review.unit, Action.ADMIN),
    }


@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(services.visible(request.user), pk=pk)
    return render(request, "reviews/review_detail.html", _context(request, review))


@login_required
@require_POST
def review_edit(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(services.visible(request.user), pk=pk)
    blocks = {key[len("block:"):]: str(request.POST.get(key, "")) for key in request.POST
              if key.startswith("block:")}
    particulars = {name: request.POST[name] for name in services.PARTICULARS if name in request.POST}
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        services.edit(request.user, review, blocks=blocks, kept=request.POST.getlist("kept"),
                      particulars=particulars, version=version)
    except services.ReviewLocked as exc:
        return render(request, "reviews/locked.html", {"review": review, "reason": exc.message}, status=403)
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The review was saved."))
    return redirect("reviews:review_detail", pk=review.pk)


@login_required
@require_POST
def review_regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(services.visible(request.user), pk=pk)
    try:
        services.check_editable(request.user, review)
    except services.ReviewLocked as exc:
        return render(request, "reviews/locked.html", {"review": review, "reason": exc.message}, status=403)
    jobs.start(review, request.user, JobKind.DRAFT)
    return redirect("reviews:review_detail", pk=review.pk)


@login_required
@require_POST
def review_finalise(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(services.visible(request.user), pk=pk)
    try:
        services.finalise(request.user, review)
    except services.ReviewLocked as exc:
        return render(request, "reviews/locked.html", {"review": review, "reason": exc.message}, status=403)
    except UserError as exc:
        messages.error(request, exc.message)
    return redirect("reviews:review_detail", pk=review.pk)


@login_required
@require_POST
def review_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    review = get_object_or_404(services.visible(request.user), pk=pk)
    if fmt not in ("docx", "pdf"):
        raise Http404
    if fmt == "pdf" and not renderer.pdf_available():
        messages.error(request, _("PDF export needs LibreOffice on the server: install the packages %(packages)s.")
                       % {"packages": renderer.PDF_PACKAGES})
        return redirect("reviews:review_detail", pk=review.pk)
    jobs.start(review, request.user, JobKind.RENDER, fmt)
    return redirect("reviews:review_detail", pk=review.pk)


def _job(request: HttpRequest, pk: int) -> ReviewJob:
    return get_object_or_404(ReviewJob.objects.restrict(request.user, Action.VIEW).select_related("review"), pk=pk)


@login_required
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    return render(request, "reviews/_job.html", {"job": job, "review": job.review})


@login_required
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _job(request, pk)
    if job.status != JobStatus.DONE or not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True,
                        filename=renderer.filename(job.review, job.format))


@login_required
def document_settings(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.restrict(request.user, Action.VIEW), pk=unit_pk)
    if not Unit.objects.restrict(request.user, Action.ADMIN).filter(pk=unit.pk).exists():
        raise PermissionDenied
    instance = DocumentSettings.objects.filter(unit=unit).first() or services.settings_for(unit)
    form = SettingsForm(request.POST or None, request.FILES or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.unit = unit
        saved.save()
        messages.success(request, _("The document settings were saved."))
        return redirect("reviews:document_settings", unit_pk=unit.pk)
    return render(request, "reviews/settings.html", {"form": form, "unit": unit})
