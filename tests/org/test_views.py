"""Org pages: scoping (404 outside the subtree, 403 without the role), audit log, import."""

from __future__ import annotations

import io

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, World
from tuyengiao.org.models import Unit

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)  # django-axes needs a request, which Client.login does not pass
    return client


@pytest.mark.smoke
def test_it_answers_404_for_another_communes_unit(world: World) -> None:
    client = client_for(world.commune_officer)
    assert client.get(reverse("org:unit_detail", args=[world.commune.pk])).status_code == 200
    assert client.get(reverse("org:unit_detail", args=[world.cell.pk])).status_code == 200
    assert client.get(reverse("org:unit_detail", args=[world.other_commune.pk])).status_code == 404
    assert client.get(reverse("org:unit_detail", args=[world.other_cell.pk])).status_code == 404
    assert client.get(reverse("org:unit_detail", args=[world.province.pk])).status_code == 404
    assert client.get(reverse("org:unit_children", args=[world.other_commune.pk])).status_code == 404


def test_anonymous_users_are_sent_to_login(client: Client, world: World) -> None:
    response = client.get(reverse("org:unit_detail", args=[world.commune.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_province_admin_sees_everything_below(world: World) -> None:
    client = client_for(world.province_admin)
    for unit in (world.province, world.other_commune, world.other_cell):
        assert client.get(reverse("org:unit_detail", args=[unit.pk])).status_code == 200


def test_search_stays_inside_the_users_subtree(world: World) -> None:
    client = client_for(world.other_commune_officer)
    response = client.get(reverse("org:unit_search"), {"q": "chi bo"})
    assert "Chi bộ thôn Bắc" in response.content.decode()
    assert "Chi bộ thôn Đông" not in response.content.decode()


def test_search_ignores_diacritics(world: World) -> None:
    client = client_for(world.province_admin)
    body = client.get(reverse("org:unit_search"), {"q": "CHI LINH"}).content.decode()
    assert "Đảng bộ xã Chí Linh" in body
    assert "Tân Lập" not in body


def test_import_requires_the_admin_role(world: World) -> None:
    client = client_for(world.commune_officer)
    assert client.get(reverse("org:unit_import", args=[world.commune.pk])).status_code == 403
    assert client.get(reverse("org:unit_import", args=[world.other_commune.pk])).status_code == 404


def _upload(client: Client, unit: Unit, text: str):  # type: ignore[no-untyped-def]
    data = io.BytesIO(text.encode("utf-8"))
    data.name = "don-vi.csv"
    return client.post(reverse("org:unit_import", args=[unit.pk]), {"file": data})


def test_import_reports_every_bad_row_and_saves_nothing(world: World) -> None:
    client = client_for(world.province_admin)
    before = Unit.objects.count()
    response = _upload(client, world.province, (
        "code,name,kind,parent_code,valid_from\n"
        "N.1,Chi bộ thôn Mới,chi bộ,T.X1,01/01/2024\n"
        "N.2,,chi bộ,T.X1,01/01/2024\n"
        "N.3,Chi bộ lạ,xóm,T.X1,01/01/2024\n"
        "N.4,Chi bộ ngày sai,chi bộ,T.X1,31/02/2024\n"
        "N.5,Chi bộ mồ côi,chi bộ,KHONG.CO,01/01/2024\n"
    ))
    assert response.status_code == 200
    body = response.content.decode()
    assert Unit.objects.count() == before
    for expected in ("tên để trống", "không rõ loại đơn vị “xóm”", "không phải ngày hợp lệ", "KHONG.CO"):
        assert expected in body
    assert "<td>3</td>" in body and "<td>4</td>" in body


def test_import_creates_the_whole_file_atomically(world: World) -> None:
    client = client_for(world.province_admin)
    response = _upload(client, world.province, (
        "mã,tên,loại,mã cấp trên,từ ngày,số đảng viên\n"
        "N.C1,Chi bộ thôn Mới,chi bộ,N.X,02/01/2024,12\n"
        "N.X,Đảng bộ xã Mới,xã,T.H1,01/01/2024,\n"
    ))
    assert response.status_code == 302
    new_cell = Unit.objects.get(code="N.C1")
    assert new_cell.parent == Unit.objects.get(code="N.X")
    assert new_cell.member_count == 12
    assert new_cell.path.startswith(world.province.path)


def test_an_admin_cannot_import_above_their_unit(world: World) -> None:
    from tuyengiao.org.choices import Role
    from tuyengiao.org.models import Assignment

    Assignment.objects.create(user=world.commune_officer, unit=world.commune, role=Role.UNIT_ADMIN)
    client = client_for(world.commune_officer)
    _upload(client, world.commune, "code,name,kind,parent_code,valid_from\nN.1,Chi bộ,chi bộ,T.X2,01/01/2024\n")
    assert not Unit.objects.filter(code="N.1").exists()


def test_malformed_excel_is_refused_with_a_reason(world: World) -> None:
    client = client_for(world.province_admin)
    data = io.BytesIO(b"PK\x03\x04 this is not really a workbook")
    data.name = "hong.xlsx"
    body = client.post(reverse("org:unit_import", args=[world.province.pk]), {"file": data}).content.decode()
    assert "Tệp Excel bị hỏng" in body


def test_changes_are_audited_and_visible_to_admins_of_the_subtree(world: World) -> None:
    client = client_for(world.province_admin)
    _upload(client, world.province, "code,name,kind,parent_code,valid_from\nN.A,Chi bộ Audit,chi bộ,T.X2,01/01/2024\n")
    unit = Unit.objects.get(code="N.A")
    assert LogEntry.objects.get_for_object(unit).exists()
    assert "Chi bộ Audit" in client.get(reverse("org:audit_log")).content.decode()
    # A data-entry officer administers nothing.
    assert client_for(world.commune_officer).get(reverse("org:audit_log")).status_code == 403


def test_login_is_throttled_after_repeated_failures(world: World) -> None:
    client = Client()
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "commune_officer", "password": "sai"})
    response = client.post(reverse("accounts:login"), {"username": "commune_officer", "password": PASSWORD})
    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in response.content.decode()


def test_the_unit_page_renders_in_a_bounded_number_of_queries(world: World, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.province_admin)
    with django_assert_max_num_queries(25):
        client.get(reverse("org:unit_detail", args=[world.commune.pk]))
