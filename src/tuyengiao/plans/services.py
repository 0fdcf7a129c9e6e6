"""Work plans, key tasks and the review schedule of documents: checks and saves pages and API share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tuyengiao.core.exceptions import UserError
from tuyengiao.core.html import plain_text
from tuyengiao.core.records import refuse, require_enter, scoped_querysets
from tuyengiao.documents.services import visible_documents
from tuyengiao.org.access import Scope

from .models import DocumentReview, KeyTask, ReviewKind, TaskStatus, WorkPlan

visible_plans, editable_plans = scoped_querysets(WorkPlan)
visible_tasks, editable_tasks = scoped_querysets(KeyTask)
visible_reviews, editable_reviews = scoped_querysets(DocumentReview)


def _check_documents(user: Any, ids: Iterable[int], field: str) -> None:
    wanted = set(ids)
    if wanted and visible_documents(user).filter(pk__in=wanted).count() != len(wanted):
        raise UserError(_("%(field)s: one of them is outside the documents you can read.")
                        % {"field": _("Linked documents") if field == "documents" else _("Document")}, field=field)


def save_plan(user: Any, plan: WorkPlan) -> WorkPlan:
    require_enter(user, plan)
    plan.title = plain_text(plan.title)
    found = []
    if not plan.title:
        found.append(("title", _("Name of the plan: required.")))
    if plan.unit_id and WorkPlan.objects.filter(unit_id=plan.unit_id, year=plan.year).exclude(pk=plan.pk).exists():
        found.append(("year", _("Year: the unit already has a work plan for %(year)s.") % {"year": plan.year}))
    refuse(found)
    if plan.document_id:
        _check_documents(user, [plan.document_id], "document")
    with transaction.atomic():
        plan.save()
    return plan


def task_problems(user: Any, task: KeyTask) -> list[tuple[str, str]]:
    found = []
    if not task.title:
        found.append(("title", _("Key task: required.")))
    if not task.owner_id:
        found.append(("owner", _("Owner unit: every key task has a unit in charge.")))
    elif task.owner is not None and not Scope.of(user).allows(task.owner, "view"):
        found.append(("owner", _("Owner unit: outside the units you are responsible for.")))
    if not task.due_on:
        found.append(("due_on", _("Due date: every key task has a due date.")))
    if task.progress is not None and not 0 <= task.progress <= 100:
        found.append(("progress", _("Progress (%): between 0 and 100.")))
    if task.status == TaskStatus.DONE and not task.done_on:
        found.append(("done_on", _("Done on: a task that is done has the date it was done.")))
    if task.done_on and task.status != TaskStatus.DONE:
        found.append(("status", _("Status: a task with a date done is done.")))
    return found


def save_task(user: Any, task: KeyTask, documents: Iterable[Any] | None = None) -> KeyTask:
    """Save a key task; refused without an owner unit or a due date, nothing half-saved."""
    if not task.plan_id or not Scope.of(user).allows(task.plan.unit, "enter"):
        raise PermissionDenied
    if task.pk:
        before = KeyTask.objects.select_related("plan__unit").filter(pk=task.pk).first()
        if before is not None and not Scope.of(user).allows(before.plan.unit, "enter"):
            raise PermissionDenied
    task.title, task.field = plain_text(task.title), plain_text(task.field)
    if task.status == TaskStatus.DONE:
        task.progress = 100
    refuse(task_problems(user, task))
    if documents is not None:
        documents = list(documents)
        _check_documents(user, [d.pk for d in documents], "documents")
    with transaction.atomic():
        task.save()
        if documents is not None:
            task.documents.set(documents)
    return task


def delete_task(user: Any, task: KeyTask) -> None:
    if not Scope.of(user).allows(task.plan.unit, "enter"):
        raise PermissionDenied
    task.delete()


def save_review(user: Any, review: DocumentReview) -> DocumentReview:
    require_enter(user, review)
    review.note = plain_text(review.note)
    found = []
    if not review.document_id:
        found.append(("document", _("Document: required.")))
    issued = review.document.issued_on if review.document_id else None
    if review.done_on and issued and review.done_on < issued:
        found.append(("done_on", _("Done on: before the document was issued.")))
    refuse(found)
    _check_documents(user, [review.document_id], "document")
    with transaction.atomic():
        review.save()
    return review


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def schedule_reviews(user: Any, unit: Any, document: Any, interim_years: Iterable[int] = (5,),
                     final_years: int | None = 10) -> list[DocumentReview]:
    """Create the reviews a unit owes on a document of the registry, counted from its issue date
    (the 5-year interim review of a resolution, its final review); those already scheduled stay."""
    if unit is None or not Scope.of(user).allows(unit, "enter"):
        raise PermissionDenied
    if document is None or not visible_documents(user).filter(pk=document.pk).exists():
        raise UserError(_("Document: outside the documents you can read."), field="document")
    if not document.issued_on:
        raise UserError(_("Document: the registry has no issue date for it; enter the date first."),
                        field="document")
    years = sorted({int(y) for y in interim_years})
    if any(y < 1 for y in years) or (final_years is not None and final_years < 1):
        raise UserError(_("Years after issue: whole years of at least 1."), field="interim_years")
    wanted = [(ReviewKind.INTERIM, y) for y in years]
    if final_years:
        wanted.append((ReviewKind.FINAL, final_years))
    out = []
    with transaction.atomic():
        for kind, after in wanted:
            review, _created = DocumentReview.objects.get_or_create(
                unit=unit, document=document, kind=kind, due_on=_add_years(document.issued_on, after),
                defaults={"note": _("%(n)s years after issue") % {"n": after}},
            )
            out.append(review)
    return out


def overdue_tasks(user: Any, today: dt.date | None = None) -> QuerySet[KeyTask]:
    scoped: Any = visible_tasks(user)
    return scoped.overdue(today).select_related("plan__unit", "owner")


def overdue_reviews(user: Any, today: dt.date | None = None) -> QuerySet[DocumentReview]:
    scoped: Any = visible_reviews(user)
    return scoped.overdue(today).select_related("unit", "document")


def today() -> dt.date:
    return timezone.localdate()
