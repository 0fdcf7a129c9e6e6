"""Work-plan pages: plans with their key tasks, tasks (overdue flagged), the review schedule of documents."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from tuyengiao.core.exceptions import UserError
from tuyengiao.core.numbers import format_date
from tuyengiao.core.records import Column, RecordPages, entry_units, may_add
from tuyengiao.core.views import require
from tuyengiao.documents.services import visible_documents
from tuyengiao.org.models import Unit

from . import services
from .filters import PlanFilter, ReviewFilter, TaskFilter
from .forms import PlanForm, ReviewForm, ScheduleForm, TaskForm
from .models import DocumentReview, KeyTask, WorkPlan


def _overdue_notes(request: HttpRequest, visible: Any) -> dict[str, Any]:
    tasks = services.overdue_tasks(request.user)[:20]
    reviews = services.overdue_reviews(request.user)[:20]
    notes = [_g("Overdue: %(title)s (%(unit)s), due %(day)s.")
             % {"title": t.title, "unit": t.owner.name if t.owner else t.plan.unit.name, "day": format_date(t.due_on)}
             for t in tasks]
    notes += [_g("Review overdue: %(review)s (%(unit)s), due %(day)s.")
              % {"review": str(r), "unit": r.unit.name, "day": format_date(r.due_on)} for r in reviews]
    return {"notes": notes}


plans = RecordPages(
    name="plan", namespace="plans", model=WorkPlan, title=_("Work plans"),
    columns=[
        Column(_("Name of the plan"), lambda p: p.title, link=True),
        Column(_("Unit"), lambda p: p.unit.name),
        Column(_("Year"), lambda p: str(p.year)),
    ],
    visible=services.visible_plans, editable=services.editable_plans, form_class=PlanForm, filterset=PlanFilter,
    save=lambda request, form, obj: services.save_plan(request.user, form.save(commit=False)),
    form_kwargs=lambda request: {"units": entry_units(request.user), "querysets": {
        "document": visible_documents(request.user).order_by("-issued_on")}},
    can_add=may_add, related=("unit",), list_note=_overdue_notes, saved_message=_("The work plan was saved."),
    detail_template="plans/plan_detail.html",
    detail_context=lambda request, plan: {
        "tasks": list(services.visible_tasks(request.user).filter(plan=plan).select_related("owner")),
        "task_add_url": reverse("plans:task_add") + f"?plan={plan.pk}"},
)


def _task_kwargs(request: HttpRequest) -> dict[str, Any]:
    return {"units": services.editable_plans(request.user).select_related("unit"), "querysets": {
        "owner": Unit.objects.restrict(request.user, "view").current().order_by("path"),
        "documents": visible_documents(request.user).order_by("-issued_on")},
        "initial": {"plan": request.GET.get("plan")} if request.method == "GET" else {}}


tasks = RecordPages(
    name="task", namespace="plans", model=KeyTask, title=_("Key tasks"),
    columns=[
        Column(_("Key task"), lambda t: t.title, link=True),
        Column(_("Work plan"), lambda t: t.plan.title),
        Column(_("Owner unit"), lambda t: t.owner.name if t.owner else ""),
        Column(_("Due date"), lambda t: t.due_on),
        Column(_("Status"), lambda t: t.get_status_display()),
        Column(_("Progress (%)"), lambda t: t.progress),
        Column(_("Overdue"), lambda t: t.overdue),
    ],
    visible=services.visible_tasks, editable=services.editable_tasks, form_class=TaskForm, filterset=TaskFilter,
    save=lambda request, form, obj: services.save_task(
        request.user, form.save(commit=False), form.cleaned_data["documents"]),
    delete=services.delete_task, form_kwargs=_task_kwargs,
    can_add=lambda user: services.editable_plans(user).exists(), related=("plan__unit", "owner"),
    list_note=_overdue_notes, saved_message=_("The key task was saved."),
)


def _schedule(request: HttpRequest) -> HttpResponse:
    require(may_add(request.user))
    form = ScheduleForm(request.POST or None, units=entry_units(request.user),
                        documents=visible_documents(request.user).order_by("-issued_on"),
                        initial={"document": request.GET.get("document")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.schedule_reviews(request.user, data["unit"], data["document"], data["interim_years"],
                                             data["final_years"])
        except UserError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _g("%(n)d reviews are on the schedule.") % {"n": len(made)})
            return redirect(reverse("plans:review_list") + f"?under={data['unit'].pk}")
    return render(request, "core/records/form.html", {"form": form, "pages": reviews,
                                                      "list_url": reverse("plans:review_list")})


reviews = RecordPages(
    name="review", namespace="plans", model=DocumentReview, title=_("Review schedule of documents"),
    columns=[
        Column(_("Review"), lambda r: str(r), link=True),
        Column(_("Unit"), lambda r: r.unit.name),
        Column(_("Document"), lambda r: r.document.title),
        Column(_("Due date"), lambda r: r.due_on),
        Column(_("Done on"), lambda r: r.done_on),
        Column(_("Overdue"), lambda r: r.overdue),
    ],
    visible=services.visible_reviews, editable=services.editable_reviews, form_class=ReviewForm,
    filterset=ReviewFilter,
    save=lambda request, form, obj: services.save_review(request.user, form.save(commit=False)),
    form_kwargs=lambda request: {"units": entry_units(request.user), "querysets": {
        "document": visible_documents(request.user).order_by("-issued_on")}},
    can_add=may_add, related=("unit", "document"), list_note=_overdue_notes,
    saved_message=_("The review schedule was saved."),
    extra_urls=[path("reviews/schedule/", login_required(require_http_methods(["GET", "POST"])(_schedule)),
                     name="review_schedule")],
)
