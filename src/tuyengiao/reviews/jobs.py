"""Drafting and rendering as tasks on the workers, with their progress on the ``ReviewJob`` row."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from tuyengiao.core import tasks as core_tasks
from tuyengiao.core.exceptions import UserError
from tuyengiao.core.uploads import remove_orphans

from .models import JobKind, JobStatus, Review, ReviewJob

logger = logging.getLogger(__name__)


def start(review: Review, user: Any, kind: str, fmt: str = "") -> ReviewJob:
    """Queue a drafting or rendering job once the row is committed."""
    job = ReviewJob.objects.create(review=review, kind=kind, format=fmt, user=user)
    core_tasks.enqueue_on_commit(run_job, job.pk)
    return job


@task()
def run_job(job_id: int) -> str:
    """Task: do a queued job (a no-op if another worker took it)."""
    return work(job_id)


def work(job_id: int) -> str:
    """Do the job now, in the site's language (workers have no request to take it from)."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        status = _work(job_id)
    if status == JobStatus.DONE and ReviewJob.objects.filter(pk=job_id, kind=JobKind.DRAFT).exists():
        _warm_up()
    return status


def _warm_up() -> None:
    """After a draft, its Word and PDF are usually asked for next: get the renderer ready meanwhile."""
    try:
        from . import render

        render.warm_up()
    except Exception:  # only a head start: rendering works without it
        logger.warning("Could not prepare the renderer", exc_info=True)


def _work(job_id: int) -> str:
    current = ReviewJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).values_list("attempts", flat=True).first()
    if current is None:
        return ""
    if not ReviewJob.objects.filter(pk=job_id, status=JobStatus.QUEUED, attempts=current).update(
        status=JobStatus.RUNNING, attempts=F("attempts") + 1, updated_at=timezone.now()
    ):
        return ""
    attempt = current + 1
    job = ReviewJob.objects.select_related("review__unit", "user").get(pk=job_id)
    record = core_tasks.Recorder(ReviewJob, job.pk, attempt=attempt)
    try:
        if job.kind == JobKind.DRAFT:
            from . import services

            services.regenerate(job.user, job.review, progress=record)
            fields: dict[str, Any] = {"status": JobStatus.DONE}
        else:
            from . import render

            data = render.render(job.review, job.format, progress=record)
            job.file.save(render.filename(job.review, job.format), ContentFile(data), save=False)
            fields = {"status": JobStatus.DONE, "file": job.file.name}
    except core_tasks.Superseded:
        record.close()
        return ""
    except UserError as exc:
        fields = {"status": JobStatus.FAILED, "message": exc.message}
    except Exception as exc:
        message = getattr(exc, "message", None)
        if not message:
            logger.exception("Review job %s failed", job_id)
            message = _("The job failed because of an unexpected error; nothing was changed.")
        fields = {"status": JobStatus.FAILED, "message": str(message)}
    record.close()
    ReviewJob.objects.filter(pk=job_id, attempts=attempt).update(updated_at=timezone.now(), **fields)
    return str(fields["status"])


def recover() -> bool:
    """Jobs whose worker went silent are failed with the reason (drafting again is one click)."""
    limit = timezone.now() - core_tasks.stalled_after()
    ReviewJob.objects.filter(status=JobStatus.RUNNING, updated_at__lt=limit).update(
        status=JobStatus.FAILED, message=_("The server stopped while working on this; start it again."),
        updated_at=timezone.now(),
    )
    return False


FILE_FOLDER = "reviews/files"
ORPHAN_GRACE = dt.timedelta(hours=1)  # a file just written, whose job row is being saved, is not an orphan


def clean_up(now: dt.datetime | None = None) -> bool:
    """Keep the latest Word and PDF file of each review; delete the older ones (their job rows go with
    them) and files no job refers to any more (those of deleted reviews)."""
    now = now or timezone.now()
    latest: set[int] = set()
    seen: set[tuple[int, str]] = set()
    files = ReviewJob.objects.filter(kind=JobKind.RENDER).exclude(file="").order_by("-created_at", "-pk")
    for pk, review_id, fmt in files.values_list("pk", "review_id", "format"):
        if (review_id, fmt) not in seen:
            seen.add((review_id, fmt))
            latest.add(pk)
    for job in files.exclude(pk__in=latest):
        name = job.file.name
        if ReviewJob.objects.filter(pk=job.pk, file=name).delete()[0]:
            default_storage.delete(name)
    referenced = set(ReviewJob.objects.exclude(file="").values_list("file", flat=True))
    remove_orphans(FILE_FOLDER, referenced, now - ORPHAN_GRACE)
    return False


core_tasks.register_sweep("reviews.jobs", recover)
core_tasks.register_sweep("reviews.files", clean_up)
