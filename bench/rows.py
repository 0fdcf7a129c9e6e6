"""The benchmark rows beyond the analytics questions: completeness, writes, pages and HTTP.

Each function returns a ``Result``-like tuple for ``bench.scale``: the service's times in ms, the
hand-written bound and the aggregate-row bound (``None`` where none applies) and a note.
"""

from __future__ import annotations

import gzip
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db.models import Count

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
BENCH_USER = "bench.quantri"


def _ms(fn: Callable[[], Any], runs: int = RUNS, before: Callable[[], Any] | None = None) -> list[float]:
    """Milliseconds of each of ``runs`` calls after a warm-up; ``before`` runs untimed before each."""
    if before:
        before()
    fn()
    out = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def national_admin() -> Any:
    """A unit admin (and data entry) of the central unit, made once in the bench database."""
    from django.contrib.auth import get_user_model

    from tuyengiao.org.models import Assignment, Unit

    top = Unit.objects.filter(parent__isnull=True, valid_to__isnull=True).order_by("pk").first()
    user, _made = get_user_model().objects.get_or_create(username=BENCH_USER, defaults={"is_active": True})
    for role in ("unit_admin", "data_entry"):
        Assignment.objects.get_or_create(user=user, unit=top, role=role)
    return user


def completeness_rows() -> list[tuple[str, list[float], float | None, float | None, str]]:
    from django.db import connection
    from django.test import override_settings

    from tuyengiao.org.models import Unit
    from tuyengiao.reporting.completeness import completeness, counted_on_read
    from tuyengiao.reporting.models import DataSet

    monthly = DataSet.objects.get(code="BC_THANG")
    top = Unit.objects.filter(parent__isnull=True, valid_to__isnull=True).order_by("pk").first()
    province = Unit.objects.filter(kind="province", valid_to__isnull=True).order_by("code").first()
    assert top is not None and province is not None
    month = "202512"  # on the structure after the 2025 reorganisation: 34 provinces, 3.321 communes
    rows = []
    for unit, label in ((top, "the provinces"), (province, "one province's communes")):
        report = completeness(monthly, unit, month)
        hand = (
            "SELECT count(*), count(*) FILTER (WHERE s.status IN ('submitted', 'approved')) FROM org_unit u"
            " LEFT JOIN reporting_submission s ON s.unit_id = u.id AND s.dataset_id = %s AND s.period = %s"
            " WHERE u.path LIKE %s AND u.kind = ANY(%s) AND u.valid_from <= %s"
            " AND (u.valid_to IS NULL OR u.valid_to > %s) GROUP BY split_part(u.path, '/', %s)"
        )
        day = "2025-12-31"
        params = [monthly.pk, month, unit.path + "%", list(monthly.unit_kinds), day, day, unit.depth + 3]

        def sql(params: list[Any] = params, hand: str = hand) -> None:
            with connection.cursor() as cursor:
                cursor.execute(hand, params)
                cursor.fetchall()

        times = _ms(lambda unit=unit: completeness(monthly, unit, month))
        expected = f"{report.root.expected:,}".replace(",", ".")
        name = (f"completeness of one month, {expected} reporting units under {unit.code}, per {label}"
                f" ({len(report.children)})")
        same = "yes" if report == counted_on_read(monthly, unit, month) else "NO"
        rows.append((name, times, statistics.median(_ms(sql)), None, same))
        # the reference: the same answer counted from the units and their reports on every read
        rows.append((f"{name}, counted on read", _ms(lambda unit=unit: counted_on_read(monthly, unit, month)),
                     None, None, "–"))

    def afresh() -> None:
        """The first answer after the tree changed: the units expected under each unit counted again."""
        with override_settings(KEEP_ANSWERS=False):
            completeness(monthly, top, month)

    rows.append((f"completeness under {top.code}, the first time after the tree changed", _ms(afresh), None, None,
                 "–"))
    return rows


def save_rows(user: Any) -> list[tuple[str, list[float], float | None, float | None, str]]:
    """One value saved through the write path (checks, audit, aggregates), and a bulk import."""
    from django.db import connection, transaction

    from tuyengiao.org.models import Unit
    from tuyengiao.reporting import entry
    from tuyengiao.reporting.models import DataSet, DataValue

    monthly = DataSet.objects.get(code="BC_THANG")
    elements = list(monthly.elements.filter(value_type="integer", aggregation="sum").order_by("code"))
    reporting = Unit.objects.filter(kind__in=monthly.unit_kinds, valid_to__isnull=True).order_by("pk")
    cell = reporting.first()
    assert cell is not None
    period = "202601"  # after the generated months: no report sent, nothing locked
    counter = iter(range(1, 10**6))

    shown: dict[str, int | None] = {}

    def open_form() -> None:
        """The entry form holds the version of the value it shows; the save sends it back."""
        value = DataValue.objects.filter(element=elements[0], unit=cell, period=period).first()
        shown["version"] = value.version if value else None

    def save_one() -> None:
        entry.save_values(user, cell, period, [entry.ValueInput(elements[0], str(next(counter)), shown["version"])])

    times = _ms(save_one, before=open_form)
    row_id = DataValue.objects.filter(element=elements[0], unit=cell, period=period).values_list("pk", flat=True)[0]

    def bare_update() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE reporting_datavalue SET value = value + 1, version = version + 1 WHERE id = %s",
                           [row_id])

    def with_aggregates() -> None:
        from tuyengiao.reporting import aggregates

        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE reporting_datavalue SET value = value + 1 WHERE id = %s RETURNING value", [row_id])
            new = cursor.fetchone()[0]
            aggregates.apply_changes([aggregates.ValueChange(elements[0].pk, cell.pk, period, new - 1, new)])

    rows = [("one value saved through the write path, with its aggregates", times,
             statistics.median(_ms(bare_update)), statistics.median(_ms(with_aggregates)), "–")]
    # 100.000 values, one atomic save: every element of a month for as many cells as it takes (4.167 of
    # the country's 55.000), and further months where the cells run out (a province's 1.640 fill three)
    wanted = int(os.environ.get("BENCH_IMPORT", "100000"))
    per_month = len(elements) * reporting.count()
    months = [m for m in (f"2026{n:02d}" for n in range(2, 13)) if m != "202603"]  # 202603: the deadline rush
    months = months[: max(1, -(-wanted // per_month))]
    units = list(reporting[: -(-min(wanted, per_month) // len(elements))])
    entries = [entry.Entry(unit, entry.Period.parse(month), element, "7", None, None)
               for month in months for unit in units for element in elements][:wanted]

    def clear() -> None:
        """The import's months hold nothing else: their values and kept rows go, exactly."""
        # raw statements: deleting through the ORM would write an audit entry per value
        with transaction.atomic(), connection.cursor() as cursor:
            for table in ("reporting_datavalue", "reporting_aggregate"):
                cursor.execute(f"DELETE FROM {table} WHERE period = ANY(%s)", [list(months)])

    clear()
    started = time.perf_counter()
    changes, errors = entry._check(user, entries)
    if errors:
        raise SystemExit(f"bulk import refused: {errors[0][1]}")
    entry.do_save_entries(user, changes)
    took = (time.perf_counter() - started) * 1000
    clear()
    rows.append((f"bulk import of {len(entries):,} values through the write path".replace(",", "."), [took],
                 None, None, "–"))
    return rows


def latest_rows(user: Any) -> list[tuple[str, list[float], float | None, float | None, str]]:
    """A value of an element kept by ``last`` (whose rows are kept per containing period) saved
    through the write path, beside the same change carried into the rows alone inside a generated
    year; and the recomputation of that element's periods for every unit, which a figure kept for
    every unit at once runs instead."""
    from django.db import connection, transaction
    from django.db.models import Count

    from tuyengiao.org.models import Unit
    from tuyengiao.reporting import aggregates, entry
    from tuyengiao.reporting.models import DataElement, DataSet, DataValue

    element = DataElement.objects.filter(aggregation="last").exclude(value_type="text").order_by("pk").first()
    if element is None:
        return []
    # the latest generated period: the one most units hold (an earlier run's saves hold a few)
    generated = (DataValue.objects.filter(element=element).values("period").annotate(n=Count("id"))
                 .order_by("-n", "-period").values_list("period", flat=True).first())
    dataset = DataSet.objects.filter(elements=element).first()
    if generated is None or dataset is None:
        return []
    unit = Unit.objects.filter(kind__in=dataset.unit_kinds, valid_to__isnull=True, data_values__element=element,
                               data_values__period=generated).order_by("pk").first()
    assert unit is not None
    period = entry.Period.parse(generated).shift(2).code  # after the generated periods: nothing locked
    counter = iter(range(1, 10**6))
    shown: dict[str, int | None] = {}

    def open_form() -> None:
        value = DataValue.objects.filter(element=element, unit=unit, period=period).first()
        shown["version"] = value.version if value else None

    def save_one() -> None:
        entry.save_values(user, unit, period, [entry.ValueInput(element, str(next(counter)), shown["version"])])

    times = _ms(save_one, before=open_form)
    row_id = DataValue.objects.filter(element=element, unit=unit, period=generated).values_list("pk", flat=True)[0]

    def bare_update() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE reporting_datavalue SET value = value + 1 WHERE id = %s", [row_id])
            transaction.set_rollback(True)

    def with_aggregates() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE reporting_datavalue SET value = value + 1 WHERE id = %s RETURNING value", [row_id])
            new = cursor.fetchone()[0]
            aggregates.apply_changes([aggregates.ValueChange(element.pk, unit.pk, generated, new - 1, new, "last")])
            transaction.set_rollback(True)

    keys = {(element.pk, p.code) for p in aggregates.containing(generated)}

    def recomputed() -> None:
        with transaction.atomic():
            aggregates.refresh(keys)
            transaction.set_rollback(True)

    inside = {sp.code for p in aggregates.containing(generated) for sp in p.within()}
    values = DataValue.objects.filter(element=element, period__in=inside)
    return [
        (f"one value of an element kept by last saved through the write path ({element.code}, {period})", times,
         statistics.median(_ms(bare_update)), statistics.median(_ms(with_aggregates)), "–"),
        (f"its rows for {generated} and the periods containing it recomputed for every unit"
         f" ({values.count():,} values)".replace(",", "."), _ms(recomputed, runs=3), None, None, "–"),
    ]


def reorganisation_rows() -> list[tuple[str, list[float], float | None, float | None, str]]:
    """Two communes of a province merged into a new one today, their cells moved under it, and two
    provinces merged, their communes moved: the whole reorganisation (checks, tree, successions,
    members, aggregates, report counts), each run rolled back, the rows of a month, a half-year
    and a year checked against a recomputation once."""
    from django.db import transaction

    from tuyengiao.org.choices import UnitKind
    from tuyengiao.org.models import Unit, today
    from tuyengiao.org.services import NewUnit, Reorganisation, reorganise
    from tuyengiao.reporting import aggregates

    communes = list(Unit.objects.filter(kind=UnitKind.COMMUNE, valid_to__isnull=True)
                    .exclude(children=None).order_by("parent_id", "pk")[:2])
    first, second = communes
    if first.parent_id != second.parent_id:
        raise SystemExit("no province with two communes")
    provinces = list(Unit.objects.filter(kind=UnitKind.PROVINCE, valid_to__isnull=True).order_by("code")[:2])
    checked = ["202507", "2025S2", "2025"]  # summed rows of a month; rows of a half-year and year kept by last
    rows = []
    for closing, kind, code, name, runs in (
        (communes, UnitKind.COMMUNE, "BENCH.HN", "Xã hợp nhất", 3),
        (provinces, UnitKind.PROVINCE, "BENCH.TM", "Tỉnh hợp nhất", 1),
    ):
        parent = closing[0].parent
        moved = [c.code for u in closing for c in u.children.filter(valid_to__isnull=True)]
        mismatches: list[Any] = []

        def merge(check: bool = False, closing: list[Any] = closing, kind: str = kind, code: str = code,
                  name: str = name, parent: Any = parent, moved: list[str] = moved,
                  mismatches: list[Any] = mismatches) -> None:
            with transaction.atomic():
                reorganise(Reorganisation(
                    date=today(), close=closing, open=[NewUnit(code=code, name=name, kind=kind, parent=parent)],
                    moves={child: code for child in moved},
                ))
                if check:
                    mismatches.extend(aggregates.check(periods=checked))
                transaction.set_rollback(True)

        merge(check=True)
        label = "communes" if kind == UnitKind.COMMUNE else "provinces"
        children = "cells" if kind == UnitKind.COMMUNE else "communes"
        rows.append((f"a reorganisation: two {label} merged, {len(moved)} {children} moved (aggregates of"
                     f" {', '.join(checked)} checked)", _ms(merge, runs=runs), None, None,
                     "yes" if not mismatches else f"NO ({len(mismatches)} rows differ)"))
    return rows


def page_rows(user: Any) -> list[tuple[str, list[float], float | None, float | None, str]]:
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(user)
    url = reverse("reporting:dashboard")

    def get() -> None:
        response = client.get(url, secure=True)
        assert response.status_code == 200, response.status_code

    def after_a_write() -> None:
        touch_a_value()
        get()

    runs = max(3, RUNS // 2)
    return [
        ("the dashboard page of the national unit, end to end (test client), each right after a saved value",
         _ms(after_a_write, runs), None, None, "–"),
        ("the same page opened again with no write in between (the kept answer)", _ms(get, runs), None, None, "–"),
    ]


def touch_a_value() -> None:
    """A committed write to the value table: every answer kept per snapshot is out of date."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE reporting_datavalue SET version = version + 1"
                       " WHERE id = (SELECT MIN(id) FROM reporting_datavalue)")


def http_rows(user: Any, database_url: str, requests: int = 2000, clients: int = 20) -> list[Any]:
    """gunicorn with 2 workers; the analytics API and an authenticated no-op, the same run."""
    from django.db import connection

    from tuyengiao.accounts.models import ApiToken
    from tuyengiao.accounts.services import issue_token
    from tuyengiao.org.models import Unit
    from tuyengiao.reporting.models import DataSet

    ApiToken.objects.filter(user=user, name="bench").delete()  # earlier runs' tokens
    token = issue_token(user, "bench")[1]
    top = Unit.objects.filter(parent__isnull=True, valid_to__isnull=True).order_by("pk").first()
    assert top is not None
    codes = ",".join(DataSet.objects.get(code="BC_THANG").elements.order_by("code").values_list("code", flat=True)[:10])
    connection.close()
    out = _http_run(token, top.code, codes, database_url, requests, clients, keep=True)
    # the same question with nothing kept: every request computed, as right after each write
    fresh = max(clients, requests // 10)
    rows = _http_run(token, top.code, codes, database_url, fresh, clients, keep=False)
    out.insert(1, (rows[0][0].replace("(national dashboard question)", "(same question, KEEP_ANSWERS=0)"),
                   *rows[0][1:]))
    return out


def _http_run(token: str, top: str, codes: str, database_url: str, requests: int, clients: int,
              keep: bool, rounds: int = 3) -> list[Any]:
    port = 18000 + os.getpid() % 1000 + (0 if keep else 1)
    env = dict(os.environ, DATABASE_URL=database_url, ALLOWED_HOSTS="127.0.0.1", DEBUG="0", HTTPS="0",
               KEEP_ANSWERS="1" if keep else "0")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "tuyengiao.wsgi:application", "--pythonpath", "src",
         "--bind", f"127.0.0.1:{port}", "--workers", "2", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/api/", timeout=1)  # noqa: S310 (local server)
            except Exception as exc:
                if getattr(exc, "code", None):
                    break
                time.sleep(0.2)
        months = ",".join(f"2025{m:02d}" for m in range(1, 13))
        analytics = f"{base}/api/analytics/?dx={codes}&pe={months}&ou={top}&ou_mode=children&structure=current"
        noop = f"{base}/api/"
        out = []
        asked = [("analytics API over HTTP (national dashboard question)", analytics, False)]
        if keep:
            # browsers, phones and HTTP libraries say they accept gzip; the answer is kept compressed
            asked.append(("analytics API over HTTP, client accepting gzip (same question)", analytics, True))
            asked.append(("authenticated no-op endpoint over HTTP (/api/)", noop, False))
        # The same machine runs the server, PostgreSQL and the clients, so one run's figures move
        # by a third from one run to the next: the questions take turns, `rounds` times each.
        found: dict[str, list[tuple[float, float, int]]] = {name: [] for name, _url, _packed in asked}
        for _round in range(rounds if keep else 1):
            for name, url, packed in asked:
                found[name].append(_load(url, token, requests, clients, packed))
        for name, runs in found.items():
            rate = statistics.median(r[0] for r in runs)
            p95s = [r[1] for r in runs]
            errors = sum(r[2] for r in runs)
            counted = f"{len(runs)} runs" if len(runs) > 1 else "1 run"
            out.append((f"{name}: {requests} requests, {clients} clients, {counted}: median {rate:.1f} req/s,"
                        f" p95 {statistics.median(p95s):.0f} ms, {errors} errors", p95s, None, None, "–"))
        peak = _peak_memory(server.pid)
        out.append((f"peak memory of a gunicorn worker: {peak / 1024:.0f} MB", [], None, None, "–"))
        return out
    finally:
        server.terminate()
        server.wait(timeout=30)


def _load(url: str, token: str, requests: int, clients: int, packed: bool = False) -> tuple[float, float, int]:
    """Requests per second, p95 (ms) and errors; ``packed``: the client accepts gzip and
    unpacks what it gets, as an HTTP library does."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    headers = {"Authorization": f"Token {token}", **({"Accept-Encoding": "gzip"} if packed else {})}

    def one(_n: int) -> None:
        nonlocal errors
        request = urllib.request.Request(url, headers=headers)  # noqa: S310
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
                body = response.read()
                if response.headers.get("Content-Encoding") == "gzip":
                    gzip.decompress(body)
                ok = response.status == 200
        except Exception:
            ok = False
        took = (time.perf_counter() - started) * 1000
        with lock:
            latencies.append(took)
            errors += not ok

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, range(requests)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return requests / elapsed, latencies[int(len(latencies) * 0.95) - 1], errors


def _peak_memory(master: int) -> int:
    """The largest peak resident size (kB) among the master's worker processes."""
    peak = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master):
            peak = max(peak, int(fields.get("VmHWM", "0 kB").split()[0]))
    return peak


__all__ = ["Decimal", "completeness_rows", "http_rows", "latest_rows", "national_admin", "page_rows", "save_rows"]


def rush_row(database_url: str, officers: int = 300, per_commune: int = 3, period: str = "202603") -> list[Any]:
    """A deadline rush over HTTP: ``officers`` commune officers (``per_commune`` on each commune)
    each send the month's report of one cell of their commune (officers of one commune send the
    same new values in different orders) and submit it, all at once on gunicorn with 3 workers.
    Afterwards every value is there exactly once and the month's aggregate rows equal a
    recomputation."""
    import json
    import random

    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from tuyengiao.accounts.models import ApiToken
    from tuyengiao.accounts.services import issue_token
    from tuyengiao.core.periods import Period
    from tuyengiao.org.models import Assignment, Unit
    from tuyengiao.reporting import aggregates
    from tuyengiao.reporting.models import DataSet, DataValue

    monthly = DataSet.objects.get(code="BC_THANG")
    codes = list(monthly.elements.exclude(value_type="text").order_by("code").values_list("code", flat=True))
    open_communes = Unit.objects.filter(kind="commune", valid_to__isnull=True).order_by("pk")
    communes = list(open_communes[: officers // per_commune])
    jobs: list[tuple[str, str, list[str]]] = []
    rng = random.Random(15)
    for commune in communes:
        cell = (Unit.objects.filter(parent=commune, valid_to__isnull=True, kind__in=monthly.unit_kinds)
                .order_by("pk").first())
        if cell is None:
            continue
        for number in range(per_commune):
            user, _made = get_user_model().objects.get_or_create(username=f"bench.xa.{commune.pk}.{number}")
            Assignment.objects.get_or_create(user=user, unit=commune, role="data_entry")
            order = codes[:]
            rng.shuffle(order)
            ApiToken.objects.filter(user=user, name="bench").delete()
            jobs.append((issue_token(user, "bench")[1], cell.code, order))
    # an earlier run's month goes (raw statements: the ORM would audit each row), with the kept
    # aggregate rows and report counts recomputed for it
    from tuyengiao.reporting import report_counts

    with transaction.atomic(), connection.cursor() as cursor:
        for table in ("reporting_datavalue", "reporting_submission"):
            cursor.execute(f"DELETE FROM {table} WHERE period = %s", [period])
        aggregates.refresh([(el, period) for el in monthly.elements.values_list("pk", flat=True)])
        report_counts.rebuild(since=Period.parse(period).start)
    connection.close()
    port = 19000 + os.getpid() % 1000
    env = dict(os.environ, DATABASE_URL=database_url, ALLOWED_HOSTS="127.0.0.1", DEBUG="0", HTTPS="0")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "tuyengiao.wsgi:application", "--pythonpath", "src",
         "--bind", f"127.0.0.1:{port}", "--workers", "3", "--log-level", "warning"], cwd=ROOT, env=env,
    )
    base = f"http://127.0.0.1:{port}/api"
    latencies: list[float] = []
    outcome: dict[str, int] = {"ok": 0, "refused": 0, "error": 0}
    lock = threading.Lock()

    def post(path: str, token: str, body: dict[str, Any]) -> None:
        request = urllib.request.Request(  # noqa: S310 (local server)
            base + path, data=json.dumps(body).encode(), method="POST",
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
                response.read()
                kind = "ok"
        except urllib.error.HTTPError as exc:
            kind = "refused" if exc.code < 500 else "error"
        except Exception:
            kind = "error"
        with lock:
            latencies.append((time.perf_counter() - started) * 1000)
            outcome[kind] += 1

    def officer(job: tuple[str, str, list[str]]) -> None:
        token, cell, order = job
        values = [{"dataElement": code, "value": 1 + sum(map(ord, code)) % 50} for code in order]
        report = {"dataSet": monthly.code, "period": period, "orgUnit": cell}
        post("/dataValueSets/", token, {**report, "dataValues": values})
        post("/submissions/submit/", token, {"dataSet": monthly.code, "period": period, "orgUnit": cell})

    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=1)  # noqa: S310
            except Exception as exc:
                if getattr(exc, "code", None):
                    break
                time.sleep(0.2)
        started = time.perf_counter()
        with ThreadPoolExecutor(20) as pool:
            list(pool.map(officer, jobs))
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    cells = {cell for _t, cell, _o in jobs}
    stored = DataValue.objects.filter(period=period, unit__code__in=cells)
    twice = stored.values("element_id", "unit_id").annotate(n=Count("pk")).filter(n__gt=1).count()
    missing = len(cells) * len(codes) - stored.count()
    mismatches = aggregates.check(periods=[period])
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1] if latencies else 0.0
    name = (
        f"deadline rush: {len(jobs)} officers on {len(cells)} cells, {len(latencies)} requests at 20 clients,"
        f" gunicorn 3 workers: {len(latencies) / elapsed:.1f} req/s, p95 {p95:.0f} ms, {outcome['error']} errors,"
        f" {outcome['refused']} refused (already sent); {missing} values missing, {twice} twice,"
        f" aggregates {'equal to' if not mismatches else 'DIFFERENT from'} a recomputation"
    )
    return [(name, [p95], None, None, "yes" if not (missing or twice or mismatches or outcome["error"]) else "NO")]
