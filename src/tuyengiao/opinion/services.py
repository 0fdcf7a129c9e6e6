"""Concern reports: cleaned of personal details, checked and saved, their trend worked out against last period."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tuyengiao.core.html import plain_text
from tuyengiao.core.periods import Period
from tuyengiao.core.records import count_problems, refuse, require_enter

from .models import ConcernReport, Trend
from .scrub import scrub

FREE_TEXT = ("summary", "proposed_response", "responsible_agency")


def visible_reports(user: Any) -> QuerySet[ConcernReport]:
    return ConcernReport.objects.restrict(user, "view")


def editable_reports(user: Any) -> QuerySet[ConcernReport]:
    return ConcernReport.objects.restrict(user, "enter")


def clean_text(report: ConcernReport) -> Counter[str]:
    """Replace personal details in every free-text field; return what went, by kind."""
    removed: Counter[str] = Counter()
    for name in FREE_TEXT:
        result = scrub(plain_text(getattr(report, name) or ""))
        setattr(report, name, result.text)
        removed.update(result.removed)
    return removed


def trend(reports: int, previous: int | None) -> str:
    if previous is None:
        return Trend.NEW
    if reports > previous:
        return Trend.UP
    return Trend.DOWN if reports < previous else Trend.SAME


def save_report(user: Any, report: ConcernReport) -> tuple[ConcernReport, Counter[str]]:
    """Save a concern report after removing personal details; the caller tells the official what went."""
    require_enter(user, report)
    removed = clean_text(report)
    found = count_problems(report, {"reports": _("Number of reports")})
    period = None
    try:
        period = Period.parse((report.period or "").strip().upper())
        report.period = period.code
    except ValueError:
        found.append(("period", _("Period: “%(p)s” is not a period; write e.g. 202503, 2025Q1 or 2025S1.")
                      % {"p": report.period}))
    if not report.summary.strip():
        found.append(("summary", _("Summary: required.")))
    if report.answered_on and not report.answered:
        found.append(("answered", _("Answered: a concern with a date answered is answered.")))
    if report.topic_id and period and report.unit_id and ConcernReport.objects.filter(
        unit_id=report.unit_id, period=period.code, topic_id=report.topic_id
    ).exclude(pk=report.pk).exists():
        found.append(("topic", _("Topic: the unit already has a report on this topic for the period; edit it.")))
    refuse(found)
    assert period is not None
    previous = ConcernReport.objects.filter(
        unit_id=report.unit_id, topic_id=report.topic_id, period=period.previous.code
    ).values_list("reports", flat=True).first()
    report.previous_reports = previous
    report.trend = trend(report.reports, previous)
    with transaction.atomic():
        report.save()
        # the report of the next period compares against this one
        for later in ConcernReport.objects.filter(unit_id=report.unit_id, topic_id=report.topic_id,
                                                  period=period.shift(1).code):
            later.previous_reports = report.reports
            later.trend = trend(later.reports, report.reports)
            later.save(update_fields=["previous_reports", "trend", "updated_at"])
    return report, removed


def delete_report(user: Any, report: ConcernReport) -> None:
    require_enter(user, report)
    report.delete()
