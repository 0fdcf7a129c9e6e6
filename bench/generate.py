"""Build a synthetic organisation and two years of reports in PostgreSQL, for the benchmarks.

`make bench-data SCALE=demo|province|national` (or `python -m bench.generate --scale national`).

national: one central unit; before 1/7/2025, 63 provinces, 700 districts and 10.600 communes; from
1/7/2025, 34 provinces and 3.321 communes made of them by merges (and a few splits with shares),
the districts closed; about 55.000 cells (5,6 million members) that move from the old communes to
the new ones. Cells file the monthly report (every integer element of the catalogue) for the 24
months of 2024–2025 and the half-year report, most on time, some late, a few never; three national
campaigns have a participation row for every cell.

The organisation is written with COPY; the values are computed inside PostgreSQL (INSERT … SELECT
over the units, elements and months, with a deterministic hash for the figures), which is the
fastest way to produce tens of millions of rows on two cores. Value-table indexes and constraints
are dropped during the load and rebuilt after it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench import cluster as bench_cluster  # noqa: E402

FOUNDED = dt.date(2010, 1, 1)
REORGANISED = dt.date(2025, 7, 1)
YEARS = (2024, 2025)


@dataclass(frozen=True)
class Scale:
    old_provinces: int
    new_provinces: int
    districts: int
    old_communes: int
    new_communes: int
    cells: int
    members: int
    split_every: int  # one old commune in this many is split between two new ones


SCALES: dict[str, Scale] = {
    "province": Scale(2, 1, 22, 336, 99, 1_640, 165_000, 40),
    "national": Scale(63, 34, 700, 10_600, 3_321, 55_000, 5_600_000, 50),
}

_SYLLABLES = [
    "An",
    "Bình",
    "Cát",
    "Đông",
    "Giang",
    "Hà",
    "Hải",
    "Hòa",
    "Hưng",
    "Khánh",
    "Lâm",
    "Long",
    "Minh",
    "Nam",
    "Ninh",
    "Phú",
    "Phúc",
    "Quang",
    "Sơn",
    "Tân",
    "Thạnh",
    "Thành",
    "Thuận",
    "Tiến",
    "Trung",
    "Vĩnh",
    "Xuân",
    "Yên",
    "Đức",
    "Định",
    "Lạc",
    "Lộc",
    "Mỹ",
    "Nghĩa",
    "Phong",
    "Thịnh",
    "Tường",
    "Việt",
]


class Progress:
    """One line per step with its time; a bar for steps made of chunks."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.step_started = self.started

    def step(self, label: str) -> None:
        self.step_started = time.perf_counter()
        print(f"  {label} …", flush=True)

    def bar(self, done: int, total: int, label: str) -> None:
        width = 30
        filled = width * done // max(total, 1)
        elapsed = time.perf_counter() - self.step_started
        print(
            f"\r    [{'#' * filled}{'.' * (width - filled)}] {done}/{total} {label} {elapsed:6.1f} s",
            end="" if done < total else "\n",
            flush=True,
        )

    def done(self, detail: str = "") -> None:
        elapsed = time.perf_counter() - self.step_started
        print(f"    {detail + ' · ' if detail else ''}{elapsed:.1f} s", flush=True)


def _vn(number: int) -> str:
    """47.600, as the reports write it."""
    return f"{number:,}".replace(",", ".")


def _name(rng: random.Random) -> str:
    return f"{rng.choice(_SYLLABLES)} {rng.choice(_SYLLABLES)}"


def _spread(total: int, parts: int, rng: random.Random) -> list[int]:
    """``parts`` positive integers summing to ``total``, each within ±50% of the mean."""
    weights = [0.5 + rng.random() for _ in range(parts)]
    scale = total / sum(weights)
    counts = [max(1, int(w * scale)) for w in weights]
    counts[-1] += total - sum(counts)
    return counts


def _ranges(total: int, groups: int) -> list[range]:
    """``total`` items cut into ``groups`` contiguous, nearly equal ranges."""
    return [range(g * total // groups, (g + 1) * total // groups) for g in range(groups)]


class World:
    """The organisation as rows, before it is copied into the database."""

    def __init__(self, scale: Scale) -> None:
        self.rng = random.Random(2025)
        self.units: list[tuple[Any, ...]] = []
        self.placements: list[tuple[Any, ...]] = []
        self.successions: list[tuple[Any, ...]] = []
        self._build(scale)

    def _unit(
        self,
        code: str,
        name: str,
        kind: str,
        parent: tuple[Any, ...] | None,
        valid_from: dt.date,
        valid_to: dt.date | None,
        members: int = 0,
    ) -> tuple[Any, ...]:
        from tuyengiao.core.text import fold

        pk = len(self.units) + 1
        path = f"{parent[5] if parent else '/'}{pk}/"
        depth = parent[6] + 1 if parent else 0
        row = (
            pk,
            code,
            name,
            kind,
            parent[0] if parent else None,
            path,
            depth,
            valid_from,
            valid_to,
            members,
            f"{fold(name)} {fold(code)}"[:300],
        )
        self.units.append(row)
        if parent is not None:
            self.placements.append((pk, parent[0], valid_from, valid_to))
        return row

    def _build(self, s: Scale) -> None:
        rng = self.rng
        central = self._unit("TW", "Đảng Cộng sản Việt Nam", "central", None, FOUNDED, None)
        old_provinces = [
            self._unit(f"T{i + 1:02d}", f"Đảng bộ tỉnh {_name(rng)}", "province", central, FOUNDED, REORGANISED)
            for i in range(s.old_provinces)
        ]
        new_provinces = [
            self._unit(f"P{j + 1:02d}", f"Đảng bộ tỉnh {_name(rng)}", "province", central, REORGANISED, None)
            for j in range(s.new_provinces)
        ]
        province_of_old = [i * s.new_provinces // s.old_provinces for i in range(s.old_provinces)]
        for i, old in enumerate(old_provinces):
            self.successions.append((old[0], new_provinces[province_of_old[i]][0], REORGANISED, "merge", 1))
        districts = []
        for i, block in enumerate(_ranges(s.districts, s.old_provinces)):
            for k, _d in enumerate(block):
                districts.append(
                    self._unit(
                        f"{old_provinces[i][1]}.H{k + 1:02d}",
                        f"Đảng bộ huyện {_name(rng)}",
                        "district",
                        old_provinces[i],
                        FOUNDED,
                        REORGANISED,
                    )
                )
        old_communes = []
        district_province = {d[0]: d[4] for d in districts}
        for i, block in enumerate(_ranges(s.old_communes, s.districts)):
            for k, _c in enumerate(block):
                old_communes.append(
                    self._unit(
                        f"{districts[i][1]}.X{k + 1:02d}",
                        f"Đảng bộ xã {_name(rng)}",
                        "commune",
                        districts[i],
                        FOUNDED,
                        REORGANISED,
                    )
                )
        # New communes: each new province gets a share of the 3.321 in proportion to its old communes.
        old_province_index = {p[0]: i for i, p in enumerate(old_provinces)}
        by_new_province: list[list[tuple[Any, ...]]] = [[] for _ in new_provinces]
        for commune in old_communes:
            old_prov = district_province[commune[4]]
            by_new_province[province_of_old[old_province_index[old_prov]]].append(commune)
        quotas = [max(1, round(s.new_communes * len(group) / s.old_communes)) for group in by_new_province]
        quotas[-1] += s.new_communes - sum(quotas)
        self.targets: dict[int, list[tuple[int, float]]] = {}  # old commune -> (new commune, share)
        number = 0
        for j, (group, quota) in enumerate(zip(by_new_province, quotas, strict=True)):
            news = []
            for _n in range(quota):
                number += 1
                news.append(
                    self._unit(
                        f"{new_provinces[j][1]}.X{number:04d}",
                        f"Đảng ủy xã {_name(rng)}",
                        "commune",
                        new_provinces[j],
                        REORGANISED,
                        None,
                    )
                )
            for k, commune in enumerate(group):
                target = k * quota // len(group)
                if quota > 1 and k % s.split_every == s.split_every - 1:
                    other = target + 1 if target + 1 < quota else target - 1
                    shares = [(news[target][0], 0.6), (news[other][0], 0.4)]
                    kind = "split"
                else:
                    shares = [(news[target][0], 1.0)]
                    kind = "merge"
                self.targets[commune[0]] = shares
                for successor, share in shares:
                    self.successions.append((commune[0], successor, REORGANISED, kind, share))
        # Cells: under an old commune until the merger, then under (one of) its successors.
        new_by_id = {u[0]: u for u in self.units if u[3] == "commune" and u[8] is None}
        members = _spread(s.members, s.cells, rng)
        for c, block in enumerate(_ranges(s.cells, s.old_communes)):
            commune = old_communes[c]
            shares = self.targets[commune[0]]
            for k, index in enumerate(block):
                new_parent = new_by_id[shares[k % len(shares)][0]]
                pk = len(self.units) + 1
                code = f"{commune[1]}.C{k + 1:02d}"
                row = (
                    pk,
                    code,
                    f"Chi bộ {_name(rng)} {k + 1}",
                    "cell",
                    new_parent[0],
                    f"{new_parent[5]}{pk}/",
                    new_parent[6] + 1,
                    FOUNDED,
                    None,
                    members[index],
                    code.lower(),
                )
                self.units.append(row)
                self.placements.append((pk, commune[0], FOUNDED, REORGANISED))
                self.placements.append((pk, new_parent[0], REORGANISED, None))


def _copy(cursor: Any, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _columns(model: Any, *names: str) -> list[str]:
    return [model._meta.get_field(name).column for name in names]


def _drop_indexes(cursor: Any, table: str) -> list[str]:
    """Drop a table's secondary indexes and constraints; return the statements that rebuild them."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype <> 'p'",
        [table],
    )
    constraints = cursor.fetchall()
    rebuild = [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for name, definition in constraints]
    for name, _definition in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
        "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
        [table, table],
    )
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in indexes] + rebuild


def load_organisation(world: World, progress: Progress) -> None:
    from django.db import connection

    from tuyengiao.org.models import Unit, UnitPlacement, UnitSuccession

    progress.step("tổ chức (COPY)")
    now = dt.datetime.now(dt.UTC)
    unit_cols = _columns(
        Unit,
        "id",
        "code",
        "name",
        "kind",
        "parent",
        "path",
        "depth",
        "valid_from",
        "valid_to",
        "member_count",
        "search_text",
        "created_at",
        "updated_at",
    )
    with connection.cursor() as cursor:
        _copy(cursor, Unit._meta.db_table, unit_cols, [(*u, now, now) for u in world.units])
        _copy(
            cursor,
            UnitPlacement._meta.db_table,
            _columns(UnitPlacement, "unit", "parent", "valid_from", "valid_to"),
            world.placements,
        )
        _copy(
            cursor,
            UnitSuccession._meta.db_table,
            _columns(UnitSuccession, "predecessor", "successor", "date", "kind", "share", "note"),
            [(*s, "") for s in world.successions],
        )
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{Unit._meta.db_table}', 'id'), %s)", [len(world.units)])
    kinds: dict[str, int] = {}
    for unit in world.units:
        key = unit[3] if unit[8] is None else f"{unit[3]} (đã đóng)"
        kinds[key] = kinds.get(key, 0) + 1
    members = sum(u[9] for u in world.units)
    progress.done(", ".join(f"{k}: {_vn(v)}" for k, v in kinds.items()) + f", đảng viên: {_vn(members)}")


def _months() -> list[str]:
    return [f"{year}{month:02d}" for year in YEARS for month in range(1, 13)]


# Figures per member per month (integer elements); the rest get a small count.
_FACTORS = {
    "HT_DV_TRIEU_TAP": 0.9,
    "HT_DV_THAM_GIA": 0.85,
    "HT_QC_THAM_GIA": 1.4,
    "HT_BAI_THU_HOACH": 0.6,
    "HT_HOI_NGHI": 0.03,
}


def load_values(progress: Progress) -> int:
    """Every integer element monthly and the half-year report, for every cell, from inside PostgreSQL."""
    from django.db import connection

    from tuyengiao.reporting.models import DataElement, DataSet, DataSetElement, DataValue, Submission

    monthly = DataSet.objects.get(code="BC_THANG")
    half = DataSet.objects.get(code="BC_6THANG")
    DataSet.objects.filter(pk__in=[monthly.pk, half.pk]).update(unit_kinds=["cell"])
    in_half = set(DataSetElement.objects.filter(dataset=half).values_list("element_id", flat=True))
    # The country reports about two dozen monthly figures; a smaller catalogue is topped up with
    # benchmark elements so the tables measure the same volume whatever the demo catalogue holds.
    wanted = int(os.environ.get("BENCH_ELEMENTS", "24"))
    typed = DataElement.objects.filter(value_type="integer", aggregation="sum").exclude(pk__in=in_half)
    for number in range(1, max(0, wanted - typed.count()) + 1):
        DataElement.objects.get_or_create(code=f"DO_{number:02d}", defaults={
            "name": f"Chỉ tiêu đo hiệu năng {number:02d}", "value_type": "integer", "aggregation": "sum"})
    integer = list(DataElement.objects.filter(value_type="integer", aggregation="sum").order_by("code"))
    for order, element in enumerate(e for e in integer if e.pk not in in_half):
        DataSetElement.objects.update_or_create(
            dataset=monthly, element=element, defaults={"order": order, "section": "I. Học tập"}
        )
    factors = [(e.pk, _FACTORS.get(e.code, 0.02)) for e in integer if e.pk not in in_half]
    months = _months()
    table = DataValue._meta.db_table
    cols = _columns(
        DataValue, "created_at", "updated_at", "version", "element", "unit", "period", "value", "text_value", "comment"
    )
    with connection.cursor() as cursor:
        rebuild = _drop_indexes(cursor, table)
        progress.step(f"số liệu tháng: {len(factors)} chỉ tiêu × {len(months)} tháng × mọi chi bộ")
        factor_rows = ", ".join(f"({pk}, {factor})" for pk, factor in factors)
        for index, month in enumerate(months, start=1):
            # A cell misses about 3% of months; figures grow a little over time.
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(cols)}) "
                "SELECT now(), now(), 1, f.element_id, u.id, %s, "
                "  floor(u.member_count * f.factor * (0.6 + 0.8 * ((u.id::bigint * 2654435761 + f.element_id * 40503"
                "        + %s * 9973) %% 10007) / 10007.0) * (1 + %s / 200.0)), '', '' "
                f"FROM org_unit u CROSS JOIN (VALUES {factor_rows}) AS f(element_id, factor) "
                "WHERE u.kind = 'cell' AND (u.id * 31 + %s * 17) %% 100 >= 3",
                [month, index, index, index],
            )
            progress.bar(index, len(months), month)
        progress.step("số liệu 6 tháng")
        half_elements = list(DataElement.objects.filter(pk__in=in_half).exclude(value_type="text"))
        for index, period in enumerate([f"{y}S{h}" for y in YEARS for h in (1, 2)], start=1):
            for element in half_elements:
                if element.value_type == "percent":
                    expression = "60 + 40 * ((u.id::bigint * 7919 + %s * 104729) %% 1000) / 1000.0"
                    params: list[Any] = [index]
                else:
                    expression = "floor(1 + u.member_count * 0.02 * ((u.id::bigint * 7919 + %s) %% 1000) / 1000.0)"
                    params = [index]
                cursor.execute(
                    f"INSERT INTO {table} ({', '.join(cols)}) "
                    f"SELECT now(), now(), 1, %s, u.id, %s, round(({expression})::numeric, 1), '', '' "
                    "FROM org_unit u WHERE u.kind = 'cell'",
                    [element.pk, period, *params],
                )
            progress.bar(index, 4, period)
        progress.step("chỉ mục và ràng buộc của bảng số liệu")
        for statement in rebuild:
            cursor.execute(statement)
        progress.done()
        progress.step("báo cáo đã gửi (submissions)")
        sub_cols = _columns(
            Submission, "created_at", "updated_at", "dataset", "unit", "period", "status", "reason", "submitted_at",
            "snapshot", "previous_snapshot",
        )
        # Approved for 2024, submitted for 2025; sent 0–14 days after the month ends (due on day 5).
        cursor.execute(
            f"INSERT INTO {Submission._meta.db_table} ({', '.join(sub_cols)}) "
            "SELECT now(), now(), %s, v.unit_id, v.period, "
            "  CASE WHEN v.period < '2025' THEN 'approved' ELSE 'submitted' END, '', "
            "  (to_date(v.period, 'YYYYMM') + interval '1 month' + ((v.unit_id %% 15) || ' days')::interval)"
            "  AT TIME ZONE 'Asia/Ho_Chi_Minh', '{}', '{}' "
            f"FROM (SELECT DISTINCT unit_id, period FROM {table} WHERE element_id = %s) v",
            [monthly.pk, factors[0][0]],
        )
        cursor.execute(f"SELECT count(*) FROM {table}")
        total = int(cursor.fetchone()[0])
    progress.done(f"{_vn(total)} giá trị")
    return total


def load_campaigns(progress: Progress) -> None:
    from django.db import connection

    from tuyengiao.campaigns.models import Campaign, CampaignParticipation
    from tuyengiao.org.models import Unit

    progress.step("đợt học tập và tỷ lệ tham gia của mọi chi bộ")
    central = Unit.objects.get(code="TW")
    titles = [
        "Học tập, quán triệt Nghị quyết Đại hội XIV của Đảng",
        "Học tập chuyên đề năm 2025",
        "Quán triệt Nghị quyết số 57-NQ/TW",
    ]
    with connection.cursor() as cursor:
        for number, title in enumerate(titles):
            campaign = Campaign.objects.create(
                title=title,
                unit=central,
                scope=central,
                start=dt.date(2025, 3 + number * 2, 1),
                deadline=dt.date(2025, 6 + number * 2, 30),
            )
            cols = _columns(
                CampaignParticipation, "created_at", "updated_at", "campaign", "unit", "expected", "attended", "source"
            )
            cursor.execute(
                f"INSERT INTO {CampaignParticipation._meta.db_table} ({', '.join(cols)}) "
                "SELECT now(), now(), %s, u.id, u.member_count, "
                "  floor(u.member_count * (0.8 + 0.2 * ((u.id * 13 + %s) %% 100) / 100.0)), 'typed' "
                "FROM org_unit u WHERE u.kind = 'cell' AND u.valid_to IS NULL AND u.member_count > 0",
                [campaign.pk, number],
            )
    progress.done()


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuyengiao.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    import django

    django.setup()


def generate(scale_name: str) -> None:
    progress = Progress()
    print(f"Tạo dữ liệu đo hiệu năng, quy mô {scale_name} (var/bench/{scale_name}/)")
    bench_cluster.create(scale_name)
    with bench_cluster.running(scale_name, bulk_load=True) as cluster:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=cluster.port, user=cluster.user, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute("CREATE DATABASE tuyengiao")
        _setup_django(bench_cluster.database_url(cluster))
        from auditlog.context import disable_auditlog
        from django.core.management import call_command
        from django.db import connection, transaction

        progress.step("bảng (migrate)")
        call_command("migrate", verbosity=0)
        progress.done()
        with disable_auditlog():
            if scale_name == "demo":
                progress.step("tỉnh mẫu (load_demo)")
                call_command("load_demo", quiet_logins=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
                progress.done()
            else:
                from tuyengiao.demo.reporting import catalogue

                progress.step("tổ chức (dựng trong bộ nhớ)")
                world = World(SCALES[scale_name])
                progress.done(f"{_vn(len(world.units))} đơn vị")
                with transaction.atomic():
                    load_organisation(world, progress)
                    catalogue()
                with transaction.atomic():
                    load_values(progress)
                    from tuyengiao.reporting import report_counts

                    progress.step("báo cáo đã gửi theo từng đơn vị cấp trên")
                    progress.done(f"{_vn(report_counts.rebuild())} dòng")  # the reports were written by COPY
                with transaction.atomic():
                    load_campaigns(progress)
        progress.step("VACUUM ANALYZE")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            size = cursor.fetchone()[0]
        progress.done(f"cơ sở dữ liệu {size}")
        connection.close()
    print(f"Xong trong {time.perf_counter() - progress.started:.0f} s.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["demo", *SCALES], default="demo")
    args = parser.parse_args(argv)
    generate(args.scale)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
