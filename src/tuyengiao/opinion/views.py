"""Concern pages: anonymous aggregate reports per unit, period and topic; the official is told what was removed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count, Q, Sum
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.records import Column, RecordPages, entry_units, may_add

from . import services
from .filters import ReportFilter
from .forms import ReportForm
from .models import ConcernReport
from .scrub import told


def _save(request: HttpRequest, form: Any, obj: Any) -> ConcernReport:
    report, removed = services.save_report(request.user, form.save(commit=False))
    if note := told(removed):
        messages.warning(request, note)
    return report


def _by_topic(request: HttpRequest, visible: Any) -> dict[str, Any]:
    rows = (visible.values("topic__name").annotate(n=Sum("reports"), open=Count("pk", filter=Q(answered=False)))
            .order_by("-n")[:10])
    return {"notes": [_("%(topic)s: %(n)s reports, %(open)s not yet answered.")
                      % {"topic": r["topic__name"], "n": r["n"], "open": r["open"]} for r in rows]}


reports = RecordPages(
    name="report", namespace="opinion", model=ConcernReport, title=_("Public concerns"),
    columns=[
        Column(_("Topic"), lambda r: r.topic.name, link=True),
        Column(_("Unit"), lambda r: r.unit.name),
        Column(_("Period"), lambda r: r.period_label),
        Column(_("Number of reports"), lambda r: r.reports),
        Column(_("Trend against last period"), lambda r: r.get_trend_display()),
        Column(_("Summary"), lambda r: r.summary),
        Column(_("Proposed response"), lambda r: r.proposed_response),
        Column(_("Agency that should answer"), lambda r: r.responsible_agency),
        Column(_("Answered"), lambda r: r.answered),
    ],
    visible=services.visible_reports, editable=services.editable_reports, form_class=ReportForm,
    filterset=ReportFilter, save=_save, delete=services.delete_report, can_add=may_add,
    form_kwargs=lambda request: {"units": entry_units(request.user)}, related=("unit", "topic"),
    list_note=_by_topic, saved_message=_("The concern report was saved."),
)
