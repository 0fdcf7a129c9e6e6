"""Figures the organisation tree derives: Party members per unit."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from tuyengiao.core.periods import Period
from tuyengiao.core.providers import DerivedElement, register

from .models import Unit, open_on_q


def members(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    """Members registered in each unit itself (cells) at the end of the period."""
    qs = Unit.objects.filter(open_on_q(period.end), member_count__gt=0)
    if unit_ids is not None:
        qs = qs.filter(pk__in=list(unit_ids))
    return {pk: Decimal(count) for pk, count in qs.values_list("pk", "member_count")}


MEMBERS = register(DerivedElement(
    code="DV_SO_LUONG", name="Số đảng viên", compute=members, aggregation="last", value_type="integer",
    work_field="organisation", description="Đảng viên sinh hoạt tại các chi bộ, tính đến cuối kỳ.",
))
