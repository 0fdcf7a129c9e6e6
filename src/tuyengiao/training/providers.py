"""Figures the training classes derive, counted for the organising unit.

They replace the typed counts LL_LOP_KE_HOACH, LL_LOP_MO and LL_HOC_VIEN where classes are recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone

from tuyengiao.core.periods import Period
from tuyengiao.core.providers import Dependency, DerivedElement, Locate, depends_on, per_unit, register

from .models import TrainingClass, TrainingPlan


def _planned(period: Period):
    return TrainingClass.objects.filter(planned_open__range=(period.start, period.end))


def _opened(period: Period):
    return TrainingClass.objects.filter(opened_on__range=(period.start, period.end))


def planned(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    return per_unit(_planned(period), unit_ids, Count("pk"))


def opened(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    return per_unit(_opened(period), unit_ids, Count("pk"))


def behind(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    today = min(timezone.localdate(), period.end)
    return per_unit(_planned(period).behind_plan(today), unit_ids, Count("pk"))


def enrolled(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    return per_unit(_opened(period), unit_ids, Sum("enrolled"))


def enrolled_off_payroll(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    return per_unit(_opened(period), unit_ids, Sum("enrolled_off_payroll"))


def _closed(period: Period):
    return TrainingClass.objects.filter(closed_on__range=(period.start, period.end))


def completed(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    return per_unit(_closed(period), unit_ids, Sum("completed"))


def completed_off_payroll(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    return per_unit(_closed(period), unit_ids, Sum("completed_off_payroll"))


def yearly_plan(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    """Classes in the unit's plan for the year, for a period that is a whole year."""
    if period.type != "year":
        return {}
    return per_unit(TrainingPlan.objects.filter(year=period.year), unit_ids, Sum("planned_classes"))


def _element(code: str, name: str, compute, description: str) -> DerivedElement:
    return register(DerivedElement(code=code, name=name, compute=compute, aggregation="sum", value_type="integer",
                                   work_field="theory", description=description))


PLANNED = _element("BD_LOP_KE_HOACH", "Số lớp lý luận chính trị theo kế hoạch (từ danh sách lớp)", planned,
                   "Lớp có ngày khai giảng theo kế hoạch trong kỳ.")
OPENED = _element("BD_LOP_DA_MO", "Số lớp lý luận chính trị đã mở (từ danh sách lớp)", opened,
                  "Lớp khai giảng trong kỳ.")
BEHIND = _element("BD_LOP_CHAM", "Số lớp lý luận chính trị chậm so với kế hoạch", behind,
                  "Lớp dự kiến khai giảng trong kỳ nhưng chưa mở hoặc mở muộn.")
ENROLLED = _element("BD_HOC_VIEN", "Số học viên các lớp lý luận chính trị đã mở", enrolled,
                    "Học viên nhập học các lớp khai giảng trong kỳ.")
OFF_PAYROLL = _element("BD_HV_NGOAI_BIEN_CHE", "Số học viên không hưởng lương từ ngân sách", enrolled_off_payroll,
                       "Học viên không thuộc biên chế nhà nước của các lớp khai giảng trong kỳ.")
COMPLETED = _element("BD_HV_HOAN_THANH", "Số học viên hoàn thành chương trình (từ danh sách lớp)", completed,
                     "Học viên hoàn thành các lớp bế giảng trong kỳ.")
COMPLETED_OFF = _element("BD_HV_HOAN_THANH_NBC", "Số học viên không hưởng lương từ ngân sách hoàn thành",
                         completed_off_payroll, "Học viên ngoài biên chế hoàn thành các lớp bế giảng trong kỳ.")
YEAR_PLAN = _element("BD_KE_HOACH_NAM", "Số lớp lý luận chính trị trong kế hoạch năm", yearly_plan,
                     "Số lớp trong kế hoạch năm của đơn vị; chỉ có giá trị cho kỳ năm.")



def _on(field: str) -> Locate:
    def locate(training_class: TrainingClass) -> list[tuple[int, Any]]:
        """A class counts for its organising unit in the month of the day the figure follows."""
        day = getattr(training_class, field)
        return [(training_class.unit_id, day)] if training_class.unit_id and day else []

    return locate


# Kept as values, refreshed when a class changes. Classes behind plan depend on today's date and
# the year's plan is a figure of whole years only: both are computed on read.
for _kept, _field in ((PLANNED, "planned_open"), (OPENED, "opened_on"), (ENROLLED, "opened_on"),
                         (OFF_PAYROLL, "opened_on"), (COMPLETED, "closed_on"), (COMPLETED_OFF, "closed_on")):
    depends_on(_kept.code, Dependency("training.TrainingClass", _on(_field)))
