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


def _xlsx(rows: list[list[object]]) -> io.BytesIO:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "don-vi.xlsx"
    return data


def test_an_excel_file_imports_with_real_dates_and_numbers(world: World) -> None:
    import datetime as dt

    client = client_for(world.province_admin)
    data = _xlsx([["code", "name", "kind", "parent_code", "valid_from", "member_count"],
                  ["X.C9", "Chi bộ thôn Chín", "cell", "T.X2", dt.datetime(2024, 3, 1), 21.0]])
    response = client.post(reverse("org:unit_import", args=[world.province.pk]), {"file": data})
    assert response.status_code == 302
    unit = Unit.objects.get(code="X.C9")
    assert (unit.valid_from, unit.member_count, unit.parent) == (dt.date(2024, 3, 1), 21, world.other_commune)


def test_an_excel_file_missing_a_column_names_it(world: World) -> None:
    client = client_for(world.province_admin)
    data = _xlsx([["code", "name", "parent_code"], ["X.C9", "Chi bộ", "T.X2"]])
    body = client.post(reverse("org:unit_import", args=[world.province.pk]), {"file": data}).content.decode()
    assert "thiếu cột bắt buộc" in body and "valid_from" in body
    assert not Unit.objects.filter(code="X.C9").exists()


def test_html_in_names_is_escaped_on_the_page(world: World) -> None:
    client = client_for(world.province_admin)
    _upload(client, world.province,
            "code,name,kind,parent_code,valid_from\nX.H,<script>alert(1)</script>Chi bộ,chi bộ,T.X2,01/01/2024\n")
    unit = Unit.objects.get(code="X.H")
    body = client.get(reverse("org:unit_detail", args=[unit.pk])).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


def test_a_unit_admin_merges_communes_from_the_page(world: World) -> None:
    client = client_for(world.province_admin)
    url = reverse("org:unit_reorganise", args=[world.province.pk])
    response = client.post(url, {"units": [world.commune.pk, world.other_commune.pk], "date": "2025-07-01",
                                 "new_code": "T.XM", "new_name": "Đảng bộ xã Hợp Nhất",
                                 "new_parent": world.province.pk})
    merged = Unit.objects.get(code="T.XM")
    assert response.status_code == 302 and response["Location"] == reverse("org:unit_detail", args=[merged.pk])
    assert set(merged.children.values_list("code", flat=True)) == {"T.X1.C1", "T.X1.C2", "T.X2.C1"}


def test_a_refused_merge_explains_itself_and_changes_nothing(world: World) -> None:
    client = client_for(world.province_admin)
    before = Unit.objects.count()
    body = client.post(reverse("org:unit_reorganise", args=[world.province.pk]), {
        "units": [world.commune.pk, world.other_commune.pk], "date": "2010-01-01", "new_code": "T.XM",
        "new_name": "Xã gộp", "new_parent": world.district.pk,
    }).content.decode()
    assert Unit.objects.count() == before
    assert 'data-testid="problems"' in body
    assert "không sau ngày thành lập" in body


def test_only_unit_admins_reorganise_and_only_their_subtree(world: World) -> None:
    assert client_for(world.province_approver).get(
        reverse("org:unit_reorganise", args=[world.province.pk])).status_code == 403
    assert client_for(world.commune_officer).get(
        reverse("org:unit_reorganise", args=[world.other_commune.pk])).status_code == 404


def test_an_officer_of_a_merged_commune_sees_what_it_was_made_of(world: World) -> None:
    import datetime as dt

    from tuyengiao.org.choices import Role, UnitKind
    from tuyengiao.org.models import Assignment
    from tuyengiao.org.services import NewUnit, Reorganisation, reorganise

    [merged] = reorganise(Reorganisation(date=dt.date(2025, 7, 1), close=[world.commune, world.other_commune],
                                         open=[NewUnit("T.XM", "Đảng bộ xã Hợp Nhất", UnitKind.COMMUNE, world.province)]))
    officer = world.cell_secretary
    Assignment.objects.create(user=officer, unit=merged, role=Role.VIEWER)
    client = client_for(officer)
    old = client.get(reverse("org:unit_tree"), {"on": "2024-01-01"}).content.decode()
    assert "Đảng bộ xã Chí Linh" in old and "Đảng bộ xã Tân Lập" in old and "Hợp Nhất" not in old
    new = client.get(reverse("org:unit_tree")).content.decode()
    assert "Đảng bộ xã Hợp Nhất" in new
    # The history of the predecessors is theirs to read.
    assert client.get(reverse("org:unit_detail", args=[world.other_commune.pk])).status_code == 200


def test_a_huge_file_is_refused_before_it_is_read(world: World) -> None:
    client = client_for(world.province_admin)
    data = io.BytesIO(b"code,name,kind,parent_code,valid_from\n" + b"x" * (21 * 1024 * 1024))
    data.name = "qua-lon.csv"
    body = client.post(reverse("org:unit_import", args=[world.province.pk]), {"file": data}).content.decode()
    assert "Tệp lớn hơn 20 MB" in body


def test_home_opens_the_officers_own_unit_even_after_a_merge(world: World) -> None:
    import datetime as dt

    from tuyengiao.org.choices import Role, UnitKind
    from tuyengiao.org.models import Assignment
    from tuyengiao.org.services import NewUnit, Reorganisation, reorganise

    response = client_for(world.commune_officer).get("/")
    assert response["Location"] == reverse("org:unit_detail", args=[world.commune.pk])
    [merged] = reorganise(Reorganisation(date=dt.date(2025, 7, 1), close=[world.commune, world.other_commune],
                                         open=[NewUnit("T.XM", "Xã Hợp Nhất", UnitKind.COMMUNE, world.province)]))
    Assignment.objects.create(user=world.member, unit=merged, role=Role.DATA_ENTRY)
    Assignment.objects.filter(user=world.member).exclude(unit=merged).delete()
    response = client_for(world.member).get("/")
    assert response["Location"] == reverse("org:unit_detail", args=[merged.pk])
