"""Uploads that must not hurt: hostile workbooks refused before they cost memory or CPU, only data
entry people upload, rows limited to the unit's subtree, duplicates, formula cells, errors capped,
and values changed after the preview never overwritten."""

from __future__ import annotations

import io
import shutil
import time
import tracemalloc
import uuid
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import World
from tests.reporting.conftest import Catalogue
from tests.support.personas import client_for
from tuyengiao.reporting import excel, jobs, services
from tuyengiao.reporting.models import DataValue, ImportJob, JobStatus

SHEET_XML = "xl/worksheets/sheet1.xml"  # the template's first sheet, "Số liệu"
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


@pytest.fixture(autouse=True)
def media(settings) -> Iterator[Path]:  # type: ignore[no-untyped-def]
    folder = Path(django_settings.VAR_DIR) / "test-media" / uuid.uuid4().hex
    settings.MEDIA_ROOT = folder
    yield folder
    shutil.rmtree(folder, ignore_errors=True)



def args(catalogue: Catalogue, unit) -> list[object]:  # type: ignore[no-untyped-def]
    return [catalogue.monthly.pk, unit.pk, "202405"]


def template(client: Client, catalogue: Catalogue, unit) -> bytes:  # type: ignore[no-untyped-def]
    answer = client.get(reverse("reporting:excel_template", args=args(catalogue, unit)))
    assert answer.status_code == 200
    return bytes(answer.content)


def as_upload(content: bytes, name: str = "mau.xlsx") -> io.BytesIO:
    out = io.BytesIO(content)
    out.name = name
    return out


def edit(content: bytes, cells: dict[str, object]) -> bytes:
    book = load_workbook(io.BytesIO(content))
    sheet = book["Số liệu"]
    for ref, value in cells.items():
        sheet[ref] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def column_of(content: bytes, code: str) -> str:
    sheet = load_workbook(io.BytesIO(content))["Số liệu"]
    return str(next(c.column_letter for c in sheet[1] if c.value == code))


def with_sheet(content: bytes, sheet_xml: Iterator[bytes]) -> bytes:
    """The template with its figures sheet replaced by the given XML, streamed into the zip."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            if info.filename == SHEET_XML:
                with target.open(SHEET_XML, "w", force_zip64=True) as handle:
                    for chunk in sheet_xml:
                        handle.write(chunk)
            else:
                target.writestr(info, source.read(info.filename))
    return out.getvalue()


def sheet_xml(rows: int, dimension: str | None, codes: list[str]) -> Iterator[bytes]:
    """A figures sheet: the code row, a header row, then ``rows`` rows of commune T.X1."""
    yield f'<worksheet xmlns="{NS}">'.encode()
    if dimension:
        yield f'<dimension ref="{dimension}"/>'.encode()
    yield b"<sheetData>"
    cells = "".join(f'<c t="inlineStr"><is><t>{c}</t></is></c>' for c in codes)
    yield f'<row r="1">{cells}</row><row r="2"><c t="inlineStr"><is><t>x</t></is></c></row>'.encode()
    row = b'<row><c t="inlineStr"><is><t>T.X1</t></is></c><c/><c><v>1</v></c></row>'
    for start in range(0, rows, 10_000):
        yield row * min(10_000, rows - start)
    yield b"</sheetData></worksheet>"


def run_upload(user, catalogue: Catalogue, unit, content: bytes) -> ImportJob:  # type: ignore[no-untyped-def]
    client = client_for(user)
    url = reverse("reporting:excel_upload", args=args(catalogue, unit))
    assert client.post(url, {"file": as_upload(content)}).status_code == 302
    job = ImportJob.objects.order_by("-pk").first()
    assert job is not None
    jobs.work(job.pk)
    job.refresh_from_db()
    return job


def measured(user, catalogue: Catalogue, unit, content: bytes) -> tuple[ImportJob, float, int]:  # type: ignore[no-untyped-def]
    tracemalloc.start()
    started = time.process_time()
    try:
        job = run_upload(user, catalogue, unit, content)
        result = job, time.process_time() - started, tracemalloc.get_traced_memory()[1]
        return result
    finally:
        tracemalloc.stop()


CODES = ["MA_DON_VI", "", "HT_SO_BUOI"]


def test_two_million_rows_in_a_few_megabytes_are_refused_before_reading(
    world: World, catalogue: Catalogue, media: Path
) -> None:
    content = with_sheet(template(client_for(world.province_admin), catalogue, world.district),
                         sheet_xml(2_000_000, "A1:C2000002", CODES))
    assert len(content) < 3 * 1024 * 1024
    job, cpu, peak = measured(world.province_admin, catalogue, world.district, content)
    assert job.status == JobStatus.FAILED
    assert job.message.startswith("Bảng tính quá lớn: tối đa 20.000 dòng")
    assert cpu < 5 and peak < 64 * 1024 * 1024, (cpu, peak)
    assert not job.file and not list((media / "reporting" / "imports").iterdir())


def test_a_huge_declared_dimension_is_refused_at_once(world: World, catalogue: Catalogue) -> None:
    content = with_sheet(template(client_for(world.province_admin), catalogue, world.district),
                         sheet_xml(3, "A1:XFD1048576", CODES))
    job, cpu, peak = measured(world.province_admin, catalogue, world.district, content)
    assert job.status == JobStatus.FAILED and job.message.startswith("Bảng tính quá lớn")
    assert cpu < 2 and peak < 16 * 1024 * 1024, (cpu, peak)


def test_rows_beyond_the_limit_stop_the_read_even_when_the_dimension_lies(world: World, catalogue: Catalogue) -> None:
    content = with_sheet(template(client_for(world.province_admin), catalogue, world.district),
                         sheet_xml(60_000, "A1:C3", CODES))
    job, cpu, peak = measured(world.province_admin, catalogue, world.district, content)
    assert job.status == JobStatus.FAILED and job.message.startswith("Bảng tính quá lớn")
    assert cpu < 20 and peak < 64 * 1024 * 1024, (cpu, peak)
    assert DataValue.objects.count() == 0


def test_a_damaged_zip_and_a_file_that_is_not_a_workbook_fail_with_the_reason(
    world: World, catalogue: Catalogue
) -> None:
    content = template(client_for(world.province_admin), catalogue, world.district)
    job = run_upload(world.province_admin, catalogue, world.district, content[: len(content) // 2])
    assert job.status == JobStatus.FAILED
    assert job.message == "Tệp Excel bị hỏng hoặc không phải bảng tính .xlsx thật."
    job = run_upload(world.province_admin, catalogue, world.district, b"PK\x03\x04" + b"\x00" * 200)
    assert job.status == JobStatus.FAILED and "bị hỏng" in job.message
    job = run_upload(world.province_admin, catalogue, world.district, "Đơn vị;Số buổi\n".encode())
    assert job.status == JobStatus.FAILED
    assert job.message == "Tệp không phải bảng tính Excel (.xlsx); hãy dùng đúng mẫu đã tải về."


def test_only_data_entry_people_of_the_unit_may_upload(world: World, catalogue: Catalogue) -> None:
    content = template(client_for(world.province_admin), catalogue, world.commune)
    url = reverse("reporting:excel_upload", args=args(catalogue, world.commune))
    # the approver and a member see the commune's subtree but do not enter its figures
    for viewer in (world.province_approver,):
        client = client_for(viewer)
        assert client.get(url).status_code == 403
        assert client.post(url, {"file": as_upload(content)}).status_code == 403
    cell_url = reverse("reporting:excel_upload", args=args(catalogue, world.cell))
    assert client_for(world.member).post(cell_url, {"file": as_upload(content)}).status_code == 403
    assert client_for(world.other_commune_officer).post(url, {"file": as_upload(content)}).status_code == 404
    assert ImportJob.objects.count() == 0
    assert client_for(world.commune_officer).post(url, {"file": as_upload(content)}).status_code == 302
    # the approvals page offers the upload only to those who may enter
    approvals = reverse("reporting:approvals", args=args(catalogue, world.commune))
    assert url not in client_for(world.province_approver).get(approvals).content.decode()
    assert url in client_for(world.commune_officer).get(approvals).content.decode()


def test_a_commune_template_on_a_cells_page_shows_none_of_the_communes_figures(
    world: World, catalogue: Catalogue
) -> None:
    services.save_value(world.province_admin, catalogue.sessions, world.commune, "202405", "4242", 0)
    content = template(client_for(world.province_admin), catalogue, world.commune)
    job = run_upload(world.cell_secretary, catalogue, world.cell, content)
    assert job.status == JobStatus.FAILED
    assert {e["message"] for e in job.errors} == {
        "không có đơn vị mã “T.X1” trong các đơn vị thuộc Chi bộ thôn Đông báo cáo biểu này"
    }
    body = client_for(world.cell_secretary).get(reverse("reporting:import_job", args=[job.pk])).content.decode()
    assert "4.242" not in body and "4242" not in body
    assert DataValue.objects.get().value == Decimal(4242)


def test_a_job_page_shows_only_the_changes_the_viewer_may_read(world: World, catalogue: Catalogue) -> None:
    job = ImportJob.objects.create(
        user=world.cell_secretary, unit=world.cell, dataset=catalogue.monthly, period="202405",
        file_name="a.xlsx", status=JobStatus.READY,
        preview={"values": 2, "unchanged": 0, "changed": 2, "changes": [
            {"unit": world.cell.name, "path": world.cell.path, "element": "Số buổi", "current": None, "new": "7"},
            {"unit": world.commune.name, "path": world.commune.path, "element": "Số buổi", "current": "4.242",
             "new": "1"},
        ]},
    )
    body = client_for(world.cell_secretary).get(reverse("reporting:import_job", args=[job.pk])).content.decode()
    assert world.cell.name in body and "4.242" not in body and world.commune.name + "</td>" not in body


def test_a_unit_twice_is_refused_naming_both_rows(world: World, catalogue: Catalogue) -> None:
    content = template(client_for(world.province_admin), catalogue, world.district)
    sessions = column_of(content, "HT_SO_BUOI")
    twice = edit(content, {"A6": "T.X1", f"{sessions}4": 5, f"{sessions}6": 9, "D1": "HT_SO_BUOI"})
    job = run_upload(world.province_admin, catalogue, world.district, twice)
    assert job.status == JobStatus.FAILED
    messages = [(e["row"], e["message"]) for e in job.errors]
    assert (6, "đơn vị “T.X1” đã có ở dòng 4; mỗi đơn vị chỉ giữ một dòng") in messages
    assert (1, f"chỉ tiêu “HT_SO_BUOI” đã có ở cột {sessions}") in messages
    assert DataValue.objects.count() == 0


def test_formula_cells_count_by_their_computed_value_and_uncomputed_ones_are_refused(
    world: World, catalogue: Catalogue
) -> None:
    services.save_value(world.province_admin, catalogue.sessions, world.commune, "202405", "3", 0)
    services.save_value(world.province_admin, catalogue.sessions, world.other_commune, "202405", "8", 0)
    content = template(client_for(world.province_admin), catalogue, world.district)
    sessions = column_of(content, "HT_SO_BUOI")
    # openpyxl writes formulas without a computed value, as scripts do
    uncomputed = edit(content, {f"{sessions}4": "=2+3"})
    job = run_upload(world.province_admin, catalogue, world.district, uncomputed)
    assert job.status == JobStatus.FAILED
    assert [(e["row"], e["column"][0]) for e in job.errors] == [(4, sessions)]
    assert f"ô {sessions}4 chứa công thức chưa được tính ra giá trị" in job.errors[0]["message"]
    assert DataValue.objects.get(unit=world.commune).value == Decimal(3)  # not cleared
    # what Excel saves: the formula and its computed value
    computed = _with_cached_formula(content, f"{sessions}4", "2+3", "5")
    job = run_upload(world.province_admin, catalogue, world.district, computed)
    assert job.status == JobStatus.READY, job.errors
    assert [(c["unit"], c["current"], c["new"]) for c in job.preview["changes"]] == [(world.commune.name, "3", "5")]
    assert job.preview["unchanged"] >= 1  # the other commune's 8 is kept, not cleared


def _with_cached_formula(content: bytes, ref: str, formula: str, cached: str) -> bytes:
    """Put ``<c r=ref><f>formula</f><v>cached</v></c>`` in the sheet, as Excel saves a formula."""
    source = zipfile.ZipFile(io.BytesIO(content))
    xml = source.read(SHEET_XML).decode()
    row = int("".join(ch for ch in ref if ch.isdigit()))
    start = xml.index(f'<row r="{row}"')
    end = xml.index("</row>", start)
    cell = f'<c r="{ref}"><f>{formula}</f><v>{cached}</v></c>'
    existing = xml.find(f'<c r="{ref}"', start, end)
    if existing >= 0:
        close = xml.find("</c>", existing, end)
        stop = close + 4 if close >= 0 else xml.index("/>", existing) + 2
        xml = xml[:existing] + cell + xml[stop:]
    else:
        xml = xml[:end] + cell + xml[end:]
    return with_sheet(content, iter([xml.encode()]))


def test_errors_are_capped_to_the_first_two_hundred_with_the_count(world: World, catalogue: Catalogue) -> None:
    content = with_sheet(template(client_for(world.province_admin), catalogue, world.district),
                         sheet_xml(5_000, None, [*CODES]))
    job = run_upload(world.province_admin, catalogue, world.district, content)
    assert job.status == JobStatus.FAILED
    assert len(job.errors) == 200 and job.preview["error_count"] == 4_999
    assert job.message == "Tệp có 4999 lỗi; chưa lưu dữ liệu nào."
    body = client_for(world.province_admin).get(reverse("reporting:import_job", args=[job.pk])).content.decode()
    assert "Chỉ hiển thị 200 lỗi đầu tiên trong tổng số 4.999 lỗi." in body


def test_values_changed_after_the_preview_are_listed_and_not_overwritten(world: World, catalogue: Catalogue) -> None:
    services.save_value(world.province_admin, catalogue.sessions, world.commune, "202405", "3", 0)
    content = template(client_for(world.province_admin), catalogue, world.district)
    sessions, attendees = column_of(content, "HT_SO_BUOI"), column_of(content, "HT_LUOT_DV")
    filled = edit(content, {f"{sessions}4": 5, f"{attendees}4": 20, f"{sessions}5": 6, f"{attendees}5": 30})
    job = run_upload(world.province_admin, catalogue, world.district, filled)
    assert job.status == JobStatus.READY and job.preview["changed"] == 4
    # after the preview, the commune officer corrects the commune's sessions and enters another commune's
    services.save_value(world.commune_officer, catalogue.sessions, world.commune, "202405", "4", 1)
    services.save_value(world.other_commune_officer, catalogue.sessions, world.other_commune, "202405", "7", 0)
    client = client_for(world.province_admin)
    client.post(reverse("reporting:import_job_commit", args=[job.pk]))
    jobs.work(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    assert job.preview["saved"] == 2 and job.preview["conflicted"] == 2
    values = {(dv.unit.code, dv.element.code): dv.value for dv in DataValue.objects.select_related("unit", "element")}
    assert values == {
        ("T.X1", "HT_SO_BUOI"): Decimal(4),  # the officer's correction stands
        ("T.X2", "HT_SO_BUOI"): Decimal(7),
        ("T.X1", "HT_LUOT_DV"): Decimal(20),
        ("T.X2", "HT_LUOT_DV"): Decimal(30),
    }
    conflicts = sorted((c["row"], c["current"], c["new"], c["by"]) for c in job.preview["conflicts"])
    assert conflicts == [(4, "4", "5", "commune_officer"), (5, "7", "6", "other_commune_officer")]
    body = client.get(reverse("reporting:import_job", args=[job.pk])).content.decode()
    assert "2 giá trị đã được người khác sửa sau khi xem trước" in body and "Đã lưu 2 giá trị" in body


def test_check_and_apply_are_two_steps(world: World, catalogue: Catalogue) -> None:
    content = template(client_for(world.province_admin), catalogue, world.district)
    filled = edit(content, {f"{column_of(content, 'HT_SO_BUOI')}4": 5})
    preview = excel.check(world.province_admin, filled, catalogue.monthly, world.district,
                          catalogue.monthly.period("202405"))
    assert [c.number for c in preview.changed] == [Decimal(5)] and DataValue.objects.count() == 0
    outcome = excel.apply(world.province_admin, preview)
    assert outcome.saved == 1 and outcome.conflicts == [] and DataValue.objects.get().value == Decimal(5)
