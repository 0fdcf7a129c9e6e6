"""Excel imports as tasks, reporting their progress on the ``ImportJob`` row.

An upload is stored and queued (``start``); the ``check_upload`` task checks it on a worker
(status ``checking``, then ``ready_for_review`` with a preview and the versions it read, or
``failed`` with the first bad cells). When the person commits (``commit``: status ``committed``),
the ``save_upload`` task checks the file again and writes it against the versions seen at preview
(``saving``, then ``done`` with any conflicts listed, or ``failed``).

Each worker that takes a job increments ``attempts`` and writes only while the job still carries
its number. Housekeeping (``recover``) hands a job whose worker went silent to a new worker, up to
``TASK_MAX_ATTEMPTS`` times, then fails it with the reason; it also deletes the files of jobs
nobody committed (``clean_up``).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from tuyengiao.core import tasks as core_tasks
from tuyengiao.core.exceptions import ImportRejected, UserError
from tuyengiao.core.numbers import format_number
from tuyengiao.core.uploads import remove_orphans

from . import excel
from .models import ImportJob, JobStatus

logger = logging.getLogger(__name__)

SHOWN_CHANGES = 500
SHOWN_ERRORS = 200
SHOWN_CONFLICTS = 500
UPLOAD_FOLDER = "reporting/imports"


def recorder(job_id: int, offset: int = 0, extra: int = 0, attempt: int | None = None) -> core_tasks.Recorder:
    """Progress of one import job (``core.tasks.Recorder`` on its row)."""
    return core_tasks.Recorder(ImportJob, job_id, offset=offset, extra=extra, attempt=attempt)


# --- queueing -----------------------------------------------------------------------------------


def start(job: ImportJob) -> None:
    """Queue the check of a stored upload, once the job row is committed."""
    core_tasks.enqueue_on_commit(check_upload, job.pk)


def commit(job: ImportJob) -> bool:
    """Queue the saving of a reviewed job; False if it is not (or no longer) waiting for review."""
    moved = ImportJob.objects.filter(pk=job.pk, status=JobStatus.READY).update(
        status=JobStatus.COMMITTED, processed=0, total=0, retries=0, updated_at=timezone.now()
    )
    if moved:
        core_tasks.enqueue_on_commit(save_upload, job.pk)
    return bool(moved)


@task()
def check_upload(job_id: int) -> str:
    """Task: check a queued upload (a no-op if another worker took it or it was withdrawn)."""
    attempt = _claim(job_id, JobStatus.QUEUED, JobStatus.CHECKING)
    if attempt is not None:
        check(job_id, attempt)
    return _status(job_id)


@task()
def save_upload(job_id: int) -> str:
    """Task: save a committed upload."""
    attempt = _claim(job_id, JobStatus.COMMITTED, JobStatus.SAVING)
    if attempt is not None:
        save(job_id, attempt)
    return _status(job_id)


def work(job_id: int) -> None:
    """Do at once whatever the job waits for (what the tasks do; for commands and tests)."""
    status = _status(job_id)
    if status == JobStatus.QUEUED:
        check_upload.call(job_id)
    elif status == JobStatus.COMMITTED:
        save_upload.call(job_id)


def _status(job_id: int) -> str:
    return str(ImportJob.objects.filter(pk=job_id).values_list("status", flat=True).first() or "")


def _claim(job_id: int, waiting: str, working: str) -> int | None:
    """Take the job with one conditional UPDATE; the new ``attempts`` is this worker's number."""
    current = ImportJob.objects.filter(pk=job_id, status=waiting).values_list("attempts", flat=True).first()
    if current is None:
        return None
    if not ImportJob.objects.filter(pk=job_id, status=waiting, attempts=current).update(
        status=working, attempts=F("attempts") + 1, processed=0, total=0, updated_at=timezone.now()
    ):
        return None  # taken by another worker meanwhile
    return current + 1


# --- the work -----------------------------------------------------------------------------------


def _load(job_id: int) -> ImportJob:
    return ImportJob.objects.select_related("user", "unit", "dataset").get(pk=job_id)


def _data(job: ImportJob) -> bytes:
    with job.file.open("rb") as handle:
        return bytes(handle.read())


def _finish(job: ImportJob, attempt: int, status: str, **fields: Any) -> bool:
    """Record the outcome if the job is still this worker's; the file goes once nothing more can
    be done with it."""
    fields = {"status": status, "updated_at": timezone.now(), **fields}
    if status in (JobStatus.DONE, JobStatus.FAILED):
        fields["file"] = ""
        fields["seen"] = {}
    if not ImportJob.objects.filter(pk=job.pk, attempts=attempt).update(**fields):
        return False  # handed to another worker: that one reports
    if "file" in fields and job.file:
        job.file.delete(save=False)
    return True


def _failure(job: ImportJob, exc: Exception) -> dict[str, Any]:
    if isinstance(exc, ImportRejected):
        errors = [
            {"sheet": e.sheet, "row": e.row, "column": e.column, "message": e.message}
            for e in exc.errors[:SHOWN_ERRORS]
        ]
        return {"message": exc.message, "errors": errors, "preview": {"error_count": len(exc.errors)}}
    if isinstance(exc, UserError):
        return {"message": exc.message, "errors": []}
    logger.exception("Excel import %s failed", job.pk, exc_info=exc)
    message = _("The file could not be processed because of an unexpected error; nothing was saved.")
    return {"message": message, "errors": []}


def _new_value(change: Any) -> str | None:
    return format_number(change.number) if change.number is not None else (change.text or None)


def summary(preview: excel.Preview) -> dict[str, Any]:
    """What a commit would change, small enough for the job row (the first changes only).

    Each change keeps its unit's path so the page shows only what the viewer may read.
    """
    changed = preview.changed
    return {
        "values": preview.values,
        "unchanged": preview.unchanged,
        "changed": len(changed),
        "changes": [
            {
                "unit": c.entry.unit.name,
                "path": c.entry.unit.path,
                "element": c.entry.element.name,
                "current": c.current.display if c.current is not None else None,
                "new": _new_value(c),
            }
            for c in changed[:SHOWN_CHANGES]
        ],
    }


def _conflicts(conflicts: list[excel.Conflict]) -> list[dict[str, Any]]:
    from .services import person_name

    out = []
    for conflict in conflicts[:SHOWN_CONFLICTS]:
        change = conflict.change
        current = change.current
        out.append(
            {
                "unit": change.entry.unit.name,
                "path": change.entry.unit.path,
                "element": change.entry.element.name,
                "row": change.entry.where[0] if change.entry.where else None,
                "current": current.display if current is not None else None,
                "by": person_name(current.stored_by) if current is not None and current.stored_by else "",
                "new": _new_value(change),
            }
        )
    return out


def check(job_id: int, attempt: int) -> None:
    """Check a claimed upload: ``ready_for_review`` with a preview, or ``failed`` with the bad cells."""
    job = _load(job_id)
    record = recorder(job.pk, attempt=attempt)
    try:
        preview = excel.check(job.user, _data(job), job.dataset, job.unit, job.period_obj, record)
    except core_tasks.Superseded:
        return
    except Exception as exc:  # every failure is reported on the job page
        job.refresh_from_db(fields=["processed", "total"])
        _finish(job, attempt, JobStatus.FAILED, **_failure(job, exc))
    else:
        _finish(
            job,
            attempt,
            JobStatus.READY,
            processed=preview.values,
            total=preview.values,
            preview=summary(preview),
            seen=preview.seen,
            errors=[],
            message="",
        )
    finally:
        record.close()


def save(job_id: int, attempt: int) -> None:
    """Check again and write a claimed job in one transaction against the versions seen at preview."""
    job = _load(job_id)
    expected = int(job.preview.get("changed", 0))
    checked = recorder(job.pk, extra=expected, attempt=attempt)  # the re-check, then the values to write
    saved = recorder(job.pk, attempt=attempt)
    checked_total = [0]

    def on_checked(processed: int, total: int) -> None:
        checked_total[0] = total
        saved.offset = total
        checked(processed, total)

    try:
        outcome = excel.commit(job.user, _data(job), job.dataset, job.unit, job.period_obj, job.seen, on_checked, saved)
    except core_tasks.Superseded:
        return
    except Exception as exc:
        job.refresh_from_db(fields=["processed", "total"])
        _finish(job, attempt, JobStatus.FAILED, **_failure(job, exc))
    else:
        preview = dict(
            job.preview,
            saved=outcome.saved,
            conflicted=len(outcome.conflicts),
            conflicts=_conflicts(outcome.conflicts),
        )
        total = checked_total[0] + outcome.saved
        _finish(job, attempt, JobStatus.DONE, processed=total, total=total, preview=preview, message="")
    finally:
        checked.close()
        saved.close()


# --- housekeeping -------------------------------------------------------------------------------

_RETRY = {
    JobStatus.CHECKING: (JobStatus.QUEUED, check_upload),
    JobStatus.SAVING: (JobStatus.COMMITTED, save_upload),
}


def recover(now: dt.datetime | None = None) -> bool:
    """Jobs whose worker went silent: handed to a new worker, or failed with the reason once they
    have had ``TASK_MAX_ATTEMPTS`` workers. True while jobs are still running (another sweep due)."""
    now = now or timezone.now()
    limit = now - core_tasks.stalled_after()
    for job in ImportJob.objects.filter(status__in=ImportJob.WORKING, updated_at__lt=limit):
        if job.retries + 1 < settings.TASK_MAX_ATTEMPTS:
            waiting, job_task = _RETRY[JobStatus(job.status)]
            if ImportJob.objects.filter(pk=job.pk, status=job.status, attempts=job.attempts).update(
                status=waiting, retries=F("retries") + 1, updated_at=now
            ):
                core_tasks.enqueue_on_commit(job_task, job.pk)
            continue
        reason = _(
            "The server stopped while processing this file, %(count)d times; nothing was saved. "
            "Upload the file again; if it happens again, tell the system administrator."
        ) % {"count": job.retries + 1}
        if _finish(job, job.attempts, JobStatus.FAILED, message=reason, errors=[]):
            logger.warning("Excel import %s failed: its worker stopped %d times", job.pk, job.retries + 1)
    return ImportJob.objects.filter(status__in=ImportJob.RUNNING).exists()


def clean_up(now: dt.datetime | None = None) -> bool:
    """Delete the files of jobs nobody committed within ``UPLOAD_KEEP_HOURS`` (the job fails with
    the reason), and stored files no job refers to any more. True while files are still kept."""
    now = now or timezone.now()
    keep = dt.timedelta(hours=settings.UPLOAD_KEEP_HOURS)
    reason = _(
        "This upload was not saved within %(hours)d hours of its preview, so the file was deleted; "
        "upload it again to save it."
    ) % {"hours": settings.UPLOAD_KEEP_HOURS}
    for job in ImportJob.objects.filter(status=JobStatus.READY, updated_at__lt=now - keep):
        _finish(job, job.attempts, JobStatus.FAILED, message=reason, errors=[])
    # Files left without a job (an upload whose request failed after the file was written).
    referenced = set(ImportJob.objects.exclude(file="").values_list("file", flat=True))
    remove_orphans(UPLOAD_FOLDER, referenced, now - keep)
    return ImportJob.objects.filter(status=JobStatus.READY).exists()


core_tasks.register_sweep("reporting.import_jobs.recover", recover)
core_tasks.register_sweep("reporting.import_jobs.clean_up", clean_up)
