"""Figures the work plans derive: key tasks due, done on time and overdue; reviews of documents due and done.

Tasks count for the unit whose plan holds them; reviews for the unit that owes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from tuyengiao.core.periods import Period
from tuyengiao.core.providers import Dependency, DerivedElement, Locate, depends_on, per_unit, register

from .models import OPEN, DocumentReview, KeyTask, TaskStatus, WorkPlan


def _tasks(period: Period):
    return KeyTask.objects.filter(due_on__range=(period.start, period.end))


def _reviews(period: Period):
    return DocumentReview.objects.filter(due_on__range=(period.start, period.end))


def _as_of(period: Period):
    return min(timezone.localdate(), period.end)


def tasks_due(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    return per_unit(_tasks(period), unit_ids, Count("pk"), "plan__unit_id")


def tasks_on_time(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    done = _tasks(period).filter(status=TaskStatus.DONE, done_on__lte=F("due_on"))
    return per_unit(done, unit_ids, Count("pk"), "plan__unit_id")


def tasks_overdue(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    """Tasks due in the period and still open after their date (as of today or the period's end)."""
    late = _tasks(period).filter(Q(status__in=OPEN, due_on__lt=_as_of(period)) | Q(done_on__gt=F("due_on")))
    return per_unit(late, unit_ids, Count("pk"), "plan__unit_id")


def reviews_due(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    return per_unit(_reviews(period), unit_ids, Count("pk"))


def reviews_done(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    return per_unit(DocumentReview.objects.filter(done_on__range=(period.start, period.end)), unit_ids, Count("pk"))


def reviews_overdue(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    late = _reviews(period).filter(done_on__isnull=True, due_on__lt=_as_of(period))
    return per_unit(late, unit_ids, Count("pk"))


for _code, _name, _compute, _description in [
    ("KHN_NHIEM_VU", "Số nhiệm vụ trọng tâm đến hạn", tasks_due, "Nhiệm vụ trọng tâm có hạn trong kỳ."),
    ("KHN_DUNG_HAN", "Số nhiệm vụ trọng tâm hoàn thành đúng hạn", tasks_on_time,
     "Nhiệm vụ đến hạn trong kỳ, hoàn thành không muộn hơn hạn."),
    ("KHN_QUA_HAN", "Số nhiệm vụ trọng tâm quá hạn", tasks_overdue,
     "Nhiệm vụ đến hạn trong kỳ chưa hoàn thành khi quá hạn, hoặc hoàn thành muộn."),
    ("SKTK_DEN_HAN", "Số cuộc sơ kết, tổng kết văn bản đến hạn", reviews_due,
     "Sơ kết, tổng kết nghị quyết, chỉ thị có hạn trong kỳ."),
    ("SKTK_DA_LAM", "Số cuộc sơ kết, tổng kết văn bản đã thực hiện", reviews_done,
     "Sơ kết, tổng kết thực hiện trong kỳ."),
    ("SKTK_QUA_HAN", "Số cuộc sơ kết, tổng kết văn bản quá hạn", reviews_overdue,
     "Sơ kết, tổng kết đến hạn trong kỳ mà chưa thực hiện."),
]:
    register(DerivedElement(code=_code, name=_name, compute=_compute, aggregation="sum", value_type="integer",
                            work_field="plans", description=_description))


# --- kept as values ----------------------------------------------------------------------------
# A task counts for the unit whose plan holds it, in the month it is due; a review for the unit
# that owes it, in the month it is due or was done. The overdue counts grow with today's date
# without any record changing: they are computed on read.

Places = list[tuple[int, Any]]


def _on_time(task: KeyTask) -> bool:
    """As ``tasks_on_time`` counts it: done, and not after its due date."""
    if task.status != TaskStatus.DONE or task.done_on is None or task.due_on is None:
        return False
    return task.done_on <= task.due_on


def _task(only_on_time: bool) -> Locate:
    def locate(task: KeyTask) -> Places:
        if task.due_on is None or (only_on_time and not _on_time(task)):
            return []
        unit_id = WorkPlan.objects.filter(pk=task.plan_id).values_list("unit_id", flat=True).first()
        return [(unit_id, task.due_on)] if unit_id else []

    return locate


def _plan(only_on_time: bool) -> Locate:
    def locate(plan: WorkPlan) -> Places:
        """A plan moved to another unit takes its tasks' figures along."""
        tasks = KeyTask.objects.filter(plan_id=plan.pk, due_on__isnull=False)
        if only_on_time:
            tasks = tasks.filter(status=TaskStatus.DONE, done_on__lte=F("due_on"))
        months = tasks.annotate(month=TruncMonth("due_on")).values_list("month", flat=True).distinct()
        return [(plan.unit_id, month) for month in months] if plan.unit_id else []

    return locate


def _review(field: str) -> Locate:
    def locate(review: DocumentReview) -> Places:
        day = getattr(review, field)
        return [(review.unit_id, day)] if review.unit_id and day else []

    return locate


for _code, _on_time_only in (("KHN_NHIEM_VU", False), ("KHN_DUNG_HAN", True)):
    depends_on(_code, Dependency("plans.KeyTask", _task(_on_time_only)),
               Dependency("plans.WorkPlan", _plan(_on_time_only)))
depends_on("SKTK_DEN_HAN", Dependency("plans.DocumentReview", _review("due_on")))
depends_on("SKTK_DA_LAM", Dependency("plans.DocumentReview", _review("done_on")))
