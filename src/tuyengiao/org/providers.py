"""Figures the organisation tree derives: Party members per unit."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from tuyengiao.core.periods import Period
from tuyengiao.core.providers import DerivedElement, register

from . import tree
from .models import Unit, open_on_q


def members(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    """Members registered in each unit itself (cells) at the end of the period."""
    qs = Unit.objects.filter(open_on_q(period.end), member_count__gt=0)
    if unit_ids is not None:
        qs = qs.filter(pk__in=list(unit_ids))
    return {pk: Decimal(count) for pk, count in qs.values_list("pk", "member_count")}


def members_rolled_up(targets: list[Unit], period: Period, structure: str) -> dict[int, Decimal] | None:
    """Members under each target at the end of the period, summed by the tree in one statement.

    On the structure of the period, the dated tree; on today's structure, the same while the tree
    has not changed since the period's end, else the members carried through the successions
    with their shares (``None`` where the database cannot: the service then carries them itself).
    """
    if structure == "current" and not tree.is_todays_tree(period.end):
        carried = tree.member_totals_carried(targets, period.end)
        return None if carried is None else {pk: total for pk, total in carried.items() if total > 0}
    totals = tree.member_totals_on(targets, period.end)
    return {pk: Decimal(total) for pk, total in totals.items() if total > 0}


MEMBERS = register(DerivedElement(
    code="DV_SO_LUONG", name="Số đảng viên", compute=members, aggregation="last", value_type="integer",
    rollup=members_rolled_up,
    work_field="organisation", description="Đảng viên sinh hoạt tại các chi bộ, tính đến cuối kỳ.",
))
