"""Background work on Django's tasks framework (the django-tasks backport, database backend).

Long jobs (Excel imports today; review rendering, bulletins and provider refreshes next) are
tasks: a row in the database that any ``manage.py db_worker`` process, on any machine reaching the
database, claims and runs. No thread of the web process does background work.

What every job needs and the framework does not give:

- ``enqueue_on_commit``: a task is queued only once the rows it reads are committed.
- ``Recorder``: progress (``processed``/``total``) written to the job's own row, cheaply, and
  fenced by the job's ``attempts``, so a worker that was given up on cannot overwrite the work of
  the one that took over.
- housekeeping: a worker killed mid-task leaves its job "running" forever. Each app registers a
  sweep (``register_sweep``) that retries or fails such jobs and deletes files nobody needs; the
  ``housekeeping`` task runs the sweeps and queues itself again while a sweep still has work
  waiting, and the ``housekeeping`` command runs them from cron or at start-up.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.utils import timezone
from django_tasks import task, task_backends

logger = logging.getLogger(__name__)

Sweep = Callable[[], bool]
"""A housekeeping step; returns True while it still has work that will need another sweep."""

_sweeps: dict[str, Sweep] = {}


class Superseded(Exception):
    """The job was handed to another attempt (its worker was thought dead); stop, write nothing."""


def stalled_after() -> dt.timedelta:
    return dt.timedelta(seconds=settings.TASK_STALLED_AFTER_SECONDS)


def enqueue_on_commit(job_task: Any, *args: Any) -> None:
    """Queue ``job_task(*args)`` once the current transaction commits (at once outside one)."""

    def send() -> None:
        job_task.enqueue(*args)
        schedule_housekeeping()

    transaction.on_commit(send)


def register_sweep(name: str, sweep: Sweep) -> None:
    """Add a housekeeping step (idempotent: conditional updates, so two sweeps may overlap)."""
    _sweeps[name] = sweep


def run_sweeps() -> bool:
    """Run every registered sweep; True if any still has work waiting for a later sweep.

    Apps register their sweeps in their ``jobs`` module, imported here first.
    """
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("jobs")
    pending = False
    for name, sweep in list(_sweeps.items()):
        try:
            pending = bool(sweep()) or pending
        except Exception:  # one broken sweep must not stop the others
            logger.exception("Housekeeping step %s failed", name)
    return pending


@task()
def housekeeping() -> bool:
    """Run the sweeps; queue the next run while work is still waiting for one."""
    pending = run_sweeps()
    if pending:
        schedule_housekeeping()
    return pending


def schedule_housekeeping(delay: dt.timedelta | None = None) -> None:
    """Make sure a housekeeping run is queued for a little after a running job could stall.

    One waiting run is enough; with the database backend this looks for one before adding one.
    """
    backend = task_backends[housekeeping.backend]
    if not getattr(backend, "supports_defer", False):
        return  # the immediate backend (if configured) cannot wait; the command does the job
    from django_tasks_db.models import DBTaskResult

    if DBTaskResult.objects.filter(task_path=housekeeping.module_path, status="READY").exists():
        return
    when = timezone.now() + (delay if delay is not None else stalled_after() + dt.timedelta(seconds=30))
    housekeeping.using(run_after=when).enqueue()


class Recorder:
    """Writes ``processed``/``total`` (and ``updated_at``, the heartbeat) of one job row.

    Outside a transaction it is a plain UPDATE, fenced by ``attempts``: if the job was handed to
    another attempt, ``Superseded`` stops this one. Inside a transaction (an atomic save) an UPDATE
    would stay invisible until the end, so on PostgreSQL it goes through a connection of its own;
    SQLite allows one writer at a time, so there the counters wait for the end of the save.
    """

    def __init__(
        self,
        model: type[models.Model],
        pk: int,
        offset: int = 0,
        extra: int = 0,
        attempt: int | None = None,
    ) -> None:
        self.model = model
        self.pk = pk
        self.offset = offset  # added to processed and total (work done in an earlier step)
        self.extra = extra  # added to total (work still to come in a later step)
        self.attempt = attempt
        self._side: Any = None

    def __call__(self, processed: int, total: int) -> None:
        self.write(self.offset + processed, self.offset + total + self.extra)

    def write(self, processed: int, total: int) -> None:
        now = timezone.now()
        if not connection.in_atomic_block:
            rows = self.model._default_manager.filter(pk=self.pk)
            if self.attempt is not None:
                rows = rows.filter(attempts=self.attempt)
            if not rows.update(processed=processed, total=total, updated_at=now):
                raise Superseded(self.pk)
            return
        if connection.vendor != "postgresql":
            return
        if self._side is None:
            self._side = connections.create_connection(DEFAULT_DB_ALIAS)
        table = self.model._meta.db_table
        sql = f"UPDATE {table} SET processed = %s, total = %s, updated_at = %s WHERE id = %s"
        params: list[Any] = [processed, total, now, self.pk]
        if self.attempt is not None:
            sql += " AND attempts = %s"
            params.append(self.attempt)
        with self._side.cursor() as cursor:
            cursor.execute(sql, params)
            if cursor.rowcount == 0 and self.attempt is not None:
                # Not this worker's job any more, or a row this connection cannot see yet.
                cursor.execute(f"SELECT attempts FROM {table} WHERE id = %s", [self.pk])
                found = cursor.fetchone()
                if found is not None and found[0] != self.attempt:
                    raise Superseded(self.pk)

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


def fail_lost_tasks() -> bool:
    """Task rows left "running" by a worker that died are closed as failed (the job's own sweep
    has already retried or failed the job itself)."""
    from django_tasks_db.models import DBTaskResult

    limit = timezone.now() - max(stalled_after() * 6, dt.timedelta(hours=6))
    DBTaskResult.objects.filter(status="RUNNING", started_at__lt=limit).update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path="tuyengiao.core.tasks.WorkerLost",
        traceback="The worker running this task stopped before it finished.",
    )
    return False


register_sweep("core.lost_tasks", fail_lost_tasks)
