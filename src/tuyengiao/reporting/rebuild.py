"""Everything kept from the raw rows, recomputed in one sequence.

Values and reports written past the write path (a bulk load, a restore, COPY) leave the kept
aggregate rows and report counts behind; the command, the demo and the benchmark all put them
right through here, so none of them forgets a part.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from . import aggregates, report_counts


@dataclass
class Rebuilt:
    """What was written, and how long each part took (seconds)."""

    rows: int = 0
    counted: int = 0
    aggregates_s: float = 0.0
    counts_s: float = 0.0
    vacuum_s: float = 0.0


def rebuild_kept(progress: aggregates.Progress | None = None) -> Rebuilt:
    """The aggregate rows, then the report counts, then the rows vacuumed (outside a transaction)."""
    done = Rebuilt()
    started = time.perf_counter()
    done.rows = aggregates.rebuild(progress)
    done.aggregates_s, started = time.perf_counter() - started, time.perf_counter()
    done.counted = report_counts.rebuild(progress=progress)
    done.counts_s, started = time.perf_counter() - started, time.perf_counter()
    aggregates.settle()
    done.vacuum_s = time.perf_counter() - started
    return done
