"""Run the background jobs' housekeeping once: retry or fail jobs whose worker stopped, delete
uploaded files nobody needs any more. For cron or a systemd timer; ``make run`` runs it at start."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tuyengiao.core import tasks


class Command(BaseCommand):
    help = "Retry or fail background jobs whose worker stopped; delete uploaded files no job needs."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--schedule", action="store_true", help="also queue the next run for the workers while jobs remain"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        pending = tasks.run_sweeps()
        if pending and options["schedule"]:
            tasks.schedule_housekeeping()
        if options["verbosity"] > 0:
            self.stdout.write("Jobs still running or waiting." if pending else "Nothing left to watch.")
