"""Figures the inspections derive: planned and held, cadres and organisations covered, overdue follow-ups.

Codes start with ``KTGS_`` so they never clash with the typed elements (KT_CUOC, KT_CAN_BO,
KT_TO_CHUC) they replace once the inspections are kept here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum

from tuyengiao.core.periods import Period
from tuyengiao.core.providers import Dependency, DerivedElement, depends_on, per_unit, register

from .models import Inspection, InspectionStatus, Recommendation
from .services import overdue_q


def _held(period: Period) -> QuerySet[Inspection]:
    """Held inspections count in the period they ended."""
    return Inspection.objects.filter(status=InspectionStatus.HELD, held_to__gte=period.start, held_to__lte=period.end)


def planned(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    qs = Inspection.objects.filter(planned_on__gte=period.start, planned_on__lte=period.end)
    return per_unit(qs, unit_ids, Count("pk"))


def held(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    return per_unit(_held(period), unit_ids, Count("pk"))


def cadres(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    return per_unit(_held(period), unit_ids, Sum("cadres_covered"))


def organisations(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    return per_unit(_held(period), unit_ids, Sum("organisations_covered"))


def overdue(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    """Recommendations not done by the period's end though due before it, counted for their owner unit."""
    qs = Recommendation.objects.filter(overdue_q(period.end + dt.timedelta(days=1)))
    return per_unit(qs, unit_ids, Count("pk"), unit_field="owner_unit_id")


PLANNED = register(DerivedElement(
    code="KTGS_CUOC_KE_HOACH", name="Số cuộc kiểm tra, giám sát theo kế hoạch", compute=planned,
    work_field="ideology", description="Cuộc kiểm tra, giám sát dự kiến trong kỳ, tính cho đơn vị kiểm tra.",
))
HELD = register(DerivedElement(
    code="KTGS_CUOC", name="Số cuộc kiểm tra, giám sát đã tiến hành", compute=held, work_field="ideology",
    description="Cuộc kiểm tra, giám sát kết thúc trong kỳ, tính cho đơn vị kiểm tra.",
))
CADRES = register(DerivedElement(
    code="KTGS_CAN_BO", name="Số cán bộ, đảng viên được kiểm tra, giám sát", compute=cadres,
    work_field="ideology", description="Tổng số cán bộ, đảng viên của các cuộc đã tiến hành trong kỳ.",
))
ORGANISATIONS = register(DerivedElement(
    code="KTGS_TO_CHUC", name="Số tổ chức đảng được kiểm tra, giám sát", compute=organisations,
    work_field="ideology", description="Tổng số tổ chức đảng của các cuộc đã tiến hành trong kỳ.",
))
OVERDUE = register(DerivedElement(
    code="KTGS_KIEN_NGHI_QUA_HAN", name="Số kiến nghị sau kiểm tra quá hạn chưa thực hiện", compute=overdue,
    aggregation="last", work_field="ideology",
    description="Kiến nghị đến hết kỳ đã quá hạn mà chưa hoàn thành, tính cho đơn vị chịu trách nhiệm.",
))



def _planned_for(inspection: Inspection) -> list[tuple[int, Any]]:
    """An inspection counts as planned for the inspecting unit in the month it was planned for."""
    return [(inspection.unit_id, inspection.planned_on)] if inspection.unit_id and inspection.planned_on else []


def _held_until(inspection: Inspection) -> list[tuple[int, Any]]:
    """A held inspection counts for the inspecting unit in the month it ended."""
    if inspection.status != InspectionStatus.HELD or not inspection.unit_id or not inspection.held_to:
        return []
    return [(inspection.unit_id, inspection.held_to)]


# Kept as values, refreshed when an inspection changes (overdue recommendations are a stock that
# grows with today's date: computed on read).
depends_on(PLANNED.code, Dependency("inspections.Inspection", _planned_for))
for _element in (HELD, CADRES, ORGANISATIONS):
    depends_on(_element.code, Dependency("inspections.Inspection", _held_until))
