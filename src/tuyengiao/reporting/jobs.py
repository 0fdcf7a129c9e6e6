"""Excel imports that run outside the request, reporting their progress on the ``ImportJob`` row.

An upload is stored and queued; ``work(job_id)`` checks it (status ``checking``, then
``ready_for_review`` with a preview, or ``failed`` with every bad cell), and after the person
commits, saves it (``saving``, then ``done`` or ``failed``). The checking and the saving are the
very functions the page used before (``excel.read`` and ``excel.commit``); they report progress
through a callback, which writes ``processed``/``total`` to the job row every
``services.PROGRESS_EVERY`` cells with one small UPDATE.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.db import DEFAULT_DB_ALIAS, close_old_connections, connection, connections
from django.utils import timezone
from django.utils.translation import gettext as _

from tuyengiao.core.exceptions import ImportRejected, UserError
from tuyengiao.core.numbers import format_number

from . import excel
from .models import ImportJob, JobStatus

logger = logging.getLogger(__name__)

SHOWN_CHANGES = 500


def run_in_background(job_id: int) -> threading.Thread:
    """Run ``work(job_id)`` in a thread of this web process and return at once.

    At scale this runs on a task queue worker (Celery, RQ, Django's tasks) instead: the worker
    calls the same ``work(job_id)``, since everything a job needs is in its row and its file.
    """

    def target() -> None:
        close_old_connections()
        try:
            work(job_id)
        finally:
            close_old_connections()

    thread = threading.Thread(target=target, name=f"import-job-{job_id}", daemon=True)
    thread.start()
    return thread


def work(job_id: int) -> None:
    """Do whatever the job is waiting for: check a queued upload, or save a committed one."""
    status = ImportJob.objects.filter(pk=job_id).values_list("status", flat=True).first()
    if status == JobStatus.QUEUED:
        check(job_id)
    elif status == JobStatus.SAVING:
        save(job_id)


class Recorder:
    """Writes ``processed``/``total`` of one job, cheaply, wherever the worker stands.

    Outside a transaction it is a plain UPDATE. Inside one (the atomic save) an UPDATE there would
    stay invisible until the end, so on PostgreSQL it goes through a connection of its own; SQLite
    allows one writer at a time, so there the counters simply wait for the end of the save.
    """

    def __init__(self, job_id: int, offset: int = 0, extra: int = 0) -> None:
        self.job_id = job_id
        self.offset = offset  # added to processed and total (work done in an earlier step)
        self.extra = extra  # added to total (work still to come in a later step)
        self._side: Any = None

    def __call__(self, processed: int, total: int) -> None:
        self.write(self.offset + processed, self.offset + total + self.extra)

    def write(self, processed: int, total: int) -> None:
        now = timezone.now()
        if not connection.in_atomic_block:
            ImportJob.objects.filter(pk=self.job_id).update(processed=processed, total=total, updated_at=now)
            return
        if connection.vendor != "postgresql":
            return
        if self._side is None:
            self._side = connections.create_connection(DEFAULT_DB_ALIAS)
        with self._side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {ImportJob._meta.db_table} SET processed = %s, total = %s, updated_at = %s WHERE id = %s",
                [processed, total, now, self.job_id],
            )

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


def _load(job_id: int) -> ImportJob:
    return ImportJob.objects.select_related("user", "unit", "dataset").get(pk=job_id)


def _data(job: ImportJob) -> bytes:
    with job.file.open("rb") as handle:
        return bytes(handle.read())


def _finish(job: ImportJob, status: str, **fields: Any) -> None:
    """Record the outcome; the stored file goes once nothing more can be done with it."""
    job.status = status
    for name, value in fields.items():
        setattr(job, name, value)
    names = ["status", "updated_at", *fields]
    if status in (JobStatus.DONE, JobStatus.FAILED) and job.file:
        job.file.delete(save=False)
        names.append("file")
    job.save(update_fields=names)


def _failure(job: ImportJob, exc: Exception) -> dict[str, Any]:
    if isinstance(exc, ImportRejected):
        errors = [{"sheet": e.sheet, "row": e.row, "column": e.column, "message": e.message} for e in exc.errors]
        return {"message": exc.message, "errors": errors}
    if isinstance(exc, UserError):
        return {"message": exc.message, "errors": []}
    logger.exception("Excel import %s failed", job.pk, exc_info=exc)
    message = _("The file could not be processed because of an unexpected error; nothing was saved.")
    return {"message": message, "errors": []}


def summary(preview: excel.Preview) -> dict[str, Any]:
    """What a commit would change, small enough for the job row (the first changes only)."""
    changed = preview.changed
    return {
        "values": preview.values,
        "unchanged": preview.unchanged,
        "changed": len(changed),
        "changes": [
            {
                "unit": c.entry.unit.name,
                "element": c.entry.element.name,
                "current": c.current.display if c.current is not None else None,
                "new": format_number(c.number) if c.number is not None else (c.text or None),
            }
            for c in changed[:SHOWN_CHANGES]
        ],
    }


def check(job_id: int) -> None:
    """Check a queued upload: ``ready_for_review`` with a preview, or ``failed`` with the bad cells."""
    if not ImportJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.CHECKING, processed=0, total=0, updated_at=timezone.now()
    ):
        return  # taken by another worker
    job = _load(job_id)
    record = Recorder(job.pk)
    try:
        preview = excel.read(job.user, _data(job), job.dataset, job.period_obj, record)
    except Exception as exc:  # every failure is reported on the job page
        job.refresh_from_db(fields=["processed", "total"])
        _finish(job, JobStatus.FAILED, **_failure(job, exc))
    else:
        _finish(
            job,
            JobStatus.READY,
            processed=preview.values,
            total=preview.values,
            preview=summary(preview),
            errors=[],
            message="",
        )
    finally:
        record.close()


def commit(job: ImportJob) -> bool:
    """Move a reviewed job to ``saving``; False if it is not (or no longer) waiting for review."""
    return bool(
        ImportJob.objects.filter(pk=job.pk, status=JobStatus.READY).update(
            status=JobStatus.SAVING, processed=0, updated_at=timezone.now()
        )
    )


def save(job_id: int) -> None:
    """Re-check and write a committed job in one transaction (``excel.commit``): ``done`` or ``failed``."""
    job = _load(job_id)
    if job.status != JobStatus.SAVING:
        return
    expected = int(job.preview.get("changed", 0))
    checked = Recorder(job.pk, extra=expected)  # the re-check, then the values to write
    saved = Recorder(job.pk)
    checked_total = [0]

    def on_checked(processed: int, total: int) -> None:
        checked_total[0] = total
        saved.offset = total
        checked(processed, total)

    try:
        count = excel.commit(job.user, _data(job), job.dataset, job.period_obj, on_checked, saved)
    except Exception as exc:
        job.refresh_from_db(fields=["processed", "total"])
        _finish(job, JobStatus.FAILED, **_failure(job, exc))
    else:
        preview = dict(job.preview, saved=count)
        total = checked_total[0] + count
        _finish(job, JobStatus.DONE, processed=total, total=total, preview=preview, message="")
    finally:
        checked.close()
        saved.close()
