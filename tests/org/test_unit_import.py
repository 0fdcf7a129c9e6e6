"""Importing units from CSV or Excel: unit admins only, inside their subtree, all rows or none."""

from __future__ import annotations

import io

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse

from tests.conftest import World
from tests.support.personas import client_for
from tuyengiao.org.models import Unit

pytestmark = pytest.mark.django_db



def test_it_requires_login(world: World) -> None:
    response = client_for(None).get(reverse("org:unit_import", args=[world.commune.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_it_requires_the_admin_role(world: World) -> None:
    client = client_for(world.commune_officer)
    assert client.get(reverse("org:unit_import", args=[world.commune.pk])).status_code == 403
    assert client.get(reverse("org:unit_import", args=[world.other_commune.pk])).status_code == 404


def _upload(client: Client, unit: Unit, text: str):  # type: ignore[no-untyped-def]
    data = io.BytesIO(text.encode("utf-8"))
    data.name = "don-vi.csv"
    return client.post(reverse("org:unit_import", args=[unit.pk]), {"file": data})


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


def test_a_huge_file_is_refused_before_it_is_read(world: World) -> None:
    client = client_for(world.province_admin)
    data = io.BytesIO(b"code,name,kind,parent_code,valid_from\n" + b"x" * (21 * 1024 * 1024))
    data.name = "qua-lon.csv"
    body = client.post(reverse("org:unit_import", args=[world.province.pk]), {"file": data}).content.decode()
    # refused by the request's own size limit before the form reads the file
    assert "Dữ liệu gửi lên quá lớn: tối đa 21 MB." in body
