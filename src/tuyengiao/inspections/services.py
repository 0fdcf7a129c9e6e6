"""Inspections and their recommendations: saved whole or not at all, followed up until done.

A recommendation always has an owner unit and a due date; one not done by its due date is
overdue, listed for the board and suggested for the review report's "Hạn chế".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tuyengiao.core.exceptions import UserError
from tuyengiao.core.html import plain_text
from tuyengiao.org.access import Scope

from .models import FollowUp, Inspection, InspectionStatus, Recommendation

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser


def visible_inspections(user: User) -> QuerySet[Inspection]:
    return Inspection.objects.restrict(user, "view")


def editable_inspections(user: User) -> QuerySet[Inspection]:
    return Inspection.objects.restrict(user, "enter")


def visible_recommendations(user: User) -> QuerySet[Recommendation]:
    return Recommendation.objects.restrict(user, "view")


def overdue_q(day: dt.date) -> Q:
    """Not done by ``day``: still open, or done only after it."""
    return Q(due_on__lt=day) & ~Q(status=FollowUp.DONE, done_on__lte=day)


def overdue(user: User, day: dt.date | None = None) -> QuerySet[Recommendation]:
    """The board's list: recommendations the user may see, past their due date and not done."""
    day = day or timezone.localdate()
    return (
        visible_recommendations(user)
        .filter(overdue_q(day))
        .select_related("inspection", "inspection__unit", "owner_unit")
        .order_by("due_on", "pk")
    )


def inspection_problems(inspection: Inspection) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if not inspection.title.strip():
        found.append(("title", _("Inspection title: required.")))
    if inspection.status == InspectionStatus.HELD and not (inspection.held_from and inspection.held_to):
        found.append(("held_from", _("Held from: a held inspection has its dates.")))
    if inspection.held_from and inspection.held_to and inspection.held_to < inspection.held_from:
        found.append(("held_to", _("Held until: the inspection ends before it starts.")))
    return found


def recommendation_problems(user: User, inspection: Inspection, rec: Recommendation, number: int = 0) -> list[
    tuple[str, str]
]:
    """Each message names the field (and the recommendation's number when several are saved together)."""
    prefix = (_("Recommendation %(n)d: ") % {"n": number}) if number else ""
    found: list[tuple[str, str]] = []
    if not rec.content.strip():
        found.append(("content", prefix + _("Recommendation: the text is required.")))
    if not rec.owner_unit_id:
        found.append(("owner_unit", prefix + _("Owner unit: required; choose the unit that must act.")))
    elif not Scope.of(user).allows(rec.owner_unit, "view"):  # type: ignore[arg-type]
        found.append(("owner_unit", prefix + _("Owner unit: outside the units you are responsible for.")))
    if rec.due_on is None:
        found.append(("due_on", prefix + _("Due date: required; say by when it must be done.")))
    if rec.status == FollowUp.DONE and rec.done_on is None:
        found.append(("done_on", prefix + _("Done on: a done recommendation has the date it was done.")))
    if rec.done_on and rec.status != FollowUp.DONE:
        found.append(("status", prefix + _("Follow-up: a date done is given, so mark it done.")))
    return found


def _raise(found: list[tuple[str, str]]) -> None:
    if found:
        raise UserError(" ".join(m for _f, m in found), field=found[0][0])


def save_inspection(
    user: User,
    inspection: Inspection,
    inspected_units: Iterable[Any] | None = None,
    recommendations: Sequence[Recommendation] | None = None,
) -> Inspection:
    """Save an inspection with its inspected units (and, given, its recommendations) in one transaction."""
    if not inspection.unit_id or not Scope.of(user).allows(inspection.unit, "enter"):
        raise PermissionDenied
    inspection.title = plain_text(inspection.title)
    inspection.topic = plain_text(inspection.topic)
    found = inspection_problems(inspection)
    if inspected_units is not None:
        inspected_units = list(inspected_units)
        if any(not Scope.of(user).allows(u, "view") for u in inspected_units):
            found.append(("inspected_units", _("Inspected units: one is outside the units you are responsible for.")))
    for number, rec in enumerate(recommendations or [], start=1):
        found += recommendation_problems(user, inspection, rec, number)
    _raise(found)
    with transaction.atomic():
        inspection.save()
        if inspected_units is not None:
            inspection.inspected_units.set(inspected_units)
        for rec in recommendations or []:
            rec.inspection = inspection
            rec.content = plain_text(rec.content)
            rec.save()
    return inspection


def add_recommendation(user: User, inspection: Inspection, rec: Recommendation) -> Recommendation:
    if not Scope.of(user).allows(inspection.unit, "enter"):
        raise PermissionDenied
    rec.inspection = inspection
    rec.content = plain_text(rec.content)
    _raise(recommendation_problems(user, inspection, rec))
    with transaction.atomic():
        rec.save()
    return rec


def can_follow_up(user: User, rec: Recommendation) -> bool:
    """The inspecting unit's officers and the owner unit's may record the follow-up."""
    if Scope.of(user).allows(rec.inspection.unit, "enter"):
        return True
    return rec.owner_unit is not None and Scope.of(user).allows(rec.owner_unit, "enter")


def follow_up(user: User, rec: Recommendation, status: str, evidence: str = "", done_on: dt.date | None = None
              ) -> Recommendation:
    if not can_follow_up(user, rec):
        raise PermissionDenied
    if status not in FollowUp.values:
        raise UserError(_("Follow-up: choose a status from the list."), field="status")
    rec.status = status
    rec.evidence = plain_text(evidence)
    rec.done_on = done_on
    if done_on and done_on > timezone.localdate():
        raise UserError(_("Done on: the date is in the future."), field="done_on")
    _raise(recommendation_problems(user, rec.inspection, rec))
    with transaction.atomic():
        rec.save()
    return rec


def delete_inspection(user: User, inspection: Inspection) -> None:
    if not Scope.of(user).allows(inspection.unit, "enter"):
        raise PermissionDenied
    inspection.delete()


def _date(value: Any) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


COLUMNS: list[tuple[Any, Any]] = [
    (_lazy("Inspection title"), lambda i: i.title), (_lazy("Inspecting unit"), lambda i: i.unit.name),
    (_lazy("Topic"), lambda i: i.topic), (_lazy("Status"), lambda i: str(i.get_status_display())),
    (_lazy("Planned for"), lambda i: _date(i.planned_on)), (_lazy("Held from"), lambda i: _date(i.held_from)),
    (_lazy("Held until"), lambda i: _date(i.held_to)),
    (_lazy("Inspected units"), lambda i: ", ".join(u.name for u in i.inspected_units.all())),
    (_lazy("Cadres and members covered"), lambda i: i.cadres_covered),
    (_lazy("Organisations covered"), lambda i: i.organisations_covered),
    (_lazy("Recommendations"), lambda i: len(i.recommendations.all())),
]
