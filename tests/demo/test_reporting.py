"""The demo figures on a small copy of the demo province: plausible, complete where promised, idempotent."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from tuyengiao.demo import reporting as demo
from tuyengiao.org.choices import UnitKind
from tuyengiao.org.models import Unit
from tuyengiao.org.services import NewUnit, Reorganisation, create_unit, reorganise
from tuyengiao.reporting import analytics, services
from tuyengiao.reporting.models import DataSet, DataValue, Indicator, Status, Submission


def small_province() -> Unit:
    founded = dt.date(2010, 1, 1)
    province = create_unit(
        code="LS", name="Đảng bộ tỉnh Long Sơn", kind=UnitKind.PROVINCE, parent=None, valid_from=founded
    )
    district = create_unit(
        code="LS.H01", name="Đảng bộ huyện Một", kind=UnitKind.DISTRICT, parent=province, valid_from=founded
    )
    communes = []
    for number in (1, 2, 3):
        commune = create_unit(
            code=f"LS.X00{number}",
            name=f"Đảng bộ xã Số {number}",
            kind=UnitKind.COMMUNE,
            parent=district,
            valid_from=founded,
        )
        for cell in (1, 2):
            create_unit(
                code=f"{commune.code}.C0{cell}",
                name=f"Chi bộ thôn {cell}",
                kind=UnitKind.CELL,
                parent=commune,
                valid_from=founded,
                member_count=150,
            )
        communes.append(commune)
    reorganise(
        Reorganisation(
            date=dt.date(2025, 7, 1),
            close=communes,
            open=[NewUnit(code="LS.XM01", name="Đảng bộ xã Số 1", kind=UnitKind.COMMUNE, parent=province)],
        )
    )
    return Unit.objects.get(code="LS")


@pytest.mark.django_db
def test_the_demo_loads_plausible_reports_once() -> None:
    province = small_province()
    demo.load(io.StringIO())
    values, submissions = DataValue.objects.count(), Submission.objects.count()
    assert len(demo.ELEMENTS) == 13 and Indicator.objects.count() == 5
    assert not {code for code, *_rest in demo.ELEMENTS} & set(demo.RETIRED)  # the registers derive those
    assert values > 400
    demo.load(io.StringIO())  # a second run changes nothing
    assert (DataValue.objects.count(), Submission.objects.count()) == (values, submissions)
    half = DataSet.objects.get(code="BC_6THANG")
    report = services.completeness(half, province, "2024S1")
    assert report.root.expected == report.root.approved == 3  # one half-year fully approved
    merged = Unit.objects.get(code="LS.XM01")
    assert (
        not DataValue.objects.filter(unit=merged, period__lt="202507", period__startswith="2025")
        .exclude(period__contains="S")
        .exists()
    )  # the merged commune reports only from July 2025
    rows = analytics.table(
        analytics.values(["TL_THAM_GIA_HOC_TAP", "TL_DANG_KY_LAM_THEO"], ["2024"], province)
    )
    for code in ("TL_THAM_GIA_HOC_TAP", "TL_DANG_KY_LAM_THEO"):
        assert 50 < rows[(code, "2024", province.pk)] <= 100
    assert Submission.objects.filter(status=Status.SUBMITTED).exists()


@pytest.mark.django_db
def test_a_catalogue_loaded_before_the_registers_stops_asking_for_their_figures() -> None:
    """An older demo catalogue typed the models, inspections, classes… now derived: loading the catalogue
    again takes them out of the data sets and drops the rules that name them."""
    from tuyengiao.reporting.models import DataElement, DataSetElement, ValidationRule

    monthly, _half = demo.catalogue()
    typed = DataElement.objects.create(code="KT_CUOC", name="Số cuộc kiểm tra, giám sát", value_type="integer")
    DataSetElement.objects.create(dataset=monthly, element=typed, order=99)
    ValidationRule.objects.create(dataset=monthly, name="Tổ chức được kiểm tra cần có cuộc kiểm tra",
                                  left="#{HT_HOI_NGHI}", operator="<=", right="#{KT_CUOC} * 20", message="…")
    demo.catalogue()
    assert not DataSetElement.objects.filter(element=typed).exists()
    assert not ValidationRule.objects.filter(name="Tổ chức được kiểm tra cần có cuộc kiểm tra").exists()
    assert ValidationRule.objects.filter(dataset=monthly).count() == 2  # the rules on typed figures stay
