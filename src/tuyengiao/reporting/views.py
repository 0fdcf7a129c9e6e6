"""Pages of the reporting app: entry, submission status, approval, dashboard, pivot, Excel.

Views stay thin: every lookup goes through the restriction helpers (404 outside the subtree)
and every change through the services (``entry``, ``approval``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tuyengiao.core.exceptions import ConflictError, UserError
from tuyengiao.core.periods import Period, PeriodType
from tuyengiao.core.periods import recent as recent_periods
from tuyengiao.core.views import get_rw_for_user
from tuyengiao.org import tree
from tuyengiao.org.access import Scope, get_unit_for_user
from tuyengiao.org.choices import Action
from tuyengiao.org.models import Unit, today

from . import analytics, approval, completeness, validation
from . import dashboard as dash
from .entry import entry_form, field_tabindex, save_value
from .forms import DashboardForm, PivotForm, ReasonForm, SelectionForm, ValueForm
from .models import DataElement, DataSet, DataValue, ImportJob, Submission


def _period_or_404(dataset: DataSet, code: str) -> Period:
    try:
        return dataset.period(code)
    except ValueError as exc:
        raise Http404(str(exc)) from exc


def _get_report_for_user(
    request: HttpRequest, dataset: int, unit: int, period: str, action: str = Action.VIEW
) -> tuple[DataSet, Unit, Period]:
    """The data set, the unit (404 outside the user's scope, 403 without ``action``) and the period
    a report page is about."""
    ds = get_object_or_404(DataSet, pk=dataset)
    target = get_unit_for_user(request.user, unit, action)
    return ds, target, _period_or_404(ds, period)


def _home_unit(request: HttpRequest) -> Unit | None:
    return Scope.of(request.user).top_units(Action.VIEW).order_by("depth", "-valid_to", "name").first()


# --- entry ----------------------------------------------------------------------------------


def _entry_context(request: HttpRequest, dataset: DataSet, unit: Unit, period: Period) -> dict[str, Any]:
    form = entry_form(request.user, dataset, unit, period)
    current = {dv.element.code: dv.value for dv in form.values.values()}
    return {
        "dataset": dataset,
        "unit": unit,
        "period": period,
        "sections": form.sections,
        "submission": form.submission,
        "can_enter": form.can_enter,
        "lock": form.lock,
        "violations": validation.check_rules(dataset, unit, period, current),
        "due": dataset.due_date(period),
        "submit_tabindex": form.field_count + 1,
        "previous": period.previous,
        "next": period.shift(1),
        "can_submit": form.can_submit,
        "can_withdraw": form.can_withdraw,
    }


@login_required
def entry(request: HttpRequest, dataset: int, unit: int, period: str) -> HttpResponse:
    ds, target, p = _get_report_for_user(request, dataset, unit, period)
    return render(request, "reporting/entry.html", _entry_context(request, ds, target, p))


@login_required
@require_POST
def entry_value(request: HttpRequest, dataset: int, unit: int, period: str, element: int) -> HttpResponse:
    """Save one field (HTMX on change); answer with the field redrawn and the rule messages."""
    ds, target, p = _get_report_for_user(request, dataset, unit, period, Action.ENTER)
    el = get_object_or_404(DataElement, pk=element, memberships__dataset=ds)
    form = ValueForm(request.POST)
    error = ""
    saved = False
    typed = request.POST.get("value", "")
    if not form.is_valid():
        error = _("The data sent is not valid; reload the page.")
    else:
        try:
            save_value(
                request.user,
                el,
                target,
                p,
                form.cleaned_data["value"],
                form.cleaned_data["version"],
                form.cleaned_data["comment"],
                dataset=ds,
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
    values = validation.values_map(target, p)
    return render(
        request,
        "reporting/_field.html",
        {
            "f": {"element": el, "dv": dv, "last": last, "tabindex": field_tabindex(ds, el)},
            "dataset": ds,
            "unit": target,
            "period": p,
            "can_enter": True,
            "error": error,
            "saved": saved,
            "typed": typed if error else None,
            "violations": validation.check_rules(ds, target, p, values),
            "oob": True,
        },
    )


@login_required
@require_POST
def entry_submit(request: HttpRequest, dataset: int, unit: int, period: str) -> HttpResponse:
    ds, target, p = _get_report_for_user(request, dataset, unit, period, Action.ENTER)
    try:
        approval.submit(request.user, ds, target, p)
        messages.success(
            request,
            _("The report for %(period)s of %(unit)s was sent.") % {"period": p.label, "unit": target.name},
        )
    except UserError as exc:
        messages.error(request, exc.message)
    return redirect("reporting:entry", dataset=ds.pk, unit=target.pk, period=p.code)


@login_required
@require_POST
def entry_withdraw(request: HttpRequest, dataset: int, unit: int, period: str) -> HttpResponse:
    """The sender takes the report back to correct it."""
    ds, target, p = _get_report_for_user(request, dataset, unit, period, Action.ENTER)
    sub = get_object_or_404(Submission, dataset=ds, unit=target, period=p.code)
    try:
        approval.withdraw(request.user, sub)
        messages.success(
            request,
            _("The report for %(period)s of %(unit)s was withdrawn; correct it and send it again.")
            % {"period": p.label, "unit": target.name},
        )
    except UserError as exc:
        messages.error(request, exc.message)
    return redirect("reporting:entry", dataset=ds.pk, unit=target.pk, period=p.code)


@login_required
def my_reports(request: HttpRequest) -> HttpResponse:
    """Where each of my units' reports is: draft, submitted, returned (with reason) or approved."""
    return render(request, "reporting/my_reports.html", {"rows": approval.report_grid(request.user)})


# --- approval -------------------------------------------------------------------------------


@login_required
def approvals(request: HttpRequest, dataset: int, unit: int, period: str) -> HttpResponse:
    """Completeness of a unit's subtree, drillable, with decisions for the approver."""
    ds, target, p = _get_report_for_user(request, dataset, unit, period)
    report = completeness.completeness(ds, target, p)
    cards = approval.approval_cards(request.user, ds, target, p, report.children)
    return render(
        request,
        "reporting/approvals.html",
        {
            "dataset": ds,
            "unit": target,
            "period": p,
            "report": report,
            "cards": cards,
            "can_bulk": any(c.can_decide for c in cards),
            "may_unlock": Scope.of(request.user).allows(target, Action.APPROVE),
            "may_enter": Scope.of(request.user).allows(target, Action.ENTER),
            "reason_form": ReasonForm(),
            "trail": tree.ancestors(target, min(p.end, target.last_day())),
            "previous": p.previous,
            "next": p.shift(1),
            "own": Submission.objects.filter(dataset=ds, unit=target, period=p.code).first(),
        },
    )


@login_required
@require_POST
def approve_selected(request: HttpRequest, dataset: int, unit: int, period: str) -> HttpResponse:
    """Approve the ticked reports of the units below; each is checked, each refusal named."""
    ds, target, p = _get_report_for_user(request, dataset, unit, period, Action.APPROVE)
    form = SelectionForm(request.POST)
    chosen = form.cleaned_data["submission"] if form.is_valid() else []
    subs = list(
        Submission.objects.restrict(request.user)
        .filter(pk__in=chosen, dataset=ds, period=p.code)
        .select_related("dataset", "unit")
    )
    if not subs:
        messages.error(request, _("Tick the reports to approve first."))
    else:
        result = approval.approve_many(request.user, subs)
        if result.approved:
            messages.success(
                request,
                ngettext(
                    "%(count)d report was approved: %(units)s.",
                    "%(count)d reports were approved: %(units)s.",
                    len(result.approved),
                )
                % {"count": len(result.approved), "units": ", ".join(s.unit.name for s in result.approved)},
            )
        for sub, reason in result.refused:
            messages.error(
                request, _("%(unit)s was not approved: %(reason)s") % {"unit": sub.unit.name, "reason": reason}
            )
    return redirect("reporting:approvals", dataset=ds.pk, unit=target.pk, period=p.code)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ("approve", "return", "unlock"):
        raise Http404
    visible = Submission.objects.select_related("dataset", "unit")
    sub = get_rw_for_user(visible.restrict(request.user), visible.restrict(request.user, Action.APPROVE), pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        if action == "approve":
            approval.approve(request.user, sub)
            messages.success(request, _("The report of %(unit)s was approved.") % {"unit": sub.unit.name})
        elif action == "return":
            approval.return_(request.user, sub, reason)
            messages.success(request, _("The report of %(unit)s was returned.") % {"unit": sub.unit.name})
        elif action == "unlock":
            approval.unlock(request.user, sub, reason)
            messages.success(request, _("The report of %(unit)s was unlocked.") % {"unit": sub.unit.name})
        else:
            raise Http404
    except UserError as exc:
        messages.error(request, exc.message)
    parent = approval.approver_unit(sub.unit, sub.period_obj) or sub.unit
    if not Scope.of(request.user).allows(parent, Action.VIEW):
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


def _period_options(datasets: list[DataSet] | None = None) -> list[Period]:
    """The picker beside a period box: recent finished periods of every type a data set uses."""
    now = today()
    used = [ds.period_type for ds in datasets] if datasets is not None else DataSet.objects.values_list(
        "period_type", flat=True
    )
    kinds = set(used) | {PeriodType.HALF_YEAR, PeriodType.YEAR}
    order = [PeriodType.HALF_YEAR, PeriodType.YEAR, PeriodType.QUARTER, PeriodType.MONTH]
    count = {PeriodType.HALF_YEAR: 6, PeriodType.YEAR: 3, PeriodType.QUARTER: 6, PeriodType.MONTH: 12}
    return [p for kind in order if kind in kinds for p in recent_periods(kind, now, count[kind])]


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """Key figures of a unit; a period that cannot be read is an error beside the box, never replaced."""
    form = DashboardForm(request.GET or None)
    form.is_valid()
    data = form.cleaned_data if form.is_bound else {}
    unit = _unit_param(request, data.get("unit"))
    period: Period | None = None
    if "period" not in form.errors:
        period = Period.parse(data["period"]) if data.get("period") else dash.kept_default_period(unit)
    # today's units compare like with like across a reorganisation; closed units only have their own
    structure = data.get("structure") or ("current" if unit.is_open else "period")
    if structure == "current" and not unit.is_open:
        structure = "period"
    board = None
    if period is not None:
        try:
            board = dash.kept_build(unit, period, structure)
        except UserError as exc:
            messages.error(request, exc.message)
    datasets = [ds for ds in DataSet.objects.order_by("name")]
    return render(
        request,
        "reporting/dashboard.html",
        {
            "form": form,
            "typed": form["period"].value() if "period" in form.errors else (period.label if period else ""),
            "period_options": _period_options(datasets),
            "unit": unit,
            "period": period,
            "structure": structure,
            "board": board,
            "trail": tree.ancestors(unit),
            "datasets": datasets,
            "chart": board.chart_data() if board else {},
        },
    )


@login_required
def pivot_view(request: HttpRequest) -> HttpResponse:
    form = PivotForm(request.GET or None)
    form.is_valid()
    data = form.cleaned_data if form.is_bound else {}
    unit = _unit_param(request, data.get("unit"))
    indicators, elements = dash.key_codes()
    dx = data.get("dx") or [i.code for i in indicators] + [e.code for e in elements]
    structure = data.get("structure") or "period"
    table = None
    periods: list[Period] = []
    if not form.errors:
        periods = [Period.parse(c) for c in data.get("periods") or []] or [dash.default_period(unit)]
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
    typed_periods = (
        form["periods"].value() if "periods" in form.errors else "; ".join(p.label for p in periods)
    )
    return render(
        request,
        "reporting/pivot.html",
        {
            "form": form,
            "unit": unit,
            "periods": periods,
            "typed_periods": typed_periods,
            "period_options": _period_options(),
            "table": table,
            "chosen": set(dx),
            "choices": dash.choices(),
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

    ds, target, p = _get_report_for_user(request, dataset, unit, period)
    response = HttpResponse(excel.template(ds, target, p), content_type=excel.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{ds.code}-{target.code}-{p.code}.xlsx"'
    return response


@login_required
def excel_upload(request: HttpRequest, dataset: int, unit: int, period: str) -> HttpResponse:
    """Upload a filled template (data entry on the unit only): stored, then checked by a worker."""
    from django_htmx.http import HttpResponseClientRedirect

    from . import jobs
    from .forms import UploadForm

    ds, target, p = _get_report_for_user(request, dataset, unit, period, Action.ENTER)
    form = UploadForm(request.POST or None, request.FILES or None)
    owner: Any = request.user  # logged in
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = ImportJob(
            user=owner, unit=target, dataset=ds, period=p.code, file_name=(upload.name or "")[-255:]
        )
        job.file.save("upload.xlsx", upload, save=False)  # the stored name is generated
        job.save()
        jobs.start(job)
        url = reverse("reporting:import_job", args=[job.pk])
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return redirect(url)
    recent = ImportJob.objects.filter(user=owner, dataset=ds, unit=target, period=p.code).defer("seen")[:5]
    context = {"dataset": ds, "unit": target, "period": p, "form": form, "recent": recent}
    return render(request, "reporting/excel_upload.html", context)


def _job_or_404(request: HttpRequest, pk: int) -> ImportJob:
    """The person's own job, on a unit they still see; anyone else's answers 404."""
    scope = Scope.of(request.user)
    jobs = ImportJob.objects.filter(user=request.user.pk)
    if not scope.everything:
        jobs = jobs.filter(scope.q("unit", Action.VIEW))
    return get_object_or_404(jobs.select_related("unit", "dataset").defer("seen"), pk=pk)


def _readable(request: HttpRequest, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of a job's preview or conflicts whose unit the viewer may read (by its path)."""
    scope = Scope.of(request.user)
    if scope.everything:
        return rows
    prefixes = scope.prefixes(Action.VIEW)
    return [r for r in rows if any(str(r.get("path", "")).startswith(p) for p in prefixes)]


def _job_context(request: HttpRequest, job: ImportJob) -> dict[str, Any]:
    changes = _readable(request, list(job.preview.get("changes", [])))
    conflicts = _readable(request, list(job.preview.get("conflicts", [])))
    return {"job": job, "can_commit": True, "changes": changes, "conflicts": conflicts}


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
    """Save a reviewed upload, on a worker; only the person who uploaded it may (404 for others)."""
    from . import jobs

    job = _job_or_404(request, pk)
    if not jobs.commit(job):
        messages.error(request, _("This upload is not waiting to be saved."))
    return redirect("reporting:import_job", pk=job.pk)
