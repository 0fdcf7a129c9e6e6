"""Figures the concern reports derive: reports by topic, reports answered; they replace TT_BAO_CAO_DU_LUAN.

A report belongs to the period it was made for; a figure for a longer period adds the reports of the
periods it contains (a month, a quarter or a half-year report, whichever the unit keeps).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Count, Q, Sum

from tuyengiao.core.periods import Period
from tuyengiao.core.providers import DerivedElement, per_unit, register

from .catalogue import TOPICS
from .models import ConcernReport


def _reports(period: Period):
    return ConcernReport.objects.filter(period__in=[p.code for p in period.within()])


def reports(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    return per_unit(_reports(period), unit_ids, Sum("reports"))


def concerns(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    return per_unit(_reports(period), unit_ids, Count("pk"))


def answered(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    return per_unit(_reports(period), unit_ids, Count("pk", filter=Q(answered=True)))


def rising(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    return per_unit(_reports(period), unit_ids, Count("pk", filter=Q(trend="up")))


def _topic(code: str):
    def compute(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
        return per_unit(_reports(period).filter(topic__code=code), unit_ids, Sum("reports"))

    return compute


for _code, _name, _compute, _description in [
    ("DL_LUOT_PHAN_ANH", "Số lượt phản ánh dư luận xã hội", reports, "Tổng số lượt phản ánh trong các báo cáo."),
    ("DL_VAN_DE", "Số vấn đề dư luận xã hội được tổng hợp", concerns, "Mỗi chủ đề trong một báo cáo tính một."),
    ("DL_DA_TRA_LOI", "Số vấn đề dư luận xã hội đã được trả lời", answered, "Vấn đề đã có cơ quan trả lời."),
    ("DL_TANG", "Số vấn đề dư luận xã hội tăng so với kỳ trước", rising, "Vấn đề có số lượt phản ánh tăng."),
]:
    register(DerivedElement(code=_code, name=_name, compute=_compute, aggregation="sum", value_type="integer",
                            work_field="ideology", description=_description))

for _topic_code, _topic_name in TOPICS:
    _label = "Số lượt phản ánh về " + _topic_name[0].lower() + _topic_name[1:]
    register(DerivedElement(code=f"DL_CD_{_topic_code}", name=_label,
                            compute=_topic(_topic_code), aggregation="sum", value_type="integer",
                            work_field="ideology", description="Lượt phản ánh của một chủ đề trong danh mục."))
