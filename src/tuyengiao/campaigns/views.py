"""Campaign pages: the list, a campaign's progress per child unit, and entering attendance."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tuyengiao.core.exceptions import ImportRejected, UserError
from tuyengiao.core.numbers import parse_count
from tuyengiao.core.views import form_view, get_for_user, get_rw_for_user, require
from tuyengiao.documents.services import committee_units, visible_documents
from tuyengiao.org import tree
from tuyengiao.org.access import Scope, get_unit_for_user
from tuyengiao.org.models import Unit

from . import services
from .forms import CampaignForm
from .models import Campaign


def _root_for(request: HttpRequest, campaign: Campaign) -> Unit:
    return services.root_for(request.user, campaign)


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = list(
        services.visible_campaigns(request.user).select_related("unit", "scope").order_by("-start", "-pk")[:100]
    )
    rows = services.list_rows(request.user, campaigns)
    return render(
        request,
        "campaigns/campaign_list.html",
        {
            "rows": rows,
            "can_add": committee_units(request.user).exists(),
        },
    )


def _get_campaign_for_user(request: HttpRequest, pk: int) -> Campaign:
    return get_for_user(services.visible_campaigns(request.user).select_related("unit", "scope"), pk)


def _get_rw_campaign_for_user(request: HttpRequest, pk: int) -> Campaign:
    visible = services.visible_campaigns(request.user).select_related("unit", "scope")
    return get_rw_for_user(visible, Campaign.objects.restrict(request.user, "enter"), pk)


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _get_campaign_for_user(request, pk)
    root = _root_for(request, campaign)
    unit = root
    if request.GET.get("unit"):
        unit = get_unit_for_user(request.user, request.GET["unit"])
        if not unit.path.startswith(root.path):
            raise Http404
    total, rows = services.progress(campaign, unit)
    lagging = Paginator(services.laggards(campaign, unit, rows=rows), 20).get_page(request.GET.get("lagging"))
    trail = [a for a in tree.ancestors(unit) if a.path.startswith(root.path)]
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "unit": unit,
            "root": root,
            "trail": trail,
            "total": total,
            "state": services.status(campaign, total),
            "rows": rows,
            "laggards": lagging,
            "documents": visible_documents(request.user).filter(campaigns=campaign),
            "can_edit": Scope.of(request.user).allows(campaign.unit, "enter"),
            "can_enter": Scope.of(request.user).allows(unit, "enter"),
        },
    )


def _form_page(request: HttpRequest, campaign: Campaign | None) -> HttpResponse:
    form = CampaignForm(
        request.POST or None,
        instance=campaign,
        units=committee_units(request.user),
        scopes=Unit.objects.restrict(request.user, "view").current().exclude(kind="cell").order_by("path"),
        documents=visible_documents(request.user),
    )

    def save() -> Campaign:
        c = form.cleaned_data
        data = services.CampaignData(
            title=c["title"],
            unit=c["unit"],
            scope=c["scope"],
            start=c["start"],
            deadline=c["deadline"],
            audience=c["audience"],
            target_rate=c["target_rate"],
            description=c["description"],
            documents=list(c["documents"]),
        )
        if campaign is None:
            return services.create_campaign(request.user, data)
        return services.update_campaign(request.user, campaign, data)

    context = {"campaign": campaign}
    return form_view(request, form, save, "campaigns/campaign_form.html", context, _("The campaign was saved."))


@login_required
@require_http_methods(["GET", "POST"])
def campaign_add(request: HttpRequest) -> HttpResponse:
    require(committee_units(request.user).exists())
    return _form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(request, _get_rw_campaign_for_user(request, pk))


def _int_or_none(raw: str) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    return parse_count(raw)


@login_required
@require_http_methods(["GET", "POST"])
def participation_entry(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    """Type the expected and attended counts of the cells under a unit; all rows are saved or none."""
    campaign = _get_campaign_for_user(request, pk)
    unit = get_unit_for_user(request.user, unit_pk, "enter")
    rows = list(
        services.visible_participations(request.user, campaign)
        .filter(unit__path__startswith=unit.path)
        .select_related("unit")
        .order_by("unit__path")
    )
    if not rows:
        raise Http404
    errors: list[str] = []
    # Errors and typed figures per cell, so that each message stands beside its row.
    row_errors: dict[int, list[str]] = {}
    typed_text: dict[int, tuple[str, str]] = {}
    if request.method == "POST":
        typed: dict[int, tuple[int | None, int | None]] = {}
        for row in rows:
            raw = (
                request.POST.get(f"expected-{row.unit_id}", ""),
                request.POST.get(f"attended-{row.unit_id}", ""),
            )
            typed_text[row.unit_id] = raw
            try:
                expected = _int_or_none(raw[0])
                attended = _int_or_none(raw[1])
            except (ValueError, ArithmeticError):
                message = _("%(unit)s: the figures must be whole numbers.") % {"unit": row.unit.name}
                errors.append(message)
                row_errors.setdefault(row.unit_id, []).append(message)
                continue
            typed[row.unit_id] = (expected, attended)
        if not errors:
            order = list(typed)
            try:
                changed = services.record_attendance(request.user, campaign, typed)
            except ImportRejected as exc:
                errors = [e.message for e in exc.errors]
                for e in exc.errors:
                    if 1 <= e.row <= len(order):
                        row_errors.setdefault(order[e.row - 1], []).append(e.message)
            except UserError as exc:
                errors = [exc.message]
            else:
                messages.success(request, _("Saved %(n)d rows.") % {"n": changed})
                return redirect(f"{campaign.get_absolute_url()}?unit={unit.pk}")
        if errors:
            messages.error(request, _("Nothing was saved."))
    entries = []
    for row in rows:
        if row.unit_id in typed_text:
            expected_text, attended_text = typed_text[row.unit_id]
        else:
            expected_text = "" if row.expected is None else str(row.expected)
            attended_text = "" if row.attended is None else str(row.attended)
        entries.append(
            {
                "row": row,
                "expected": expected_text,
                "attended": attended_text,
                "errors": row_errors.get(row.unit_id, []),
            }
        )
    return render(
        request,
        "campaigns/participation_form.html",
        {
            "campaign": campaign,
            "unit": unit,
            "rows": rows,
            "entries": entries,
            "errors": errors,
            "posted": request.POST,
        },
    )
