"""Figures the history works derive, by stage; they replace LS_CONG_TRINH and LS_XUAT_BAN.

Works in drafting or appraisal are a stock (counted as they stood at the period's end); publications
and appraisals are counted in the period they happened.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q

from tuyengiao.core.periods import Period
from tuyengiao.core.providers import Dependency, DerivedElement, Locate, depends_on, per_unit, register

from .models import HistoryWork


def in_hand(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    """Works begun by the period's end and not yet published then."""
    works = HistoryWork.objects.filter(started_on__lte=period.end).filter(
        Q(published_on__isnull=True) | Q(published_on__gt=period.end))
    return per_unit(works, unit_ids, Count("pk"))


def appraised(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    return per_unit(HistoryWork.objects.filter(appraised_on__range=(period.start, period.end)), unit_ids, Count("pk"))


def published(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    return per_unit(HistoryWork.objects.filter(published_on__range=(period.start, period.end)), unit_ids,
                    Count("pk"))


IN_HAND = register(DerivedElement(
    code="LSD_DANG_BIEN_SOAN", name="Số công trình lịch sử đảng bộ đang biên soạn, thẩm định", compute=in_hand,
    aggregation="last", value_type="integer", work_field="history",
    description="Công trình đã bắt đầu biên soạn và chưa xuất bản vào cuối kỳ."))
APPRAISED = register(DerivedElement(
    code="LSD_THAM_DINH", name="Số công trình lịch sử đảng bộ được thẩm định", compute=appraised, aggregation="sum",
    value_type="integer", work_field="history", description="Công trình có quyết định thẩm định trong kỳ."))
PUBLISHED = register(DerivedElement(
    code="LSD_XUAT_BAN", name="Số công trình lịch sử đảng bộ được xuất bản", compute=published, aggregation="sum",
    value_type="integer", work_field="history", description="Công trình xuất bản trong kỳ."))



def _on(field: str) -> Locate:
    def locate(work: HistoryWork) -> list[tuple[int, Any]]:
        """A work counts for its compiling unit in the month it was appraised or published."""
        day = getattr(work, field)
        return [(work.unit_id, day)] if work.unit_id and day else []

    return locate


# Kept as values, refreshed when a work changes (works in hand are a stock: computed on read).
depends_on(APPRAISED.code, Dependency("history.HistoryWork", _on("appraised_on")))
depends_on(PUBLISHED.code, Dependency("history.HistoryWork", _on("published_on")))
