"""Training classes and yearly plans: the checks and the saves pages and API share."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tuyengiao.core.numbers import format_number
from tuyengiao.core.records import count_problems, delete_checked, save_checked, scoped_querysets

from .models import TrainingClass, TrainingPlan

visible_classes, editable_classes = scoped_querysets(TrainingClass)
visible_plans, editable_plans = scoped_querysets(TrainingPlan)


def class_problems(c: TrainingClass) -> list[tuple[str, str]]:
    """(field, message) for every reason the class cannot be saved."""
    found = count_problems(c, {
        "enrolled": _("Learners enrolled"), "completed": _("Learners completed"),
        "enrolled_off_payroll": _("Enrolled not on the state payroll"),
        "completed_off_payroll": _("Completed not on the state payroll"),
    })
    if found:
        return found
    if not c.title:
        found.append(("title", _("Class: required.")))
    if not c.centre:
        found.append(("centre", _("Training centre: required.")))
    if c.planned_open and c.planned_close and c.planned_close < c.planned_open:
        found.append(("planned_close", _("Planned closing: the class closes before it opens.")))
    if c.closed_on and not c.opened_on:
        found.append(("opened_on", _("Opened on: a class that closed has an opening date.")))
    if c.opened_on and c.closed_on and c.closed_on < c.opened_on:
        found.append(("closed_on", _("Closed on: the class closes before it opens.")))
    if c.completed > c.enrolled:
        found.append(("completed", _("Learners completed: %(c)s is more than the %(e)s enrolled.")
                      % {"c": format_number(c.completed), "e": format_number(c.enrolled)}))
    if c.enrolled_off_payroll > c.enrolled:
        found.append(("enrolled_off_payroll", _("Enrolled not on the state payroll: %(o)s is more than the %(e)s "
                      "enrolled.") % {"o": format_number(c.enrolled_off_payroll), "e": format_number(c.enrolled)}))
    if c.completed_off_payroll > min(c.completed, c.enrolled_off_payroll):
        found.append(("completed_off_payroll", _("Completed not on the state payroll: more than those completed or "
                      "enrolled not on the state payroll.")))
    if c.completed and not c.opened_on:
        found.append(("opened_on", _("Opened on: learners completed a class that has not opened.")))
    return found


def save_class(user: Any, c: TrainingClass) -> TrainingClass:
    return save_checked(user, c, class_problems, text=("title", "centre", "notes"))


def delete_class(user: Any, c: TrainingClass) -> None:
    delete_checked(user, c)


def plan_problems(plan: TrainingPlan) -> list[tuple[str, str]]:
    found = count_problems(plan, {
        "planned_classes": _("Classes planned"), "planned_learners": _("Learners planned"),
        "planned_off_payroll": _("Learners not on the state payroll planned"),
    })
    if not found and plan.planned_off_payroll > plan.planned_learners:
        found.append(("planned_off_payroll", _("Learners not on the state payroll planned: more than the learners "
                                               "planned.")))
    if plan.year and not 2000 <= plan.year <= 2100:
        found.append(("year", _("Year: between 2000 and 2100.")))
    duplicate = TrainingPlan.objects.filter(unit_id=plan.unit_id, year=plan.year).exclude(pk=plan.pk)
    if plan.unit_id and duplicate.exists():
        found.append(("year", _("Year: the unit already has a plan for %(year)s.") % {"year": plan.year}))
    return found


def save_plan(user: Any, plan: TrainingPlan) -> TrainingPlan:
    return save_checked(user, plan, plan_problems)


def plan_against_actual(plan: TrainingPlan) -> dict[str, Any]:
    """The plan of a unit's year set against the classes of its subtree that opened that year."""
    classes = TrainingClass.objects.filter(unit__path__startswith=plan.unit.path, planned_open__year=plan.year)
    today = timezone.localdate()
    opened = TrainingClass.objects.filter(unit__path__startswith=plan.unit.path, opened_on__year=plan.year)
    figures = opened.aggregate(
        opened=Count("pk"), learners=Sum("enrolled"), off_payroll=Sum("enrolled_off_payroll"),
        completed=Sum("completed"),
    )
    behind = classes.behind_plan(today).count()
    rate = None
    if plan.planned_classes:
        rate = round(100 * (figures["opened"] or 0) / plan.planned_classes, 1)
    return {**{k: v or 0 for k, v in figures.items()}, "behind": behind, "rate": rate,
            "scheduled": classes.count()}


def behind_plan(user: Any, today: dt.date | None = None) -> QuerySet[TrainingClass]:
    scoped: Any = visible_classes(user)
    return scoped.behind_plan(today).select_related("unit")


def classes_in(unit: Any, start: dt.date, end: dt.date) -> QuerySet[TrainingClass]:
    """Classes of a subtree planned to open or opened within the dates."""
    return TrainingClass.objects.filter(unit__path__startswith=unit.path).filter(
        Q(planned_open__range=(start, end)) | Q(opened_on__range=(start, end))
    )
