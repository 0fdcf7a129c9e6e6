"""Two ways of keeping the aggregate rows under a deadline rush, measured side by side.

* **kept in the save's transaction** (what the write path does): each save upserts the rows
  above its value, so concurrent saves under one commune, province or the central unit queue
  on those rows' locks until the saving transaction ends;
* **appended deltas**: each save appends what it adds to each row to a table without a key (no
  row is locked by two saves), a worker folds the deltas into the rows afterwards, and until then
  every read adds the unfolded deltas of the rows it reads.

The same saves (``writers`` concurrent writers, distinct cells of a few dozen communes, one
element and month) run both ways; afterwards the rows of both ways are compared. Reported: saves
per second and p95 of each way, the fold of the backlog, and what the backlog costs a read of
the provinces' rows.
"""

from __future__ import annotations

import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

PERIOD = "202610"  # a month the generator leaves empty
DELTAS = "bench_aggregate_delta"
_VALUE = (
    "INSERT INTO reporting_datavalue (created_at, updated_at, version, period, value, text_value, comment,"
    " element_id, unit_id) VALUES (now(), now(), 1, %s, %s, '', '', %s, %s)"
)


def _clear(element_id: int) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM reporting_datavalue WHERE period = %s AND element_id = %s", [PERIOD, element_id])
        cursor.execute("DELETE FROM reporting_aggregate WHERE period = %s AND element_id = %s", [PERIOD, element_id])
        cursor.execute(f"DROP TABLE IF EXISTS {DELTAS}")


def _rows(element_id: int) -> dict[tuple[str, int], tuple[Decimal, int]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT structure, unit_id, total, count FROM reporting_aggregate"
                       " WHERE period = %s AND element_id = %s", [PERIOD, element_id])
        return {(s, u): (Decimal(t).normalize(), c) for s, u, t, c in cursor.fetchall()}


def _rush(jobs: list[tuple[int, int]], writers: int, save: Any) -> tuple[float, float]:
    """Saves per second and the p95 in ms of ``save(unit_id, value)`` run by ``writers`` threads."""
    from django.db import connections

    latencies: list[float] = []
    lock = threading.Lock()

    def one(job: tuple[int, int]) -> None:
        started = time.perf_counter()
        save(*job)
        took = (time.perf_counter() - started) * 1000
        with lock:
            latencies.append(took)

    def close_all(_n: int) -> None:
        connections.close_all()

    started = time.perf_counter()
    with ThreadPoolExecutor(writers) as pool:
        list(pool.map(one, jobs))
        list(pool.map(close_all, range(writers)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return len(jobs) / elapsed, latencies[int(len(latencies) * 0.95) - 1]


def delta_rows(writers: int = 20, saves: int = 1000) -> list[tuple[str, list[float], float | None, float | None, str]]:
    from django.db import connection, transaction

    from tuyengiao.core.periods import Period
    from tuyengiao.core.sql import rows_sql
    from tuyengiao.org.models import Unit
    from tuyengiao.reporting import aggregates
    from tuyengiao.reporting.models import DataElement

    element = DataElement.objects.filter(aggregation="sum", value_type="integer").order_by("code").first()
    assert element is not None
    cells = list(Unit.objects.filter(kind="cell", valid_to__isnull=True).order_by("parent_id", "pk")
                 .values_list("pk", flat=True)[:saves])
    jobs = [(cell, 1 + number % 97) for number, cell in enumerate(cells)]
    start, end = Period.parse(PERIOD).start, Period.parse(PERIOD).end
    provinces = list(Unit.objects.filter(kind="province", valid_to__isnull=True).values_list("pk", flat=True))

    def kept(unit_id: int, value: int) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_VALUE, [PERIOD, value, element.pk, unit_id])
            aggregates.apply_changes([aggregates.ValueChange(element.pk, unit_id, PERIOD, None, Decimal(value),
                                                             element.aggregation)])

    source, _params = rows_sql(
        [("e", "bigint"), ("u", "bigint"), ("p", "varchar"), ("s", "date"), ("d", "date"), ("dt", "numeric"),
         ("dc", "integer"), ("nv", "numeric")], [(0, 0, PERIOD, start, end, 0, 1, 0)])
    append = (aggregates.moved_sql(f"v(e, u, p, s, d, dt, dc, nv) AS ({source})")
              + f" INSERT INTO {DELTAS} SELECT s, e, p, a, t, pl, c, m FROM moved")

    def appended(unit_id: int, value: int) -> None:
        _s, params = rows_sql(
            [("e", "bigint"), ("u", "bigint"), ("p", "varchar"), ("s", "date"), ("d", "date"), ("dt", "numeric"),
             ("dc", "integer"), ("nv", "numeric")], [(element.pk, unit_id, PERIOD, start, end, value, 1, value)])
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_VALUE, [PERIOD, value, element.pk, unit_id])
            cursor.execute(append, params)

    read = (
        "SELECT unit_id, SUM(total) FROM (SELECT unit_id, total FROM reporting_aggregate WHERE structure = 'c'"
        " AND element_id = %s AND period = %s AND unit_id = ANY(%s){deltas}) x GROUP BY unit_id"
    )
    unfolded = (f" UNION ALL SELECT a, t FROM {DELTAS} WHERE s = 'c' AND e = %s AND p = %s AND a = ANY(%s)")

    def read_ms(with_deltas: bool) -> float:
        params: list[Any] = [element.pk, PERIOD, provinces] * (2 if with_deltas else 1)
        sql = read.format(deltas=unfolded if with_deltas else "")
        times = []
        with connection.cursor() as cursor:
            for _ in range(8):
                started = time.perf_counter()
                cursor.execute(sql, params)
                cursor.fetchall()
                times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times[1:])

    _clear(element.pk)
    alone_kept, _p95 = _rush(jobs[: len(jobs) // 4], 1, kept)
    _clear(element.pk)
    rate_kept, p95_kept = _rush(jobs, writers, kept)
    expected = _rows(element.pk)
    _clear(element.pk)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {DELTAS} (s varchar(1), e bigint, p varchar(8), a bigint, t numeric,"
                       " pl numeric, c integer, m numeric)")
        cursor.execute(f"CREATE INDEX ON {DELTAS} (s, e, p, a)")
    connection.close()
    alone_appended, _p95 = _rush(jobs[: len(jobs) // 4], 1, appended)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM reporting_datavalue WHERE period = %s AND element_id = %s", [PERIOD, element.pk])
        cursor.execute(f"DELETE FROM {DELTAS}")
    rate_appended, p95_appended = _rush(jobs, writers, appended)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {DELTAS}")
        backlog = int(cursor.fetchone()[0])
    with_backlog, without = read_ms(True), read_ms(False)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"WITH d AS (DELETE FROM {DELTAS} RETURNING *)"
            " INSERT INTO reporting_aggregate AS g (structure, element_id, period, unit_id, total, plain, count,"
            " maximum) SELECT s, e, p, a, SUM(t), SUM(pl), SUM(c), MAX(m) FROM d GROUP BY s, e, p, a"
            " ORDER BY s, e, p, a ON CONFLICT (structure, element_id, period, unit_id) DO UPDATE SET"
            " total = g.total + excluded.total, plain = g.plain + excluded.plain,"
            " count = g.count + excluded.count, maximum = GREATEST(g.maximum, excluded.maximum)"
        )
    fold_ms = (time.perf_counter() - started) * 1000
    same = "yes" if _rows(element.pk) == expected else "NO"
    _clear(element.pk)
    n = len(jobs)
    return [
        (f"{n} saves of a value with its rows kept in the save, {writers} writers at once: {rate_kept:.0f} saves/s"
         f" (one writer alone: {alone_kept:.0f}/s), p95 in ms", [p95_kept], None, None, "–"),
        (f"the same saves appending deltas instead: {rate_appended:.0f} saves/s (one writer alone: "
         f"{alone_appended:.0f}/s), p95 {p95_appended:.0f} ms; then {backlog} deltas folded (ms)", [fold_ms],
         None, None, same),
        ("the provinces' row of that month read with the unfolded deltas (bound: without them)", [with_backlog],
         None, without, "–"),
    ]
