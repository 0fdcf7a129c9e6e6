"""Inspection pages: list with filters and Excel, detail with recommendations, the board's overdue list."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tuyengiao.core.exceptions import UserError
from tuyengiao.core.records import xlsx_response
from tuyengiao.core.text import fold
from tuyengiao.core.views import form_view, get_for_user, get_rw_for_user, require
from tuyengiao.documents.services import visible_documents
from tuyengiao.org.access import Scope, get_unit_for_user
from tuyengiao.org.models import Unit

from . import services
from .forms import FollowUpForm, InspectionForm, ListFilter, RecommendationForm
from .models import Inspection, InspectionStatus


def _visible_units(request: HttpRequest) -> Any:
    return Unit.objects.restrict(request.user, "view").current().order_by("path")


def _editable_units(request: HttpRequest) -> Any:
    return Unit.objects.restrict(request.user, "enter").current().order_by("path")


def _filtered(request: HttpRequest) -> tuple[Any, Any, Unit | None]:
    form = ListFilter(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    records = services.visible_inspections(request.user).select_related("unit").prefetch_related(
        "inspected_units", "recommendations")
    unit = None
    if data.get("unit"):
        unit = get_unit_for_user(request.user, data["unit"])
        records = records.filter(unit__path__startswith=unit.path)
    if data.get("year"):
        records = records.filter(planned_on__year=data["year"])
    if data.get("status") in InspectionStatus.values:
        records = records.filter(status=data["status"])
    if data.get("q"):
        wanted = fold(data["q"])
        return [r for r in records if wanted in fold(f"{r.title} {r.topic}")], form, unit
    return records, form, unit


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    records, form, unit = _filtered(request)
    return render(request, "inspections/inspection_list.html", {
        "records": list(records)[:500], "filter": form, "unit": unit,
        "units": Scope.of(request.user).top_units("view"), "statuses": InspectionStatus.choices,
        "can_add": _editable_units(request).exists(),
        "overdue_count": services.overdue(request.user).count(),
    })


@login_required
def inspection_export(request: HttpRequest) -> HttpResponse:
    records, _form, _unit = _filtered(request)
    return xlsx_response("kiem-tra-giam-sat", _("Inspections"), [label for label, _get in services.COLUMNS],
                         [[get(record) for _label, get in services.COLUMNS] for record in records])


@login_required
def overdue_list(request: HttpRequest) -> HttpResponse:
    """The board's list of recommendations past their due date and not done."""
    today = timezone.localdate()
    late = list(services.overdue(request.user, today))
    return render(request, "inspections/overdue_list.html", {
        "late": [
            (rec, (today - rec.due_on).days, services.can_follow_up(request.user, rec),
             FollowUpForm(instance=rec, prefix=f"r{rec.pk}"))
            for rec in late if rec.due_on
        ],
        "today": today,
    })


def _get(request: HttpRequest, pk: int) -> Inspection:
    return get_for_user(services.visible_inspections(request.user).select_related("unit", "document"), pk)


def _get_rw(request: HttpRequest, pk: int) -> Inspection:
    return get_rw_for_user(services.visible_inspections(request.user).select_related("unit"),
                           services.editable_inspections(request.user), pk)


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _get(request, pk)
    today = timezone.localdate()
    recs = list(inspection.recommendations.select_related("owner_unit"))
    return render(request, "inspections/inspection_detail.html", {
        "inspection": inspection,
        "inspected": list(inspection.inspected_units.filter(pk__in=_visible_units(request))),
        "recommendations": [(r, r.overdue_on(today), services.can_follow_up(request.user, r), FollowUpForm(
            instance=r, prefix=f"r{r.pk}")) for r in recs],
        "can_edit": Scope.of(request.user).allows(inspection.unit, "enter"),
        "rec_form": RecommendationForm(visible_units=_visible_units(request)),
    })


def _form_page(request: HttpRequest, inspection: Inspection | None) -> HttpResponse:
    form = InspectionForm(request.POST or None, instance=inspection, units=_editable_units(request),
                          visible_units=_visible_units(request), documents=visible_documents(request.user))

    def save() -> Inspection:
        saved = form.save(commit=False)
        return services.save_inspection(request.user, saved, inspected_units=form.cleaned_data["inspected_units"])

    return form_view(request, form, save, "inspections/inspection_form.html", {"inspection": inspection},
                     success=_("The inspection was saved."))


@login_required
@require_http_methods(["GET", "POST"])
def inspection_add(request: HttpRequest) -> HttpResponse:
    require(_editable_units(request).exists())
    return _form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def inspection_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(request, _get_rw(request, pk))


@login_required
@require_POST
def recommendation_add(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _get_rw(request, pk)
    form = RecommendationForm(request.POST, visible_units=_visible_units(request))
    if form.is_valid():
        try:
            services.add_recommendation(request.user, inspection, form.save(commit=False))
        except UserError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The recommendation was added."))
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(str(e) for e in errors)}")
    return redirect(inspection.get_absolute_url())


@login_required
@require_POST
def recommendation_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    rec = get_for_user(services.visible_recommendations(request.user).select_related("inspection__unit", "owner_unit"),
                       pk)
    if not services.can_follow_up(request.user, rec):
        raise PermissionDenied
    form = FollowUpForm(request.POST, instance=rec, prefix=f"r{rec.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.follow_up(request.user, rec, data["status"], data.get("evidence") or "", data.get("done_on"))
        except UserError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The follow-up was saved."))
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(str(e) for e in errors)}")
    if services.visible_inspections(request.user).filter(pk=rec.inspection_id).exists():
        return redirect(rec.get_absolute_url())
    return redirect("inspections:overdue_list")
