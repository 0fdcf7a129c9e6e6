"""Pages: entry with HTMX saves and conflicts, submission, approval, dashboard, pivot; outsiders 404."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import World
from tests.reporting.conftest import Catalogue
from tuyengiao.reporting import analytics, services
from tuyengiao.reporting.models import DataValue, Status, Submission

HX = {"HTTP_HX_REQUEST": "true"}


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def entry_url(catalogue: Catalogue, unit, period: str = "202405") -> str:  # type: ignore[no-untyped-def]
    return reverse("reporting:entry", args=[catalogue.monthly.pk, unit.pk, period])


def value_url(catalogue: Catalogue, unit, element, period: str = "202405") -> str:  # type: ignore[no-untyped-def]
    return reverse("reporting:entry_value", args=[catalogue.monthly.pk, unit.pk, period, element.pk])


@pytest.mark.smoke
def test_officer_fills_the_form_by_htmx_and_submits(world: World, catalogue: Catalogue) -> None:
    client = client_for(world.commune_officer)
    page = client.get(entry_url(catalogue, world.commune))
    assert page.status_code == 200
    assert 'hx-post="' in page.content.decode() and "Cùng kỳ năm trước" in page.content.decode()
    answer = client.post(
        value_url(catalogue, world.commune, catalogue.expected), {"value": "60", "version": 0}, **HX
    )
    assert answer.status_code == 200 and "Đã lưu" in answer.content.decode()
    answer = client.post(
        value_url(catalogue, world.commune, catalogue.attendees), {"value": "1.500", "version": 0}, **HX
    )
    body = answer.content.decode()
    assert 'id="rule-messages"' in body and "không được lớn hơn" in body  # the rule explains itself
    answer = client.post(
        value_url(catalogue, world.commune, catalogue.attendees), {"value": "55", "version": 1}, **HX
    )
    assert "Đã lưu" in answer.content.decode()
    assert DataValue.objects.get(element=catalogue.attendees).value == Decimal(55)
    client.post(reverse("reporting:entry_submit", args=[catalogue.monthly.pk, world.commune.pk, "202405"]))
    assert Submission.objects.get(unit=world.commune).status == Status.SUBMITTED
    status_page = client.get(reverse("reporting:my_reports"))
    assert status_page.status_code == 200


def test_bad_value_is_shown_beside_the_field(world: World, catalogue: Catalogue) -> None:
    client = client_for(world.commune_officer)
    answer = client.post(
        value_url(catalogue, world.commune, catalogue.attendees), {"value": "-4", "version": 0}, **HX
    )
    body = answer.content.decode()
    assert 'aria-invalid="true"' in body and "không được âm" in body
    assert not DataValue.objects.exists()


def test_two_browsers_editing_one_value_produce_a_conflict(world: World, catalogue: Catalogue) -> None:
    first, second = client_for(world.commune_officer), client_for(world.province_admin)
    url = value_url(catalogue, world.commune, catalogue.sessions)
    first.post(url, {"value": "3", "version": 0}, **HX)
    assert "Đã lưu" in second.post(url, {"value": "4", "version": 1}, **HX).content.decode()
    body = first.post(url, {"value": "5", "version": 1}, **HX).content.decode()
    assert "chưa ghi đè" in body and "4" in body and "(5) chưa được lưu" in body
    assert DataValue.objects.get(element=catalogue.sessions).value == Decimal(4)


def test_approver_returns_with_reason_then_approves_and_the_value_locks(
    world: World, catalogue: Catalogue
) -> None:
    officer = client_for(world.commune_officer)
    officer.post(value_url(catalogue, world.commune, catalogue.sessions), {"value": "3", "version": 0}, **HX)
    officer.post(reverse("reporting:entry_submit", args=[catalogue.monthly.pk, world.commune.pk, "202405"]))
    approver = client_for(world.province_approver)
    page = approver.get(
        reverse("reporting:approvals", args=[catalogue.monthly.pk, world.district.pk, "202405"])
    )
    assert page.status_code == 200 and "Đảng bộ xã Chí Linh" in page.content.decode()
    sub = Submission.objects.get(unit=world.commune)
    approver.post(
        reverse("reporting:decide", args=[sub.pk, "return"]), {"reason": "Thiếu số buổi của chi bộ"}
    )
    sub.refresh_from_db()
    assert sub.status == Status.RETURNED and sub.reason == "Thiếu số buổi của chi bộ"
    assert "Thiếu số buổi của chi bộ" in officer.get(entry_url(catalogue, world.commune)).content.decode()
    status_page = officer.get(reverse("reporting:my_reports")).content.decode()
    assert "Bị trả lại" in status_page and "Thiếu số buổi của chi bộ" in status_page
    officer.post(value_url(catalogue, world.commune, catalogue.sessions), {"value": "4", "version": 1}, **HX)
    officer.post(reverse("reporting:entry_submit", args=[catalogue.monthly.pk, world.commune.pk, "202405"]))
    approver.post(reverse("reporting:decide", args=[sub.pk, "approve"]))
    sub.refresh_from_db()
    assert sub.status == Status.APPROVED
    body = officer.post(
        value_url(catalogue, world.commune, catalogue.sessions), {"value": "9", "version": 2}, **HX
    ).content.decode()
    assert "đã được duyệt" in body
    assert DataValue.objects.get(element=catalogue.sessions).value == Decimal(4)


def test_outsiders_get_404(world: World, catalogue: Catalogue) -> None:
    services.save_value(world.province_admin, catalogue.sessions, world.commune, "202405", "3", 0)
    sub = services.submit(world.province_admin, catalogue.monthly, world.commune, "202405")
    outsider = client_for(world.other_commune_officer)
    assert outsider.get(entry_url(catalogue, world.commune)).status_code == 404
    assert (
        outsider.post(
            value_url(catalogue, world.commune, catalogue.sessions), {"value": "1", "version": 1}, **HX
        ).status_code
        == 404
    )
    assert (
        outsider.get(
            reverse("reporting:approvals", args=[catalogue.monthly.pk, world.commune.pk, "202405"])
        ).status_code
        == 404
    )
    assert outsider.get(reverse("reporting:dashboard") + f"?unit={world.commune.pk}").status_code == 404
    assert outsider.get(reverse("reporting:pivot") + f"?unit={world.commune.pk}").status_code == 404
    assert outsider.post(reverse("reporting:decide", args=[sub.pk, "approve"])).status_code == 404
    assert DataValue.objects.get().value == Decimal(3)


def test_dashboard_and_pivot_show_the_rolled_up_figures(
    world: World, catalogue: Catalogue, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    admin = world.province_admin
    for month in range(1, 7):
        services.save_value(admin, catalogue.attendees, world.commune, f"2024{month:02d}", "1000", None)
        services.save_value(admin, catalogue.attendees, world.other_commune, f"2024{month:02d}", "250", None)
        services.save_value(admin, catalogue.expected, world.commune, f"2024{month:02d}", "1100", None)
    client = client_for(world.province_approver)
    with django_assert_max_num_queries(57):  # 3 analytics calls, each under a statement timeout (4 queries)
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


def test_entry_page_query_count_is_bounded(
    world: World, catalogue: Catalogue, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for element in (catalogue.sessions, catalogue.attendees, catalogue.expected):
        services.save_value(world.commune_officer, element, world.commune, "202405", "5", 0)
        services.save_value(world.commune_officer, element, world.commune, "202305", "4", 0)
    client = client_for(world.commune_officer)
    with django_assert_max_num_queries(20):
        page = client.get(entry_url(catalogue, world.commune))
    assert page.status_code == 200 and "<strong>4</strong>" in page.content.decode()


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
