"""The pivot table of figures: rolled-up values, periods in columns, CSV and Excel exports."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.conftest import World
from tests.reporting.conftest import Catalogue
from tests.support.personas import client_for
from tuyengiao.reporting import analytics, services

pytestmark = pytest.mark.django_db


def test_it_requires_login(world: World) -> None:
    answer = client_for(None).get(reverse("reporting:pivot") + f"?unit={world.commune.pk}")
    assert answer.status_code == 302 and reverse("accounts:login") in answer["Location"]


def test_it_requires_the_unit_in_scope(world: World) -> None:
    outsider = client_for(world.other_commune_officer)
    assert outsider.get(reverse("reporting:pivot") + f"?unit={world.commune.pk}").status_code == 404


def test_dashboard_and_pivot_show_the_rolled_up_figures(
    world: World, catalogue: Catalogue, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    admin = world.province_admin
    for month in range(1, 7):
        services.save_value(admin, catalogue.attendees, world.commune, f"2024{month:02d}", "1000", None)
        services.save_value(admin, catalogue.attendees, world.other_commune, f"2024{month:02d}", "250", None)
        services.save_value(admin, catalogue.expected, world.commune, f"2024{month:02d}", "1100", None)
    client = client_for(world.province_approver)
    # 3 analytics calls, each under a statement timeout (4 queries); the snapshot and the tree's
    # version are read before each kept answer (in this test's open transaction none is kept)
    with django_assert_max_num_queries(70):
        page = client.get(reverse("reporting:dashboard") + f"?unit={world.province.pk}&period=2024S1")
    assert page.status_code == 200
    body = page.content.decode()
    assert "7.500" in body and "echarts.min.js" in body  # 6 × 1.000 + 6 × 250
    csv = client.get(
        reverse("reporting:pivot") + f"?unit={world.district.pk}&periods=2024S1&dx=HT_LUOT_DV&format=csv"
    )
    assert csv.status_code == 200
    text = csv.content.decode("utf-8-sig")
    assert "Đảng bộ xã Chí Linh,6.000" in text and "Đảng bộ xã Tân Lập,1.500" in text
    xlsx = client.get(
        reverse("reporting:pivot") + f"?unit={world.district.pk}&periods=2024S1&dx=HT_LUOT_DV&format=xlsx"
    )
    assert xlsx.content[:2] == b"PK"
    rows = analytics.values(["HT_LUOT_DV"], ["2024S1"], world.province)
    assert rows[0].value == Decimal(7500)


def test_pivot_puts_periods_in_columns_and_exports_xlsx(world: World, catalogue: Catalogue) -> None:
    import io

    from openpyxl import load_workbook

    for period, value in (("202401", 3), ("202407", 5)):
        services.save_value(world.province_admin, catalogue.sessions, world.commune, period, str(value), None)
    client = client_for(world.province_approver)
    query = f"?unit={world.district.pk}&periods=2024S1;2024S2&dx=HT_SO_BUOI&columns=periods"
    page = client.get(reverse("reporting:pivot") + query)
    assert page.status_code == 200
    book = load_workbook(io.BytesIO(client.get(reverse("reporting:pivot") + query + "&format=xlsx").content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][2:] == (
        "Số buổi học tập, quán triệt (6 tháng đầu năm 2024)",
        "Số buổi học tập, quán triệt (6 tháng cuối năm 2024)",
    )
    assert rows[1] == ("T.X1", "Đảng bộ xã Chí Linh", 3, 5)
    assert rows[2] == ("T.X2", "Đảng bộ xã Tân Lập", None, None)

