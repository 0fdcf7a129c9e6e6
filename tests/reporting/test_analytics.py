"""The roll-up service against independent SQL, across periods, and across a merge."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from tests.conftest import World
from tests.reporting.conftest import Catalogue
from tuyengiao.core.exceptions import UserError
from tuyengiao.org.choices import UnitKind
from tuyengiao.org.models import Unit
from tuyengiao.org.services import NewUnit, Reorganisation, reorganise
from tuyengiao.reporting import analytics, services
from tuyengiao.reporting.models import DataElement, DataSet, DataSetElement


def enter(user, element, unit, period, value):  # type: ignore[no-untyped-def]
    return services.save_value(user, element, unit, period, str(value), None)


@pytest.mark.smoke
def test_a_rolled_up_figure_equals_an_independent_sql_sum(world: World, catalogue: Catalogue) -> None:
    admin = world.province_admin
    figures = {
        world.commune: [5, 7, 9, 11, 13, 15],
        world.other_commune: [2, 4, 6, 8, 10, 12],
        world.cell: [1, 1, 1, 1, 1, 1],
    }
    for unit, monthly in figures.items():
        for month, value in enumerate(monthly, start=1):
            enter(admin, catalogue.attendees, unit, f"2024{month:02d}", value)
    enter(admin, catalogue.attendees, world.commune, "202407", 100)  # outside the half-year
    rows = analytics.values(["HT_LUOT_DV"], ["2024S1"], world.province)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT SUM(v.value) FROM reporting_datavalue v JOIN org_unit u ON u.id = v.unit_id"
            " JOIN reporting_dataelement e ON e.id = v.element_id"
            " WHERE e.code = %s AND u.path LIKE %s AND v.period BETWEEN %s AND %s",
            ["HT_LUOT_DV", world.province.path + "%", "202401", "202406"],
        )
        expected = cursor.fetchone()[0]
    assert [(r.dx, r.pe, r.ou) for r in rows] == [("HT_LUOT_DV", "2024S1", "T")]
    assert rows[0].value == expected == Decimal(108)
    # children of the commune: the cell's own figure; the commune row includes its cell
    kids = analytics.table(analytics.values(["HT_LUOT_DV"], ["2024Q1"], world.district, "children"))
    assert kids[("HT_LUOT_DV", "2024Q1", world.commune.pk)] == Decimal(5 + 7 + 9 + 3)
    assert kids[("HT_LUOT_DV", "2024Q1", world.other_commune.pk)] == Decimal(12)


@pytest.mark.smoke
def test_aggregation_types_and_indicators(world: World, catalogue: Catalogue) -> None:
    admin = world.province_admin
    for period, rate in (("202401", 80), ("202402", 90)):
        enter(admin, catalogue.rate, world.commune, period, rate)
    enter(admin, catalogue.rate, world.other_commune, "202401", 70)
    enter(admin, catalogue.attendees, world.commune, "202401", 45)
    enter(admin, catalogue.expected, world.commune, "202401", 50)
    enter(admin, catalogue.attendees, world.other_commune, "202402", 30)
    enter(admin, catalogue.expected, world.other_commune, "202402", 40)
    DataElement.objects.create(code="HT_MAX", name="Lớn nhất", aggregation="max")
    got = analytics.table(
        analytics.values(["HT_TY_LE_TU_DANH_GIA", "TL_THAM_GIA", "DV_SO_LUONG"], ["2024Q1"], world.province)
    )
    province = world.province.pk
    assert got[("HT_TY_LE_TU_DANH_GIA", "2024Q1", province)] == Decimal(80)  # average of 80, 90, 70
    assert got[("TL_THAM_GIA", "2024Q1", province)] == Decimal("83.3")  # 75 / 90 from rolled-up parts
    assert got[("DV_SO_LUONG", "2024Q1", province)] == Decimal(95)  # derived, last value: 30 + 25 + 40


@pytest.mark.smoke
def test_last_value_takes_the_last_period_and_sums_units(world: World, catalogue: Catalogue) -> None:
    stock = DataElement.objects.create(
        code="MO_HINH_DANG_DUY_TRI", name="Mô hình đang duy trì", aggregation="last"
    )
    catalogue.monthly.members.create(element=stock, order=9)  # figures are entered on a report
    admin = world.province_admin
    enter(admin, stock, world.commune, "202401", 3)
    enter(admin, stock, world.commune, "202403", 4)
    enter(admin, stock, world.other_commune, "202402", 6)
    rows = analytics.values(["MO_HINH_DANG_DUY_TRI"], ["2024Q1"], world.district)
    assert rows[0].value == Decimal(10)


@pytest.mark.smoke
def test_after_a_merge_current_structure_figures_add_up(world: World, catalogue: Catalogue) -> None:
    admin = world.province_admin
    for month in range(1, 7):
        enter(admin, catalogue.sessions, world.commune, f"2024{month:02d}", 2)
        enter(admin, catalogue.sessions, world.other_commune, f"2024{month:02d}", 3)
    reorganise(
        Reorganisation(
            date=dt.date(2024, 7, 1),
            close=[world.commune, world.other_commune],
            open=[
                NewUnit(
                    code="T.XM", name="Đảng bộ xã Chí Linh mới", kind=UnitKind.COMMUNE, parent=world.district
                )
            ],
        )
    )
    merged = Unit.objects.get(code="T.XM")
    with pytest.raises(UserError) as info:  # the merged commune did not exist in the first half
        enter(admin, catalogue.sessions, merged, "202406", 1)
    assert "không tồn tại" in info.value.message
    for month in range(7, 13):
        enter(admin, catalogue.sessions, merged, f"2024{month:02d}", 4)
    enter(admin, catalogue.sessions, world.cell, "202408", 1)  # a cell moved under the merged commune
    current = analytics.table(
        analytics.values(
            ["HT_SO_BUOI", "DV_SO_LUONG"], ["2024S1", "2024S2", "2024"], merged, structure="current"
        )
    )
    assert current[("HT_SO_BUOI", "2024S1", merged.pk)] == Decimal(30)  # both old communes added up
    assert current[("HT_SO_BUOI", "2024S2", merged.pk)] == Decimal(25)
    assert current[("HT_SO_BUOI", "2024", merged.pk)] == Decimal(55)
    assert current[("DV_SO_LUONG", "2024S1", merged.pk)] == Decimal(95)
    as_of_period = analytics.table(analytics.values(["HT_SO_BUOI"], ["2024S1", "2024S2"], merged))
    assert ("HT_SO_BUOI", "2024S1", merged.pk) not in as_of_period  # the commune did not exist yet
    assert as_of_period[("HT_SO_BUOI", "2024S2", merged.pk)] == Decimal(25)
    # the district sees the same total either way
    district = analytics.table(analytics.values(["HT_SO_BUOI"], ["2024"], world.district))
    assert district[("HT_SO_BUOI", "2024", world.district.pk)] == Decimal(55)
    # the old commune's children on the structure of its period
    old = analytics.table(analytics.values(["HT_SO_BUOI"], ["2024S1"], world.district, "children"))
    assert old[("HT_SO_BUOI", "2024S1", world.commune.pk)] == Decimal(12)
    with pytest.raises(UserError):
        analytics.values(["HT_SO_BUOI"], ["2024S1"], Unit.objects.get(code="T.X1"), structure="current")


@pytest.mark.smoke
def test_unknown_codes_and_modes_are_refused(world: World, catalogue: Catalogue) -> None:
    with pytest.raises(UserError) as info:
        analytics.values(["KHONG_CO"], ["2024"], world.province)
    assert "KHONG_CO" in info.value.message
    with pytest.raises(UserError):
        analytics.values(["HT_SO_BUOI"], ["2024"], world.province, ou_mode="all")


def test_a_split_shares_the_figures_of_the_old_unit(world: World, catalogue: Catalogue) -> None:
    admin = world.province_admin
    enter(admin, catalogue.sessions, world.other_commune, "202401", 10)
    reorganise(
        Reorganisation(
            date=dt.date(2024, 7, 1),
            close=[world.other_commune],
            open=[
                NewUnit(
                    code="T.XA", name="Đảng bộ xã Tân Lập A", kind=UnitKind.COMMUNE, parent=world.district
                ),
                NewUnit(
                    code="T.XB", name="Đảng bộ xã Tân Lập B", kind=UnitKind.COMMUNE, parent=world.district
                ),
            ],
            successions=[("T.X2", "T.XA", Decimal("0.6")), ("T.X2", "T.XB", Decimal("0.4"))],
            moves={"T.X2.C1": "T.XA"},
        )
    )
    got = analytics.table(analytics.values(["HT_SO_BUOI"], ["2024"], world.district, "children", "current"))
    split_a, split_b = Unit.objects.get(code="T.XA"), Unit.objects.get(code="T.XB")
    assert got[("HT_SO_BUOI", "2024", split_a.pk)] == Decimal(6)
    assert got[("HT_SO_BUOI", "2024", split_b.pk)] == Decimal(4)
    total = analytics.values(["HT_SO_BUOI"], ["2024"], world.district, structure="current")
    assert total[0].value == Decimal(10)


def test_max_takes_the_largest_value_over_periods_and_units(world: World, catalogue: Catalogue) -> None:
    biggest = DataElement.objects.create(
        code="HT_HOI_NGHI_LON_NHAT", name="Hội nghị đông nhất (người)", aggregation="max"
    )
    for dataset in DataSet.objects.filter(code__in=["BC_THANG", "BC_CHI_BO"]):
        DataSetElement.objects.create(dataset=dataset, element=biggest, section="Học tập", order=9)
    admin = world.province_admin
    enter(admin, biggest, world.commune, "202401", 120)
    enter(admin, biggest, world.commune, "202402", 80)
    enter(admin, biggest, world.other_commune, "202403", 150)
    enter(admin, biggest, world.cell, "202402", 300)  # a cell of the first commune
    enter(admin, biggest, world.other_commune, "202404", 900)  # outside the quarter
    got = analytics.table(analytics.values(["HT_HOI_NGHI_LON_NHAT"], ["2024Q1", "2024S1"], world.district, "children"))
    assert got[("HT_HOI_NGHI_LON_NHAT", "2024Q1", world.commune.pk)] == Decimal(300)  # its cell's, not 120 + 80 + 300
    assert got[("HT_HOI_NGHI_LON_NHAT", "2024Q1", world.other_commune.pk)] == Decimal(150)
    assert got[("HT_HOI_NGHI_LON_NHAT", "2024S1", world.other_commune.pk)] == Decimal(900)
    top = analytics.values(["HT_HOI_NGHI_LON_NHAT"], ["2024Q1"], world.province, structure="current")
    assert [r.value for r in top] == [Decimal(300)]


def test_the_analytics_answer_names_the_parameter_it_was_given(world: World, catalogue: Catalogue) -> None:
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(world.province_approver)
    answer = client.get("/api/analytics/", {"dx": "HT_SO_BUOI", "pe": "2024"})
    assert answer.status_code == 400
    assert "ou" in answer.json() and "orgUnit" not in answer.content.decode()
    assert "(ou)" in answer.json()["ou"][0]


@pytest.mark.django_db(transaction=True)
def test_the_catalogue_is_read_once_per_snapshot(world: World, catalogue: Catalogue) -> None:
    """Asked again with nothing written, the elements and indicators are not looked up again;
    a changed indicator is a write, so the next answer uses its new definition."""
    from django.test.utils import CaptureQueriesContext

    enter(world.province_admin, catalogue.attendees, world.commune, "202401", 75)
    enter(world.province_admin, catalogue.expected, world.commune, "202401", 90)

    def rate() -> Decimal:
        return analytics.table(analytics.values(["TL_THAM_GIA"], ["202401"], world.commune))[
            ("TL_THAM_GIA", "202401", world.commune.pk)
        ]

    assert rate() == Decimal("83.3")
    with CaptureQueriesContext(connection) as again:
        assert rate() == Decimal("83.3")
    read = " ".join(q["sql"] for q in again.captured_queries)
    assert "reporting_indicator" not in read and "reporting_dataelement" not in read
    catalogue.participation.factor = Decimal(1000)
    catalogue.participation.save()
    assert rate() == Decimal("833.3")
    with pytest.raises(UserError, match="KHONG_CO"):  # an unknown code is refused every time, never kept
        analytics.values(["KHONG_CO"], ["202401"], world.commune)
    with pytest.raises(UserError, match="KHONG_CO"):
        analytics.values(["KHONG_CO"], ["202401"], world.commune)
