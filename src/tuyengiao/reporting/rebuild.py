"""Everything kept from the raw rows, recomputed in one sequence.

Values and reports written past the write path (a bulk load, a restore, COPY) leave the kept
aggregate rows and report counts behind; the command, the demo and the benchmark all put them
right through here, so none of them forgets a part.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from . import aggregates, report_counts


@dataclass
class Rebuilt:
    """What was written, and how long each part took (seconds)."""

    rows: int = 0
    counted: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def rebuild_kept(progress: aggregates.Progress | None = None) -> Rebuilt:
    """The aggregate rows, then the report counts, then the rows vacuumed (outside a transaction)."""
    done = Rebuilt()
    started = time.perf_counter()
    done.rows = aggregates.rebuild(progress)
    done.seconds["aggregates"] = time.perf_counter() - started
    started = time.perf_counter()
    done.counted = report_counts.rebuild(progress=progress)
    done.seconds["report counts"] = time.perf_counter() - started
    started = time.perf_counter()
    aggregates.settle()
    done.seconds["vacuum"] = time.perf_counter() - started
    return done
