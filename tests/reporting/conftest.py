"""A small reporting catalogue on top of the shared world, made through the models' own rules."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from tests.conftest import World
from tuyengiao.reporting.models import (
    DataElement,
    DataSet,
    DataSetElement,
    Indicator,
    ValidationRule,
)


@dataclass
class Catalogue:
    sessions: DataElement
    attendees: DataElement
    expected: DataElement
    rate: DataElement
    note: DataElement
    monthly: DataSet
    half: DataSet
    participation: Indicator


def build_catalogue() -> Catalogue:
    sessions = DataElement.objects.create(
        code="HT_SO_BUOI",
        name="Số buổi học tập, quán triệt",
        value_type="integer",
        aggregation="sum",
        work_field="study",
    )
    attendees = DataElement.objects.create(
        code="HT_LUOT_DV",
        name="Số lượt đảng viên tham gia",
        value_type="integer",
        aggregation="sum",
        work_field="study",
    )
    expected = DataElement.objects.create(
        code="HT_DV_TRIEU_TAP",
        name="Số đảng viên được triệu tập",
        value_type="integer",
        aggregation="sum",
        work_field="study",
    )
    rate = DataElement.objects.create(
        code="HT_TY_LE_TU_DANH_GIA",
        name="Tỷ lệ tự đánh giá đạt",
        value_type="percent",
        aggregation="avg",
        work_field="study",
    )
    note = DataElement.objects.create(code="GHI_CHU", name="Ghi chú", value_type="text", aggregation="sum")
    monthly = DataSet.objects.create(
        code="BC_THANG",
        name="Báo cáo tháng công tác tuyên giáo",
        period_type="month",
        unit_kinds=["commune", "district"],
        due_days=5,
    )
    half = DataSet.objects.create(
        code="BC_6T",
        name="Báo cáo sơ kết 6 tháng",
        period_type="half_year",
        unit_kinds=["commune"],
        due_days=10,
    )
    for order, element in enumerate([sessions, attendees, expected, rate, note]):
        DataSetElement.objects.create(dataset=monthly, element=element, section="Học tập", order=order)
    DataSetElement.objects.create(dataset=half, element=sessions, section="Học tập", order=0)
    # Party cells report their own study sessions; only units of a reporting kind may hold figures.
    cell_monthly = DataSet.objects.create(
        code="BC_CHI_BO", name="Báo cáo tháng của chi bộ", period_type="month", unit_kinds=["cell"], due_days=3
    )
    for order, element in enumerate([sessions, attendees]):
        DataSetElement.objects.create(dataset=cell_monthly, element=element, section="Học tập", order=order)
    ValidationRule.objects.create(
        dataset=monthly,
        name="Tham gia không vượt triệu tập",
        left="#{HT_LUOT_DV}",
        operator="<=",
        right="#{HT_DV_TRIEU_TAP}",
        message="Số lượt đảng viên tham gia không được lớn hơn số đảng viên được triệu tập",
    )
    participation = Indicator.objects.create(
        code="TL_THAM_GIA",
        name="Tỷ lệ đảng viên tham gia học tập",
        numerator="#{HT_LUOT_DV}",
        denominator="#{HT_DV_TRIEU_TAP}",
        factor=Decimal(100),
        decimals=1,
    )
    return Catalogue(sessions, attendees, expected, rate, note, monthly, half, participation)


@pytest.fixture
def catalogue(world: World) -> Catalogue:
    return build_catalogue()
