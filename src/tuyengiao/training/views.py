"""Training pages: the classes (those behind plan flagged) and the yearly plans against what opened."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.records import Column, RecordPages, entry_units, may_add

from . import services
from .filters import ClassFilter, PlanFilter
from .forms import ClassForm, PlanForm
from .models import TrainingClass, TrainingPlan


def _units(request: HttpRequest) -> dict[str, Any]:
    return {"units": entry_units(request.user)}


def _behind_notes(request: HttpRequest, visible: Any) -> dict[str, Any]:
    behind = list(visible.behind_plan().select_related("unit")[:20])
    notes = [_("Behind plan: %(title)s (%(unit)s), planned to open %(day)s.")
             % {"title": c.title, "unit": c.unit.name, "day": c.planned_open.strftime("%d/%m/%Y")} for c in behind]
    return {"notes": notes}


classes = RecordPages(
    name="class", namespace="training", model=TrainingClass, title=_("Political theory classes"),
    columns=[
        Column(_("Class"), lambda c: c.title, link=True),
        Column(_("Unit"), lambda c: c.unit.name),
        Column(_("Category"), lambda c: c.get_category_display()),
        Column(_("Planned opening"), lambda c: c.planned_open),
        Column(_("Opened on"), lambda c: c.opened_on),
        Column(_("Closed on"), lambda c: c.closed_on),
        Column(_("Enrolled"), lambda c: c.enrolled),
        Column(_("Not on the state payroll"), lambda c: c.enrolled_off_payroll),
        Column(_("Completed"), lambda c: c.completed),
        Column(_("Behind plan"), lambda c: c.behind_plan),
    ],
    visible=services.visible_classes, editable=services.editable_classes, form_class=ClassForm,
    save=lambda request, form, obj: services.save_class(request.user, form.save(commit=False)),
    delete=services.delete_class, filterset=ClassFilter, can_add=may_add, form_kwargs=_units,
    related=("unit",), list_note=_behind_notes, saved_message=_("The class was saved."),
)

plans = RecordPages(
    name="plan", namespace="training", model=TrainingPlan, title=_("Yearly training plans"),
    columns=[
        Column(_("Unit"), lambda p: p.unit.name, link=True),
        Column(_("Year"), lambda p: str(p.year)),
        Column(_("Classes planned"), lambda p: p.planned_classes),
        Column(_("Learners planned"), lambda p: p.planned_learners),
        Column(_("Not on the state payroll"), lambda p: p.planned_off_payroll),
    ],
    visible=services.visible_plans, editable=services.editable_plans, form_class=PlanForm,
    save=lambda request, form, obj: services.save_plan(request.user, form.save(commit=False)),
    filterset=PlanFilter, can_add=may_add, form_kwargs=_units, related=("unit",),
    saved_message=_("The plan was saved."), detail_template="training/plan_detail.html",
    detail_context=lambda request, plan: {"actual": services.plan_against_actual(plan)},
)
