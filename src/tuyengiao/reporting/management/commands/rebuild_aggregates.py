"""Recompute every aggregate row from the raw values, or check the stored rows against that."""

from __future__ import annotations

import datetime as dt
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuyengiao.reporting import aggregates, report_counts
from tuyengiao.reporting.rebuild import rebuild_kept

# About how many steps a recomputation reports (one per statement that matters).
_STEPS = 20


class Bar:
    """A one-line progress bar with the step being run and the time since the start."""

    def __init__(self, out: Any, steps: int = _STEPS, width: int = 30) -> None:
        self.out, self.steps, self.width = out, steps, width
        self.done = 0
        self.started = time.perf_counter()
        self.tty = hasattr(out, "isatty") and out.isatty()

    def __call__(self, message: str) -> None:
        self.done = min(self.done + 1, self.steps - 1)
        filled = self.width * self.done // self.steps
        line = f"[{'#' * filled}{'.' * (self.width - filled)}] {time.perf_counter() - self.started:6.1f} s  {message}"
        self.out.write(("\r\033[K" + line) if self.tty else line + "\n")
        self.out.flush()

    def finish(self, message: str) -> None:
        line = f"[{'#' * self.width}] {time.perf_counter() - self.started:6.1f} s  {message}"
        self.out.write(("\r\033[K" + line + "\n") if self.tty else line + "\n")


class Command(BaseCommand):
    help = (
        "Recompute the aggregate rows (every ancestor × element × containing period, on the dated tree and on"
        " today's structure) from the raw values. With --check, leave them as they are and compare them with a"
        " recomputation instead: exits with status 1 when any row differs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="compare with a recomputation, change nothing")
        parser.add_argument("--limit", type=int, default=20, help="differing rows to print with --check")
        parser.add_argument(
            "--derived", metavar="FROM:TO", default="",
            help="first fill the derived figures kept as values for the months FROM:TO (YYYY-MM:YYYY-MM)",
        )

    def handle(self, *args: Any, check: bool = False, limit: int = 20, derived: str = "", **options: Any) -> None:
        quiet = int(options.get("verbosity", 1)) == 0
        bar = Bar(sys.stderr if not quiet else _Null())
        if derived:
            from tuyengiao.reporting import derived as kept

            try:
                first, last = (dt.date.fromisoformat(f"{part.strip()}-01") for part in derived.split(":"))
            except ValueError as exc:
                raise CommandError("--derived expects FROM:TO as YYYY-MM:YYYY-MM") from exc
            for code, written in kept.keep_all(first, last).items():
                self.stdout.write(f"{code}: {written} values")
        if check:
            counts = report_counts.check(limit=limit, progress=bar)
            for c in counts:
                self.stdout.write(f"reports dataset={c.dataset_id} unit={c.unit_id} kind={c.kind} period={c.period}:"
                                  f" stored={c.stored} expected={c.expected}")
            mismatches = aggregates.check(limit=limit, progress=bar)
            if counts and not mismatches:
                bar.finish(f"{len(counts)} report count rows differ")
                raise CommandError("The report counts differ from a recomputation: run rebuild_aggregates.",
                                   returncode=1)
            if mismatches:
                bar.finish(f"{len(mismatches)} rows differ")
                for m in mismatches:
                    self.stdout.write(
                        f"{m.structure} element={m.element_id} unit={m.unit_id} period={m.period}:"
                        f" stored={m.stored} expected={m.expected}"
                    )
                raise CommandError("The aggregate rows differ from a recomputation: run rebuild_aggregates.",
                                   returncode=1)
            bar.finish("the aggregate rows equal a recomputation")
            return
        done = rebuild_kept(progress=bar)
        bar.finish(f"{done.rows} aggregate rows and {done.counted} report count rows written")


class _Null:
    def write(self, _text: str) -> None:
        pass

    def flush(self) -> None:
        pass
