"""Import jobs on real task workers: a job whose worker died is handed to a new worker or failed
with the reason, a worker given up on cannot write any more, and files nobody needs are deleted."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from tests.conftest import World, build_world
from tests.reporting.conftest import Catalogue, build_catalogue
from tuyengiao.core import tasks
from tuyengiao.reporting import jobs
from tuyengiao.reporting.models import DataValue, ImportJob, JobStatus


@pytest.fixture(autouse=True)
def media(settings) -> Iterator[Path]:  # type: ignore[no-untyped-def]
    folder = Path(django_settings.VAR_DIR) / "test-media" / uuid.uuid4().hex
    settings.MEDIA_ROOT = folder
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def run_worker() -> None:
    """A real db_worker draining the queue; it closes connections between tasks like a request,
    so these tests use ``transactional_db``."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def uploaded(world: World, catalogue: Catalogue) -> ImportJob:
    client = Client()
    client.force_login(world.province_admin)
    args = [catalogue.monthly.pk, world.district.pk, "202405"]
    content = client.get(reverse("reporting:excel_template", args=args)).content
    book = load_workbook(io.BytesIO(content))
    codes = [c.value for c in book["Số liệu"][1]]
    book["Số liệu"].cell(row=4, column=codes.index("HT_SO_BUOI") + 1, value=6)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "mau.xlsx"
    assert client.post(reverse("reporting:excel_upload", args=args), {"file": out}).status_code == 302
    return ImportJob.objects.get()


def die_while_checking(job: ImportJob) -> int:
    """What a worker leaves when it is killed mid-check: its task claimed, the job claimed and
    silent since. Returns the dead worker's attempt number."""
    task = DBTaskResult.objects.get(task_path="tuyengiao.reporting.jobs.check_upload", status="READY")
    task.claim("dead-worker")
    attempt = jobs._claim(job.pk, JobStatus.QUEUED, JobStatus.CHECKING)
    assert attempt is not None
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - dt.timedelta(minutes=11))
    return attempt


@pytest.fixture
def setup(transactional_db: None) -> tuple[World, Catalogue]:
    return build_world(), build_catalogue()


@pytest.mark.smoke
def test_a_job_whose_worker_died_goes_to_a_new_worker(setup: tuple[World, Catalogue], media: Path) -> None:
    world, catalogue = setup
    job = uploaded(world, catalogue)
    dead = die_while_checking(job)
    job.refresh_from_db()
    assert job.stalled
    call_command("housekeeping", verbosity=0)
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.retries == 1
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.READY and job.attempts == dead + 1, job.message
    assert job.preview["changed"] == 1
    # the dead worker, were it to wake up, is fenced off: it may neither report progress nor finish
    with pytest.raises(tasks.Superseded):
        jobs.recorder(job.pk, attempt=dead)(1, 2)
    assert not jobs._finish(job, dead, JobStatus.FAILED, message="zombie")
    job.refresh_from_db()
    assert job.status == JobStatus.READY and job.message == "" and job.file
    # the save goes through as usual
    assert jobs.commit(job)
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and DataValue.objects.get().value == 6


def test_a_job_whose_workers_keep_dying_fails_with_the_reason_and_its_file_goes(
    setup: tuple[World, Catalogue], media: Path
) -> None:
    world, catalogue = setup
    job = uploaded(world, catalogue)
    stored = media / job.file.name
    die_while_checking(job)
    call_command("housekeeping", verbosity=0)  # first death: retried
    die_while_checking(ImportJob.objects.get())
    call_command("housekeeping", verbosity=0)  # second death: TASK_MAX_ATTEMPTS (2) reached
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == (
        "Máy chủ đã dừng giữa chừng khi xử lý tệp này (2 lần); chưa lưu dữ liệu nào. "
        "Hãy tải tệp lên lại; nếu vẫn bị như vậy, hãy báo quản trị hệ thống."
    )
    assert not job.file and not stored.exists()
    assert DataValue.objects.count() == 0
    run_worker()  # nothing left for a worker
    assert ImportJob.objects.get().status == JobStatus.FAILED


def test_a_worker_dying_while_saving_is_retried_and_saves_once(setup: tuple[World, Catalogue]) -> None:
    world, catalogue = setup
    job = uploaded(world, catalogue)
    run_worker()
    job.refresh_from_db()
    assert jobs.commit(job)
    task = DBTaskResult.objects.get(task_path="tuyengiao.reporting.jobs.save_upload", status="READY")
    task.claim("dead-worker")
    assert jobs._claim(job.pk, JobStatus.COMMITTED, JobStatus.SAVING) is not None
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - dt.timedelta(minutes=11))
    assert DataValue.objects.count() == 0  # the dead worker's transaction never committed
    call_command("housekeeping", verbosity=0)
    assert ImportJob.objects.get().status == JobStatus.COMMITTED
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.preview["saved"] == 1 and job.preview["conflicted"] == 0
    assert DataValue.objects.get().version == 1


def test_the_housekeeping_task_requeues_itself_while_jobs_run(setup: tuple[World, Catalogue]) -> None:
    world, catalogue = setup
    uploaded(world, catalogue)
    waiting = DBTaskResult.objects.filter(task_path="tuyengiao.core.tasks.housekeeping", status="READY")
    assert waiting.count() == 1  # queued with the job, for after it could have stalled
    tasks.schedule_housekeeping()
    assert waiting.count() == 1  # one waiting run is enough
    # its time comes while the job is still waiting for review: it runs and queues the next run
    waiting.update(run_after=timezone.now() - dt.timedelta(seconds=1))
    run_worker()
    assert ImportJob.objects.get().status == JobStatus.READY
    assert DBTaskResult.objects.filter(task_path="tuyengiao.core.tasks.housekeeping", status="SUCCESSFUL").count() == 1
    assert waiting.count() == 1


def test_files_of_previews_nobody_saved_are_deleted_after_a_day(world: World, catalogue: Catalogue, media: Path) -> None:
    job = ImportJob(user=world.province_admin, unit=world.district, dataset=catalogue.monthly, period="202405",
                    file_name="a.xlsx", status=JobStatus.READY)
    job.file.save("upload.xlsx", ContentFile(b"PK\x03\x04"), save=False)
    job.save()
    orphan = media / jobs.UPLOAD_FOLDER / "left-behind.xlsx"
    orphan.write_bytes(b"PK\x03\x04")
    fresh = media / jobs.UPLOAD_FOLDER / "just-written.xlsx"
    fresh.write_bytes(b"PK\x03\x04")
    stored = media / job.file.name
    call_command("housekeeping", verbosity=0)
    assert stored.exists() and orphan.exists()  # all still young
    day_ago = (timezone.now() - dt.timedelta(hours=25)).timestamp()
    os.utime(orphan, (day_ago, day_ago))
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - dt.timedelta(hours=25))
    call_command("housekeeping", verbosity=0)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and not job.file and not stored.exists()
    assert "không được lưu trong vòng 24 giờ" in job.message
    assert not orphan.exists() and fresh.exists()


@pytest.mark.postgres  # the worker process reaches the test database over the network
def test_a_worker_killed_in_the_middle_of_a_save_leaves_nothing_half_saved_and_the_job_is_retried(
    setup: tuple[World, Catalogue], media: Path
) -> None:
    """A real ``db_worker`` process takes the save, is held on a row lock inside its transaction,
    and is killed (SIGKILL) there; housekeeping then hands the job to another worker."""
    import signal
    import subprocess
    import sys
    import time

    from django.db import connection, connections

    world, catalogue = setup
    from tuyengiao.reporting import services

    services.save_value(world.province_admin, catalogue.sessions, world.commune, "202405", "3", 0)
    job = uploaded(world, catalogue)
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.READY and jobs.commit(job)
    value = DataValue.objects.get()
    db = connection.settings_dict
    env = dict(
        os.environ,
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        TUYENGIAO_VAR_DIR=str(media.parent / f"{media.name}-var"),
    )
    Path(env["TUYENGIAO_VAR_DIR"]).mkdir()
    (Path(env["TUYENGIAO_VAR_DIR"]) / "media").symlink_to(media, target_is_directory=True)
    holder = connections.create_connection("default")
    holder.set_autocommit(False)
    worker = None
    try:
        with holder.cursor() as cursor:  # an official editing that very value, row locked
            cursor.execute(f"SELECT id FROM {DataValue._meta.db_table} WHERE id = %s FOR UPDATE", [value.pk])
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2",
             "-v0", "--worker-id", "doomed"],
            cwd=django_settings.PROJECT_DIR, env=env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock'"
                )
                if cursor.fetchone()[0]:
                    break
            time.sleep(0.2)
        else:
            pytest.fail("the worker never reached the locked row")
        assert ImportJob.objects.get().status == JobStatus.SAVING  # claimed, mid-transaction
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker is not None and worker.poll() is None:
            worker.kill()
        holder.rollback()
        holder.close()
        shutil.rmtree(env["TUYENGIAO_VAR_DIR"], ignore_errors=True)
    value.refresh_from_db()
    assert value.value == 3 and value.version == 1  # nothing of the killed save is left
    assert DBTaskResult.objects.get(task_path="tuyengiao.reporting.jobs.save_upload").status == "RUNNING"
    ImportJob.objects.update(updated_at=timezone.now() - dt.timedelta(minutes=11))
    call_command("housekeeping", verbosity=0)
    assert ImportJob.objects.get().status == JobStatus.COMMITTED
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.preview["saved"] == 1, job.message
    value.refresh_from_db()
    assert value.value == 6 and value.version == 2
