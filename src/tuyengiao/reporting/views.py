"""Pages of the reporting app: entry, submission status, approval, dashboard, pivot, Excel.

Views stay thin: every lookup goes through the restriction helpers (404 outside the subtree)
and every change through ``services``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuyengiao.core.exceptions import ConflictError, UserError
from tuyengiao.core.periods import Period
from tuyengiao.org.access import Scope, can, get_unit_for_user
from tuyengiao.org.choices import Action
from tuyengiao.org.models import Unit, today
from tuyengiao.org.services import ancestors

from . import analytics, services
from . import dashboard as dash
from .forms import DashboardForm, PivotForm, ReasonForm, ValueForm
from .models import DataElement, DataSet, DataValue, ImportJob, Status, Submission


def _period_or_404(dataset: DataSet, code: str) -> Period:
    try:
        return dataset.period(code)
    except ValueError as exc:
        raise Http404(str(exc)) from exc


def _home_unit(request: HttpRequest) -> Unit | None:
    return Scope.of(request.user).top_units(Action.VIEW).order_by("depth", "-valid_to", "name").first()


# --- entry ----------------------------------------------------------------------------------


def _entry_context(request: HttpRequest, dataset: DataSet, unit: Unit, period: Period) -> dict[str, Any]:
    user = request.user
    members = list(dataset.members.select_related("element").order_by("order", "id"))
    elements = [m.element for m in members]
    values = {
        dv.element_id: dv
        for dv in DataValue.objects.filter(
            unit=unit, period=period.code, element__in=elements
        ).select_related("stored_by")
    }
    last_year = analytics.last_year_values(unit, period, [e.pk for e in elements])
    submission = Submission.objects.filter(dataset=dataset, unit=unit, period=period.code).first()
    approved = {dataset.pk} if submission and submission.status == Status.APPROVED else set()
    can_enter = can(user, Action.ENTER, unit)
    lock = services.lock_reason(user, elements[0], unit, period, [dataset], approved) if elements else None
    sections: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for index, member in enumerate(members, start=1):
        sections[member.section or ""].append(
            {
                "element": member.element,
                "dv": values.get(member.element_id),
                "last": last_year.get(member.element_id),
                "tabindex": index,
            }
        )
    current = {e.code: (values[e.pk].value if e.pk in values else None) for e in elements}
    return {
        "dataset": dataset,
        "unit": unit,
        "period": period,
        "sections": dict(sections),
        "submission": submission,
        "can_enter": can_enter and not lock,
        "lock": lock,
        "violations": services.check_rules(dataset, unit, period, current),
        "due": dataset.due_date(period),
        "submit_tabindex": len(members) + 1,
        "previous": period.previous,
        "next": period.shift(1),
        "can_submit": can_enter
        and not lock
        and (not submission or submission.status in (Status.DRAFT, Status.RETURNED)),
    }


@login_required
def entry(request: HttpRequest, dataset: int, unit: int, period: str) -> HttpResponse:
    ds = get_object_or_404(DataSet, pk=dataset)
    target = get_unit_for_user(request.user, unit)
    p = _period_or_404(ds, period)
    return render(request, "reporting/entry.html", _entry_context(request, ds, target, p))


@login_required
@require_POST
def entry_value(request: HttpRequest, dataset: int, unit: int, period: str, element: int) -> HttpResponse:
    """Save one field (HTMX on change); answer with the field redrawn and the rule messages."""
    ds = get_object_or_404(DataSet, pk=dataset)
    target = get_unit_for_user(request.user, unit)
    p = _period_or_404(ds, period)
    el = get_object_or_404(DataElement, pk=element, memberships__dataset=ds)
    form = ValueForm(request.POST)
    error = ""
    saved = False
    typed = request.POST.get("value", "")
    if not form.is_valid():
        error = _("The data sent is not valid; reload the page.")
    else:
        try:
            services.save_value(
                request.user,
                el,
                target,
                p,
                form.cleaned_data["value"],
                form.cleaned_data["version"],
                form.cleaned_data["comment"],
            )
            saved = True
        except ConflictError as exc:
            error = exc.message + (
                (" " + _("The value you typed (%(value)s) was not saved.") % {"value": typed})
                if typed
                else ""
            )
        except UserError as exc:
            error = exc.message
    if not request.htmx:  # type: ignore[attr-defined]
        if error:
            messages.error(request, error)
        return redirect("reporting:entry", dataset=ds.pk, unit=target.pk, period=p.code)
    dv = DataValue.objects.filter(element=el, unit=target, period=p.code).select_related("stored_by").first()
    last = analytics.last_year_values(target, p, [el.pk]).get(el.pk)
    values = services.values_map(target, p)
    order = list(ds.members.order_by("order", "id").values_list("element_id", flat=True))
    return render(
        request,
        "reporting/_field.html",
        {
            "f": {"element": el, "dv": dv, "last": last, "tabindex": order.index(el.pk) + 1},
            "dataset": ds,
            "unit": target,
            "period": p,
            "can_enter": True,
            "error": error,
            "saved": saved,
            "typed": typed if error else None,
            "violations": services.check_rules(ds, target, p, values),
            "oob": True,
        },
    )


@login_required
@require_POST
def entry_submit(request: HttpRequest, dataset: int, unit: int, period: str) -> HttpResponse:
    ds = get_object_or_404(DataSet, pk=dataset)
    target = get_unit_for_user(request.user, unit)
    p = _period_or_404(ds, period)
    try:
        services.submit(request.user, ds, target, p)
        messages.success(
            request,
            _("The report for %(period)s of %(unit)s was sent.") % {"period": p.label, "unit": target.name},
        )
    except UserError as exc:
        messages.error(request, exc.message)
    return redirect("reporting:entry", dataset=ds.pk, unit=target.pk, period=p.code)


@login_required
def my_reports(request: HttpRequest) -> HttpResponse:
    """Where each of my units' reports is: draft, submitted, returned (with reason) or approved."""
    datasets = list(DataSet.objects.order_by("name"))
    kinds = {k for ds in datasets for k in ds.unit_kinds}
    units = list(
        Unit.objects.restrict(request.user, Action.ENTER)
        .current()
        .filter(kind__in=kinds)
        .order_by("path")[:30]
    )
    if not units:
        units = list(
            Unit.objects.restrict(request.user, Action.VIEW)
            .current()
            .filter(kind__in=kinds)
            .order_by("path")[:30]
        )
    rows = []
    now = today()
    recent = {ds.pk: [Period.of(ds.period_type, now).shift(-i) for i in range(0, 6)] for ds in datasets}
    # older reports that still need action: drafts with figures and returned ones
    pending = Submission.objects.filter(
        unit__in=units, status__in=[Status.DRAFT, Status.RETURNED]
    ).values_list("dataset_id", "unit_id", "period")
    older: dict[tuple[int, int], set[str]] = defaultdict(set)
    for ds_id, unit_id, code in pending:
        older[(ds_id, unit_id)].add(code)
    codes = {p.code for ps in recent.values() for p in ps} | {c for cs in older.values() for c in cs}
    subs = {
        (s.dataset_id, s.unit_id, s.period): s
        for s in Submission.objects.filter(unit__in=units, period__in=codes)
    }
    for ds in datasets:
        for unit in units:
            if not ds.reports(unit):
                continue
            periods = {p.code: p for p in recent[ds.pk]}
            for code in sorted(older.get((ds.pk, unit.pk), set()), reverse=True)[:6]:
                periods.setdefault(code, Period.parse(code))
            ordered = sorted(periods.values(), reverse=True)
            cells = [(p, subs.get((ds.pk, unit.pk, p.code))) for p in ordered]
            rows.append((ds, unit, cells))
    return render(request, "reporting/my_reports.html", {"rows": rows})


# --- approval -------------------------------------------------------------------------------


@login_required
def approvals(request: HttpRequest, dataset: int, unit: int, period: str) -> HttpResponse:
    """Completeness of a unit's subtree, drillable, with decisions for the approver."""
    ds = get_object_or_404(DataSet, pk=dataset)
    target = get_unit_for_user(request.user, unit)
    p = _period_or_404(ds, period)
    report = services.completeness(ds, target, p)
    kids = [c.unit for c in report.children]
    subs = {s.unit_id: s for s in Submission.objects.filter(dataset=ds, period=p.code, unit__in=kids)}
    may_approve = can(request.user, Action.APPROVE, target)
    return render(
        request,
        "reporting/approvals.html",
        {
            "dataset": ds,
            "unit": target,
            "period": p,
            "report": report,
            "subs": subs,
            "may_approve": may_approve,
            "reason_form": ReasonForm(),
            "trail": ancestors(target, min(p.end, target.last_day())),
            "previous": p.previous,
            "next": p.shift(1),
            "own": Submission.objects.filter(dataset=ds, unit=target, period=p.code).first(),
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    sub = Submission.objects.restrict(request.user).select_related("dataset", "unit").filter(pk=pk).first()
    if sub is None:
        raise Http404
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        if action == "approve":
            services.approve(request.user, sub)
            messages.success(request, _("The report of %(unit)s was approved.") % {"unit": sub.unit.name})
        elif action == "return":
            services.return_(request.user, sub, reason)
            messages.success(request, _("The report of %(unit)s was returned.") % {"unit": sub.unit.name})
        elif action == "unlock":
            services.unlock(request.user, sub, reason)
            messages.success(request, _("The report of %(unit)s was unlocked.") % {"unit": sub.unit.name})
        else:
            raise Http404
    except UserError as exc:
        messages.error(request, exc.message)
    parent = services.approver_unit(sub.unit, sub.period_obj) or sub.unit
    if not can(request.user, Action.VIEW, parent):
        parent = sub.unit
    return redirect("reporting:approvals", dataset=sub.dataset_id, unit=parent.pk, period=sub.period)


# --- dashboard and pivot --------------------------------------------------------------------


def _unit_param(request: HttpRequest, pk: int | None) -> Unit:
    if pk:
        return get_unit_for_user(request.user, pk)
    unit = _home_unit(request)
    if unit is None:
        raise PermissionDenied
    return unit


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    form = DashboardForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    unit = _unit_param(request, data.get("unit"))
    period = Period.parse(data["period"]) if data.get("period") else dash.default_period()
    # today's units compare like with like across a reorganisation; closed units only have their own
    structure = data.get("structure") or ("current" if unit.is_open else "period")
    if structure == "current" and not unit.is_open:
        structure = "period"
    try:
        board = dash.build(unit, period, structure)
    except UserError as exc:
        messages.error(request, exc.message)
        board = None
    datasets = [ds for ds in DataSet.objects.order_by("name")]
    return render(
        request,
        "reporting/dashboard.html",
        {
            "form": form,
            "unit": unit,
            "period": period,
            "structure": structure,
            "board": board,
            "trail": ancestors(unit),
            "datasets": datasets,
            "chart": board.chart_data() if board else {},
        },
    )


@login_required
def pivot_view(request: HttpRequest) -> HttpResponse:
    form = PivotForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    unit = _unit_param(request, data.get("unit"))
    periods = [Period.parse(c) for c in data.get("periods") or []] or [dash.default_period()]
    indicators, elements = dash.key_codes()
    dx = [c for c in (data.get("dx") or "").replace(",", ";").split(";") if c.strip()] or (
        [i.code for i in indicators] + [e.code for e in elements]
    )
    structure = data.get("structure") or "period"
    table = None
    try:
        table = dash.pivot(
            unit, periods, dx, data.get("rows") or "children", data.get("columns") or "elements", structure
        )
    except UserError as exc:
        messages.error(request, exc.message)
    fmt = request.GET.get("format")
    if table is not None and fmt in ("csv", "xlsx"):
        name = f"so-lieu-{unit.code}-{'-'.join(p.code for p in periods)}.{fmt}"
        content_type = (
            "text/csv; charset=utf-8"
            if fmt == "csv"
            else ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        )
        response = HttpResponse(table.csv() if fmt == "csv" else table.xlsx(), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    query = request.GET.copy()
    return render(
        request,
        "reporting/pivot.html",
        {
            "form": form,
            "unit": unit,
            "periods": periods,
            "table": table,
            "dx": ";".join(dx),
            "csv_url": reverse("reporting:pivot") + "?" + _with(query, format="csv"),
            "xlsx_url": reverse("reporting:pivot") + "?" + _with(query, format="xlsx"),
        },
    )


def _with(query: Any, **extra: str) -> str:
    q = query.copy()
    for key, value in extra.items():
        q[key] = value
    return str(q.urlencode())


# --- Excel ----------------------------------------------------------------------------------


@login_required
def excel_template(request: HttpRequest, dataset: int, unit: int, period: str) -> HttpResponse:
    from . import excel

    ds = get_object_or_404(DataSet, pk=dataset)
    target = get_unit_for_user(request.user, unit)
    p = _period_or_404(ds, period)
    response = HttpResponse(excel.template(ds, target, p), content_type=excel.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{ds.code}-{target.code}-{p.code}.xlsx"'
    return response


@login_required
def excel_upload(request: HttpRequest, dataset: int, unit: int, period: str) -> HttpResponse:
    """Upload a filled template: the file is stored and checked in the background (see ``jobs``)."""
    from functools import partial

    from django.db import transaction
    from django_htmx.http import HttpResponseClientRedirect

    from . import jobs
    from .forms import UploadForm

    ds = get_object_or_404(DataSet, pk=dataset)
    target = get_unit_for_user(request.user, unit)
    p = _period_or_404(ds, period)
    form = UploadForm(request.POST or None, request.FILES or None)
    owner: Any = request.user  # logged in
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = ImportJob(
            user=owner, unit=target, dataset=ds, period=p.code, file_name=(upload.name or "")[-255:]
        )
        job.file.save("upload.xlsx", upload, save=False)  # the stored name is generated
        job.save()
        transaction.on_commit(partial(jobs.run_in_background, job.pk))
        url = reverse("reporting:import_job", args=[job.pk])
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return redirect(url)
    recent = ImportJob.objects.filter(user=owner, dataset=ds, unit=target, period=p.code)[:5]
    context = {"dataset": ds, "unit": target, "period": p, "form": form, "recent": recent}
    return render(request, "reporting/excel_upload.html", context)


def _job_or_404(request: HttpRequest, pk: int) -> ImportJob:
    """The job if it is the person's own or its unit lies in their view scope; 404 otherwise."""
    jobs = ImportJob.objects.restrict(request.user, Action.VIEW).select_related("user", "unit", "dataset")
    return get_object_or_404(jobs, pk=pk)


def _job_context(request: HttpRequest, job: ImportJob) -> dict[str, Any]:
    return {"job": job, "can_commit": job.user_id == request.user.pk}


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    return render(request, "reporting/import_job.html", _job_context(request, job))


@login_required
def import_job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The part of the job page that the page polls while the job runs."""
    job = _job_or_404(request, pk)
    return render(request, "reporting/_job_progress.html", _job_context(request, job))


@login_required
@require_POST
def import_job_commit(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a reviewed upload, in the background; only the person who uploaded it may."""
    from functools import partial

    from django.db import transaction

    from . import jobs

    job = _job_or_404(request, pk)
    if job.user_id != request.user.pk:
        raise PermissionDenied
    if jobs.commit(job):
        transaction.on_commit(partial(jobs.run_in_background, job.pk))
    else:
        messages.error(request, _("This upload is not waiting to be saved."))
    return redirect("reporting:import_job", pk=job.pk)
