"""Excel template round trip, and an upload with bad cells that saves nothing."""

from __future__ import annotations

import io
from decimal import Decimal

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import World
from tests.reporting.conftest import Catalogue
from tuyengiao.reporting import services
from tuyengiao.reporting.models import DataValue


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def urls(catalogue: Catalogue, world: World) -> tuple[str, str]:
    args = [catalogue.monthly.pk, world.district.pk, "202405"]
    return reverse("reporting:excel_template", args=args), reverse("reporting:excel_upload", args=args)


def edit(content: bytes, changes: dict[tuple[str, str], object]) -> io.BytesIO:
    book = load_workbook(io.BytesIO(content))
    sheet = book["Số liệu"]
    codes = [c.value for c in sheet[1]]
    rows = {sheet.cell(row=r, column=1).value: r for r in range(3, sheet.max_row + 1)}
    for (unit_code, element_code), value in changes.items():
        sheet.cell(row=rows[unit_code], column=codes.index(element_code) + 1, value=value)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "mau.xlsx"
    return out


def test_an_excel_template_round_trips(world: World, catalogue: Catalogue) -> None:
    services.save_value(world.province_admin, catalogue.sessions, world.commune, "202405", "3", 0)
    client = client_for(world.province_admin)
    template_url, upload_url = urls(catalogue, world)
    content = client.get(template_url).content
    sheet = load_workbook(io.BytesIO(content))["Số liệu"]
    assert sheet.row_dimensions[1].hidden and sheet.column_dimensions["A"].hidden
    assert [sheet.cell(row=r, column=1).value for r in range(3, sheet.max_row + 1)] == [
        "T.H1",
        "T.X1",
        "T.X2",
    ]
    codes = [c.value for c in sheet[1]]
    assert sheet.cell(row=4, column=codes.index("HT_SO_BUOI") + 1).value == 3  # pre-filled
    # unchanged upload: nothing to change
    same = io.BytesIO(content)
    same.name = "mau.xlsx"
    preview = client.post(upload_url, {"file": same})
    assert preview.status_code == 200 and "0 giá trị thay đổi" in preview.content.decode()
    filled = edit(
        content, {("T.X1", "HT_SO_BUOI"): 5, ("T.X2", "HT_LUOT_DV"): 120, ("T.X2", "GHI_CHU"): "Đủ"}
    )
    preview = client.post(upload_url, {"file": filled})
    body = preview.content.decode()
    assert "3 giá trị thay đổi" in body
    assert DataValue.objects.count() == 1  # a preview writes nothing
    token = client.session["reporting_upload"]
    done = client.post(upload_url, {"token": token})
    assert done.status_code == 302
    stored = {
        (dv.unit.code, dv.element.code): (dv.value, dv.text_value, dv.version)
        for dv in DataValue.objects.select_related("unit", "element")
    }
    assert stored == {
        ("T.X1", "HT_SO_BUOI"): (Decimal(5), "", 2),
        ("T.X2", "HT_LUOT_DV"): (Decimal(120), "", 1),
        ("T.X2", "GHI_CHU"): (None, "Đủ", 1),
    }
    from auditlog.models import LogEntry

    entry = LogEntry.objects.get(object_pk="T.X2:202405")
    assert entry.changes == {"HT_LUOT_DV": [None, "120"], "GHI_CHU": [None, "Đủ"]}
    assert entry.additional_data["unit_path"] == world.other_commune.path


def test_an_upload_with_bad_cells_lists_them_all_and_saves_nothing(
    world: World, catalogue: Catalogue
) -> None:
    services.save_value(world.province_admin, catalogue.sessions, world.commune, "202405", "3", 0)
    client = client_for(world.province_admin)
    template_url, upload_url = urls(catalogue, world)
    content = client.get(template_url).content
    bad = edit(
        content,
        {
            ("T.X1", "HT_SO_BUOI"): 7,
            ("T.X1", "HT_LUOT_DV"): -5,
            ("T.X2", "HT_TY_LE_TU_DANH_GIA"): 140,
            ("T.X2", "HT_DV_TRIEU_TAP"): "nhiều",
        },
    )
    answer = client.post(upload_url, {"file": bad})
    body = answer.content.decode()
    assert "3 lỗi" in body and "chưa lưu dữ liệu nào" in body
    assert "không được âm" in body and "từ 0 đến 100" in body and "không phải là số" in body
    assert "Số liệu" in body and '<td class="num">4</td>' in body and '<td class="num">5</td>' in body
    assert DataValue.objects.get().value == Decimal(3)  # the good cell was not saved either


def test_excel_pages_refuse_outsiders(world: World, catalogue: Catalogue) -> None:
    outsider = client_for(world.other_commune_officer)
    args = [catalogue.monthly.pk, world.commune.pk, "202405"]
    assert outsider.get(reverse("reporting:excel_template", args=args)).status_code == 404
    assert outsider.get(reverse("reporting:excel_upload", args=args)).status_code == 404
