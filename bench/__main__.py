"""Time each analytics query type against the same aggregation hand-written as one SQL query.

Starts a throw-away PostgreSQL cluster, loads the demo province (1,649 units, about 46,000
values over two years) and prints a table: the service's time, the hand-written query's time,
their ratio, and whether both gave the same figure. Timings are medians of several runs.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench.cluster import demo_database  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "7"))



def _time(fn: Callable[[], Any]) -> tuple[float, Any]:
    fn()  # warm up
    times = []
    result = None
    for _ in range(RUNS):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def _sql(query: str, params: list[Any]) -> Callable[[], dict[str, Decimal]]:
    from django.db import connection

    def run() -> dict[str, Decimal]:
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            return {
                str(k): Decimal(v).quantize(Decimal("0.1")) for k, v in cursor.fetchall() if v is not None
            }

    return run


def _service(dx: str, pe: str, ou: str, mode: str, structure: str) -> Callable[[], dict[str, Decimal]]:
    from tuyengiao.org.models import Unit
    from tuyengiao.reporting import analytics

    unit = Unit.objects.get(code=ou)

    def run() -> dict[str, Decimal]:
        rows = analytics.values([dx], [pe], unit, mode, structure)
        return {r.ou: r.value.quantize(Decimal("0.1")) for r in rows}

    return run


MONTHS_2024 = [f"2024{m:02d}" for m in range(1, 13)]
MONTHS_2025 = [f"2025{m:02d}" for m in range(1, 13)]
MONTHS_2024S1 = MONTHS_2024[:6]


def cases() -> list[tuple[str, Callable[[], Any], Callable[[], Any]]]:
    from tuyengiao.org.models import Unit

    province = Unit.objects.get(code="LS")
    value_join = (
        "FROM reporting_datavalue v JOIN reporting_dataelement e ON e.id = v.element_id "
        "JOIN org_unit u ON u.id = v.unit_id "
    )
    return [
        (
            "sum · province · year · self",
            _service("HT_DV_THAM_GIA", "2024", "LS", "self", "period"),
            _sql(
                "SELECT 'LS', SUM(v.value) " + value_join + "WHERE e.code = %s AND v.period = ANY(%s)"
                " AND u.path LIKE %s",
                ["HT_DV_THAM_GIA", MONTHS_2024, province.path + "%"],
            ),
        ),
        (
            "sum · districts · half-year · children (dated tree)",
            _service("HT_DV_THAM_GIA", "2024S1", "LS", "children", "period"),
            _sql(
                "SELECT d.code, SUM(v.value) " + value_join + "JOIN org_unit d ON u.path LIKE d.path || '%%'"
                " WHERE e.code = %s AND v.period = ANY(%s) AND d.parent_id = %s GROUP BY d.code",
                ["HT_DV_THAM_GIA", MONTHS_2024S1, province.pk],
            ),
        ),
        (
            "sum · new communes · year · children (today's structure)",
            _service("HT_DV_THAM_GIA", "2025", "LS", "children", "current"),
            _sql(
                "SELECT c.code, SUM(v.value * COALESCE(s.share, 1)) "
                + value_join
                + "LEFT JOIN org_unitsuccession s ON s.predecessor_id = u.id "
                "JOIN org_unit c ON c.id = COALESCE(s.successor_id, u.id) "
                "WHERE e.code = %s AND v.period = ANY(%s) AND c.parent_id = %s AND c.valid_to IS NULL"
                " GROUP BY c.code",
                ["HT_DV_THAM_GIA", MONTHS_2025, province.pk],
            ),
        ),
        (
            "last · province · year · self",
            _service("HCM_DANG_KY", "2024", "LS", "self", "period"),
            _sql(
                "SELECT 'LS', SUM(x.value) FROM (SELECT DISTINCT ON (v.unit_id) v.value "
                + value_join
                + "WHERE e.code = %s AND v.period IN ('2024S1', '2024S2') AND u.path LIKE %s"
                " ORDER BY v.unit_id, v.period DESC) x",
                ["HCM_DANG_KY", province.path + "%"],
            ),
        ),
        (
            "avg · province · year · self",
            _service("SH_TY_LE_CHUYEN_DE", "2024", "LS", "self", "period"),
            _sql(
                "SELECT 'LS', AVG(v.value) "
                + value_join
                + "WHERE e.code = %s AND v.period IN ('2024S1', '2024S2')"
                " AND u.path LIKE %s",
                ["SH_TY_LE_CHUYEN_DE", province.path + "%"],
            ),
        ),
        (
            "indicator · districts · year · children",
            _service("TL_THAM_GIA_HOC_TAP", "2024", "LS", "children", "period"),
            _sql(
                "SELECT d.code, ROUND(100 * SUM(v.value) FILTER (WHERE e.code = 'HT_DV_THAM_GIA')"
                " / NULLIF(SUM(v.value) FILTER (WHERE e.code = 'HT_DV_TRIEU_TAP'), 0), 1) "
                + value_join
                + "JOIN org_unit d ON u.path LIKE d.path || '%%'"
                " WHERE e.code IN ('HT_DV_THAM_GIA', 'HT_DV_TRIEU_TAP')"
                " AND v.period = ANY(%s) AND d.parent_id = %s AND d.kind = 'district' GROUP BY d.code",
                [MONTHS_2024, province.pk],
            ),
        ),
    ]


def main() -> int:
    cluster = demo_database()
    try:
        rows = []
        for name, service, sql in cases():
            t_service, r_service = _time(service)
            t_sql, r_sql = _time(sql)
            rows.append(
                (
                    name,
                    t_service * 1000,
                    t_sql * 1000,
                    t_service / t_sql if t_sql else float("inf"),
                    "yes" if r_service == r_sql else f"NO {r_service} != {r_sql}",
                    len(r_service),
                )
            )
        width = max(len(r[0]) for r in rows)
        print(
            f"\n{'query':<{width}}  {'rows':>4}  {'service ms':>10}  {'one SQL ms':>10}  {'ratio':>6}  same"
        )
        for name, ms_service, ms_sql, ratio, same, count in rows:
            print(f"{name:<{width}}  {count:>4}  {ms_service:>10.1f}  {ms_sql:>10.1f}  {ratio:>6.1f}  {same}")
        print(
            f"\nmedian of {RUNS} runs; PostgreSQL, demo province;"
            " ratio = service time / hand-written SQL time"
        )
        from bench import reviews

        reviews.measure()
        return 0 if all(r[4] == "yes" for r in rows) else 1
    finally:
        from django.db import connections

        connections.close_all()
        cluster.stop()


if __name__ == "__main__":
    if os.environ.get("SCALE", "demo") != "demo":
        from bench import scale

        raise SystemExit(scale.main())
    raise SystemExit(main())
