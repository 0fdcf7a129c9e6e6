"""The national-scale questions, timed against their two lower bounds in the same run.

`make bench SCALE=province|national` (after `make bench-data SCALE=…`). For each question: the
analytics service's median and spread over repeated runs, the same question as one hand-written
GROUP BY over the raw values, and the bare read of the aggregate rows; and whether the service's
answer equals the hand-written one. The table is printed and written to
`bench/results/<scale>.md`.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench import cluster as bench_cluster  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "7"))
Answer = dict[tuple[str, str, str], Decimal]


@dataclass
class Question:
    name: str
    service: Callable[[], Answer]
    sql: Callable[[], Answer] | None = None
    bare: Callable[[], Any] | None = None
    runs: int = RUNS


@dataclass
class Result:
    name: str
    service: list[float]
    sql: float | None
    bare: float | None
    same: str


def _time(fn: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    fn()  # warm up
    times = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


def _q(value: Any) -> Decimal:
    return Decimal(value).quantize(Decimal("0.1"))


def _service(codes: list[str], periods: list[str], ou_code: str, mode: str, structure: str) -> Callable[[], Answer]:
    from tuyengiao.org.models import Unit
    from tuyengiao.reporting import analytics

    unit = Unit.objects.get(code=ou_code)

    def run() -> Answer:
        return {(r.dx, r.pe, r.ou): _q(r.value) for r in analytics.values(codes, periods, unit, mode, structure)}

    return run


def _sql(query: str, params: list[Any]) -> Callable[[], Answer]:
    from django.db import connection

    def run() -> Answer:
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            return {(str(a), str(b), str(c)): _q(v) for a, b, c, v in cursor.fetchall() if v is not None}

    return run


def _bare(element_codes: list[str], periods: list[str], unit_ids: list[int], structure: str) -> Callable[[], Any]:
    from django.db import connection

    from tuyengiao.core.periods import Period, PeriodType
    from tuyengiao.reporting.aggregates import DENSE
    from tuyengiao.reporting.models import DataElement

    ids = list(DataElement.objects.filter(code__in=element_codes).values_list("pk", flat=True))
    # sums are kept per stored period: a longer period reads the rows of the periods inside it
    periods = sorted({sp.code for code in periods for kind in PeriodType
                      if kind.months <= Period.parse(code).type.months for sp in Period.parse(code).subperiods(kind)})

    # As the service reads them (``aggregates.DENSE``): ids close together (a province's communes)
    # are one range of the key per element and period, filtered by the list (``+ 0``).
    lo, hi = min(unit_ids), max(unit_ids)
    units, unit_params = "unit_id = ANY(%s)", [unit_ids]
    if hi - lo + 1 <= DENSE * len(unit_ids):
        units, unit_params = "unit_id BETWEEN %s AND %s AND unit_id + 0 = ANY(%s)", [lo, hi, unit_ids]

    def run() -> Any:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT element_id, period, unit_id, total FROM reporting_aggregate WHERE structure = %s"
                f" AND element_id = ANY(%s) AND period = ANY(%s) AND {units}",
                [structure, ids, periods, *unit_params],
            )
            return cursor.fetchall()

    return run


# Cells report; their current province is the third part of the path ("/central/province/…").
_BY_PROVINCE = (
    "SELECT e.code, v.period, p.code, SUM(v.value) FROM reporting_datavalue v"
    " JOIN reporting_dataelement e ON e.id = v.element_id JOIN org_unit u ON u.id = v.unit_id"
    " JOIN org_unit p ON p.id = CAST(split_part(u.path, '/', 3) AS integer)"
    " WHERE e.code = ANY(%s) AND v.period = ANY(%s) GROUP BY e.code, v.period, p.code"
)


def questions() -> list[Question]:
    from tuyengiao.org.models import Unit
    from tuyengiao.reporting.models import DataElement, DataSet

    months_2025 = [f"2025{m:02d}" for m in range(1, 13)]
    monthly = DataSet.objects.get(code="BC_THANG")
    codes = list(monthly.elements.order_by("code").values_list("code", flat=True))[:10]
    provinces = list(Unit.objects.filter(kind="province", valid_to__isnull=True).order_by("code"))
    province_ids = [p.pk for p in provinces]
    first = provinces[0]
    communes = list(Unit.objects.filter(parent=first, valid_to__isnull=True).values_list("pk", flat=True))
    one = "HT_DV_THAM_GIA" if DataElement.objects.filter(code="HT_DV_THAM_GIA").exists() else codes[0]
    year_sql = (
        "SELECT e.code, '2025', c.code, SUM(v.value) FROM reporting_datavalue v"
        " JOIN reporting_dataelement e ON e.id = v.element_id JOIN org_unit u ON u.id = v.unit_id"
        " JOIN org_unit c ON c.id = u.parent_id WHERE e.code = %s AND v.period = ANY(%s) AND u.path LIKE %s"
        " GROUP BY e.code, c.code"
    )
    month_sql = (
        "SELECT e.code, v.period, c.code, SUM(v.value) FROM reporting_datavalue v"
        " JOIN reporting_dataelement e ON e.id = v.element_id JOIN org_unit u ON u.id = v.unit_id"
        " JOIN org_unit c ON c.id = u.parent_id WHERE e.code = ANY(%s) AND v.period = ANY(%s) AND u.path LIKE %s"
        " GROUP BY e.code, v.period, c.code"
    )
    half_sql = (
        "SELECT e.code, '2025S1', p.code, SUM(v.value) FROM reporting_datavalue v"
        " JOIN reporting_dataelement e ON e.id = v.element_id JOIN org_unit u ON u.id = v.unit_id"
        " JOIN org_unit p ON p.id = CAST(split_part(u.path, '/', 3) AS integer)"
        " WHERE e.code = %s AND v.period = ANY(%s) GROUP BY e.code, p.code"
    )
    two_years_sql = (
        "SELECT e.code, substr(v.period, 1, 4), p.code, SUM(v.value) FROM reporting_datavalue v"
        " JOIN reporting_dataelement e ON e.id = v.element_id JOIN org_unit u ON u.id = v.unit_id"
        " JOIN org_unit p ON p.id = CAST(split_part(u.path, '/', 3) AS integer)"
        " WHERE e.code = %s AND v.period = ANY(%s) GROUP BY e.code, substr(v.period, 1, 4), p.code"
    )
    months_both = [f"{y}{m:02d}" for y in (2024, 2025) for m in range(1, 13)]
    return [
        Question(
            f"national dashboard: {len(codes)} elements × {len(provinces)} provinces × 12 months",
            _service(codes, months_2025, "TW", "children", "current"),
            _sql(_BY_PROVINCE, [codes, months_2025]),
            _bare(codes, months_2025, province_ids, "c"),
        ),
        Question(
            f"dashboard of one province: {len(codes)} elements × {len(communes)} communes × 12 months",
            _service(codes, months_2025, first.code, "children", "current"),
            _sql(month_sql, [codes, months_2025, first.path + "%"]),
            _bare(codes, months_2025, communes, "c"),
        ),
        Question(
            f"one element, a half-year, the {len(provinces)} provinces",
            _service([one], ["2025S1"], "TW", "children", "current"),
            _sql(half_sql, [one, months_2025[:6]]),
            _bare([one], ["2025S1"], province_ids, "c"),
        ),
        Question(
            f"one element, a year, the {len(communes)} communes of one province",
            _service([one], ["2025"], first.code, "children", "current"),
            _sql(year_sql, [one, months_2025, first.path + "%"]),
            _bare([one], ["2025"], communes, "c"),
        ),
        Question(
            f"two years onto today's structure: one element × 2 years × {len(provinces)} provinces",
            _service([one], ["2024", "2025"], "TW", "children", "current"),
            _sql(two_years_sql, [one, months_both]),
            _bare([one], ["2024", "2025"], province_ids, "c"),
        ),
    ]


def _more_rows() -> list[Result]:
    """Completeness, writes, the page and the HTTP load (``BENCH_HTTP=0`` leaves HTTP out)."""
    from bench import deltas, rows

    user = rows.national_admin()
    steps: list[tuple[str, Callable[[], list[Any]]]] = [
        ("completeness", rows.completeness_rows),
        ("saves", lambda: rows.save_rows(user)),
        ("saves kept by last", lambda: rows.latest_rows(user)),
        ("dashboard page", lambda: rows.page_rows(user)),
        ("reorganisation", rows.reorganisation_rows),
        ("appended deltas", deltas.delta_rows),
    ]
    if os.environ.get("BENCH_HTTP", "1") != "0":
        steps.append(("HTTP", lambda: rows.http_rows(user, os.environ["DATABASE_URL"],
                                                     int(os.environ.get("BENCH_REQUESTS", "2000")),
                                                     int(os.environ.get("BENCH_CLIENTS", "20")))))
    if os.environ.get("BENCH_RUSH", "1") != "0":
        steps.append(("deadline rush", lambda: rows.rush_row(os.environ["DATABASE_URL"])))
    found: list[Any] = []
    for name, step in steps:
        print(f"… {name}", flush=True)
        try:
            found.extend(step())
            print("   " + "; ".join(f"{row[0]}: {row[1][:1]}" for row in found[-3:]), flush=True)
        except Exception as exc:  # a failed row is reported in the table, the others still run
            found.append((f"{name}: FAILED ({type(exc).__name__}: {exc})", [], None, None, "NO"))
    return [Result(name, times, sql, bare, same) for name, times, sql, bare, same in found]


def _fmt(ms: float | None) -> str:
    if ms is None:
        return "–"
    return f"{ms:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def run(scale: str) -> int:
    from django.db import connection

    from tuyengiao.reporting.rebuild import rebuild_kept

    results: list[Result] = []
    if os.environ.get("BENCH_REBUILD", "1") != "0":  # 0: the rows are already built (kept on every write)
        print("… full rebuild of the aggregates", flush=True)
        done = rebuild_kept()  # as rebuild_aggregates does, so a country loaded by other means is counted too
        for name, seconds in ((f"full rebuild of the aggregates ({done.rows:,} rows)", done.aggregates_s),
                              (f"then the report counts ({done.counted:,} rows)", done.counts_s),
                              ("then VACUUM (ANALYZE) of the aggregate rows", done.vacuum_s)):
            results.append(Result(name.replace(",", "."), [seconds * 1000], None, None, "–"))
            print(f"   {results[-1].name}: {seconds * 1000:.0f} ms", flush=True)
    for question in questions():
        service_times, answer = _time(question.service, question.runs)
        sql_ms = bare_ms = None
        same = "–"
        if question.sql:
            sql_times, expected = _time(question.sql, question.runs)
            sql_ms = statistics.median(sql_times)
            same = "yes" if answer == expected else f"NO ({len(answer)} vs {len(expected)} figures)"
        if question.bare:
            bare_ms = statistics.median(_time(question.bare, question.runs)[0])
        results.append(Result(question.name, service_times, sql_ms, bare_ms, same))
        print(f"   {question.name}: {statistics.median(service_times):.1f} ms, {same}", flush=True)
    results.extend(_more_rows())
    lines = [
        "| question | service ms (median) | spread | one GROUP BY ms | aggregate rows ms | same answer |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        spread = f"{_fmt(min(r.service))}–{_fmt(max(r.service))}" if len(r.service) > 1 else "–"
        median = statistics.median(r.service) if r.service else None
        lines.append(f"| {r.name} | {_fmt(median)} | {spread} | {_fmt(r.sql)} | "
                     f"{_fmt(r.bare)} | {r.same} |")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM reporting_datavalue")
        values = cursor.fetchone()[0]
    footer = (f"\nSCALE={scale}: {values:,} values; median of {RUNS} runs after a warm-up; PostgreSQL "
              f"{connection.pg_version // 10000}; {os.cpu_count()} cores.").replace(",", ".")
    table = "\n".join(lines) + "\n" + footer
    print("\n" + table)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{scale}.md").write_text(table + "\n", encoding="utf-8")
    return 0 if all(r.same in ("yes", "–") for r in results) else 1


def main() -> int:
    scale = os.environ.get("SCALE", "national")
    with bench_cluster.running(scale) as cluster:
        os.environ["DATABASE_URL"] = bench_cluster.database_url(cluster)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuyengiao.settings")
        os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
        # the page and the API are measured, not the second factor of a forced login
        os.environ.setdefault("REQUIRE_2FA_FOR_ADMINS", "0")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        return run(scale)


if __name__ == "__main__":
    raise SystemExit(main())
