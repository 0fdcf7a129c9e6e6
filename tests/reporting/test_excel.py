"""Excel template round trip through import jobs run by a real task worker, an upload with bad
cells that saves nothing, the job page's access rules and progress."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.conftest import World, build_world
from tests.reporting.conftest import Catalogue, build_catalogue
from tests.support.personas import client_for
from tuyengiao.core.periods import Period
from tuyengiao.reporting import jobs, services
from tuyengiao.reporting.models import DataValue, ImportJob, JobStatus


@pytest.fixture(autouse=True)
def media(settings) -> Iterator[Path]:  # type: ignore[no-untyped-def]
    """Uploaded files go to a folder of this test only."""
    folder = Path(django_settings.VAR_DIR) / "test-media" / uuid.uuid4().hex
    settings.MEDIA_ROOT = folder
    yield folder
    shutil.rmtree(folder, ignore_errors=True)



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


def run_worker() -> None:
    """What `make run` and production run: a db_worker, here draining the queue and exiting.

    It closes the database connection between tasks as a web request does, so tests running it
    use ``transactional_db``.
    """
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def upload(client: Client, url: str, file: io.BytesIO) -> ImportJob:
    """Upload a file; the page answers with the job page, where the job waits for a worker."""
    answer = client.post(url, {"file": file})
    job = ImportJob.objects.order_by("-pk").first()
    assert job is not None
    assert answer.status_code == 302 and answer["Location"] == reverse("reporting:import_job", args=[job.pk])
    assert job.status == JobStatus.QUEUED and job.file_name == file.name
    return job


def page(client: Client, job: ImportJob) -> str:
    answer = client.get(reverse("reporting:import_job", args=[job.pk]))
    assert answer.status_code == 200
    return answer.content.decode()


def stored() -> dict[tuple[str, str], tuple[Decimal | None, str, int]]:
    return {
        (dv.unit.code, dv.element.code): (dv.value, dv.text_value, dv.version)
        for dv in DataValue.objects.select_related("unit", "element")
    }


def test_an_excel_template_round_trips_through_a_job(world: World, catalogue: Catalogue, media: Path) -> None:
    services.save_value(world.province_admin, catalogue.sessions, world.commune, "202405", "3", 0)
    client = client_for(world.province_admin)
    template_url, upload_url = urls(catalogue, world)
    content = client.get(template_url).content
    sheet = load_workbook(io.BytesIO(content))["Số liệu"]
    assert sheet.row_dimensions[1].hidden and sheet.column_dimensions["A"].hidden
    assert [sheet.cell(row=r, column=1).value for r in range(3, sheet.max_row + 1)] == ["T.H1", "T.X1", "T.X2"]
    codes = [c.value for c in sheet[1]]
    assert sheet.cell(row=4, column=codes.index("HT_SO_BUOI") + 1).value == 3  # pre-filled
    # unchanged upload: nothing to change
    same = io.BytesIO(content)
    same.name = "mau.xlsx"
    job = upload(client, upload_url, same)
    jobs.work(job.pk)  # what the worker runs (test_import_jobs runs real workers)
    job.refresh_from_db()
    assert job.status == JobStatus.READY and job.preview["changed"] == 0
    assert "0 giá trị thay đổi" in page(client, job)

    filled = edit(content, {("T.X1", "HT_SO_BUOI"): 5, ("T.X2", "HT_LUOT_DV"): 120, ("T.X2", "GHI_CHU"): "Đủ"})
    job = upload(client, upload_url, filled)
    assert job.file.name.startswith("reporting/imports/") and job.file.name != "reporting/imports/mau.xlsx"
    stored_file = media / job.file.name
    assert stored_file.is_file()
    jobs.work(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.READY
    assert job.processed == job.total == 3 == job.preview["values"]
    assert job.preview["changed"] == 3 and job.preview["unchanged"] == 0
    assert sorted((c["unit"], c["element"], c["current"], c["new"]) for c in job.preview["changes"]) == [
        ("Đảng bộ xã Chí Linh", "Số buổi học tập, quán triệt", "3", "5"),
        (world.other_commune.name, "Ghi chú", None, "Đủ"),
        (world.other_commune.name, "Số lượt đảng viên tham gia", None, "120"),
    ]
    body = page(client, job)
    assert "3 giá trị thay đổi" in body and "Lưu tất cả 3 thay đổi" in body and "hx-trigger" not in body
    assert DataValue.objects.count() == 1  # a preview writes nothing

    answer = client.post(reverse("reporting:import_job_commit", args=[job.pk]))
    assert answer.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.COMMITTED
    assert "Đang chờ bắt đầu" in page(client, job)
    jobs.work(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.preview["saved"] == 3
    assert job.processed == job.total == 3 + 3  # the re-checked cells and the values written
    assert job.attempts == 2 and job.seen == {}  # one worker checked it, one saved it
    assert not job.file and not stored_file.exists()  # the stored file is gone once saved
    assert stored() == {
        ("T.X1", "HT_SO_BUOI"): (Decimal(5), "", 2),
        ("T.X2", "HT_LUOT_DV"): (Decimal(120), "", 1),
        ("T.X2", "GHI_CHU"): (None, "Đủ", 1),
    }
    assert "Đã lưu 3 giá trị từ tệp Excel" in page(client, job)
    from auditlog.models import LogEntry

    entry = LogEntry.objects.get(object_pk="T.X2:202405")
    assert entry.changes == {"HT_LUOT_DV": [None, "120"], "GHI_CHU": [None, "Đủ"]}
    assert entry.additional_data["unit_path"] == world.other_commune.path
    # a job is saved once only
    again = client.post(reverse("reporting:import_job_commit", args=[job.pk]), follow=True)
    assert "không chờ lưu" in again.content.decode()
    assert ImportJob.objects.get(pk=job.pk).status == JobStatus.DONE


def test_an_upload_with_bad_cells_fails_listing_them_all_and_saves_nothing(
    world: World, catalogue: Catalogue, media: Path
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
    job = upload(client, upload_url, bad)
    jobs.work(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == "Tệp có 3 lỗi; chưa lưu dữ liệu nào."
    assert [(e["sheet"], e["row"], e["column"][0]) for e in job.errors] == [
        ("Số liệu", 4, "D"),
        ("Số liệu", 5, "E"),
        ("Số liệu", 5, "F"),
    ]
    reasons = " ".join(e["message"] for e in job.errors)
    assert "không được âm" in reasons and "từ 0 đến 100" in reasons and "không phải là số" in reasons
    body = page(client, job)
    assert "3 lỗi" in body and "chưa lưu dữ liệu nào" in body and "không được âm" in body
    assert '<td class="num">4</td>' in body and '<td class="num">5</td>' in body
    assert "Lưu tất cả" not in body and "hx-trigger" not in body
    assert DataValue.objects.get().value == Decimal(3)  # the good cell was not saved either
    assert not job.file and not list((media / "reporting" / "imports").iterdir())  # the file is gone
    # a failed job cannot be committed
    client.post(reverse("reporting:import_job_commit", args=[job.pk]))
    assert ImportJob.objects.get(pk=job.pk).status == JobStatus.FAILED


def test_a_file_that_is_not_a_workbook_fails_with_the_reason(world: World, catalogue: Catalogue) -> None:
    client = client_for(world.province_admin)
    _template_url, upload_url = urls(catalogue, world)
    text = io.BytesIO("Đơn vị;Số buổi\nT.X1;5\n".encode())
    text.name = "so-lieu.csv"
    job = upload(client, upload_url, text)
    jobs.work(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.errors == []
    assert job.message == "Tệp không phải bảng tính Excel (.xlsx); hãy dùng đúng mẫu đã tải về."
    assert job.message in page(client, job)


def test_only_the_owner_sees_a_job_others_get_404(world: World, catalogue: Catalogue) -> None:
    job = ImportJob.objects.create(
        user=world.commune_officer,
        unit=world.commune,
        dataset=catalogue.monthly,
        period="202405",
        file_name="xa.xlsx",
        status=JobStatus.READY,
        preview={"values": 1, "unchanged": 0, "changed": 1, "changes": []},
    )
    pages = [
        reverse("reporting:import_job", args=[job.pk]),
        reverse("reporting:import_job_progress", args=[job.pk]),
    ]
    commit = reverse("reporting:import_job_commit", args=[job.pk])
    owner = client_for(world.commune_officer)
    assert all(owner.get(url).status_code == 200 for url in pages)
    assert "Lưu tất cả 1 thay đổi" in owner.get(pages[0]).content.decode()
    # an outsider, and even a province admin who sees the commune, did not upload it
    for other in (world.other_commune_officer, world.province_admin, world.member):
        client = client_for(other)
        assert all(client.get(url).status_code == 404 for url in pages)
        assert client.post(commit).status_code == 404
    assert ImportJob.objects.get(pk=job.pk).status == JobStatus.READY


@pytest.mark.smoke
def test_the_progress_partial_polls_and_counts_the_vietnamese_way(world: World, catalogue: Catalogue) -> None:
    job = ImportJob.objects.create(
        user=world.commune_officer,
        unit=world.commune,
        dataset=catalogue.monthly,
        period="202405",
        file_name="xa.xlsx",
        status=JobStatus.CHECKING,
        processed=12000,
        total=41000,
    )
    client = client_for(world.commune_officer)
    url = reverse("reporting:import_job_progress", args=[job.pk])
    body = client.get(url).content.decode()
    assert "Đã kiểm tra 12.000/41.000 ô" in body
    assert '<progress value="12000" max="41000">' in body
    assert f'hx-get="{url}"' in body and 'hx-trigger="every 1s"' in body
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.SAVING, processed=1500, total=82000)
    assert "1.500/82.000" in client.get(url).content.decode()
    # a job nobody works on any more says so, and polls slowly for the retry
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - dt.timedelta(minutes=30))
    body = client.get(url).content.decode()
    assert 'hx-trigger="every 15s"' in body and "sẽ được thử lại" in body
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.DONE, preview={"saved": 41000})
    body = client.get(url).content.decode()
    assert "hx-trigger" not in body and "Đã lưu 41.000 giá trị từ tệp Excel" in body


def test_prepare_reports_its_progress_every_thousand_entries(world: World, catalogue: Catalogue) -> None:
    period = Period.parse("202405")
    entries = [services.Entry(world.commune, period, catalogue.sessions, str(n)) for n in range(2500)]
    seen: list[tuple[int, int]] = []
    changes, bad = services.prepare(world.province_admin, entries, lambda done, total: seen.append((done, total)))
    assert len(changes) == 2500 and bad == []
    assert seen == [(1000, 2500), (2000, 2500), (2500, 2500)]


def test_the_upload_is_checked_and_saved_by_a_worker_process(transactional_db: None) -> None:
    world = build_world()
    catalogue = build_catalogue()
    client = client_for(world.province_admin)
    template_url, upload_url = urls(catalogue, world)
    filled = edit(client.get(template_url).content, {("T.X1", "HT_SO_BUOI"): 4, ("T.X2", "HT_DV_TRIEU_TAP"): 40})
    answer = client.post(upload_url, {"file": filled}, headers={"HX-Request": "true"})
    job = ImportJob.objects.get()
    assert answer.status_code == 200 and answer["HX-Redirect"] == reverse("reporting:import_job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED  # nothing runs in the web process
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.READY, job.message
    assert job.processed == job.total == 2 and job.preview["changed"] == 2
    client.post(reverse("reporting:import_job_commit", args=[job.pk]))
    assert ImportJob.objects.get().status == JobStatus.COMMITTED
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    assert job.processed == job.total == 4
    assert {k: v[0] for k, v in stored().items()} == {
        ("T.X1", "HT_SO_BUOI"): Decimal(4),
        ("T.X2", "HT_DV_TRIEU_TAP"): Decimal(40),
    }
    from django_tasks_db.models import DBTaskResult

    ran = DBTaskResult.objects.filter(status="SUCCESSFUL").values_list("task_path", flat=True)
    assert sorted(ran) == ["tuyengiao.reporting.jobs.check_upload", "tuyengiao.reporting.jobs.save_upload"]
    # housekeeping waits for its turn, after a job could have stalled
    waiting = DBTaskResult.objects.get(status="READY")
    assert waiting.task_path == "tuyengiao.core.tasks.housekeeping" and waiting.run_after > timezone.now()


def test_progress_written_inside_the_save_transaction_is_seen_outside_it(transactional_db: None) -> None:
    world = build_world()
    catalogue = build_catalogue()
    job = ImportJob.objects.create(
        user=world.province_admin,
        unit=world.district,
        dataset=catalogue.monthly,
        period="202405",
        file_name="mau.xlsx",
        status=JobStatus.SAVING,
        attempts=1,
    )
    record = jobs.recorder(job.pk, offset=100, attempt=1)
    onlooker = connections.create_connection("default")  # what the polling page reads
    try:
        with transaction.atomic():
            record(1000, 5000)
            with onlooker.cursor() as cursor:
                cursor.execute(f"SELECT processed, total FROM {ImportJob._meta.db_table} WHERE id = %s", [job.pk])
                assert cursor.fetchone() == (1100, 5100)
    finally:
        record.close()
        onlooker.close()


@pytest.mark.smoke
def test_the_upload_page_follows_the_upload_and_lists_recent_uploads(world: World, catalogue: Catalogue) -> None:
    client = client_for(world.province_admin)
    _template_url, upload_url = urls(catalogue, world)
    ImportJob.objects.create(
        user=world.province_admin,
        unit=world.district,
        dataset=catalogue.monthly,
        period="202405",
        file_name="thang-5.xlsx",
        status=JobStatus.FAILED,
    )
    body = client.get(upload_url).content.decode()
    assert 'hx-encoding="multipart/form-data"' in body and "reporting/upload.js" in body
    from django.contrib.staticfiles import finders

    assert "htmx:xhr:progress" in Path(finders.find("reporting/upload.js")).read_text(encoding="utf-8")
    assert '<progress value="0" max="100">' in body
    assert "thang-5.xlsx" in body and "Không thành công" in body
    # a post without a file stays on the form, which htmx swaps in place
    answer = client.post(upload_url, {}, headers={"HX-Request": "true"})
    assert answer.status_code == 200 and 'id="upload-area"' in answer.content.decode()
    assert "HX-Redirect" not in answer and ImportJob.objects.count() == 1


def test_excel_pages_refuse_outsiders(world: World, catalogue: Catalogue) -> None:
    outsider = client_for(world.other_commune_officer)
    args = [catalogue.monthly.pk, world.commune.pk, "202405"]
    assert outsider.get(reverse("reporting:excel_template", args=args)).status_code == 404
    assert outsider.get(reverse("reporting:excel_upload", args=args)).status_code == 404
